"""Measure the tagger against gold files: level agreement and precision / recall / F1.

A gold file is a CSV with the columns `municipality,year,framework,item,level` (more columns,
such as a note on the reasoning, are allowed and ignored). Each gold row is matched to the
workspace document of that municipality and year — a plan first, the period's first year first —
and compared with the tagger's level (not the analysts' decisions: this measures the tagger).

"Addressed" means X or (X); precision, recall and F1 are for addressed versus blank, and
"blanks kept" is the share of the gold's blanks that the tagger leaves blank; "sure agreement"
is the level agreement on the cells the tagger marks `sure`, and "unsure share" the share of
cells it marks `unsure` (its confidence is calibrated when the first is high and the second
low).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from compare.errors import BadGold, CompareError
from compare.frameworks.catalog import Framework, labels_only, load_frameworks
from compare.schema import EVIDENCE, KIND_PLAN, LEVEL_NONE, TAGS, empty_frame, period_covers
from compare.schema import GOLD as GOLD_SCHEMA
from compare.store.documents import load_documents
from compare.store.review_db import normalise_level
from compare.store.versions import SUPERSEDED_BY
from compare.store.workspace import Workspace
from compare.tagging.pipeline import tag_documents
from compare.text import fold_name

GOLD_COLUMNS = ("municipality", "year", "framework", "item", "level")
OVERALL = "(all)"


@dataclass
class Evaluation:
    """The comparison of a workspace with gold rows."""

    rows: pl.DataFrame  # one per gold row: gold and tagger level, doc_id, score, evidence
    metrics: pl.DataFrame  # per framework and overall (framework == OVERALL)

    @property
    def disagreements(self) -> pl.DataFrame:
        """Gold rows where the tagger's level differs (missing documents excluded)."""
        return self.rows.filter(
            pl.col("doc_id").is_not_null() & (pl.col("gold") != pl.col("tagger"))
        )

    @property
    def missing(self) -> pl.DataFrame:
        """Gold rows with no tagged document in the workspace."""
        return self.rows.filter(pl.col("doc_id").is_null())


def load_gold(path: Path | str) -> pl.DataFrame:
    """Read and check a gold CSV (raises BadGold naming file, line and problem)."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as err:
        raise BadGold(path, f"cannot read the file ({err.strerror or err})") from err
    except UnicodeDecodeError as err:
        raise BadGold(
            path, "the file is not UTF-8 text; save it as UTF-8 (Excel: CSV UTF-8)"
        ) from err
    # Excel in Danish saves "CSV" with semicolons: the header line says which separator it is.
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=max(",;\t", key=first_line.count))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in GOLD_COLUMNS if c not in header]
    if missing:
        raise BadGold(
            path,
            f"missing column {missing[0]!r}; a gold file has the columns " + ",".join(GOLD_COLUMNS),
            1,
        )
    index = {name: header.index(name) for name in GOLD_COLUMNS}
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        cells = cells + [""] * (len(header) - len(cells))
        value = {name: cells[i].strip() for name, i in index.items()}
        if not value["municipality"] or not value["framework"] or not value["item"]:
            raise BadGold(path, "municipality, framework and item must not be empty", line)
        if not value["year"].isdigit():
            raise BadGold(path, f"bad year {value['year']!r}: give a four-digit year", line)
        try:
            level = normalise_level(value["level"])
        except CompareError as err:
            raise BadGold(path, str(err), line) from err
        rows.append(
            (
                value["municipality"],
                int(value["year"]),
                value["framework"],
                value["item"],
                level,
                path.name,
                line,
            )
        )
    return pl.DataFrame(rows, schema=GOLD_SCHEMA, orient="row")


def _match_documents(gold: pl.DataFrame, documents: pl.DataFrame) -> pl.DataFrame:
    """The document for each (municipality, year) of the gold rows: municipality, year, doc_id.

    A plan of that first year first, then a current version, then the smallest doc_id.
    """
    found: list[tuple[str, int, str]] = []
    docs = [row for row in documents.to_dicts() if row["municipality"] and row["year"]]
    for municipality, year in gold.select("municipality", "year").unique().iter_rows():
        wanted = fold_name(municipality)
        candidates = [
            row
            for row in docs
            if fold_name(row["municipality"]) == wanted
            and period_covers(row["year"], row["year_to"], year)
        ]
        if candidates:
            best = min(
                candidates,
                key=lambda r: (
                    r["year"] != year,
                    r["kind"] != KIND_PLAN,
                    r[SUPERSEDED_BY] is not None,
                    r["doc_id"],
                ),
            )
            found.append((municipality, year, best["doc_id"]))
    schema = {name: GOLD_SCHEMA[name] for name in ("municipality", "year")} | {"doc_id": pl.Utf8}
    return pl.DataFrame(found, schema=schema, orient="row")


def frameworks_beside_gold(
    gold_files: Sequence[Path], gold: pl.DataFrame
) -> list[Framework] | None:
    """The frameworks folder's frameworks plus those the gold rows name from a `frameworks/`
    folder beside a gold file; None (the frameworks folder alone) where there are none.

    Only frameworks the gold names are added: what else is tagged in the same run changes the
    tagger's corpus statistics, so a gold file of shipped frameworks gets the same figures with
    or without the folder beside it.
    """
    folders = sorted(
        {p.parent / "frameworks" for p in gold_files if (p.parent / "frameworks").is_dir()}
    )
    if not folders:
        return None
    named = set(gold["framework"].to_list())
    by_id = {fw.id: fw for fw in load_frameworks(errors=[])}
    extra = [
        fw
        for folder in folders
        for fw in load_frameworks(folder)  # a malformed file is an error naming it
        if fw.id in named and fw.id not in by_id
    ]
    if not extra:
        return None
    return sorted([*by_id.values(), *extra], key=lambda fw: fw.id)


def retag_labels_only(
    ws: Workspace,
    documents: pl.DataFrame,
    doc_ids: Iterable[str],
    frameworks: Sequence[Framework] | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """TAGS and EVIDENCE for the given documents, tagged in memory with labels-only frameworks.

    Each document is tagged as `compare tag --kind KIND` tags it: together with every document
    of its kind in the workspace, because the tagger learns from all the documents it is given
    at once (then the others are dropped; nothing is written). So a gold file gets the same
    figures alone as beside the gold files of other documents. Omit `frameworks` to use the
    frameworks folder.
    """
    wanted = list(set(doc_ids))
    fws = labels_only(frameworks if frameworks is not None else load_frameworks(errors=[]))
    kinds = documents.filter(pl.col("doc_id").is_in(wanted))["kind"].unique().sort().to_list()
    results = []
    for kind in kinds:
        docs = documents.filter(pl.col("kind") == kind)
        tags, evidence = tag_documents(docs, ws.read_segments(docs["doc_id"].to_list()), fws)
        keep = pl.col("doc_id").is_in(wanted)
        results.append((tags.filter(keep), evidence.filter(keep)))
    if not results:
        return empty_frame(TAGS), empty_frame(EVIDENCE)
    return pl.concat([t for t, _ in results]), pl.concat([e for _, e in results])


def evaluate(
    ws: Workspace,
    gold: pl.DataFrame | Sequence[Path | str],
    framework_ids: Iterable[str] | None = None,
    labels_only: bool = False,
    frameworks: Sequence[Framework] | None = None,
) -> Evaluation:
    """Compare the workspace's tags with gold rows (a frame from `load_gold`, or gold files).

    With `labels_only`, the gold documents are tagged again in memory with every framework's
    keywords and descriptions stripped (see `retag_labels_only`; `frameworks` as there), so the
    figures show what a framework of pasted titles gets. Otherwise the stored tags are compared.
    """
    if not isinstance(gold, pl.DataFrame):
        gold = pl.concat([load_gold(p) for p in gold]) if gold else pl.DataFrame(schema=GOLD_SCHEMA)
    if framework_ids is not None:
        gold = gold.filter(pl.col("framework").is_in(list(framework_ids)))
    documents = load_documents(ws)
    matched = _match_documents(gold, documents)
    if labels_only:
        tags, evidence = retag_labels_only(ws, documents, matched["doc_id"].to_list(), frameworks)
    else:
        tags, evidence = ws.read_tags(), ws.read_evidence()
    evidence = evidence.filter(pl.col("rank") == 1)
    keyed = gold.join(matched, on=["municipality", "year"], how="left", maintain_order="left")
    rows = (
        keyed.join(
            tags.select(
                "doc_id",
                "framework_id",
                "item_id",
                "level",
                "score",
                "target_sentence",
                "confidence",
                "confidence_reason",
            ),
            left_on=["doc_id", "framework", "item"],
            right_on=["doc_id", "framework_id", "item_id"],
            how="left",
        )
        .join(
            evidence.select("doc_id", "framework_id", "item_id", "quote", "heading_path"),
            left_on=["doc_id", "framework", "item"],
            right_on=["doc_id", "framework_id", "item_id"],
            how="left",
        )
        .rename({"level": "gold", "level_right": "tagger"})
        .with_columns(
            pl.when(pl.col("tagger").is_null())
            .then(pl.lit(None, pl.Utf8))
            .otherwise(pl.col("doc_id"))
            .alias("doc_id")
        )
    )
    rows = rows.select(
        "source",
        "line",
        "municipality",
        "year",
        "framework",
        "item",
        "gold",
        "tagger",
        "score",
        "confidence",
        "confidence_reason",
        "doc_id",
        "target_sentence",
        "heading_path",
        "quote",
    )
    return Evaluation(rows, _metrics(rows))


def _metrics(rows: pl.DataFrame) -> pl.DataFrame:
    scored = rows.filter(pl.col("doc_id").is_not_null())
    frames = [
        (fw, scored.filter(pl.col("framework") == fw), rows.filter(pl.col("framework") == fw))
        for fw in sorted(set(rows["framework"].to_list()))
    ]
    frames.append((OVERALL, scored, rows))
    out = []
    for name, part, everything in frames:
        gold_on = part["gold"] != LEVEL_NONE
        tag_on = part["tagger"] != LEVEL_NONE
        tp = int((gold_on & tag_on).sum())
        fp = int((~gold_on & tag_on).sum())
        fn = int((gold_on & ~tag_on).sum())
        tn = int((~gold_on & ~tag_on).sum())
        precision = tp / (tp + fp) if tp + fp else None
        recall = tp / (tp + fn) if tp + fn else None
        f1 = (
            2 * precision * recall / (precision + recall)
            if precision is not None and recall is not None and precision + recall
            else None
        )
        agreement = (part["gold"] == part["tagger"]).sum() / part.height if part.height else None
        sure = part.filter(pl.col("confidence") == "sure")
        sure_agreement = (
            (sure["gold"] == sure["tagger"]).sum() / sure.height if sure.height else None
        )
        unsure = (part["confidence"] == "unsure").sum() / part.height if part.height else None
        out.append(
            {
                "framework": name,
                "n": part.height,
                "missing": everything.height - part.height,
                "agreement": agreement,
                "precision": precision,
                "recall": recall,
                "f1": f1,
                "blanks_kept": tn / (tn + fp) if tn + fp else None,
                "sure_agreement": sure_agreement,
                "unsure_share": unsure,
                "tp": tp,
                "fp": fp,
                "fn": fn,
            }
        )
    return pl.DataFrame(
        out,
        schema={
            "framework": pl.Utf8,
            "n": pl.Int64,
            "missing": pl.Int64,
            "agreement": pl.Float64,
            "precision": pl.Float64,
            "recall": pl.Float64,
            "f1": pl.Float64,
            "blanks_kept": pl.Float64,
            "sure_agreement": pl.Float64,
            "unsure_share": pl.Float64,
            "tp": pl.Int64,
            "fp": pl.Int64,
            "fn": pl.Int64,
        },
    )
