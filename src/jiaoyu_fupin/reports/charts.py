"""Native Excel charts over a report table's own cells: Excel redraws them when a clerk corrects a number."""

from __future__ import annotations

import math
from dataclasses import dataclass

from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.worksheet import Worksheet

from jiaoyu_fupin.xlsx import pages

CM = 72 / 2.54  # points in a centimetre
HEIGHT_CM, MIN_HEIGHT_CM = 9.0, 6.5


@dataclass(frozen=True)
class ChartSpec:
    title: str
    y_title: str
    columns: list[int]  # 0-based table columns drawn as series; the first column names the categories
    stacked: bool = False
    skip_last: bool = True  # the table's last row is its 合计, which a chart leaves out
    # The value axis' labels. Whole numbers suit people; 万元 and % need decimals: a county's few thousand 元 are
    # 0.1 … 0.5 万元, which "#,##0" printed as "0 0 0 1".
    axis_format: str = "#,##0"


def add_chart(ws: Worksheet, spec: ChartSpec, header_row: int, rows: int) -> BarChart:
    """A column chart of the table written at `header_row` with `rows` data rows, placed under it (a chart beside
    the table would shrink the table on a page fitted to width), no wider than the table, inside the print area,
    and on a page of its own when it would not fit under the table."""
    last = header_row + rows - (1 if spec.skip_last else 0)
    chart = BarChart()
    chart.type = "col"
    chart.title = spec.title
    chart.y_axis.title = spec.y_title
    chart.y_axis.majorGridlines = None
    chart.y_axis.number_format = spec.axis_format  # not the cells' own decimals (0.2113 万元 on every step)
    # openpyxl hides both axes unless told otherwise; a printed chart needs its labels.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    if spec.stacked:
        chart.grouping = "stacked"
        chart.overlap = 100
    for column in spec.columns:
        data = Reference(ws, min_col=column + 1, min_row=header_row, max_row=last)
        chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last))
    widths = pages.sheet_widths(ws)
    chart.width = min(16.0, sum(pages.column_points(w) for w in widths) / CM)
    anchor = max(header_row + rows, ws.max_row) + 2  # under the table and anything written below it
    # As tall as the room left on the table's page allows (a little lower than planned beats a page of its own),
    # else full height at the top of the next page.
    page = pages.fit(widths)
    room = (page.page_height - pages.rows_height(ws, 1, anchor - 1)) / CM - 0.5
    chart.height = HEIGHT_CM if room < MIN_HEIGHT_CM else min(HEIGHT_CM, room)
    pages.keep_on_one_page(ws, anchor, chart.height * CM, page)
    ws.add_chart(chart, ws.cell(anchor, 1).coordinate)
    pages.extend_print_area(ws, anchor + math.ceil(chart.height * CM / pages.ROW_PT))
    return chart
