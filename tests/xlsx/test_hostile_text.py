"""Text from clerks' files shown as it was typed: never read as display markup, on screen or in file names."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from helpers.county_files import Child, imported, write_county

MARKUP_NAMES = {"辍学生": "[/]王", "刚满六岁": "[bold]李[/bold]"}


def _rename(db, names: dict[str, str]) -> None:
    """Put names in the ledger that the importer would now refuse, as an older fupin let them in."""
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    for table in tables:
        if "name" in [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]:
            for old, new in names.items():
                conn.execute(f"UPDATE {table} SET name = ? WHERE name = ?", (new, old))
    conn.commit()
    conn.close()


@pytest.mark.sqlite_only("puts the names in with sqlite3 and sqlite_master")
def test_names_holding_markup_are_shown_as_typed_in_dropout_scan_and_list(tmp_path, cli):
    kids = [Child("刚满六岁", date(2013, 8, 31), "东乡"),
            Child("辍学生", date(2006, 4, 4), "东乡", school="B中学", grade="八年级", status="辍学")]
    imported(cli, write_county(tmp_path / "files", kids))
    _rename(cli.db, MARKUP_NAMES)
    scan = cli("dropout", "scan", "--term", "2019秋", "--date", "2019-10-08")
    assert scan.exit_code == 1, scan.output
    listing = cli("dropout", "list")
    assert listing.exit_code == 0, listing.output
    for result in (scan, listing):
        assert "[/]王" in result.output and "[bold]李[/bold]" in result.output, result.output


def test_a_file_name_with_brackets_is_shown_whole(tmp_path, cli):
    from helpers.files import SCHOOL_HEADER, SCHOOL_ROWS, write_xlsx

    path = write_xlsx(tmp_path / "学校名单[bold]备份.xlsx", SCHOOL_HEADER, SCHOOL_ROWS)
    result = cli("import", path)
    assert result.exit_code == 0, result.output
    assert "学校名单[bold]备份.xlsx" in result.output


def test_the_duplicate_student_message_shows_the_id_masked(tmp_path, cli, schools):
    """It printed （值：42282220100315501X|2019秋）: the whole ID on screen."""
    from helpers.files import ROLL_HEADER, roll_rows, write_xlsx

    rows = roll_rows()
    twin = list(rows[0])
    twin[5] = "八年级"  # same student, same term, another grade: a conflict
    path = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, [*rows, twin])
    result = cli("import", path, "--term", "2019秋")
    assert result.exit_code == 1, result.output
    full = rows[0][2]
    assert "同一学生" in result.output and f"（值：{full[:6]}********{full[-4:]}|2019秋）" in result.output, result.output
    assert full not in result.output


def test_a_school_name_holding_markup_is_quoted_as_typed_in_an_error(tmp_path, cli, schools):
    from helpers.files import ROLL_HEADER, roll_rows, write_xlsx

    assert cli("import", write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, roll_rows()), "--term", "2019秋").exit_code == 0
    result = cli("subsidy", "check", "--term", "2019秋", "--school", "[/]城关[bold]中学")
    assert result.exit_code == 2, result.output
    assert "[/]城关[bold]中学" in result.output and "Traceback" not in result.output
