"""Golden files (tests/golden/<name>.json): a workbook's cells as a reviewer reads them, regenerated only on purpose,
with FUPIN_UPDATE_GOLDEN=1."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "golden"


def golden_text(data: object, indent: str = "") -> str:
    """JSON with one line per row of cells: a reviewer reads a golden file like the sheet it describes."""
    inner = indent + "  "
    if isinstance(data, dict) and data:
        items = (f"{inner}{json.dumps(str(k), ensure_ascii=False)}: {golden_text(v, inner)}" for k, v in data.items())
        return "{\n" + ",\n".join(items) + "\n" + indent + "}"
    if isinstance(data, (list, tuple)) and any(isinstance(v, (dict, list, tuple)) for v in data):
        return "[\n" + ",\n".join(inner + golden_text(v, inner) for v in data) + f"\n{indent}]"
    return json.dumps(data, ensure_ascii=False)


def assert_matches_golden(name: str, data: object) -> None:
    """Compare JSON-able data with tests/golden/<name>.json.

    With FUPIN_UPDATE_GOLDEN=1 the file is (re)written instead and the check passes: review the diff before
    committing it.
    """
    path = GOLDEN / f"{name}.json"
    text = golden_text(data) + "\n"
    if os.environ.get("FUPIN_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return
    if not path.exists():
        pytest.fail(f"golden file {path} is missing: create it with `FUPIN_UPDATE_GOLDEN=1 PYTHONPATH=src "
                    f".venv/bin/python -m pytest tests/ -k golden`, then read it and check it looks right")
    # Round-trip through JSON so tuples and lists compare alike; the assert diff then shows what moved.
    assert json.loads(text) == json.loads(path.read_text(encoding="utf-8")), f"differs from {path}"


def sheet_values(ws) -> list[list]:
    """Every row's values with trailing empty cells dropped: stable across openpyxl's dimension quirks."""
    rows = []
    for row in ws.iter_rows(values_only=True):
        row = list(row)
        while row and row[-1] is None:
            row.pop()
        rows.append(row)
    while rows and not rows[-1]:
        rows.pop()
    return rows
