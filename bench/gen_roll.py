"""Generate a school roll (学籍名册) of N rows and the schools workbook it refers to, for the import benchmark.

    python bench/gen_roll.py --rows 1000000 --out bench/out/roll_1000000.xlsx [--verify]

Stands alone on purpose (no project code, not the project's sample generator): the benchmark must measure the
importer against data that was not shaped by the importer's own helpers. Every value is one our importer must
accept: GB 11643 ID numbers (region 422822) that are all distinct, with the birth date matching the grade and
the sex matching the sequence; school names from the schools workbook, with a stage matching the school type.

The xlsx is written by hand (zipfile + the minimal OOXML parts, inline strings), streaming rows into the zip
member: openpyxl needs minutes and gigabytes for a million rows. Output is byte-for-byte deterministic for a
given --seed and --rows (fixed zip timestamps, seeded numpy generator).
"""

from __future__ import annotations

import argparse
import sys
import time
import zipfile
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np

REGION = "422822"  # 建始县, 恩施州, 湖北省
COUNTY = "建始县"
TERM = "2019秋"
AGE_DAY = date(2019, 8, 31)  # ages are counted on 31 Aug 2019, the day before the 2019 autumn term starts
WEIGHTS = np.array([7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2], dtype=np.int64)
CHECK_CHARS = np.array(list("10X98765432"))

ROLL_HEADERS = ["姓名", "性别", "出生日期", "身份证件号", "全国学籍号", "学校名称", "学段", "年级", "班级", "就读方式",
                "学籍状态", "学期"]
SCHOOL_HEADERS = ["学校标识码", "学校名称", "学校类型", "所在乡镇", "办别"]

# Stage -> (school type that teaches it, grade words, age of the first grade on AGE_DAY, share of pupils,
# share boarding). Shares are roughly a mountain county's: most children in primary school.
STAGES = [
    ("学前", "幼儿园", ["小班", "中班", "大班"], 3, 0.12, 0.0),
    ("小学", "小学", ["一年级", "二年级", "三年级", "四年级", "五年级", "六年级"], 6, 0.45, 0.15),
    ("初中", "初中", ["七年级", "八年级", "九年级"], 12, 0.23, 0.60),
    ("普通高中", "普通高中", ["高一", "高二", "高三"], 15, 0.12, 0.90),
    ("中职", "中职", ["一年级", "二年级", "三年级"], 15, 0.08, 0.80),
]
TOWNSHIPS = ["业州镇", "高坪镇", "红岩寺镇", "景阳镇", "官店镇", "花坪镇", "长梁乡", "茅田乡", "龙坪乡", "三里乡"]
ORDINALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]

SURNAMES = list("向谭黄田张李王刘陈杨周吴赵孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪任姜范方石姚廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文")
GIVEN = list("子涵欣怡梓轩浩然宇航雨萱思远佳怡俊杰诗琪明轩一诺可馨嘉怡博文梦瑶晨曦天佑紫萱志强建华秀英丽娟文静海燕晓峰国庆德华春梅小红小明家豪雅婷欣然")
CLASSES = [f"{k}班" for k in range(1, 13)]
BOARDING = ["走读", "住校"]
SEXES = ["女", "男"]  # indexed by the parity of the sequence's last digit: odd = 男

CHUNK = 50_000  # rows formatted per write: bounds memory to tens of MB whatever N is
FIXED_TIME = (2019, 9, 1, 0, 0, 0)  # zip member timestamps, so the same seed gives the same bytes

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
NS_R = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

CONTENT_TYPES = XML_HEAD + (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    "</Types>"
)
ROOT_RELS = XML_HEAD + (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
WORKBOOK_RELS = XML_HEAD + (
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{REL}/styles" Target="styles.xml"/>'
    "</Relationships>"
)
# The smallest styles part Excel opens without a repair prompt: one font, the two required fills, one border.
STYLES = XML_HEAD + (
    f"<styleSheet {NS}>"
    '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="常规" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def _col_letter(i: int) -> str:
    letters = ""
    i += 1
    while i:
        i, rem = divmod(i - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def _row_template(width: int) -> str:
    """One str.format template per row: a single C-level call per row is what keeps 1M rows in seconds."""
    cells = "".join(
        f'<c r="{_col_letter(i)}{{0}}" t="inlineStr"><is><t>{{{i + 1}}}</t></is></c>' for i in range(width)
    )
    return f'<row r="{{0}}">{cells}</row>'


def _member(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    return info


def write_xlsx(path: Path, sheet_name: str, headers: list[str], chunks, n_rows: int) -> None:
    """Write one sheet: headers in row 1, then the rows of each chunk (lists of equal-length str columns).

    Data values are not XML-escaped: they all come from the fixed vocabularies above, which check_vocabulary()
    proves free of markup characters; escaping 12 million cells would double the run time for nothing.
    """
    width = len(headers)
    template = _row_template(width)
    last = f"{_col_letter(width - 1)}{n_rows + 1}"
    # The zip64 extension is only needed past 2 GiB of XML (about 3M rows); readers all handle it, but a
    # plain member is what Excel writes for ordinary files.
    zip64 = n_rows * 800 > zipfile.ZIP64_LIMIT
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".partial")
    with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        zf.writestr(_member("[Content_Types].xml"), CONTENT_TYPES)
        zf.writestr(_member("_rels/.rels"), ROOT_RELS)
        zf.writestr(_member("xl/workbook.xml"), XML_HEAD + (
            f"<workbook {NS} {NS_R}><sheets>"
            f'<sheet name="{escape(sheet_name, {chr(34): "&quot;"})}" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>"
        ))
        zf.writestr(_member("xl/_rels/workbook.xml.rels"), WORKBOOK_RELS)
        zf.writestr(_member("xl/styles.xml"), STYLES)
        with zf.open(_member("xl/worksheets/sheet1.xml"), "w", force_zip64=zip64) as sheet:
            sheet.write((XML_HEAD + f'<worksheet {NS} {NS_R}><dimension ref="A1:{last}"/><sheetData>').encode())
            sheet.write(template.format(1, *(escape(h) for h in headers)).encode())
            r = 2
            for columns in chunks:
                fmt = template.format
                parts = []
                for values in zip(*columns, strict=True):
                    parts.append(fmt(r, *values))
                    r += 1
                sheet.write("".join(parts).encode())
            if r != n_rows + 2:
                raise AssertionError(f"wrote {r - 2} rows, expected {n_rows}")
            sheet.write(b"</sheetData></worksheet>")
    tmp.replace(path)  # a run killed half-way never leaves a truncated file that looks finished


def check_vocabulary() -> None:
    words = [*SURNAMES, *GIVEN, *CLASSES, *BOARDING, *SEXES, *TOWNSHIPS, TERM, COUNTY,
             *(w for s in STAGES for w in (s[0], s[1], *s[2]))]
    bad = [w for w in words if any(ch in w for ch in "&<>\"'")]
    if bad:
        raise AssertionError(f"vocabulary needs XML escaping: {bad}")


# --- schools -----------------------------------------------------------------------------------------------


def schools() -> list[tuple[str, str, str, str, str]]:
    """200 schools: per township 10 小学, 4 初中, 4 幼儿园; county-level 8 普通高中, 4 中职, 8 幼儿园."""
    rows = []

    def add(name, school_type, township, ownership="公办"):
        rows.append((f"34228{len(rows) + 1:05d}", name, school_type, township, ownership))

    for town in TOWNSHIPS:
        for k in range(10):
            add(f"{town}第{ORDINALS[k]}小学", "小学", town)
        for k in range(4):
            add(f"{town}第{ORDINALS[k]}初级中学", "初中", town)
        for k in range(4):
            add(f"{town}第{ORDINALS[k]}幼儿园", "幼儿园", town)
    seat = TOWNSHIPS[0]  # county-level schools sit in the county seat
    for k in range(8):
        add(f"{COUNTY}第{ORDINALS[k]}高级中学", "普通高中", seat)
    for k in range(4):
        add(f"{COUNTY}第{ORDINALS[k]}职业高级中学", "中职", seat)
    for k in range(8):
        add(f"{COUNTY}机关第{ORDINALS[k]}幼儿园", "幼儿园", seat, "民办" if k % 3 == 2 else "公办")
    return rows


def write_schools(path: Path) -> list[tuple[str, str, str, str, str]]:
    rows = schools()
    write_xlsx(path, "学校名单", SCHOOL_HEADERS, [list(zip(*rows, strict=True))], len(rows))
    return rows


# --- roll --------------------------------------------------------------------------------------------------


def _plan(n: int, seed: int, school_rows) -> dict[str, np.ndarray]:
    """Every row's stage, grade, school, birth day and sequence, as numpy arrays (a few MB per million rows)."""
    rng = np.random.default_rng(seed)
    shares = np.array([s[4] for s in STAGES])
    stage = rng.choice(len(STAGES), size=n, p=shares / shares.sum()).astype(np.int8)
    n_grades = np.array([len(s[2]) for s in STAGES])
    grade = (rng.random(n) * n_grades[stage]).astype(np.int8)
    age = np.array([s[3] for s in STAGES])[stage] + grade

    # Distinct IDs by construction: within one age cohort, draw (birth day, sequence) pairs without replacement.
    birth = np.empty(n, dtype="datetime64[D]")
    seq = np.empty(n, dtype=np.int64)
    for a in np.unique(age):
        rows = np.flatnonzero(age == a)
        first = np.datetime64(date(AGE_DAY.year - a - 1, 9, 1))  # age a on 31 Aug 2019: born 1 Sep .. 31 Aug
        days = int((np.datetime64(date(AGE_DAY.year - a, 9, 1)) - first).astype(int))
        capacity = days * 999  # sequences 001..999
        if len(rows) > capacity:
            raise SystemExit(f"{len(rows)} children aged {a} cannot all have distinct ID numbers (max {capacity})")
        pick = rng.choice(capacity, size=len(rows), replace=False)
        birth[rows] = first + (pick // 999)
        seq[rows] = pick % 999 + 1

    school = np.empty(n, dtype=np.int32)
    for s, (_, school_type, *_rest) in enumerate(STAGES):
        of_type = np.array([i for i, r in enumerate(school_rows) if r[2] == school_type])
        rows = np.flatnonzero(stage == s)
        school[rows] = of_type[rng.integers(0, len(of_type), size=len(rows))]
    boarding_share = np.array([s[5] for s in STAGES])
    return {
        "stage": stage, "grade": grade, "birth": birth, "seq": seq, "school": school,
        "klass": rng.integers(0, len(CLASSES), size=n).astype(np.int8),
        "boarding": (rng.random(n) < boarding_share[stage]).astype(np.int8),
        "surname": rng.integers(0, len(SURNAMES), size=n).astype(np.int16),
        "given1": rng.integers(0, len(GIVEN), size=n).astype(np.int16),
        # A third of the children have one-character given names.
        "given2": np.where(rng.random(n) < 1 / 3, -1, rng.integers(0, len(GIVEN), size=n)).astype(np.int16),
    }


def _id_numbers(birth: np.ndarray, seq: np.ndarray) -> tuple[list[str], list[str]]:
    """(ID numbers, birth dates as YYYY-MM-DD) for one chunk; the check character is computed in numpy."""
    ymd = np.datetime_as_string(birth, unit="D")
    as_int = np.char.replace(ymd, "-", "").astype(np.int64) * 1000 + seq  # digits 7..17 of the ID
    total = np.full(len(birth), sum(int(c) * int(w) for c, w in zip(REGION, WEIGHTS[:6], strict=True)), dtype=np.int64)
    rest = as_int.copy()
    for pos in range(16, 5, -1):  # peel the last digit off, position by position
        total += (rest % 10) * WEIGHTS[pos]
        rest //= 10
    check = CHECK_CHARS[total % 11]
    ids = [f"{REGION}{v:011d}{c}" for v, c in zip(as_int.tolist(), check.tolist(), strict=True)]
    return ids, ymd.tolist()


def roll_chunks(plan: dict[str, np.ndarray], school_rows):
    stage_names = [s[0] for s in STAGES]
    grade_words = [s[2] for s in STAGES]
    school_names = [r[1] for r in school_rows]
    n = len(plan["stage"])
    for start in range(0, n, CHUNK):
        sl = slice(start, min(start + CHUNK, n))
        ids, births = _id_numbers(plan["birth"][sl], plan["seq"][sl])
        stage = plan["stage"][sl].tolist()
        given2 = plan["given2"][sl].tolist()
        yield [
            [SURNAMES[a] + GIVEN[b] + (GIVEN[c] if c >= 0 else "")
             for a, b, c in zip(plan["surname"][sl].tolist(), plan["given1"][sl].tolist(), given2, strict=True)],
            [SEXES[s % 2] for s in plan["seq"][sl].tolist()],
            births,
            ids,
            ["G" + i for i in ids],
            [school_names[i] for i in plan["school"][sl].tolist()],
            [stage_names[s] for s in stage],
            [grade_words[s][g] for s, g in zip(stage, plan["grade"][sl].tolist(), strict=True)],
            [CLASSES[k] for k in plan["klass"][sl].tolist()],
            [BOARDING[b] for b in plan["boarding"][sl].tolist()],
            ["在校"] * len(ids),
            [TERM] * len(ids),
        ]


def generate(rows: int, out: Path, seed: int) -> tuple[Path, Path]:
    check_vocabulary()
    schools_path = out.parent / f"schools_{rows}.xlsx"
    school_rows = write_schools(schools_path)
    plan = _plan(rows, seed, school_rows)
    write_xlsx(out, "学籍名册", ROLL_HEADERS, roll_chunks(plan, school_rows), rows)
    return out, schools_path


# --- verification (optional, --verify) ---------------------------------------------------------------------


def verify(roll: Path, schools_path: Path, rows: int) -> None:
    """Open the files with the three readers and re-check every value independently of the writer."""
    import fastexcel
    import openpyxl
    from python_calamine import CalamineWorkbook

    t = time.perf_counter()
    wb = openpyxl.load_workbook(roll, read_only=True)
    ws = wb.worksheets[0]
    head = list(ws.iter_rows(min_row=1, max_row=3, values_only=True))
    assert list(head[0]) == ROLL_HEADERS, head[0]
    assert all(isinstance(v, str) for r in head for v in r), "openpyxl sees a non-text cell"
    assert ws.max_row == rows + 1 and ws.max_column == 12, (ws.max_row, ws.max_column)
    wb.close()
    print(f"  openpyxl (read_only): opens, dimension {rows + 1}×12, first rows are text ({time.perf_counter() - t:.1f}s)")

    t = time.perf_counter()
    sheet = fastexcel.read_excel(str(roll)).load_sheet(0)
    assert sheet.height == rows and sheet.width == 12, (sheet.height, sheet.width)
    assert [c.name for c in sheet.selected_columns] == ROLL_HEADERS
    types = {str(t_) for t_ in sheet.to_arrow().schema.types}
    assert types <= {"string", "large_string", "string_view"}, types  # inferred, not forced: no numbers anywhere
    print(f"  fastexcel: {sheet.height} rows × {sheet.width} columns, inferred types {sorted(types)} "
          f"({time.perf_counter() - t:.1f}s)")

    t = time.perf_counter()
    data = CalamineWorkbook.from_path(str(roll)).get_sheet_by_index(0).to_python()
    school_data = CalamineWorkbook.from_path(str(schools_path)).get_sheet_by_index(0).to_python()
    print(f"  python-calamine: {len(data)} rows read ({time.perf_counter() - t:.1f}s)")
    assert data[0] == ROLL_HEADERS and len(data) == rows + 1
    assert school_data[0] == SCHOOL_HEADERS
    type_of = {r[1]: r[2] for r in school_data[1:]}
    assert set(type_of.values()) == {"小学", "初中", "幼儿园", "普通高中", "中职"}
    stage_info = {s[0]: s for s in STAGES}
    seen = set()
    weights = WEIGHTS.tolist()
    for row in data[1:]:
        name, sex, birth, id_number, sid, school, stage, grade, klass, boarding, status, term = row
        assert all(isinstance(v, str) and v for v in row), row
        body = id_number[:17]
        assert len(id_number) == 18 and body.isdigit() and id_number.startswith(REGION), id_number
        assert "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11] == id_number[17]
        assert id_number not in seen, id_number
        seen.add(id_number)
        assert sex == ("男" if int(id_number[16]) % 2 else "女")
        born = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
        assert birth == born.isoformat()
        assert sid == "G" + id_number
        info = stage_info[stage]
        assert type_of[school] == info[1], (school, stage)
        age = AGE_DAY.year - born.year - ((AGE_DAY.month, AGE_DAY.day) < (born.month, born.day))
        assert age == info[3] + info[2].index(grade), (grade, born)
        assert klass in CLASSES and boarding in BOARDING and status == "在校" and term == TERM and name
    print(f"  every row re-checked: {len(seen)} distinct valid ID numbers, sex/birth/grade/school consistent")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, required=True, help="data rows in the roll")
    parser.add_argument("--out", type=Path, help="roll path (default bench/out/roll_N.xlsx)")
    parser.add_argument("--seed", type=int, default=20190901)
    parser.add_argument("--verify", action="store_true", help="re-open the files with openpyxl, fastexcel, calamine")
    args = parser.parse_args(argv)
    out = args.out or Path(__file__).resolve().parent / "out" / f"roll_{args.rows}.xlsx"
    t = time.perf_counter()
    roll, schools_path = generate(args.rows, out, args.seed)
    elapsed = time.perf_counter() - t
    print(f"wrote {roll} ({args.rows} rows, {roll.stat().st_size / 1e6:.1f} MB) and {schools_path} "
          f"in {elapsed:.1f}s ({args.rows / elapsed:,.0f} rows/s)")
    if args.verify:
        verify(roll, schools_path, args.rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
