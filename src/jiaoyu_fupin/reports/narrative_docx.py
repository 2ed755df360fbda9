"""The year-end summary's draft as a Word document, laid out as county documents are: A4 with the official margins,
the title in 宋体 二号 bold and centred, 一、 headings in 黑体 and （一） headings in 楷体 三号, the body in 仿宋 三号
with a two-character first-line indent and 28-point lines, page numbers at the foot. The 【…】 gaps the clerk must
fill in are highlighted in yellow so none is sent upward by mistake.

It reads the Markdown the narrative renders (templates/总结模板.md filled from the ledger), so the text and its
figures come from one place whichever format is written.
"""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_COLOR_INDEX, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from jiaoyu_fupin.core.files import write_atomic

GAP = re.compile(r"(【[^】]*】)")
# (font, size in points, bold, centred) by kind of line.
STYLES = {
    "title": ("宋体", 22, True, True),
    "heading": ("黑体", 16, False, False),
    "subheading": ("楷体", 16, False, False),
    "body": ("仿宋", 16, False, False),
    "note": ("仿宋", 12, False, False),
}


def _kind(line: str) -> tuple[str, str]:
    """(kind, text) of one Markdown line of the template's small subset."""
    for prefix, kind in (("### ", "subheading"), ("## ", "heading"), ("# ", "title"), ("> ", "note")):
        if line.startswith(prefix):
            return kind, line[len(prefix):].strip()
    return "body", line.strip()


def _font(run, family: str, size: int, bold: bool) -> None:
    run.font.name = family
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word takes Chinese characters from the East Asian font slot, which python-docx's name alone does not set.
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:eastAsia", "w:ascii", "w:hAnsi"):
        fonts.set(qn(slot), family)


def _paragraph(doc, kind: str, text: str) -> None:
    family, size, bold, centred = STYLES[kind]
    para = doc.add_paragraph()
    fmt = para.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28 if kind != "title" else 36)
    fmt.space_before = fmt.space_after = Pt(0)
    if centred:
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        fmt.space_after = Pt(16)
    else:
        para.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        fmt.first_line_indent = Pt(size * 2)  # two characters, as every paragraph of a 公文 begins
    for piece in GAP.split(text):
        if not piece:
            continue
        run = para.add_run(piece)
        _font(run, family, size, bold)
        if GAP.fullmatch(piece):
            run.font.highlight_color = WD_COLOR_INDEX.YELLOW
        elif kind == "note":
            run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)


def _page_numbers(section) -> None:
    para = section.footer.paragraphs[0]
    para.alignment = WD_ALIGN_PARAGRAPH.CENTER
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    shown = OxmlElement("w:t")
    shown.text = "1"
    run.append(shown)
    field.append(run)
    para._p.append(field)


def build_document(markdown: str, *, title: str | None = None):
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    _page_numbers(section)
    for line in markdown.splitlines():
        if not line.strip():
            continue
        kind, text = _kind(line)
        if kind == "title" and title is None:
            title = text
        _paragraph(doc, kind, text)
    doc.core_properties.title = title or ""
    doc.core_properties.author = "fupin"
    return doc


def write_docx(markdown: str, path: Path) -> Path:
    """Written whole or not at all: a temporary file beside it, then renamed."""
    doc = build_document(markdown)
    return write_atomic(Path(path), lambda tmp: doc.save(str(tmp)))
