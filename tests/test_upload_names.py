"""An upload's name is made safe without losing the suffix that says how to read it."""

from __future__ import annotations

import pytest

from compare.ingest import ingest_bytes, safe_name
from compare.store.workspace import Workspace

PLAN = "Beskæftigelsesplan 2018\n\nKøbenhavns Kommune\n\n1. Indledning\n\nJobcentret vil hjælpe."


@pytest.mark.parametrize(
    ("name", "expected"),
    [("....txt", "upload.txt"), (". .pdf", "upload.pdf"), ("..plan.txt", "plan.txt")],
)
def test_leading_dots_go_and_the_suffix_stays(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_an_upload_named_only_dots_and_a_suffix_is_read_by_its_suffix(
    workspace: Workspace,
) -> None:
    report = ingest_bytes("....txt", PLAN.encode("utf-8"), workspace)
    assert report.failed == [] and report.added[0].file_name == "upload.txt"
