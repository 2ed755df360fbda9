"""Checks every importer runs: required columns and values, ID numbers, footer lines, conflicting duplicates."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from jiaoyu_fupin.core import ages, idnumber
from jiaoyu_fupin.core.problems import Problem
from jiaoyu_fupin.core.terms import Term
from jiaoyu_fupin.importers.celltypes import formulas_without_value, numeric_cells
from jiaoyu_fupin.importers.table import Table

# The lines under a table: totals (本页合计, 共计 3 人), who filled in and checked it, notes, stamps and signatures.
_FOOTER = re.compile(r"^(合\s*计|总\s*计|小\s*计|共\s*计|累\s*计|本页|制表|填表|填报|审核|审批|负责人|校长|单位负责人|经办人"
                     r"|联系人|说明|注\s*[:：]|备注[:：])|盖\s*章|签\s*字|签\s*名|[（(]\s*章\s*[)）]")


# A header with nothing under it is not refused (a school with no dropouts sends an empty 辍学台账), but the
# clerk is told, since it is as often the wrong file or an unfilled template.
NO_DATA_ROWS = "表头下面没有数据行：这个文件什么也没有导入（如果不是有意的，请检查是否选错了文件或工作表）"


@dataclass
class Checked:
    """What validation found: the rows kept, the problems, and notes for the clerk."""

    keep: np.ndarray  # bool per frame row: a data row (not blank, not a 合计 / 制表人 line)
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    merged: int = 0  # kept rows folded into another row of the file (identical repeats): no ledger row of their own


# What a footer may put in the ID column: a head count (5人, 共 13 名), never an ID or staff number.
_COUNT = re.compile(r"^[共计:：\s]*[0-9０-９,，.]{1,9}\s*(人次|人|名|个|户|所|次|元|万元)?$")


def data_rows(table: Table) -> Checked:
    """Blank rows and the 合计 / 制表人 lines under a table are not data.

    A footer line is told by its first filled cell, or by its ID cell, starting with a footer word (合计, 制表人,
    审核人, 填表日期 …): its text may fall in any column, the ID column included (审核人：李四 under the IDs, 合计 … 5人).
    A row whose ID cell holds anything but such a word or a head count (an ID number, a staff number, even a
    broken one) carries a person and is never a footer, whatever its other cells say.
    """
    frame = table.frame
    if not len(frame):
        return Checked(keep=np.zeros(0, dtype=bool), notes=[NO_DATA_ROWS])
    used = list(table.fields.values())
    filled = frame[used].notna().any(axis=1).to_numpy()
    id_pos = table.fields.get("id_number", table.fields.get("helper_code"))
    footer = np.zeros(len(frame), dtype=bool)
    id_footer = np.zeros(len(frame), dtype=bool)
    if id_pos is None:
        rows = np.arange(len(frame))
    else:
        ids = frame[id_pos]
        given = ids.notna().to_numpy().copy()
        id_footer, count = _id_cell_words(ids)
        if "id_number" not in table.fields:
            count[:] = False  # a staff number is plain digits: in a helpers list it is never a head count
        given &= ~(id_footer | count)
        rows = np.flatnonzero(~given)  # rows that carry no ID: only these may be footers
    # Looked at by their first filled cell, whole columns at once: a kind without an ID column (head-count tables)
    # has every row here, and row by row cost 0.3 ms each.
    if len(rows):
        first = pd.Series(pd.NA, index=range(len(rows)), dtype=object)
        for position in frame.columns:
            cells = frame[position].iloc[rows].reset_index(drop=True).astype(object)
            first = first.where(first.notna(), cells)
        footer[rows] = first.map(lambda v: bool(_FOOTER.search(v)) if isinstance(v, str) else False,
                                 na_action="ignore").fillna(False).to_numpy(dtype=bool) | id_footer[rows]
    keep = filled & ~footer
    checked = Checked(keep=keep)
    if footer.any():
        checked.notes.append(f"跳过 {int(footer.sum())} 行合计 / 落款行（第 {', '.join(map(str, table.rows[footer][:5]))} 行）")
    if not keep.any():
        checked.notes.append(NO_DATA_ROWS)
    return checked


def _maybe_words(ids: pd.Series) -> np.ndarray:
    """ID cells that may hold a footer's words or a head count: those not starting with a digit, or short. An ID
    number is neither, so a million-row roll's cells are passed over by two vectorised Arrow passes."""
    import pyarrow as pa
    import pyarrow.compute as pc

    cells = pa.array(ids.astype("str"))
    digit = pc.utf8_is_digit(pc.utf8_slice_codeunits(cells, 0, 1))
    short = pc.less_equal(pc.utf8_length(cells), 12)
    return pc.or_(pc.invert(digit), short).fill_null(False).to_numpy(zero_copy_only=False)


def _id_cell_words(ids: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """(ID cells starting with a footer word, ID cells holding a head count)."""
    words, count = np.zeros(len(ids), dtype=bool), np.zeros(len(ids), dtype=bool)
    for i in np.flatnonzero(_maybe_words(ids)):
        text = str(ids.iloc[i]).strip()
        words[i], count[i] = bool(_FOOTER.search(text)), bool(_COUNT.match(text))
    return words, count


def required_columns(table: Table, checked: Checked, *, extra_missing: list[str] = ()) -> bool:
    missing = [c for c in table.kind.columns if c.required and c.field not in table.fields]
    for column in missing:
        names = "、".join(column.aliases[:4])
        checked.problems.append(table.problem(
            "column_missing", f"缺少“{column.title}”列",
            f"请在表头加上这一列（列名可以是：{names}），或检查表头是否写错",
        ))
    for message in extra_missing:
        checked.problems.append(table.problem("column_missing", message, "请在表头加上“学期”列，或在命令中加 --term 2019秋"))
    return not missing and not extra_missing


def required_values(table: Table, checked: Checked, fields: list[str]) -> None:
    for name in fields:
        series = table.column(name)
        if series is None:
            continue
        title = table.kind.column(name).title
        empty_cells(table, checked, name, series.isna().to_numpy() & checked.keep, title, f"请填写{title}")


def empty_cells(table: Table, checked: Checked, name: str, empty: np.ndarray, title: str, hint: str) -> None:
    """One problem per required cell left empty; a formula that was never computed reads as empty, and is named as
    what it is."""
    formulas = formulas_without_value(table, table.fields[name]) if empty.any() else {}
    for row in table.rows[empty]:
        formula = formulas.get(int(row))
        if formula is not None:
            checked.problems.append(table.problem(
                "formula_no_value", f"“{title}”是公式（={clipped(formula)}），公式没有计算结果：文件中没有保存它算出的值",
                f"请用 Excel 或 WPS 打开文件、确认公式算出了{title}后保存，再重新导入；或把这一列复制后"
                "“选择性粘贴→数值”", field_name=name, row=int(row), value=f"={clipped(formula)}"))
        else:
            checked.problems.append(table.problem("value_missing", f"“{title}”为空", hint, field_name=name,
                                                  row=int(row)))


# Columns that may hold a person's ID number (a helper's code is an ID number or a staff number): whatever a
# message quotes from them is masked, as every ID on screen is.
_PERSONAL = {"id_number", "student_id", "helper_code"}


def shown_value(field_name: str, value: str) -> str:
    """A cell's text as a message may quote it: any ID-number-shaped run masked, whichever column it sits in (an ID
    typed into 学期 or 学校名称 is still a child's ID), and a personal column's 15 or 18 characters masked whole."""
    if field_name in _PERSONAL and len(value) in (15, 18):
        return idnumber.mask(value)
    return idnumber.mask_text(value)


def bad_values(table: Table, checked: Checked, field_name: str, bad: pd.Series, message: str, hint: str,
               *, code: str = "value_invalid", messages: dict[str, str] | None = None) -> None:
    """One problem per unreadable cell, naming the cell's text."""
    series = table.column(field_name)
    if series is None:
        return
    mask = bad.to_numpy(dtype=bool) & checked.keep
    for row, value in zip(table.rows[mask], series[mask], strict=True):
        text = messages.get(value, message) if messages else message
        shown = None if pd.isna(value) else shown_value(field_name, str(value))
        checked.problems.append(table.problem(code, text.format(value=shown or ""), hint, field_name=field_name,
                                              row=int(row), value=shown))


def id_numbers(table: Table, checked: Checked, field_name: str = "id_number", *,
               where: np.ndarray | None = None) -> pd.Series:
    """Normalized ID numbers (None where invalid or empty), problems for the invalid ones; Excel damage refused.

    Every cell's type is checked, not only the cells whose text is already wrong: a number Excel kept of an
    18-digit ID spells out as 18 digits that pass the check digit about one time in eleven. A number cell of more
    than 15 digits is refused whatever its digits; a 15-digit old ID is a number Excel keeps exactly, so it is
    accepted and upgraded to 18 digits like the same ID typed as text. `where` limits the check to some rows (a
    column that holds ID numbers or staff numbers).
    """
    series = table.column(field_name)
    normalized, codes = idnumber.check_many(series)
    rows = checked.keep if where is None else checked.keep & where
    invalid = codes.notna().to_numpy() & rows
    all_digits = series.str.fullmatch(r"\d+").fillna(False).astype(bool)
    digits = series.str.len().where(all_digits, 0).fillna(0).to_numpy(dtype=np.int64) * rows
    numeric = numeric_cells(table, table.fields[field_name]) if invalid.any() or (digits >= 15).any() else None
    if numeric is not None:
        damaged = (digits > 15) & numeric & ~invalid
        invalid |= damaged
        normalized[damaged] = None
        old = numeric & (digits == 15) & ~invalid
        if old.any():
            checked.notes.append(f"“{table.headers[table.fields[field_name]]}”列有 {int(old.sum())} 个 15 位旧身份证号被 "
                                 "Excel 存成了数字（15 位数字 Excel 能完整保留），已按国家标准升为 18 位")
    for i in np.flatnonzero(invalid):
        raw = series.iloc[i]
        result = idnumber.check(float(raw) if numeric is not None and numeric[i] else raw)
        checked.problems.append(table.problem(
            result.code, _masked(result.message, raw), result.hint, field_name=field_name,
            row=int(table.rows[i]), value=None if pd.isna(raw) else _mask_id_text(str(raw)),
        ))
    return normalized


def old_ids_of_pupils(table: Table, checked: Checked, ids: pd.Series, term: pd.Series) -> None:
    """Refuse an old 15-digit ID that makes a pupil older than MAX_PUPIL_AGE.

    The standard upgrade puts the birth in the 1900s (15-digit numbers were issued before 2000): right for a helper
    born in 1975, but for a pupil it is the short form of a child's number typed by hand ("06" for 2006), and stored
    as it is the pupil would be 113 and born in 1906. Only the clerk can find the real 18-digit number."""
    raw = table.column("id_number")
    if raw is None:
        return
    short = raw.str.len().between(15, 30).fillna(False).to_numpy(dtype=bool) & ids.notna().to_numpy() & checked.keep
    title = table.kind.column("id_number").title
    for i in np.flatnonzero(short):
        if len(idnumber.normalize(str(raw.iloc[i]))) != 15 or pd.isna(term.iloc[i]):
            continue
        school_year = Term.parse(term.iloc[i]).school_year
        age = ages.age_on_day(idnumber.birth_date(ids.iloc[i]), school_year)
        if age <= ages.MAX_PUPIL_AGE:
            continue
        checked.problems.append(table.problem(
            "id_old_for_pupil",
            f"“{title}”是 15 位旧身份证号，按国家标准升位后出生年份在 1900 年代，到 {school_year} 年 8 月 31 日已满 {age} 岁，"
            "不可能是在校学生",
            "15 位旧号只发给 2000 年以前出生的人；请对照户口簿或学籍系统填写学生的 18 位身份证号（出生年份是完整的四位数）",
            field_name="id_number", row=int(table.rows[i]), value=idnumber.mask(str(raw.iloc[i])),
        ))


_SCIENTIFIC = r"^\d+(?:\.\d+)?[eE]\+?\d+$"


def damaged_codes(table: Table, checked: Checked, field_name: str) -> None:
    """Refuse code cells (户编号) that Excel turned into numbers and so lost their digits past the 15th.

    A household code that lost its last digits is silently another household's (or one shared by many), and
    every student would be linked to the wrong family: like an ID number, such a code is refused, not repaired.
    More than 15 digits in a cell that is itself a number have lost some, whatever they end in (the reader
    spells out the binary float: 5.22634010100001E+17 reads as 522634010100001024); in a CSV only the
    4.22E+17 form can be told apart from a code kept as text.
    """
    series = table.column(field_name)
    if series is None:
        return
    text = series.fillna("").astype(str)
    scientific = text.str.match(_SCIENTIFIC).to_numpy(dtype=bool)
    long = (text.str.len().to_numpy() > 15) & text.str.fullmatch(r"\d+").to_numpy(dtype=bool)
    if long.any():
        numeric = numeric_cells(table, table.fields[field_name])
        long &= numeric if numeric is not None else False
    title = table.kind.column(field_name).title
    for i in np.flatnonzero((scientific | long) & checked.keep):
        shown = series.iloc[i] if scientific[i] else f"{float(series.iloc[i]):.15G}"
        checked.problems.append(table.problem(
            "value_invalid",
            f"{title}被 Excel 存成了数字（显示为 {shown}）：Excel 的数字只保留 15 位有效数字，后几位已经丢失，无法恢复",
            f"请把该列设置为“文本”格式，再从原始导出文件重新粘贴{title}",
            field_name=field_name, row=int(table.rows[i]), value=str(series.iloc[i]),
        ))


def conflicting_duplicates(table: Table, checked: Checked, key: pd.Series, compare: pd.DataFrame,
                           field_name: str, what: str) -> np.ndarray:
    """The same key twice with different data is an error on every such row, naming the other rows and the
    columns that differ; identical repeats are merged (counted in checked.merged and named in a note).

    `compare`: the columns two rows must agree in, named by field (or by the file's header text).
    Returns the mask of rows to drop as identical repeats.
    """
    valid = key.notna().to_numpy() & checked.keep
    drop = np.zeros(len(key), dtype=bool)
    if not valid.any():
        return drop
    sub = compare[valid].astype(str)  # NA stays NA: counted as a value of its own below (dropna=False)
    sub.columns = range(len(compare.columns))
    sub["__key"] = key[valid].to_numpy()
    sub["__row"] = table.rows[valid]
    dup = sub["__key"].duplicated(keep=False)
    if not dup.any():
        return drop
    groups = sub[dup.to_numpy()]
    cols = list(range(len(compare.columns)))
    distinct = groups.groupby("__key")[cols].nunique(dropna=False).max(axis=1) if cols else None
    for k, group in groups.groupby("__key", sort=False):
        rows = group["__row"].tolist()
        if distinct is not None and distinct[k] > 1:
            differ = "、".join(_title(table, compare.columns[c]) for c in cols if group[c].nunique(dropna=False) > 1)
            for row in rows:
                others = "、".join(str(r) for r in rows if r != row)
                checked.problems.append(table.problem(
                    "duplicate_conflict",
                    f"同一{what}在本文件中出现多次且内容不一致（另见第 {others} 行；不同之处：{differ}）",
                    "请核对这几行，删除多余的一行或改正错误的内容", field_name=field_name, row=int(row),
                    value=shown_value(field_name, str(k)),
                ))
    index_of = {int(r): i for i, r in enumerate(table.rows)}
    first_row = groups.drop_duplicates("__key").set_index("__key")["__row"]
    repeats = groups[groups["__key"].duplicated(keep="first").to_numpy()]
    pairs = []
    for k, row in zip(repeats["__key"], repeats["__row"], strict=True):
        if distinct is None or distinct[k] <= 1:
            drop[index_of[int(row)]] = True
            pairs.append(f"第 {row} 行同第 {first_row[k]} 行")
    if drop.any():
        _merged(checked, pairs, "完全相同的重复行")
    return drop


def merge_repeats(checked: Checked, frame: pd.DataFrame, key: list[str], what: str, *,
                  keep: str = "first") -> pd.DataFrame:
    """Kept rows of one file that are one and the same ledger row (same `key`): kept once, counted in
    checked.merged and named in a note, so the import's rows still add up on screen. `frame` has source_row."""
    dup = frame.duplicated(key, keep=keep).to_numpy()
    if not dup.any():
        return frame
    kept = frame.groupby(key, sort=False, dropna=False)["source_row"].transform(keep).to_numpy()
    _merged(checked, [f"第 {r} 行同第 {k} 行" for r, k in zip(frame["source_row"].to_numpy()[dup], kept[dup],
                                                         strict=True)], what)
    return frame[~dup]


def _merged(checked: Checked, pairs: list[str], what: str) -> None:
    checked.merged += len(pairs)
    shown = "，".join(pairs[:5]) + ("……" if len(pairs) > 5 else "")
    checked.notes.append(f"合并 {len(pairs)} 行{what}（{shown}）")


def _title(table: Table, name) -> str:
    """A compared column as the clerk knows it: a field's title, or the file's own header text."""
    found = next((c for c in table.kind.columns if c.field == name), None)
    if found is not None:
        return found.title
    return str(name) if not str(name).isascii() else "内容"  # an importer's own helper column


def _mask_id_text(text: str) -> str:
    """An ID cell's text as shown on screen. Excel's 4.22822E+17 keeps its shape with only the digits past the
    region code hidden: the usual first-6-last-4 mask turned it into 4.2282*E+17, a value the clerk never typed."""
    m = re.fullmatch(r"(\d\.\d{0,5})(\d*)([eE]\+?\d+)", text.strip())
    if m:
        return m[1] + "*" * len(m[2]) + m[3]
    return idnumber.mask(text)


def _masked(message: str, raw) -> str:
    """ID module messages quote the value; on screen and in logs an ID number is shown masked."""
    if raw is None or pd.isna(raw):
        return message
    text = str(raw)
    for candidate in {text, idnumber.normalize(text)}:
        if len(candidate) >= 10:
            message = message.replace(candidate, _mask_id_text(candidate))
    return message


# A person's name never starts like a formula, never holds brackets (display markup: [bold], <b>) and never a
# control character: such a cell is a formula pasted as text, a mangled export or an attack on whoever opens the
# workbooks fupin writes from it.
_NOT_A_NAME = (
    (re.compile(r"^[=+\-@]"), "以“{start}”开头，表格软件会把它当成公式",
     "请填写真实姓名；从别的表格复制时请用“选择性粘贴→数值”"),
    (re.compile(r"[\x00-\x1f\x7f-\x9f]"), "含有看不见的控制字符（换行、制表符等）", "请删除这个单元格的内容后重新输入姓名"),
    (re.compile(r"[\[\]<>［］＜＞]"), "含有方括号或尖括号，不是姓名", "姓名中不能有 [ ] < > 这些符号，请改成真实姓名"),
    (re.compile(r"^.{51}", re.DOTALL), "超过 50 个字，不是姓名", "请只填写姓名，说明写在备注列"),
)
_ANY_NOT_A_NAME = "|".join(f"(?:{pattern.pattern})" for pattern, _, _ in _NOT_A_NAME)
SHOWN_TEXT = 40  # characters of a cell a message quotes: a pasted page of text is not printed whole


def clipped(text: str) -> str:
    """A cell's text as a message quotes it: ID numbers masked before long texts are cut (a cut could leave half an
    ID whole), with how long they were."""
    length, text = len(text), idnumber.mask_text(text)
    return text if length <= SHOWN_TEXT else f"{text[:SHOWN_TEXT]}…（共 {length:,} 个字符）"


def _why_not_a_name(text: str) -> tuple[str, str] | None:
    for pattern, why, hint in _NOT_A_NAME:
        found = pattern.search(text)
        if found:
            return why.format(start=found.group(0)), hint
    return None


# The column a name's own ID number goes in, by the name column's field (a guardian's has none).
_ID_COLUMN_OF = {"name": ("id_number", "helper_code"), "student_name": ("student_id", "id_number"),
                 "helper_name": ("helper_code",)}


def _id_in_names(table: Table, checked: Checked, column, series: pd.Series) -> np.ndarray:
    """Refuse a name cell holding an ID number (the two columns swapped, or the ID pasted twice): stored as a name it
    would be printed in full on screen and in the public notice. Returns the rows refused."""
    # 15 digits in a row narrows it down in one vectorised pass (Arrow's regex has no look-behind for ID_SHAPED).
    found = series.str.contains("[0-9\uff10-\uff19]{15}", regex=True).fillna(False).to_numpy(dtype=bool) & checked.keep
    for i in np.flatnonzero(found):
        value = str(series.iloc[i])
        if not idnumber.has_id(value):
            found[i] = False
            continue
        whole = idnumber.ID_SHAPED.fullmatch(idnumber.normalize(value)) is not None
        what = "填的是身份证号" if whole else "里有身份证号"
        id_column = next((table.fields[f] for f in _ID_COLUMN_OF.get(column.field, ()) if f in table.fields), None)
        where = f"填到“{table.headers[id_column]}”列" if id_column is not None else "不要填在姓名列"
        checked.problems.append(table.problem(
            "name_is_id", f"“{column.title}”{what}（{clipped(value)}），不是姓名",
            f"请在这一列填写{column.title}，身份证号{where}", field_name=column.field, row=int(table.rows[i]),
            value=clipped(value)))
    return found


def person_names(table: Table, checked: Checked) -> None:
    """Every 姓名 column of any kind (学生姓名, 帮扶责任人姓名 …): a cell that is not a name is refused by row."""
    for column in table.kind.columns:
        series = table.column(column.field)
        if not column.title.endswith("姓名") or series is None:
            continue
        # One vectorised pass finds the rows; the reason is worked out for those few only.
        mask = series.str.contains(_ANY_NOT_A_NAME, regex=True).fillna(False).to_numpy(dtype=bool) & checked.keep
        mask &= ~_id_in_names(table, checked, column, series)
        for row, value in zip(table.rows[mask], series[mask], strict=True):
            why, hint = _why_not_a_name(str(value))
            shown = clipped(str(value))
            checked.problems.append(table.problem("name_invalid", f"“{column.title}”{why}", hint,
                                                  field_name=column.field, row=int(row), value=repr(shown)[1:-1]))
