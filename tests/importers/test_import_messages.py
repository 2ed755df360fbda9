"""What a clerk reads when an import cannot go ahead: Chinese, one line per problem, no stray files."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from helpers.files import ROLL_HEADER, roll_rows, write_xlsx


def _no_error_workbook(folder: Path) -> None:
    assert not list(folder.glob("导入错误_*.xlsx")), list(folder.glob("*"))


def test_a_missing_file_writes_no_error_workbook(tmp_path, cli):
    result = cli("import", tmp_path / "学籍_2019秋.xlsx")
    assert result.exit_code == 1, result.output
    assert "找不到文件" in result.output and "错误工作簿" not in result.output
    _no_error_workbook(tmp_path)


def test_a_folder_is_called_a_folder(tmp_path, cli):
    folder = tmp_path / "样例县"
    folder.mkdir()
    result = cli("import", folder)
    assert result.exit_code == 1, result.output
    assert "- “" in result.output and "样例县”是一个文件夹，不是文件" in result.output and "文件“样例县”" not in result.output
    assert "找不到文件" not in result.output
    assert "*.xlsx" in result.output
    _no_error_workbook(tmp_path)


def test_a_missing_term_writes_no_error_workbook(tmp_path, cli, schools):
    result = cli("import", write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, roll_rows()))
    assert result.exit_code == 1, result.output
    assert "--term" in result.output and "错误工作簿" not in result.output
    _no_error_workbook(tmp_path)


@pytest.mark.parametrize("content", [b"PK\x03\x04" + b"\x00" * 200, b"not a workbook at all " * 50])
def test_an_unreadable_workbook_is_explained_without_library_names(tmp_path, cli, content):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(content)
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "无法读取该 Excel 文件" in result.output
    assert not re.search(r"[A-Za-z]+(Error|Exception)|Calamine|zip", result.output), result.output
    _no_error_workbook(tmp_path)


def test_a_corrupt_zip_named_xlsx(tmp_path, cli):
    path = tmp_path / "名单.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<broken")
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert not re.search(r"[A-Za-z]+(Error|Exception)|Calamine", result.output), result.output


def test_the_ledger_path_is_shown_as_written(tmp_path, cli):
    from typer.testing import CliRunner

    from jiaoyu_fupin.cli.main import app

    (tmp_path / "建始县").mkdir()
    runner = CliRunner()
    result = runner.invoke(app, ["--db", "建始县/台账.db", "init"])
    assert result.exit_code == 0, result.output
    assert "建始县/台账.db" in result.output and "%E5" not in result.output
    result = runner.invoke(app, ["--db", "建始县/台账.db", "status", "--json"])
    assert json.loads(result.stdout)["ledger"] == "建始县/台账.db"


def test_the_ledger_path_on_a_workbooks_source_note_is_as_written(tmp_path, monkeypatch):
    import openpyxl
    from typer.testing import CliRunner

    from helpers.files import SCHOOL_HEADER, SCHOOL_ROWS
    from jiaoyu_fupin.cli.main import app

    (tmp_path / "建始县").mkdir()
    monkeypatch.setenv("FUPIN_DB", "建始县/台账.db")
    runner = CliRunner()
    schools = write_xlsx(tmp_path / "学校名单.xlsx", SCHOOL_HEADER, SCHOOL_ROWS)
    roll = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, roll_rows())
    assert runner.invoke(app, ["import", str(schools)]).exit_code == 0
    assert runner.invoke(app, ["import", str(roll), "--term", "2019秋"]).exit_code == 0
    result = runner.invoke(app, ["subsidy", "check", "--term", "2019秋", "--out", "核对.xlsx"])
    assert result.exit_code == 0, result.output  # no student on this roll is owed aid: nothing to report
    cells = [str(c) for ws in openpyxl.load_workbook(tmp_path / "核对.xlsx") for row in ws.iter_rows(values_only=True)
             for c in row if c]
    noted = [c for c in cells if "台账：" in c]
    assert noted and all("台账：建始县/台账.db" in c and "%E5" not in c for c in noted), noted


def test_the_same_problem_on_many_rows_is_shown_once(tmp_path, cli, schools):
    rows = [list(r) for r in roll_rows()] * 1
    many = []
    from datetime import date

    from helpers.files import make_id

    for i in range(30):
        many.append([f"学生{i}", "男", make_id(date(2007, 3, 15), 100 + i), "城关二中", "初中", "七年级", "1班", "走读", "在校"])
    result = cli("import", write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, rows + many, text_columns=(2,)),
                 "--term", "2019秋")
    assert result.exit_code == 1, result.output
    assert result.output.count("不在台账的学校名单中") == 1, result.output
    assert "第 5、6、7、8、9 行等共 30 行" in result.output
    assert "发现 30 个问题" in result.output
    assert list(tmp_path.glob("导入错误_*.xlsx"))  # rows to mark: the workbook is written


def test_readme_first_screen_says_how_to_run_fupin():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    first_screen = "\n".join(readme.splitlines()[:25])
    assert ".venv/bin/fupin" in first_screen and "source .venv/bin/activate" in first_screen


def test_a_file_that_cannot_be_read_is_explained_in_chinese(tmp_path, cli, monkeypatch):
    path = tmp_path / "名单.csv"
    path.write_text("姓名,身份证号\n", encoding="utf-8")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    result = cli("import", path)
    assert result.exit_code == 1, result.output
    assert "没有读取这个文件的权限" in result.output and "Permission" not in result.output
    _no_error_workbook(tmp_path)
