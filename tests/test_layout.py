"""The package's layers hold, and `make lint` (lint-imports) would catch an import that breaks them.

The contracts live in pyproject.toml ([tool.importlinter]); these tests run the same lint-imports that `make lint`
runs, on the package and on a copy of it with one import planted where it does not belong.
"""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import jiaoyu_fupin

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = Path(jiaoyu_fupin.__file__).resolve().parent
CONFIG = ROOT / "pyproject.toml"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
LIBRARY_LAYERS = ("core", "store", "xlsx", "importers", "checks", "rates", "reports", "sample")


def lint_imports(src: Path) -> subprocess.CompletedProcess:
    """lint-imports on the package found in `src`, with the project's contracts."""
    env = {**os.environ, "PYTHONPATH": str(src)}
    return subprocess.run([str(LINT_IMPORTS), "--config", str(CONFIG), "--no-cache", "--no-logo"],
                          cwd=src, env=env, capture_output=True, text=True, timeout=120)


@pytest.fixture
def copied(tmp_path) -> Path:
    """A copy of the package under tmp_path/src, found first on PYTHONPATH (before the installed one)."""
    src = tmp_path / "src"
    shutil.copytree(PACKAGE, src / "jiaoyu_fupin", ignore=shutil.ignore_patterns("__pycache__", "_data"))
    return src


def plant(src: Path, module: str, line: str) -> None:
    path = src / "jiaoyu_fupin" / (module.replace(".", "/") + ".py")
    path.write_text(path.read_text(encoding="utf-8") + f"\n{line}\n", encoding="utf-8")


def test_the_contracts_hold():
    result = lint_imports(PACKAGE.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Contracts: [4-9] kept, 0 broken", result.stdout)  # the four contracts at least


def test_the_copy_alone_keeps_the_contracts(copied):
    # The planted cases below fail because of what is planted, not because the copy differs.
    result = lint_imports(copied)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(("module", "line", "broken"), [
    # A lower layer reaching up: core must not know the ledger.
    ("core.stages", "from jiaoyu_fupin.store import ledger  # noqa",
     ["jiaoyu_fupin.core is not allowed to import jiaoyu_fupin.store", "jiaoyu_fupin.core.stages -> jiaoyu_fupin.store.ledger"]),
    # Siblings in one layer: an importer runs no check.
    ("importers.tasks", "from jiaoyu_fupin.checks.tasks import checks  # noqa",
     ["jiaoyu_fupin.importers is not allowed to import jiaoyu_fupin.checks",
      "jiaoyu_fupin.importers.tasks -> jiaoyu_fupin.checks.tasks.checks"]),
    # A report reading files: the way in is an import the command line starts.
    ("reports.monthly", "from jiaoyu_fupin.importers import reader  # noqa",
     ["jiaoyu_fupin.reports is not allowed to import jiaoyu_fupin.importers",
      "jiaoyu_fupin.reports.monthly -> jiaoyu_fupin.importers.reader"]),
    # A library module speaking to the terminal.
    ("checks.subsidy.coverage", "import rich  # noqa",
     ["jiaoyu_fupin.checks is not allowed to import rich", "jiaoyu_fupin.checks.subsidy.coverage -> rich"]),
    # core reaching the database through SQLAlchemy.
    ("core.policy", "import sqlalchemy  # noqa",
     ["jiaoyu_fupin.core is not allowed to import sqlalchemy", "jiaoyu_fupin.core.policy -> sqlalchemy"]),
])
def test_a_planted_import_breaks_a_contract(copied, module, line, broken):
    plant(copied, module, line)
    result = lint_imports(copied)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "BROKEN" in result.stdout
    for words in broken:
        assert words in result.stdout


def test_a_new_folder_needs_a_layer(copied):
    (copied / "jiaoyu_fupin" / "extras").mkdir()
    (copied / "jiaoyu_fupin" / "extras" / "__init__.py").write_text('"""Unplaced."""\n', encoding="utf-8")
    result = lint_imports(copied)
    assert result.returncode == 1
    assert "jiaoyu_fupin.extras" in result.stdout


def _imported_roots(tree: ast.AST) -> set[str]:
    roots = set()
    for node in ast.walk(tree):  # every import, also those inside functions
        if isinstance(node, ast.Import):
            roots.update(a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module.split(".")[0])
    return roots


def test_no_library_module_imports_typer_or_rich():
    offenders, seen = [], 0
    for layer in LIBRARY_LAYERS:
        for path in sorted((PACKAGE / layer).rglob("*.py")):
            seen += 1
            used = _imported_roots(ast.parse(path.read_text(encoding="utf-8"))) & {"typer", "rich"}
            if used:
                offenders.append(f"{path.relative_to(PACKAGE)}: {', '.join(sorted(used))}")
    assert seen > 100  # the walk found the library
    assert offenders == []
    # ...while the command line does use them, so the walk would see such an import.
    assert {"typer", "rich"} <= _imported_roots(ast.parse((PACKAGE / "cli" / "common.py").read_text(encoding="utf-8")))
