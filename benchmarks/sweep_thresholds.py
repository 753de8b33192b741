"""Accuracy sweep: the tagger's thresholds moved one setting at a time, measured on every gold set.

Each setting (module constants of `compare.tagging`, e.g. `score.ADDRESSED_TERMS=1`) is tried
in a fresh process, so no cached term table survives from another setting. For each it prints
level agreement, addressed-F1 and blanks kept over all gold rows in labels-only mode (every
set in `tests/gold/`, each with the frameworks beside it), the keyword-mode agreement on the
tuned files, and on how many sets agreement rose or fell against the code's own values.

This answers "is the tagger at its thresholds' optimum, or is there a better point nearby?";
a setting that wins here has been chosen on the gold and must still be measured on a set
written after it (see `tests/gold/README.md`).

    .venv/bin/python benchmarks/sweep_thresholds.py --workspace W        # the default grid
    .venv/bin/python benchmarks/sweep_thresholds.py --workspace W \\
        --try "score.ADDRESSED_TERMS=1 terms.CORE_SHARE=0.75"

W holds the seeds, tagged as the README's "Accuracy" says (`compare tag ../shared/seeds
--workspace W && compare tag --workspace W --kind other`); without --workspace the script makes
one in a temporary folder from `--seeds` (default `../shared/seeds`).
"""

from __future__ import annotations

import argparse
import importlib
import json
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from machine import machine  # noqa: E402

GOLD = ROOT / "tests" / "gold"
TUNED = ("koebenhavn-2018.csv", "koebenhavn-2022.csv", "koebenhavn-2013.csv")
_SET_OF_FILE = re.compile(r"koebenhavn-\d+(?:-(\w+))?\.csv$")
DEFAULT_GRID = [
    "score.ADDRESSED_SCORE=2.5",
    "score.ADDRESSED_SCORE=5.0",
    "score.ADDRESSED_TERMS=1",
    "score.ADDRESSED_TERMS=3",
    "score.CONCRETE_SCORE=6",
    "score.CONCRETE_SCORE=13",
    "terms.CORE_SHARE=0.6",
    "terms.CORE_SHARE=0.8",
    "terms.ANCHOR_SHARE=0.2",
    "terms.ANCHOR_SHARE=0.4",
    "terms.MIN_INFO=0.1",
    "terms.MIN_INFO=0.3",
    "terms.WEIGHT_RELATED=0.5",
    "terms.WEIGHT_RELATED=1.0",
    "terms.WEIGHT_PART=0.5",
    "terms.WEIGHT_PART=1.0",
    "score.FOCUS_PLACES=1",
    "score.FOCUS_PLACES=5",
]


def apply_setting(setting: str) -> None:
    """Set the named constants (`module.NAME=value`, space-separated) before anything is tagged."""
    for assignment in setting.split():
        name, value = assignment.split("=", 1)
        module_name, constant = name.rsplit(".", 1)
        module = importlib.import_module(f"compare.tagging.{module_name}")
        old = getattr(module, constant)  # an unknown name fails here, not silently
        setattr(module, constant, type(old)(float(value)))


def counts(rows) -> dict[str, int]:  # noqa: ANN001 - a Polars frame of evaluation rows
    """The counts every figure is made of, so that sets can be summed."""
    gold, tagger = rows["gold"], rows["tagger"]
    addressed, said = gold != "", tagger != ""
    return {
        "n": rows.height,
        "agree": int((gold == tagger).sum()),
        "tp": int((addressed & said).sum()),
        "said": int(said.sum()),
        "addressed": int(addressed.sum()),
        "blank": int((~addressed).sum()),
        "kept": int((~addressed & ~said).sum()),
    }


def measure(workspace: Path, setting: str) -> dict:
    """Every gold set's counts (labels only) and the tuned files' keyword counts (one process)."""
    apply_setting(setting)
    import polars as pl

    from compare.analysis.evaluate import evaluate, frameworks_beside_gold, load_gold
    from compare.store.workspace import Workspace

    ws = Workspace(workspace)
    files = sorted(GOLD.glob("koebenhavn-*.csv"))
    gold = pl.concat([load_gold(p) for p in files])
    rows = evaluate(
        ws, gold, labels_only=True, frameworks=frameworks_beside_gold(files, gold)
    ).rows.with_columns(
        pl.col("source").str.extract(_SET_OF_FILE.pattern).fill_null("tuned").alias("set")
    )
    # Keyword mode re-tagged in memory too (the stored tags were made with the code's own
    # values): `evaluate`'s labels-only path with the stripping step made a no-op.
    import compare.analysis.evaluate as evaluation

    evaluation.labels_only = list
    tuned = pl.concat([load_gold(GOLD / name) for name in TUNED])
    keyword_rows = evaluate(ws, tuned, labels_only=True).rows
    return {
        "sets": {s: counts(rows.filter(pl.col("set") == s)) for s in sorted(set(rows["set"]))},
        "all": counts(rows),
        "keywords": counts(keyword_rows),
    }


def figures(c: dict[str, int]) -> tuple[float, float, float]:
    """Agreement, addressed-F1 and blanks kept from the counts."""
    precision = c["tp"] / max(1, c["said"])
    recall = c["tp"] / max(1, c["addressed"])
    f1 = 2 * precision * recall / max(1e-9, precision + recall)
    return c["agree"] / max(1, c["n"]), f1, c["kept"] / max(1, c["blank"])


def seeds_workspace(seeds: Path, into: Path) -> Path:
    """A workspace of the seeds, tagged as the README's accuracy figures are."""
    compare = [sys.executable, "-m", "compare"]
    subprocess.run([*compare, "tag", str(seeds), "--workspace", str(into)], check=True)
    subprocess.run([*compare, "tag", "--workspace", str(into), "--kind", "other"], check=True)
    return into


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workspace", type=Path, help="a workspace holding the tagged seeds")
    parser.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds")
    parser.add_argument(
        "--try", dest="settings", action="append", help="a setting; repeatable (default: a grid)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="settings measured at once")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: measure one setting
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.workspace, args.one)))
        return
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        workspace = args.workspace or seeds_workspace(args.seeds, Path(tmp) / "ws")
        settings = ["", *(args.settings or DEFAULT_GRID)]

        def run(setting: str) -> dict | None:
            done = subprocess.run(
                [sys.executable, __file__, "--workspace", str(workspace), "--one", setting],
                capture_output=True,
                text=True,
            )
            if done.returncode != 0:  # one bad setting is reported, the others still run
                last = (done.stderr.strip().splitlines() or ["no message"])[-1]
                print(f"{setting or 'the code as it is'}: failed: {last}", file=sys.stderr)
                return None
            return json.loads(done.stdout.strip().splitlines()[-1])

        with ThreadPoolExecutor(max(1, args.jobs)) as pool:
            results = list(pool.map(run, settings))
    base = results[0]
    if base is None:
        sys.exit("the code's own values could not be measured: see the message above")
    n = base["all"]["n"]
    print(f"\nlabels only, {n} gold rows in {len(base['sets'])} sets; keywords: the tuned files")
    print(f"{'setting':<52} {'agree':>6} {'F1':>6} {'blanks':>6} {'kw':>6}  sets +/-")
    for setting, result in zip(settings, results, strict=True):
        if result is None:
            continue
        agree, f1, blanks = figures(result["all"])
        keyword_agree = figures(result["keywords"])[0]
        moved = [result["sets"][s]["agree"] - base["sets"][s]["agree"] for s in base["sets"]]
        up, down = sum(d > 0 for d in moved), sum(d < 0 for d in moved)
        name = setting or "(the code's own values)"
        print(
            f"{name:<52} {agree:6.3f} {f1:6.3f} {blanks:6.3f} {keyword_agree:6.3f}  "
            f"{up:>2} / {down:<2}"
        )


if __name__ == "__main__":
    main()
