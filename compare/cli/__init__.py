"""Command line: one module per command (group), named after it; each adds itself to `main`.

The table below lists every command with the module that defines it and the first sentence of
its help, so that `compare --help` lists them all without importing any (the modules import
Polars, pyarrow and the tagger); a command's module is imported when it runs or shows its own
help. A new command gets a row here (`tests/test_cli_lazy.py` checks the table against the
commands' docstrings).
"""

from compare.cli.base import LazyCommand, main

COMMANDS: dict[str, LazyCommand] = {
    "documents": LazyCommand(
        "compare.cli.documents",
        "List the documents in the workspace, one per line, with the analysts' corrections"
        " applied.",
    ),
    "evaluate": LazyCommand(
        "compare.cli.evaluate", "Compare the tagger's levels in the workspace with gold files."
    ),
    "export": LazyCommand(
        "compare.cli.export",
        "Write the reviewed matrix as an Excel workbook for the council's meeting.",
    ),
    "frameworks": LazyCommand(
        "compare.cli.frameworks",
        "List the frameworks (goals and themes) with their kind, year and number of items.",
    ),
    "import-review": LazyCommand(
        "compare.cli.import_review",
        "Record the edits made in an exported workbook's matrix sheets as review decisions.",
    ),
    "ingest": LazyCommand(
        "compare.cli.ingest", "Read plans (PDF, DOCX, HTML, Markdown, text) into the workspace."
    ),
    "matrix": LazyCommand(
        "compare.cli.matrix",
        "Print the coverage matrix of one framework: one row per plan, cells X, (X) or blank.",
    ),
    "narrative": LazyCommand(
        "compare.cli.narrative",
        "Write, show and trace the texts of the written overview (the themes table's narratives"
        " and the per-municipality tables).",
    ),
    "overview": LazyCommand(
        "compare.cli.overview",
        "Write the theme overview of one framework: per item, which municipalities address it,"
        " at which level, and a draft text built from the evidence (gaps included).",
    ),
    "report": LazyCommand(
        "compare.cli.report",
        "Write the written overview (seed 003's shape) as a Word document: title block, the"
        " themes table with the narratives (saved texts; unsaved machine drafts marked"
        " [Udkast]), the goals table (jobcentres × goals, remarks) and the per-municipality"
        " tables.",
    ),
    "review": LazyCommand(
        "compare.cli.review",
        "Record, list and undo analysts' decisions on matrix cells and on document metadata.",
    ),
    "search": LazyCommand(
        "compare.cli.search",
        "Search the text of all ingested plans, tolerant to OCR damage and Danish inflection.",
    ),
    "tag": LazyCommand(
        "compare.cli.tag",
        "Ingest what is new among PATH (files or folders) and tag the workspace's plans.",
    ),
}

main.add_lazy_commands(COMMANDS)

__all__ = ["COMMANDS", "main"]
