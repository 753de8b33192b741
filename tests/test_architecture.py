"""The rules of docs/ARCHITECTURE.md, read from the code's own imports and calls.

Stages import only downward; the core never imports Streamlit; the store is the only reader and
writer of workspace files; every path default and environment variable lives in config.py.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "compare"

# From the ground up. A unit may import units of lower layers; the facts may import each other.
LAYERS: tuple[frozenset[str], ...] = (
    frozenset({"errors", "schema", "kinds", "text", "config", "zipguard", "pool"}),
    frozenset({"registry"}),
    frozenset({"store"}),
    frozenset({"frameworks", "ingest", "display"}),
    frozenset({"tagging", "review"}),
    frozenset({"analysis"}),
    frozenset({"excel", "word"}),
    frozenset({"cli", "ui"}),
)
FACTS = LAYERS[0]
LAYER_OF = {unit: n for n, layer in enumerate(LAYERS) for unit in layer}
# Calls that read or write workspace files (Parquet frames, the review database).
STORE_CALLS = {"read_parquet", "scan_parquet", "write_parquet", "read_parquet_metadata", "connect"}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name not in {"__init__.py", "__main__.py"})


def _unit(path: Path) -> str:
    """The stage or role a module belongs to: its package under compare/, or its own name."""
    rel = path.relative_to(PACKAGE)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


def _imports(path: Path) -> set[str]:
    """Every module name imported in the file (at the top or inside a function)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def _compare_units(path: Path) -> set[str]:
    return {name.split(".")[1] for name in _imports(path) if name.startswith("compare.")} - {
        _unit(path)
    }


def test_every_module_belongs_to_a_layer() -> None:
    units = {_unit(p) for p in _modules()}
    assert units <= set(LAYER_OF), f"add {sorted(units - set(LAYER_OF))} to LAYERS"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_stages_import_only_downward(path: Path) -> None:
    unit = _unit(path)
    upward = sorted(
        other
        for other in _compare_units(path)
        if LAYER_OF[other] > LAYER_OF[unit]
        or (LAYER_OF[other] == LAYER_OF[unit] and unit not in FACTS)
    )
    assert not upward, f"{path.relative_to(PACKAGE)} ({unit}) imports {upward}"


def test_the_core_never_imports_streamlit() -> None:
    offenders = [
        str(p.relative_to(PACKAGE))
        for p in _modules()
        if _unit(p) != "ui" and any(n.split(".")[0] == "streamlit" for n in _imports(p))
    ]
    assert not offenders


def test_only_the_store_reads_and_writes_workspace_files() -> None:
    offenders = []
    for path in _modules():
        if _unit(path) == "store":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in STORE_CALLS:
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno} {node.attr}")
        if "sqlite3" in _imports(path):
            offenders.append(f"{path.relative_to(PACKAGE)} imports sqlite3")
    assert not offenders


def test_environment_and_path_defaults_live_in_config() -> None:
    offenders = []
    for path in _modules():
        if path.name == "config.py":
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ("os.environ", "os.getenv", '"COMPARE_', "Path(__file__).resolve().parents"):
            if needle in text:
                offenders.append(f"{path.relative_to(PACKAGE)}: {needle}")
    assert not offenders


def test_frame_schemas_and_shared_facts_are_defined_only_in_schema_py() -> None:
    offenders = []
    for path in _modules():
        if path.name == "schema.py" and _unit(path) == "schema":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            annotated = isinstance(node, ast.AnnAssign) and "FrameSchema" in ast.unparse(
                node.annotation
            )
            year = isinstance(node, ast.Constant) and node.value in (1990, 2100)
            if annotated or year:
                offenders.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, "define these in compare/schema.py and import them"
