"""How every sheet fupin writes prints: the one place for page set-up, so a clerk's printout looks alike everywhere.

A4; portrait unless the columns are wider than a portrait page, then landscape; fitted to the page width, and
never below 60 % (a wider table must wrap its long text in fixed-width columns instead of shrinking); titles and
headers repeat on every page; the footer says 第 N 页 共 M 页 and the header names the sheet; tables have thin
borders; a chart starts a new page when it would not fit under its table. `problems` states the same rules as
they can be read back from a workbook, for the tests and `make print-check`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl.styles import Alignment, Border, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.pagebreak import Break

A4 = 9  # the paper-size code Excel and LibreOffice read
A4_SHORT_PT, A4_LONG_PT = 595.3, 841.9
SIDE_MARGIN_IN, TOP_MARGIN_IN, BOTTOM_MARGIN_IN, HEADER_MARGIN_IN = 0.5, 0.75, 0.75, 0.3
MIN_SCALE = 60
FOOTER = "第 &P 页 共 &N 页"
HEADER = "&A"  # the sheet's name: a page that falls out of the pile still says which table it belongs to
ROW_PT = 15.0  # a row of 11-point text as Excel sizes it; LibreOffice's are a little lower, so estimates err safe
THIN = Side(style="thin", color="000000")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP = Alignment(wrap_text=True, vertical="center")
MIDDLE = Alignment(vertical="center")  # the other cells of a row made tall for wrapped text


def column_points(width: float) -> float:
    """An Excel column width (characters of the default font) in points: 7 pixels a character plus 5 of padding."""
    return (width * 7 + 5) * 0.75


def printable(orientation: str) -> tuple[float, float]:
    """Width and height (points) inside the margins of an A4 page."""
    wide, high = (A4_LONG_PT, A4_SHORT_PT) if orientation == "landscape" else (A4_SHORT_PT, A4_LONG_PT)
    return wide - 2 * SIDE_MARGIN_IN * 72, high - (TOP_MARGIN_IN + BOTTOM_MARGIN_IN) * 72


@dataclass(frozen=True)
class Fit:
    orientation: str
    scale: int  # percent, as the page will print when fitted to its width

    @property
    def page_height(self) -> float:
        """The sheet's points that fit down one page at this scale."""
        return printable(self.orientation)[1] * 100 / self.scale


def fit(widths: Sequence[float]) -> Fit:
    total = sum(column_points(w) for w in widths) or 1.0
    if total <= printable("portrait")[0]:
        return Fit("portrait", 100)
    return Fit("landscape", min(100, math.floor(printable("landscape")[0] * 100 / total)))


def set_up(ws, widths: Sequence[float], *, title_rows: tuple[int, int] | None = None,
           last_row: int | None = None) -> Fit:
    """Set the columns' widths and the page of `ws`; returns how the page will fit.

    `title_rows` (first, last) repeat at the top of every page; `last_row` bounds the print area (columns are
    those of `widths`), so a note running past the table's right edge never widens the page.
    """
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    page = fit(widths)
    ws.page_setup.paperSize = A4
    ws.page_setup.orientation = page.orientation
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    m = ws.page_margins
    m.left = m.right = SIDE_MARGIN_IN
    m.top, m.bottom, m.header, m.footer = TOP_MARGIN_IN, BOTTOM_MARGIN_IN, HEADER_MARGIN_IN, HEADER_MARGIN_IN
    ws.oddFooter.center.text = FOOTER
    ws.oddHeader.right.text = HEADER
    if title_rows:
        ws.print_title_rows = f"{title_rows[0]}:{title_rows[1]}"
    if last_row:
        ws.print_area = f"A1:{get_column_letter(max(1, len(widths)))}{last_row}"
    return page


def extend_print_area(ws, last_row: int) -> None:
    """Let the print area reach down to `last_row` (a chart or the sign-off lines under the table)."""
    if ws.print_area:
        last_column = max(_area_columns(ws.print_area))
        if last_row > _area_last_row(ws.print_area):
            ws.print_area = f"A1:{get_column_letter(last_column)}{last_row}"


def sign_off(ws, groups: Sequence[Sequence[str]], widths: Sequence[float]) -> int:
    """The lines a report sent upward ends with (填报单位（盖章）… 填报日期), two rows under what is written: one
    line when all fit the table's width, else a line per group (items packed as they fit); returns the last row."""
    from jiaoyu_fupin.xlsx.workbook import display_width

    room = max(sum(widths) - 2, 20)
    gap = "　　"

    def pack(items: Sequence[str]) -> list[str]:
        lines: list[str] = []
        for item in items:
            if lines and display_width(lines[-1] + gap + item) <= room:
                lines[-1] += gap + item
            else:
                lines.append(item)
        return lines

    everything = [item for group in groups for item in group]
    lines = pack(everything) if len(pack(everything)) == 1 else [line for group in groups for line in pack(group)]
    row = max(ws.max_row, _area_last_row(ws.print_area) if ws.print_area else 0) + 2
    for i, line in enumerate(lines):
        ws.cell(row + i, 1, line)
        ws.row_dimensions[row + i].height = ROW_PT * 1.6  # room for a signature and a stamp
    extend_print_area(ws, row + len(lines) - 1)
    return row + len(lines) - 1


def lines_needed(text: str, width: float) -> int:
    """How many lines `text` takes wrapped in a column (or merged cells) `width` characters wide."""
    from jiaoyu_fupin.xlsx.workbook import display_width

    usable = max(1.0, width - 1)
    return sum(max(1, math.ceil(display_width(part) / usable)) for part in str(text).split("\n"))


def rows_height(ws, first: int, last: int) -> float:
    """The printed height (points) of rows first..last: their set height, else one line of text."""
    return sum((ws.row_dimensions[r].height or ROW_PT) for r in range(first, last + 1))


def keep_on_one_page(ws, first_row: int, height_pt: float, page: Fit) -> bool:
    """Start a new page at `first_row` when an object `height_pt` high anchored there would cross the end of the
    first page. True when a break was added."""
    if rows_height(ws, 1, first_row - 1) + height_pt <= page.page_height:
        return False
    ws.row_breaks.append(Break(id=first_row - 1))
    return True


def box(ws, first_row: int, last_row: int, columns: int) -> None:
    """Thin borders on every cell of the block, as a table printed on paper has."""
    # The border's index in the workbook's style table, found once: `cell.border = BORDER` hashes the whole
    # border again for every cell, which a notice of 20,000 rows pays for in seconds.
    border_id = ws.parent._borders.add(BORDER)
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, max_col=columns):
        for cell in row:
            if cell._style is None:  # a cell never styled has no style array yet
                cell._style = StyleArray()
            cell._style.borderId = border_id


# -- the rules read back from a workbook ---------------------------------------------------------------------------

_ROWS = re.compile(r"\$?(\d+):\$?(\d+)")


def sheet_widths(ws) -> list[float]:
    """The widths of the printed columns (the print area's, else the used ones); unset columns are 8.43 wide."""
    last = ws.max_column
    if ws.print_area:
        last = max(_area_columns(ws.print_area))
    out = []
    for i in range(1, last + 1):
        dim = ws.column_dimensions.get(get_column_letter(i))
        out.append(dim.width if dim is not None and dim.width else 8.43)
    return out


def _area_columns(area) -> list[int]:
    from openpyxl.utils.cell import range_boundaries

    text = area if isinstance(area, str) else ",".join(area)
    return [range_boundaries(part.split("!")[-1])[2] for part in text.split(",")]


def _area_last_row(area) -> int | None:
    from openpyxl.utils.cell import range_boundaries

    text = area if isinstance(area, str) else ",".join(area)
    return max(range_boundaries(part.split("!")[-1])[3] for part in text.split(","))


def problems(ws) -> list[str]:
    """What a clerk would find wrong printing `ws`, read from its page set-up (empty: none)."""
    out = []
    ps = ws.page_setup
    if str(ps.paperSize) != str(A4):
        out.append(f"纸张不是 A4（{ps.paperSize}）")
    page = fit(sheet_widths(ws))
    if page.scale < MIN_SCALE:
        out.append(f"按纸宽缩放到 {page.scale}%，低于 {MIN_SCALE}%：列太宽，长文字应在固定宽度的列中换行")
    if ps.orientation != page.orientation:
        out.append(f"方向应为{'横向' if page.orientation == 'landscape' else '纵向'}，现为 {ps.orientation}")
    if not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage and ps.fitToWidth == 1):
        out.append("没有设置按纸宽打印")
    if "&P" not in (ws.oddFooter.center.text or "") or "&N" not in (ws.oddFooter.center.text or ""):
        out.append("页脚没有“第 N 页 共 M 页”")
    if not ws.print_title_rows:
        out.append("没有设置每页重复的标题行")
    else:
        header = int(_ROWS.search(ws.print_title_rows).group(2))
        if any(c.value is not None and c.border.bottom.style != "thin" for c in ws[header]):
            out.append(f"表头（第 {header} 行）没有细边框")
    last_row = _area_last_row(ws.print_area) if ws.print_area else ws.max_row
    breaks = {b.id for b in ws.row_breaks.brk}
    for chart in getattr(ws, "_charts", []):
        anchor = chart.anchor._from
        row, col = anchor.row + 1, anchor.col + 1
        # A chart read back from a file keeps its size only in its anchor (openpyxl gives every chart it reads the
        # default 15 x 7.5 cm), in EMU: 360,000 to the centimetre.
        extent = getattr(chart.anchor, "ext", None)
        width_cm, height_cm = (extent.width / 360000, extent.height / 360000) if extent else (chart.width, chart.height)
        rows = math.ceil(height_cm * 72 / 2.54 / ROW_PT)
        if col != 1 or row + rows > last_row:
            out.append(f"图表（第 {row} 行）超出打印区域")
        if width_cm * 72 / 2.54 > sum(column_points(w) for w in sheet_widths(ws)) + 1:
            out.append(f"图表（第 {row} 行）比表格宽，打印时会被截断")
        if row - 1 not in breaks and rows_height(ws, 1, row - 1) + height_cm * 72 / 2.54 > page.page_height:
            out.append(f"图表（第 {row} 行）会被分在两页上")
    return out
