"""From the sample county's files to the ledger, as `make demo` does it: every file recognised and imported.

The session's build of the sample county is this import (`fupin import` of every file, once per backend): the test
reads what that command printed and what it left in the ledger, on a copy, then imports everything again."""

from __future__ import annotations


def test_whole_county_imports_in_one_command(sample_ledger, sample_county, sample_build, backend):
    cli, note = sample_ledger, sample_county.note
    output = sample_build.imports[backend].output
    for name, info in note["files"].items():
        line = next(line for line in output.splitlines() if line.startswith(name))
        assert f"{info['rows']:,} 行" in line, line
        assert f"第 {info['header_row']} 行为表头" in line, line
    counts = cli.counts()
    rolls = note["files"]["学籍_2019秋.xlsx"]["rows"] + note["files"]["学籍_2019春.xlsx"]["rows"]
    assert counts["enrollments"] == rolls + note["files"]["县外就读_建档立卡学生.xlsx"]["rows"]
    assert counts["payments"] == sum(note["files"][f"{name}_{term}.xlsx"]["rows"] for term in ("2019春", "2019秋")
                                     for name in ("资助发放", "国家资助系统_免学费"))
    assert counts["schools"] == note["files"]["学校名单.xlsx"]["rows"]
    assert counts["batches"] == len(note["files"])
    # Importing everything again changes nothing.
    again = cli("import", *sample_county.files)
    assert again.exit_code == 0 and "新增 0，变更 0" in again.output
    assert cli.counts() == counts
