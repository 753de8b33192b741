"""`compare narrative …`: the overview's texts per theme (or per municipality), with history."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from compare.cli.base import (
    REVIEWER_ENV,
    echo_table,
    main,
    open_workspace,
    reports_errors,
    workspace_option,
)
from compare.errors import CompareError
from compare.store.narratives import THEME_ROW, NarrativeStore


def _key_options(command: Any) -> Any:
    """FRAMEWORK ITEM --year --council [--municipality]: which narrative."""
    command = click.option(
        "--municipality",
        default=THEME_ROW,
        help="A row of the per-municipality table (default: the item's own narrative).",
    )(command)
    command = click.option(
        "--council", required=True, metavar="NAME", help="Council, e.g. 'RAR Hovedstaden'."
    )(command)
    command = click.option("--year", type=int, required=True, help="Overview year.")(command)
    command = click.argument("item_id", metavar="ITEM")(command)
    return click.argument("framework_ref", metavar="FRAMEWORK")(command)


def _resolve(
    framework_ref: str, item_id: str, year: int, council: str, municipality: str
) -> tuple[str, str, str, str]:
    """(framework id, item id, canonical council, canonical municipality or THEME_ROW)."""
    from compare.frameworks.catalog import find_framework
    from compare.registry.lookup import load_registry

    framework = find_framework(framework_ref)
    try:
        item = framework.item(item_id)
    except KeyError as err:
        raise CompareError(str(err).strip("'\"")) from err
    registry = load_registry()
    name = registry.find_council(council, year).name
    who = registry.get(municipality).name if municipality else THEME_ROW
    return framework.id, item.id, name, who


@main.group("narrative")
def narrative_group() -> None:
    """Write, show and trace the texts of the written overview (the themes table's narratives
    and the per-municipality tables). Every save is kept with who and when."""


@narrative_group.command("set")
@_key_options
@click.option(
    "--text-file",
    required=True,
    type=click.Path(dir_okay=False, allow_dash=True, path_type=Path),
    help="UTF-8 file with the text ('-' reads standard input).",
)
@click.option(
    "--reviewer",
    required=True,
    envvar=REVIEWER_ENV,
    help=f"Who writes the text (default: ${REVIEWER_ENV}).",
)
@workspace_option
@reports_errors
def set_command(
    framework_ref: str,
    item_id: str,
    year: int,
    council: str,
    municipality: str,
    text_file: Path,
    reviewer: str,
    workspace_dir: Path | None,
) -> None:
    """Save the narrative of one item (or one municipality's row) in a council's overview."""
    try:
        text = sys.stdin.read() if str(text_file) == "-" else text_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise CompareError(f"{text_file}: cannot be read as UTF-8 text ({err})") from err
    fw_id, item, name, who = _resolve(framework_ref, item_id, year, council, municipality)
    store = NarrativeStore.for_workspace(open_workspace(workspace_dir))
    row_id = store.save(name, year, fw_id, item, text, reviewer, municipality=who)
    click.echo(f"saved narrative {row_id}: {name} {year} {fw_id}/{item}{' ' + who if who else ''}")


@narrative_group.command("show")
@_key_options
@workspace_option
@reports_errors
def show_command(
    framework_ref: str,
    item_id: str,
    year: int,
    council: str,
    municipality: str,
    workspace_dir: Path | None,
) -> None:
    """Print the current text of a narrative (exit 1 if none is saved)."""
    fw_id, item, name, who = _resolve(framework_ref, item_id, year, council, municipality)
    row = NarrativeStore.for_workspace(open_workspace(workspace_dir)).current(
        name, year, fw_id, item, who
    )
    if row is None:
        raise CompareError(
            f"no narrative saved for {name} {year} {fw_id}/{item}"
            f"{' ' + who if who else ''} (the overview shows the machine draft)"
        )
    click.echo(row["text"])


@narrative_group.command("history")
@_key_options
@workspace_option
@reports_errors
def history_command(
    framework_ref: str,
    item_id: str,
    year: int,
    council: str,
    municipality: str,
    workspace_dir: Path | None,
) -> None:
    """List every save of a narrative: id, when, who, and the start of the text it replaced."""
    fw_id, item, name, who = _resolve(framework_ref, item_id, year, council, municipality)
    frame = NarrativeStore.for_workspace(open_workspace(workspace_dir)).history(
        name, year, fw_id, item, who
    )
    if frame.is_empty():
        click.echo("no saves yet")
        return
    echo_table(
        ["id", "saved_at", "reviewer", "text", "previous_text"],
        [
            [
                r["id"],
                r["saved_at"][:19],
                r["reviewer"],
                _short(r["text"]),
                _short(r["previous_text"]),
            ]
            for r in frame.iter_rows(named=True)
        ],
    )


def _short(text: str | None, limit: int = 50) -> str:
    flat = " ".join((text or "").split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
