"""`compare frameworks`: the frameworks and their items."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import polars as pl

from compare.cli.base import (
    csv_text,
    echo_table,
    main,
    open_workspace,
    reports_errors,
    workspace_option,
)
from compare.display import repair_words
from compare.errors import BadFramework
from compare.frameworks.catalog import (
    FRAMEWORKS_DIR,
    FRAMEWORKS_ENV,
    find_framework,
    load_frameworks,
)
from compare.frameworks.labels import ORIGIN_LEARNED
from compare.schema import KIND_PLAN
from compare.store.documents import load_documents
from compare.tagging.pipeline import corpus_for, item_terms


@main.command("frameworks")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv"]),
    default="table",
    show_default=True,
    help="table: aligned columns for reading; csv: for other tools.",
)
@click.option(
    "--folder",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help=f"Frameworks folder (default: ${FRAMEWORKS_ENV} or {FRAMEWORKS_DIR}).",
)
@click.option(
    "--terms",
    "terms_of",
    metavar="ID_OR_FILE",
    default=None,
    help="Instead of the list: every term of this framework's items as the tagger weighs it "
    "on the workspace's plans (origin, information, anchor, core, where a term was learned).",
)
@click.option(
    "--set-keywords",
    "set_keywords",
    nargs=3,
    metavar="ID ITEM KEYWORDS",
    default=None,
    help="Instead of the list: set the keywords of item ITEM of framework ID to KEYWORDS "
    '(comma-separated; "" for none) in its TOML file, comments kept. Then `compare tag`.',
)
@click.option(
    "--add-to-thesaurus",
    "add_to_thesaurus",
    nargs=2,
    metavar="CONCEPT WORDS",
    default=None,
    help="Instead of the list: add WORDS (comma-separated) to concept CONCEPT of the thesaurus "
    "(data/thesaurus.toml or $COMPARE_THESAURUS; a new id makes a new concept), comments kept. "
    "Then `compare tag`.",
)
@click.option(
    "--narrower",
    is_flag=True,
    help="With --add-to-thesaurus: the words are kinds of the concept, not words for it.",
)
@workspace_option
@reports_errors
def frameworks_command(
    fmt: str,
    folder: Path | None,
    terms_of: str | None,
    set_keywords: tuple[str, str, str] | None,
    add_to_thesaurus: tuple[str, str] | None,
    narrower: bool,
    workspace_dir: Path | None,
) -> None:
    """List the frameworks (goals and themes) with their kind, year and number of items.

    A malformed framework file is reported on stderr (file, line, problem) and the exit code is
    1; the other frameworks are still listed. With --terms, show one framework's terms instead:
    what its labels, keywords and descriptions give, and what its items learned from the plans.
    With --set-keywords, give an item the plans' own words for it (as the app's Rammer page);
    with --add-to-thesaurus, give a concept of the domain thesaurus more of the plans' words.
    """
    if add_to_thesaurus is not None:
        _add_to_thesaurus(*add_to_thesaurus, narrower)
        return
    if set_keywords is not None:
        _set_keywords(*set_keywords, folder)
        return
    if terms_of is not None:
        _print_terms(terms_of, folder, workspace_dir, fmt)
        return
    errors: list[BadFramework] = []
    frameworks = load_frameworks(folder, errors=errors)
    header = ["id", "kind", "year", "items", "title", "file"]
    rows = [
        [
            fw.id,
            fw.kind,
            "" if fw.year is None else str(fw.year),
            str(len(fw.items)),
            fw.title,
            fw.path.name if fw.path else "",
        ]
        for fw in frameworks
    ]
    if fmt == "csv":
        click.echo(csv_text(rows, header), nl=False)  # a title such as "=..." stays text
    else:
        echo_table(header, rows)
    for err in errors:
        click.echo(f"error: {err}", err=True)
    if errors:
        sys.exit(1)


def _print_terms(ref: str, folder: Path | None, workspace_dir: Path | None, fmt: str) -> None:
    ws = open_workspace(workspace_dir)
    framework = find_framework(ref, folder)
    documents = load_documents(ws).filter(pl.col("kind") == KIND_PLAN)
    segments = ws.read_segments(documents["doc_id"].to_list())
    table = item_terms(corpus_for(documents, segments, [framework]), framework, segments)
    header = ["item", "term", "as written", "origin", "info", "anchor", "core", "from"]
    rows = [
        [
            item,
            term,
            repair_words(written) if origin == ORIGIN_LEARNED else written,
            origin,
            f"{info:.2f}",
            "yes" if anchor else "",
            "yes" if core else "",
            f"{passages} passages in {len(docs)} plans"
            if passages
            else f"thesaurus: {concept}"
            if concept
            else "",
        ]
        for item, term, written, origin, info, anchor, core, passages, docs, concept in (
            table.iter_rows()
        )
    ]
    if fmt == "csv":
        click.echo(csv_text(rows, header), nl=False)
    else:
        echo_table(header, rows)


def _add_to_thesaurus(concept_id: str, text: str, narrower: bool) -> None:
    from compare.frameworks.keywords import parse_keywords
    from compare.frameworks.thesaurus_edit import add_words

    words = parse_keywords(text)
    path = add_words(concept_id, words, narrower=narrower)
    kind = "kinds" if narrower else "words"
    click.echo(
        f"{path.name}: concept {concept_id} {kind} added: {', '.join(words) or 'none'}. "
        "Run `compare tag` to tag again."
    )


def _set_keywords(fw_id: str, item_id: str, text: str, folder: Path | None) -> None:
    from compare.frameworks.keywords import parse_keywords, set_item_keywords

    keywords = parse_keywords(text)
    path = set_item_keywords(find_framework(fw_id, folder), item_id, keywords)
    said = ", ".join(keywords) if keywords else "none"
    click.echo(f"{path.name}: item {item_id} keywords: {said}. Run `compare tag` to tag again.")
