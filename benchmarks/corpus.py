"""Synthetic, plan-sized Danish employment plans for benchmarks: deterministic, mixed formats.

Each plan has the shape of the real ones: numbered chapters, a chapter on the year's
ministerial goals (the real goal titles, taken from `data/frameworks/`), status and efforts per
target group with `Status` / `Indsatser` subheadings, targets with numbers, a results table, and
for some plain-text plans OCR damage as in the seeds (`Kgbenhavn`, `beskaftigelse`, `mal`).
Municipalities come from the registry, years from the goal frameworks. Other benchmarks reuse
`generate_corpus` (files) or `plan_sections` (structure) to get realistic input.

    .venv/bin/python benchmarks/corpus.py OUT_DIR [--docs 500] [--seed 0]
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import sys
import textwrap
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compare.frameworks.catalog import load_frameworks  # noqa: E402
from compare.ingest.metadata import period_label  # noqa: E402
from compare.registry.lookup import load_registry  # noqa: E402
from compare.schema import FRAMEWORK_GOALS  # noqa: E402

CORPUS_VERSION = 2  # bump when the generated text changes, so cached corpora are rebuilt
FORMAT_WEIGHTS = {"txt": 0.35, "md": 0.15, "pdf": 0.30, "docx": 0.20}
DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")

GROUPS = [
    "dagpengemodtagere",
    "jobparate kontanthjælpsmodtagere",
    "aktivitetsparate borgere",
    "unge uden uddannelse",
    "sygemeldte",
    "flygtninge og familiesammenførte",
    "personer med handicap",
    "langtidsledige",
    "ledige akademikere",
    "borgere i fleksjob",
]
EFFORTS = [
    "virksomhedspraktik",
    "løntilskud",
    "mentorstøtte",
    "opkvalificering",
    "jobsamtaler",
    "brobygningsforløb",
    "virksomhedsrettet aktivering",
    "IGU-forløb",
    "jobrotation",
    "helhedsorienteret indsats",
    "fast track",
    "delvise raskmeldinger",
    "danskundervisning",
    "jobformidling",
    "screening for langtidsledighed",
]
PARTNERS = [
    "virksomhederne",
    "a-kasserne",
    "uddannelsesinstitutionerne",
    "Socialforvaltningen",
    "nabokommunerne",
    "erhvervsskolerne",
    "de faglige organisationer",
    "civilsamfundet",
]
SENTENCES = [
    "{m} vil i {y} styrke {e} for {g}, så flere kommer i job eller uddannelse.",
    "Målet er, at {p} pct. af {g} er i beskæftigelse eller uddannelse ved udgangen af {y}.",
    "Jobcenter {m} samarbejder tæt med {partner} om {e} og om rekruttering til brancher med "
    "mangel på arbejdskraft.",
    "Antallet af {g} skal reduceres med {n} fuldtidspersoner frem mod {y2}.",
    "Status er, at {g} udgør {p} pct. af ydelsesmodtagerne, hvilket er et fald i forhold til "
    "sidste år.",
    "Indsatsen bygger på en tidlig og tæt kontakt, hvor der fra første samtale er fokus på job, "
    "og hvor der løbende følges op på progression.",
    "Med budgetaftalen for {y} er der afsat {b} mio. kr. til {e} målrettet {g}.",
    "Erfaringerne viser, at {e} giver gode resultater, særligt når forløbet kombineres med {e2}.",
    "Jobcentret vil desuden udbrede brugen af {e} og sikre, at {g} får et tilbud inden for "
    "{w} uger.",
    "{m} ligger nummer {r} ud af {r2} kommuner i klyngen, og afstanden til de bedste er mindsket.",
]
_OCR = {
    "ø": ["g", "e", "o"],
    "æ": ["a", "ae", "e"],
    "å": ["a", "4"],
    "Ø": ["O"],
    "Æ": ["A"],
    "Å": ["A"],
}


@dataclass(frozen=True)
class PlanSpec:
    """What one synthetic plan is: whose, for which period, in which format, how damaged."""

    index: int
    municipality: str
    year: int
    year_to: int
    fmt: str
    ocr: bool


@dataclass(frozen=True)
class Section:
    """A heading (level 1–3, numbered or not) and the paragraphs under it."""

    level: int
    heading: str
    paragraphs: tuple[str, ...]


def goals_by_year() -> dict[int, list[str]]:
    """The ministerial goal titles per year, from the goal frameworks in `data/frameworks/`."""
    out: dict[int, list[str]] = {}
    for framework in load_frameworks():
        if framework.kind == FRAMEWORK_GOALS and framework.year is not None:
            out[framework.year] = [item.label for item in framework.items]
    return out


def _sentence(rng: random.Random, spec: PlanSpec) -> str:
    template = rng.choice(SENTENCES)
    return template.format(
        m=spec.municipality,
        y=spec.year,
        y2=spec.year_to + rng.randint(0, 2),
        g=rng.choice(GROUPS),
        e=rng.choice(EFFORTS),
        e2=rng.choice(EFFORTS),
        partner=rng.choice(PARTNERS),
        p=rng.randint(3, 80),
        n=rng.randint(20, 900),
        b=round(rng.uniform(0.5, 40), 1),
        w=rng.choice([2, 4, 6, 8]),
        r=rng.randint(1, 30),
        r2=rng.choice([6, 12, 30]),
    )


def _paragraphs(rng: random.Random, spec: PlanSpec, count: int) -> tuple[str, ...]:
    return tuple(
        " ".join(_sentence(rng, spec) for _ in range(rng.randint(3, 6))) for _ in range(count)
    )


def plan_sections(spec: PlanSpec, goals: dict[int, list[str]], seed: int = 0) -> list[Section]:
    """The sections of one plan (about 35–45 KB of text, like the real plans)."""
    rng = random.Random(f"{seed}:{spec.index}")
    period = period_label(spec.year, spec.year_to)
    out = [
        Section(
            1,
            "1 Indledning",
            (
                f"Beskæftigelsesplan {period} for {spec.municipality} Kommune beskriver, hvordan "
                f"Jobcenter {spec.municipality} vil nå de beskæftigelsespolitiske mål. "
                + _sentence(rng, spec),
                *_paragraphs(rng, spec, 2),
            ),
        )
    ]
    out.append(Section(1, "2 Vision og strategiske fokusområder", _paragraphs(rng, spec, 3)))
    year_goals = goals.get(spec.year) or goals[max(goals)]
    out.append(
        Section(
            1,
            f"3 Ministermål for {spec.year}",
            (
                f"Beskæftigelsesministeren har for {spec.year} udmeldt {len(year_goals)} mål, som "
                f"planen forholder sig til.",
            ),
        )
    )
    for number, goal in enumerate(year_goals, start=1):
        out.append(Section(2, f"3.{number} {goal}", _paragraphs(rng, spec, 2)))
        out.append(Section(3, "Mål", _paragraphs(rng, spec, 1)))
        out.append(Section(3, "Indsatser", _paragraphs(rng, spec, 2)))
    out.append(Section(1, "4 Status og indsatser for målgrupperne", _paragraphs(rng, spec, 1)))
    for number, group in enumerate(rng.sample(GROUPS, 6), start=1):
        out.append(
            Section(2, f"4.{number} {group[0].upper()}{group[1:]}", _paragraphs(rng, spec, 1))
        )
        out.append(Section(3, "Status", _paragraphs(rng, spec, 2)))
        out.append(Section(3, "Indsatser", _paragraphs(rng, spec, 3)))
    out.append(
        Section(
            1, f"5 Resultater af beskæftigelsesindsatsen {spec.year - 1}", _paragraphs(rng, spec, 3)
        )
    )
    return out


def _damage(text: str, rng: random.Random) -> str:
    """OCR-style misreadings of æ, ø and å, as in the seed plans."""
    return "".join(rng.choice(_OCR[ch]) if ch in _OCR and rng.random() < 0.7 else ch for ch in text)


def plan_title(spec: PlanSpec) -> str:
    """The title page's text, as real plans have it: `Beskæftigelsesplan 2020-2022 – X Kommune`."""
    period = period_label(spec.year, spec.year_to)
    return f"Beskæftigelsesplan {period} – {spec.municipality} Kommune"


def plan_text(sections: list[Section], title: str, markdown: bool = False) -> str:
    """Plain text wrapped at 95 characters (as OCR output is), or Markdown with # headings."""
    parts: list[str] = [f"# {title}" if markdown else title]
    for section in sections:
        parts.append(
            f"{'#' * (section.level + 1)} {section.heading}" if markdown else section.heading
        )
        for paragraph in section.paragraphs:
            parts.append(paragraph if markdown else textwrap.fill(paragraph, width=95))
    return "\n\n".join(parts) + "\n"


def plan_file_text(spec: PlanSpec, sections: list[Section], seed: int = 0) -> str:
    """A plan as its text file holds it: Markdown for `md`, else wrapped text (OCR-damaged if
    `ocr`)."""
    text = plan_text(sections, plan_title(spec), markdown=spec.fmt == "md")
    if spec.ocr:
        text = _damage(text, random.Random(f"ocr:{seed}:{spec.index}"))
    return text


def _pdf(sections: list[Section], title: str) -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    family = "Helvetica"
    if DEJAVU.exists():
        pdf.add_font("Body", "", str(DEJAVU))
        family = "Body"
    pdf.add_page()
    pdf.set_font(family, size=20)
    pdf.multi_cell(0, 10, text=title)
    pdf.ln(6)
    sizes = {1: 16, 2: 13, 3: 12}
    for section in sections:
        pdf.set_font(family, size=sizes[section.level])
        pdf.multi_cell(0, 7, text=section.heading)
        pdf.ln(2)
        pdf.set_font(family, size=10)
        for paragraph in section.paragraphs:
            pdf.multi_cell(0, 5, text=paragraph)
            pdf.ln(3)
    return bytes(pdf.output())


def _docx(sections: list[Section], title: str) -> bytes:
    from docx import Document

    doc = Document()
    doc.add_heading(title, level=0)
    for section in sections:
        doc.add_heading(section.heading, level=section.level)
        for paragraph in section.paragraphs:
            doc.add_paragraph(paragraph)
    table = doc.add_table(rows=3, cols=3)
    for r, row in enumerate(
        [("Målgruppe", "Mål", "Resultat"), ("Unge", "75 %", "71 %"), ("Flygtninge", "45 %", "48 %")]
    ):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def write_plan(folder: Path, spec: PlanSpec, goals: dict[int, list[str]], seed: int = 0) -> Path:
    """Write one plan in its format; returns the file (named like real files: no municipality)."""
    sections = plan_sections(spec, goals, seed)
    title = plan_title(spec)
    path = folder / f"bilag-{spec.index:04d}.{spec.fmt}"
    if spec.fmt == "pdf":
        path.write_bytes(_pdf(sections, title))
    elif spec.fmt == "docx":
        path.write_bytes(_docx(sections, title))
    else:
        path.write_text(plan_file_text(spec, sections, seed), encoding="utf-8")
    return path


def plan_specs(n: int, seed: int = 0) -> list[PlanSpec]:
    """N plan descriptions: municipalities from the registry, years with ministerial goals."""
    rng = random.Random(seed)
    municipalities = [m.name for m in load_registry().municipalities()]
    years = sorted(goals_by_year())
    formats, weights = zip(*FORMAT_WEIGHTS.items(), strict=True)
    specs = []
    for index in range(n):
        year = rng.choice(years)
        year_to = year + rng.choice([0, 0, 0, 2, 3])
        fmt = rng.choices(formats, weights)[0]
        specs.append(
            PlanSpec(
                index,
                rng.choice(municipalities),
                year,
                year_to,
                fmt,
                ocr=fmt == "txt" and rng.random() < 0.5,
            )
        )
    return specs


def generate_corpus(folder: Path, n: int = 500, seed: int = 0) -> list[tuple[Path, PlanSpec]]:
    """Write N plans into `folder`; a corpus of the same N, seed and version there is reused."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = folder / "corpus.json"
    specs = plan_specs(n, seed)
    key = {"version": CORPUS_VERSION, "n": n, "seed": seed}
    if manifest.exists() and json.loads(manifest.read_text())["key"] == key:
        files = [folder / item["file"] for item in json.loads(manifest.read_text())["plans"]]
        if all(f.exists() for f in files):
            return list(zip(files, specs, strict=True))
    goals = goals_by_year()
    out = [(write_plan(folder, spec, goals, seed), spec) for spec in specs]
    manifest.write_text(
        json.dumps(
            {"key": key, "plans": [{"file": path.name, **asdict(spec)} for path, spec in out]},
            ensure_ascii=False,
            indent=1,
        )
    )
    return out


def corpus_frames(n: int, seed: int = 0, id_width: int = 5):
    """DOCUMENTS and SEGMENTS frames of n generated plans, parsed and segmented as ingest does.

    Text formats only (no PDF/DOCX step): what the tagging and search benchmarks run on.
    """
    import polars as pl

    from compare.ingest import parse_document, segment
    from compare.schema import DOCUMENTS, SEGMENTS, conform
    from compare.text import NORMALISER_VERSION

    goals = goals_by_year()
    docs, segs = [], []
    for spec in plan_specs(n, seed):
        text = plan_file_text(spec, plan_sections(spec, goals, seed), seed)
        doc_id = f"bench{spec.index:0{id_width}d}"
        name = f"plan-{spec.index}.{'md' if spec.fmt == 'md' else 'txt'}"
        segs.append(segment(doc_id, parse_document(text.encode("utf-8"), name)))
        docs.append(
            {
                "doc_id": doc_id,
                "content_hash": doc_id,
                "text_hash": f"t{doc_id}",
                "file_name": name,
                "title": plan_title(spec),
                "municipality": spec.municipality,
                "year": spec.year,
                "year_to": spec.year_to,
                "kind": "plan",
                "n_chars": len(text),
                "normaliser_version": NORMALISER_VERSION,  # segmented as ingest does: current
            }
        )
    return conform(pl.DataFrame(docs), DOCUMENTS), conform(pl.concat(segs), SEGMENTS)


SEEDS = ROOT.parent / "shared" / "seeds"
SEED_PLANS = {2018: "000_010c7ad56dba5589.txt", 2022: "001_40bbc7606dbfb722.txt"}
# København in the seeds' OCR spellings (Kgbenhavn, Kebenhavns, Kesbenhavn, KØBENHAVN ...).
COPENHAGEN = re.compile(r"\b(?:K|k)(?:[gøeoa]|ge|es|ø)benhavn(?=s?\b)", re.IGNORECASE)


def seed_plans(folder: Path, n: int, seed: int = 0) -> list[tuple[Path, str, int]]:
    """Write n distinct plans made from the seed plans; returns (file, municipality, year).

    Each is the 2018 or 2022 København plan (OCR'd) with København, in all its spellings,
    replaced by another municipality, and a journal-number line of its own at the end, so no
    two files are alike. A folder already holding the same n plans is reused.
    """
    if not SEEDS.is_dir():
        raise SystemExit(f"seed documents not found at {SEEDS}")
    folder.mkdir(parents=True, exist_ok=True)
    texts = {y: (SEEDS / f).read_text(encoding="utf-8") for y, f in SEED_PLANS.items()}
    names = [m.name for m in load_registry().municipalities()]
    rng = random.Random(seed)
    out = []
    for i in range(n):
        year = 2018 if i % 2 == 0 else 2022
        name = rng.choice(names)
        path = folder / f"bilag-{i:04d}.txt"
        if not path.exists():
            text = COPENHAGEN.sub(name, texts[year])
            path.write_text(f"{text}\n\nJournalnummer: {2026}-{seed:02d}-{i:06d}\n", "utf-8")
        out.append((path, name, year))
    for extra in sorted(folder.glob("bilag-*.txt"))[n:]:
        extra.unlink()
    return out


def main() -> None:
    """Write a corpus to a folder and print what it holds."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    plans = generate_corpus(args.out, args.docs, args.seed)
    size = sum(path.stat().st_size for path, _ in plans)
    print(f"{len(plans)} plans, {size / 1e6:.1f} MB in {args.out}")


if __name__ == "__main__":
    main()
