"""The blank import templates: golden descriptions per kind, and the properties a clerk relies on."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from helpers.golden import assert_matches_golden, sheet_values
from jiaoyu_fupin.importers import template
from jiaoyu_fupin.importers.columns import KINDS, match_headers
from jiaoyu_fupin.importers.template import INSTRUCTIONS_SHEET, PREPARED_ROWS, write_template


def describe_template(path: Path) -> dict:
    wb = openpyxl.load_workbook(path)
    data = wb.worksheets[1]
    headers = [c.value for c in data[1]]
    return {
        "sheets": wb.sheetnames,
        "instructions": sheet_values(wb[INSTRUCTIONS_SHEET]),
        "headers": headers,
        "bold_headers": [c.value for c in data[1] if c.font.bold],
        "header_comments": {c.value: c.comment.text for c in data[1] if c.comment},
        "row2_number_format": {h: data.cell(2, i + 1).number_format for i, h in enumerate(headers)},
        "validations": sorted(
            ({"formula1": v.formula1, "sqref": str(v.sqref), "type": v.type, "errorStyle": v.errorStyle}
             for v in data.data_validations.dataValidation),
            key=lambda v: v["sqref"],
        ),
        "freeze_panes": data.freeze_panes,
    }


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_template_matches_golden(kind, tmp_path):
    path = write_template(kind, tmp_path / f"{kind}.xlsx")
    assert_matches_golden(f"template_{kind}", describe_template(path))


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_template_headers_import_back_as_every_field(kind, tmp_path):
    wb = openpyxl.load_workbook(write_template(kind, tmp_path / "t.xlsx"))
    spec = KINDS[kind]
    assert wb.sheetnames == [INSTRUCTIONS_SHEET, spec.title]
    headers = [c.value for c in wb[spec.title][1]]
    assert match_headers(spec, headers) == {c.field: i for i, c in enumerate(spec.columns)}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_required_columns_are_marked_and_text_columns_prepared(kind, tmp_path):
    spec = KINDS[kind]
    ws = openpyxl.load_workbook(write_template(kind, tmp_path / "t.xlsx"))[spec.title]
    for index, column in enumerate(spec.columns, 1):
        header = ws.cell(1, index)
        assert bool(header.font.bold) == column.required, column.field
        assert (header.comment is not None and header.comment.text == "必填") == column.required
        expected = "@" if column.text else "General"
        assert ws.cell(2, index).number_format == expected
        assert ws.cell(PREPARED_ROWS + 1, index).number_format == expected


def test_instructions_name_every_column_and_the_id_rule(tmp_path):
    wb = openpyxl.load_workbook(write_template("roll", tmp_path / "t.xlsx"))
    text = "\n".join(str(v) for row in sheet_values(wb[INSTRUCTIONS_SHEET]) for v in row if v)
    for column in KINDS["roll"].columns:
        assert column.aliases[0] in text
    assert "4.22822E+17" in text and "2019-09-01" in text and "2019秋" in text
    assert "不要合并单元格" in text


def test_unknown_kind_lists_the_kinds_in_chinese(tmp_path):
    with pytest.raises(ValueError) as caught:
        write_template("students", tmp_path / "t.xlsx")
    message = str(caught.value)
    assert "students" in message and "roll（学籍名册）" in message and "payments（资助发放名册）" in message
    assert not (tmp_path / "t.xlsx").exists()


def test_write_replaces_the_old_file_and_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "sub" / "t.xlsx"
    assert write_template("schools", target) == target
    assert write_template("payments", target) == target
    assert openpyxl.load_workbook(target).sheetnames == [INSTRUCTIONS_SHEET, "资助发放名册"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["t.xlsx"]


def test_failed_write_keeps_the_previous_file(tmp_path, monkeypatch):
    target = tmp_path / "t.xlsx"
    write_template("schools", target)
    before = target.read_bytes()

    def broken_save(self, filename):
        Path(filename).write_bytes(b"half a zip")
        raise OSError("disk full")

    monkeypatch.setattr(template.Workbook, "save", broken_save)
    with pytest.raises(OSError):
        write_template("roll", target)
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["t.xlsx"]


def _program_validation(path: Path) -> str | None:
    ws = openpyxl.load_workbook(path)["资助发放名册"]
    column = next(c.column_letter for c in ws[1] if c.value == "资助项目")
    found = [v.formula1 for v in ws.data_validations.dataValidation if str(v.sqref).startswith(f"{column}2:")]
    return found[0] if found else None


def test_the_payments_template_offers_the_programs_of_the_ledgers_policy(cli, tmp_path):
    """Like the roll's 就读方式, the 资助项目 column has a dropdown: the ledger's programs, including those a county's
    policy file adds; with no ledger yet, the default policy's."""
    before = cli("template", "payments", "--out", "默认.xlsx")
    assert before.exit_code == 0, before.output
    assert _program_validation(tmp_path / "默认.xlsx") == (
        '"学前教育幼儿资助,义务教育寄宿生生活补助,义务教育非寄宿生生活补助,普通高中国家助学金,中职国家助学金,雨露计划,'
        '大学新生路费,兜底保障户子女大学生活补助,普通高中免学费,中职免学费"')
    wb = openpyxl.load_workbook(tmp_path / "默认.xlsx")
    listed = [row for row in wb[INSTRUCTIONS_SHEET].iter_rows(values_only=True) if row and row[0] == "资助项目"]
    assert "雨露计划" in listed[0][4]  # the instructions' 可选值 column says the same
    policy = tmp_path / "本县.toml"
    policy.write_text('extends = "default"\n\n[[program]]\ncode = "county_grant"\nname = "县级助学金"\nper = "term"\n',
                      encoding="utf-8")
    assert cli("--policy", str(policy), "init").exit_code == 0
    result = cli("template", "payments", "--out", "本县.xlsx")
    assert result.exit_code == 0, result.output
    assert _program_validation(tmp_path / "本县.xlsx").endswith(',中职免学费,县级助学金"')
