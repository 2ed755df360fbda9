"""No live formula, ever: names that a spreadsheet would evaluate are planted in the sample county, and every
workbook fupin writes from it is opened to find them stored as text, shown as typed."""

from __future__ import annotations

import zipfile

import openpyxl
import pytest

from helpers.ledger import execute, query

# What a hostile or careless cell can start with; each is followed by the original name to keep names unique.
PAYLOADS = ('=HYPERLINK("http://x","click")', "=1+1", "+1+1", "-1+1", "@SUM(1)", "\t=1+1", "\r=1+1")
FAR = "2099-12-31"


def _plant(db) -> None:
    """Every person's and school's name starts with a payload, as an older fupin let them in (the row whose id is i
    gets payload i mod 7), on either database."""
    payload = "CASE " + " ".join(f"WHEN id % {len(PAYLOADS)} = {i} THEN CAST(? AS VARCHAR)" for i in range(len(PAYLOADS)))
    execute(db, *((f"UPDATE {table} SET name = {payload} END || name", PAYLOADS)  # noqa: S608
                  for table in ("students", "payments", "helpers", "registry_people", "population", "schools")),
            # Characters a sheet title may not hold, in the names that become sheet titles (townships, schools,
            # helpers).
            "UPDATE schools SET township = township || '/[东]*'",
            "UPDATE schools SET name = name || '[分]/*' WHERE id % 2 = 0",
            "UPDATE helpers SET name = name || '[/]' WHERE id % 2 = 0")


def _formulas_and_texts(path):
    """(coordinates of formula cells, texts of the cells that start with a payload's first character)."""
    formulas, texts = [], []
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    formulas.append(f"{ws.title}!{cell.coordinate}: {cell.value}")
                elif isinstance(cell.value, str) and cell.value[:1] in "=+-@\t\r\n":
                    texts.append(cell.value)
                    assert cell.quotePrefix, f"{path.name} {ws.title}!{cell.coordinate} {cell.value!r}"
    return formulas, texts


def test_every_workbook_of_the_sample_holds_the_planted_names_as_text(sample_ledger, tmp_path, cli):
    _plant(cli.db)
    school = query(cli.db, "SELECT name FROM schools ORDER BY id LIMIT 1")[0][0]
    out = tmp_path / "out"
    out.mkdir()
    # The checks find the sample's planted cases (exit 1); the rest exit 0.
    runs = [
        (("subsidy", "check", "--term", "2019秋", "--out", out / "核对.xlsx"), 1),
        (("subsidy", "notice", "--term", "2019秋", "--out", out / "公示.xlsx", "--with-amount"), 0),
        (("pair", "check", "--term", "2019秋", "--as-of", "2020-01-31", "--out", out / "结对检查.xlsx"), 1),
        (("pair", "handbook", "--school", school, "--term", "2019秋", "--out", out / "手册.xlsx"), 0),
        (("rates", "--year", "2019", "--out", out / "四项指标.xlsx"), 0),
        (("report", "monthly", "--month", "2019-11", "--as-of", FAR, "--out", out, "--details", out / "明细"), 0),
        (("report", "summary", "--year", "2019", "--as-of", FAR, "--out", out / "总结.xlsx", "--details", out / "明细"),
         0),
    ]
    (out / "明细").mkdir()
    for args, code in runs:
        result = cli(*args)
        assert result.exit_code == code, (args, result.output)
    details = sorted((out / "明细").glob("*.xlsx"))
    assert len(details) == 2, details
    books = sorted(out.glob("*.xlsx")) + details
    assert len(books) == 9, books
    # Every township has its sheet in the monthly report, titled with what Excel accepts in place of / [ ] *.
    townships = {r[0] for r in query(cli.db, "SELECT township FROM schools")}
    titles = openpyxl.load_workbook(out / "月报_2019-11.xlsx", read_only=True).sheetnames
    assert {t.replace("/[东]*", "__东__") for t in townships} <= set(titles), titles
    planted_seen = set()
    for book in books:
        formulas, texts = _formulas_and_texts(book)
        assert formulas == [], (book.name, formulas[:5])
        # XML reads a carriage return back as a line feed.
        planted_seen |= {p for p in PAYLOADS for t in texts if t.replace("\n", "\r").startswith(p)}
        # The raw XML holds no <f> element either: what Excel would evaluate on opening.
        with zipfile.ZipFile(book) as z:
            assert not any(b"<f>" in z.read(n) or b"<f " in z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert planted_seen == set(PAYLOADS)


def test_the_error_workbook_keeps_a_refused_cell_as_text(tmp_path, cli):
    from helpers.files import ROLL_HEADER, roll_rows, write_xlsx

    rows = roll_rows()
    rows[0][0] = "=1+1"
    path = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, rows)
    wb = openpyxl.load_workbook(path)
    wb.active["A2"].data_type = "s"  # the clerk's file holds the text, not a formula
    wb.save(path)
    result = cli("import", path, "--term", "2019秋", "--errors", tmp_path / "错误.xlsx")
    assert result.exit_code == 1
    formulas, texts = _formulas_and_texts(tmp_path / "错误.xlsx")
    assert formulas == [] and "=1+1" in texts


@pytest.mark.parametrize(("name", "why"), [
    ('=HYPERLINK("http://x","click")', "以“=”开头"), ("+1", "以“+”开头"), ("-王", "以“-”开头"), ("@李", "以“@”开头"),
    ("[/]王", "方括号"), ("[bold]李[/bold]", "方括号"), ("<b>张</b>", "尖括号"), ("张\n三", "控制字符"), ("李\x7f四", "控制字符"),
])
def test_import_refuses_a_name_that_is_not_a_name_by_row_and_column(tmp_path, cli, schools, name, why):
    from helpers.files import ROLL_HEADER, roll_rows, write_xlsx

    before = cli.counts()
    rows = roll_rows()
    rows[1][0] = name
    path = write_xlsx(tmp_path / "学籍.xlsx", ROLL_HEADER, rows)
    wb = openpyxl.load_workbook(path)
    wb.active["A3"].data_type = "s"
    wb.save(path)
    result = cli("import", path, "--term", "2019秋")
    assert result.exit_code == 1, result.output
    assert "第 3 行，“姓名”列（A 列）" in result.output and why in result.output, result.output
    assert cli.counts() == before
