"""The sample county: exact headers, valid IDs, byte-stable output, the planted cases really in the files."""

from __future__ import annotations

import csv
import io
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest
import typer
from typer.testing import CliRunner

from helpers.sample_ledger import SCALE, SEED
from jiaoyu_fupin.core.idnumber import birth_date, is_valid, sex
from jiaoyu_fupin.importers.columns import KINDS, header_key, match_headers
from jiaoyu_fupin.sample import NOTE_FILE, build_schools, generate

# file -> (kind, sheet index, header row, headers): the headers the real exports carry, spelled out as the spec.
FILES = {
    "学校名单.xlsx": ("schools", 0, 1, ("学校标识码", "学校名称", "学校类型", "所在乡镇", "办别")),
    "学籍_2019春.xlsx": ("roll", 0, 2, None),
    "学籍_2019秋.xlsx": ("roll", 0, 2, (
        "姓名", "性别", "出生日期", "民族", "身份证件类型", "身份证件号", "全国学籍号", "学校名称", "学段", "年级", "班级",
        "入学年月", "就读方式", "学籍状态", "户口所在地", "是否留守儿童", "是否孤儿", "残疾类型", "家庭经济困难类别", "学期")),
    "国扶办_建档立卡人员.xlsx": ("registry", 1, 1, (
        "编号", "市区旗", "乡镇", "村", "社、组", "户编号", "人编号", "姓名", "身份证号", "家庭成员数", "与户主关系", "民族",
        "文化程度", "在校生状况", "健康状况", "劳动技能", "务工状况", "务工时间(月)", "参加大病医疗", "脱贫属性", "贫困户属性",
        "主要致贫原因", "危房户", "饮水安全", "饮水困难", "人均纯收入", "联系电话", "统计时间", "义务教育阶段未上学原因")),
    "县外就读_建档立卡学生.xlsx": ("away", 0, 1, (
        "省市", "区县", "乡镇", "村组（社区）", "姓名", "身份证号码", "户编号", "户主姓名", "联系电话", "学校全称", "学段", "年级",
        "班级", "学籍号", "就读方式", "是否残疾生", "贫困类型", "就读地", "省内/省外", "就读地区", "学期")),
    "资助发放_2019春.xlsx": ("payments", 0, 3, None),
    "资助发放_2019秋.xlsx": ("payments", 0, 3, (
        "序号", "学校名称", "姓名", "身份证号码", "年级", "资助项目", "资助金额", "学期", "发放日期", "银行卡号")),
    # The national student-aid system's export: its own headers and the shared name 免学费.
    "国家资助系统_免学费_2019春.xlsx": ("payments", 0, 2, None),
    "国家资助系统_免学费_2019秋.xlsx": ("payments", 0, 2, (
        "序号", "学校名称", "姓名", "身份证件号", "年级", "资助项目", "资助金额", "学期", "发放日期")),
    "帮扶责任人.xlsx": ("helpers", 0, 1, ("序号", "姓名", "身份证号", "工作单位", "职务", "联系电话")),
    "结对帮扶.xlsx": ("pairings", 0, 1, ("帮扶责任人姓名", "帮扶责任人身份证号", "学生姓名", "学生身份证号", "结对日期", "结束日期")),
    "结对帮扶记录_2019秋.xlsx": ("activities", 0, 2, (
        "帮扶责任人姓名", "帮扶责任人身份证号", "学生姓名", "学生身份证号", "帮扶类型", "帮扶日期", "帮扶内容")),
    "包保责任.xlsx": ("oversight", 0, 1, (
        "包保层级", "包保责任人姓名", "包保责任人身份证号", "职务", "包保乡镇", "包保学校", "年级", "班级")),
    "户籍适龄儿童.csv": ("population", None, 1, (
        "公民身份号码", "姓名", "性别", "出生日期", "乡镇（街道）", "村（社区）", "户籍地址")),
    "辍学台账.xlsx": ("dropouts", 0, 1, (
        "学生姓名", "性别", "身份证号码", "就读学校及年级", "辍学年月", "家长(或监护人)姓名", "电话号码", "家庭住址", "户籍所在地",
        "辍学原因", "已采取的帮扶措施", "劝返次数", "劝返人员姓名", "劝返时间", "劝返就读情况记录")),
    "教育事业统计_小学初中.xlsx": ("school_stats", 0, 2, (
        "学年", "学校标识码", "学校名称", "所在乡镇", "学段", "年级", "招生数", "在校生数", "毕业生数", "转入", "转出")),
    "扶贫协作计划_2019_跟岗培训.xlsx": ("collab_plan", 0, 2, ("序号", "对象", "时间", "人数", "责任股室")),
    "扶贫协作计划_2019_专家培训.xlsx": ("collab_plan", 0, 2, ("项目名称", "责任股室", "滨江来建始专家", "时间", "人数", "备注")),
    "扶贫协作目标_2019.xlsx": ("collab_targets", 0, 2, ("目标项目", "年度目标", "单位")),
    "扶贫协作记录_2019.xlsx": ("collab_record", 0, 2, (
        "日期", "类型", "协作类别", "协作方", "受援学校", "人数", "人次", "金额（元）", "资金来源", "计划项目", "备注")),
    "任务清单_2019.xlsx": ("tasks", 0, 2, ("一级指标", "二级指标", "工作任务", "牵头股室", "配合股室", "完成时限")),
    "学校任务清单_2019.xlsx": ("school_tasks", 0, 2, ("一级指标", "二级指标")),
}
SAME_AS = {"学籍_2019春.xlsx": "学籍_2019秋.xlsx", "资助发放_2019春.xlsx": "资助发放_2019秋.xlsx",
           "国家资助系统_免学费_2019春.xlsx": "国家资助系统_免学费_2019秋.xlsx"}
PLANTED_KINDS = ("payment_missing", "payment_duplicate", "payment_wrong_amount", "payment_to_dropout",
                 "payment_ineligible", "payment_unknown_student", "out_of_school", "unpaired", "pairing_school_mismatch",
                 "six_ones_overdue")


def _headers(name: str) -> tuple[str, ...]:
    spec = FILES[name][3]
    return spec if spec is not None else FILES[SAME_AS[name]][3]


def _table(folder: Path, name: str) -> list[dict[str, object]]:
    """Data rows of one file as dicts keyed by header."""
    _, sheet, header_row, _ = FILES[name]
    if sheet is None:
        rows = list(csv.reader(io.StringIO((folder / name).read_bytes().decode("gbk"))))
    else:
        wb = openpyxl.load_workbook(folder / name, read_only=True)
        rows = [list(r) for r in wb.worksheets[sheet].iter_rows(values_only=True)]
        wb.close()
    header = rows[header_row - 1]
    return [dict(zip(header, r, strict=False)) for r in rows[header_row:]]


@pytest.fixture(scope="module")
def sample(sample_county) -> tuple[Path, dict]:
    """The session's sample county (SEED, SCALE), as (folder, note)."""
    return sample_county.folder, sample_county.note


def test_every_file_has_the_exact_header_row(sample):
    folder, note = sample
    for name, (kind, sheet, header_row, _) in FILES.items():
        assert (folder / name).exists(), name
        if sheet is None:
            first = (folder / name).read_bytes().decode("gbk").splitlines()[0]
            assert tuple(first.split(",")) == _headers(name)
            continue
        wb = openpyxl.load_workbook(folder / name, read_only=True)
        ws = wb.worksheets[sheet]
        row = next(ws.iter_rows(min_row=header_row, max_row=header_row, values_only=True))
        wb.close()
        assert tuple(row) == _headers(name), name
        assert note["files"][name]["kind"] == kind and note["files"][name]["header_row"] == header_row


def test_headers_are_ones_the_importer_knows(sample):
    # Every column maps to a field or is one the importer ignores on purpose, and every required field is there.
    for name, (kind_name, *_) in FILES.items():
        kind = KINDS[kind_name]
        headers = list(_headers(name))
        known = {header_key(a) for c in kind.columns for a in c.aliases} | {header_key(i) for i in kind.ignored}
        assert [h for h in headers if header_key(h) not in known] == [], name
        found = match_headers(kind, headers)
        assert all(c.field in found for c in kind.columns if c.required), name


def test_titles_above_the_header(sample):
    folder, _ = sample
    ws = openpyxl.load_workbook(folder / "学籍_2019秋.xlsx").worksheets[0]
    assert ws["A1"].value == "样例县2019年秋季学期在校学生名册"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A1:T1"]
    ws = openpyxl.load_workbook(folder / "资助发放_2019秋.xlsx").worksheets[0]
    assert ws["A2"].value == "单位：元"
    wb = openpyxl.load_workbook(folder / "国扶办_建档立卡人员.xlsx", read_only=True)
    assert wb.sheetnames == ["填表说明", "建档立卡人员"]


def test_same_seed_same_bytes_other_seed_other_data(sample, tmp_path):
    folder, _ = sample
    again = tmp_path / "again"
    generate(again, seed=SEED, scale=SCALE)
    for name in [*FILES, NOTE_FILE]:
        assert (folder / name).read_bytes() == (again / name).read_bytes(), name
    other = tmp_path / "other"
    generate(other, seed=7, scale=SCALE)
    ids = {r["身份证件号"] for r in _table(folder, "学籍_2019秋.xlsx")}
    assert ids != {r["身份证件号"] for r in _table(other, "学籍_2019秋.xlsx")}


ID_COLUMNS = {
    "学籍_2019春.xlsx": ("身份证件号",), "学籍_2019秋.xlsx": ("身份证件号",), "国扶办_建档立卡人员.xlsx": ("身份证号",),
    "县外就读_建档立卡学生.xlsx": ("身份证号码",), "资助发放_2019春.xlsx": ("身份证号码",), "资助发放_2019秋.xlsx": ("身份证号码",),
    "帮扶责任人.xlsx": ("身份证号",), "结对帮扶.xlsx": ("帮扶责任人身份证号", "学生身份证号"), "户籍适龄儿童.csv": ("公民身份号码",),
    "结对帮扶记录_2019秋.xlsx": ("帮扶责任人身份证号", "学生身份证号"), "包保责任.xlsx": ("包保责任人身份证号",),
    "辍学台账.xlsx": ("身份证号码",),
}


def test_every_id_number_is_valid_and_stored_as_text(sample):
    folder, _ = sample
    for name, columns in ID_COLUMNS.items():
        rows = _table(folder, name)
        assert rows, name
        for col in columns:
            values = [r[col] for r in rows]
            assert all(isinstance(v, str) for v in values), f"{name} {col}: not text"
            assert [v for v in values if not is_valid(v, today=date(2020, 1, 1))] == [], f"{name} {col}"
    for r in _table(folder, "学籍_2019秋.xlsx"):
        assert f"{birth_date(r['身份证件号']):%Y-%m-%d}" == r["出生日期"]
        assert sex(r["身份证件号"]) == r["性别"]


def test_school_counts_at_scale_one():
    schools = build_schools(2019, 1.0)
    types = Counter(s.type for s in schools)
    assert types == {"中职": 1, "普通高中": 2, "初中": 17, "小学": 68, "教学点": 9, "幼儿园": 70, "特殊教育": 1}
    assert types["小学"] + types["教学点"] == 77 and len(schools) == 168
    assert Counter(s.ownership for s in schools if s.type == "幼儿园") == {"公办": 9, "民办": 61}
    assert len({s.township for s in schools}) == 10 and len({s.name for s in schools}) == 168
    assert all(len(s.code) == 10 and s.code.isdigit() for s in schools)
    tiny = Counter(s.type for s in build_schools(2019, 0.01))
    assert set(tiny) == set(types)


def test_note_lists_every_planted_kind(sample):
    folder, note = sample
    assert set(PLANTED_KINDS) <= set(note["planted"])
    for kind in PLANTED_KINDS:
        cases = note["planted"][kind]["cases"]
        assert cases and all(is_valid(c["id_number"]) and c["name"] for c in cases), kind
    assert note["counts"]["schools"] == len(_table(folder, "学校名单.xlsx"))
    for name, info in note["files"].items():
        assert info["rows"] == len(_table(folder, name)), name


def test_planted_cases_are_really_in_the_files(sample):
    folder, note = sample
    # Oversight gaps are places, not people: they carry no ID number (test_pairing_sample checks them).
    planted = {k: {c["id_number"] for c in v["cases"] if "id_number" in c} for k, v in note["planted"].items()}
    fall = {r["身份证件号"]: r for r in _table(folder, "学籍_2019秋.xlsx")}
    away = {r["身份证号码"] for r in _table(folder, "县外就读_建档立卡学生.xlsx")}
    paid = Counter((r["身份证号码"], r["资助项目"]) for r in _table(folder, "资助发放_2019秋.xlsx"))
    paid_ids = {i for i, _ in paid}
    assert planted["payment_missing"].isdisjoint(paid_ids)
    assert all(fall[i]["家庭经济困难类别"] == "建档立卡" for i in planted["payment_missing"])
    assert {i for (i, _), n in paid.items() if n > 1} == planted["payment_duplicate"]
    assert all(fall[i]["学籍状态"] == "辍学" for i in planted["payment_to_dropout"])
    assert planted["payment_unknown_student"] <= paid_ids and planted["payment_unknown_student"].isdisjoint(fall)
    # Out of school: registry children aged 6-15 on 31 August 2019, on no roll and not away; nobody else.
    suspects = set()
    for r in _table(folder, "国扶办_建档立卡人员.xlsx"):
        b = birth_date(r["身份证号"])
        age = 2019 - b.year - ((b.month, b.day) > (8, 31))
        if 6 <= age <= 15 and r["身份证号"] not in fall and r["身份证号"] not in away:
            suspects.add(r["身份证号"])
    assert suspects == planted["out_of_school"]
    helpers = {r["身份证号"]: r["工作单位"] for r in _table(folder, "帮扶责任人.xlsx")}
    pairs = _table(folder, "结对帮扶.xlsx")
    assert max(Counter(p["帮扶责任人身份证号"] for p in pairs).values()) <= 5
    moved = {p["学生身份证号"] for p in pairs if helpers[p["帮扶责任人身份证号"]] != fall[p["学生身份证号"]]["学校名称"]}
    assert moved == planted["pairing_school_mismatch"]
    poor = {i for i, r in fall.items() if r["家庭经济困难类别"] == "建档立卡" and r["学籍状态"] != "转出"}
    assert poor - {p["学生身份证号"] for p in pairs} == planted["unpaired"]


def test_population_csv_is_gbk(sample):
    folder, _ = sample
    raw = (folder / "户籍适龄儿童.csv").read_bytes()
    assert raw.decode("gbk").startswith("公民身份号码,")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")


def _app() -> typer.Typer:
    try:
        from jiaoyu_fupin.cli.main import app

        return app
    except ImportError:  # the main CLI not wired yet: our command on its own
        from jiaoyu_fupin.cli.sample import register

        app = typer.Typer()
        app.callback()(lambda: None)
        register(app)
        return app


@pytest.mark.parametrize("scale", ["0", "-1", "20.5"])
def test_cli_refuses_a_bad_scale(tmp_path, scale):
    result = CliRunner().invoke(_app(), ["sample", "--out", str(tmp_path / "s"), "--scale", scale])
    assert result.exit_code == 2
    assert "--scale" in result.output
    assert not (tmp_path / "s").exists()


def test_cli_writes_the_files_and_says_where(tmp_path):
    result = CliRunner().invoke(_app(), ["sample", "--out", str(tmp_path / "s"), "--scale", "0.01", "--seed", "3"])
    assert result.exit_code == 0, result.output
    assert "学籍_2019秋.xlsx" in result.output and "已写入文件夹" in result.output
    assert (tmp_path / "s" / NOTE_FILE).exists()


def test_the_national_export_writes_the_shared_name_and_its_correction_changes_one_amount(sample):
    folder, note = sample
    original = _table(folder, "国家资助系统_免学费_2019秋.xlsx")
    assert original and {r["资助项目"] for r in original} == {"免学费"}
    info = note["corrections"]["更正/国家资助系统_免学费_2019秋_更正.xlsx"]
    assert info["replaces"] == "国家资助系统_免学费_2019秋.xlsx" and info["rows"] == len(original)
    import openpyxl

    sheet = openpyxl.load_workbook(folder / "更正" / "国家资助系统_免学费_2019秋_更正.xlsx").active
    rows = list(sheet.iter_rows(min_row=3, values_only=True))
    corrected = [dict(zip(FILES["国家资助系统_免学费_2019秋.xlsx"][3], r, strict=True)) for r in rows]
    changed = [(a["身份证件号"], a["资助金额"], b["资助金额"]) for a, b in zip(original, corrected, strict=True) if a != b]
    wrong = note["planted"]["payment_wrong_amount"]["cases"]
    assert [(i, str(x), str(y)) for i, x, y in changed] == [
        (c["id_number"], "1000", "1200") for c in wrong if c["program"] == "中职免学费"]


def test_every_sample_file_is_readable_by_its_owner_only(sample):
    """The people are made up but their ID numbers pass every check: the files are kept like real ones."""
    folder, _ = sample
    files = [p for p in folder.rglob("*") if p.is_file()]
    assert len(files) >= 20
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in files} == {p.name: "0o600" for p in files}
