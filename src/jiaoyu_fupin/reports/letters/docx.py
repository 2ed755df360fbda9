"""Writing the 责任书 as Word documents: the bureau's own (leaders and office heads) and one per school (school
leaders and teachers), each letter on its own A4 page with the signature, stamp and date lines."""

from __future__ import annotations

import re
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from jiaoyu_fupin.core.files import write_atomic
from jiaoyu_fupin.reports.letters import wording
from jiaoyu_fupin.reports.letters.chain import ResponsibilityLetter

LAYERS = {"leader": wording.LEADER, "office": wording.OFFICE, "school_leader": wording.SCHOOL_LEADER,
          "teacher": wording.TEACHER}
BUREAU_FILE = "教育局_帮扶责任书.docx"


BODY_SIZE = 14  # 四号, the size official letters are printed in


def _body_style(doc) -> None:
    """仿宋 四号, 1.5 lines, set once on the Normal style (per run it cost most of the writing time)."""
    style = doc.styles["Normal"]
    style.font.name, style.font.size = "仿宋", Pt(BODY_SIZE)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "仿宋")  # Chinese takes this font
    style.paragraph_format.line_spacing = 1.5


def _para(doc, text: str, *, center: bool = False, right: bool = False, indent: bool = True, title: bool = False):
    p = doc.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif right:
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    elif indent:
        p.paragraph_format.first_line_indent = Pt(BODY_SIZE * 2)
    run = p.add_run(text)
    if title:
        run.font.size, run.font.bold = Pt(18), True
    return p


def layer_of(letter: ResponsibilityLetter) -> wording.Layer:
    if letter.layer == "helper":
        return wording.BUREAU_HELPER if letter.school is None else wording.OUTSIDE_HELPER
    return LAYERS[letter.layer]


def _letter(doc, letter: ResponsibilityLetter, county: str, first: bool) -> None:
    layer = layer_of(letter)
    if not first:
        doc.paragraphs[-1].add_run().add_break(WD_BREAK.PAGE)
    _para(doc, layer.title.format(county=county, school=letter.school or ""), center=True, title=True)
    _para(doc, layer.preamble)
    _para(doc, f"一、总体要求：{layer.requirement}")
    _para(doc, f"二、{layer.object_label}：{'、'.join(letter.objects)}（{layer.object_default}）。")
    _para(doc, "三、工作要求：")
    for n, duty in enumerate(layer.duties, 1):
        _para(doc, f"{n}. {duty}")
    _para(doc, "")
    for line in layer.signatures:
        signer = f"{letter.name}，{letter.unit}" if letter.unit and letter.school != letter.unit else letter.name
        _para(doc, line.format(county=county, name=signer), indent=False)
    _para(doc, "年    月    日", right=True)


def _document(letters: list[ResponsibilityLetter], county: str):
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.6)
    _body_style(doc)
    for i, letter in enumerate(letters):
        _letter(doc, letter, county, i == 0)
    return doc


def file_name(school: str | None) -> str:
    if school is None:
        return BUREAU_FILE
    return re.sub(r'[\\/:*?"<>|]', "_", school) + "_帮扶责任书.docx"


def write_letters(folder: Path, letters: list[ResponsibilityLetter], county: str, *, school: str | None = None) -> list[Path]:
    """One .docx per school with letters (or only `school`'s), plus the bureau's own unless a school is asked for."""
    groups: dict[str | None, list[ResponsibilityLetter]] = {}
    order = {"leader": 0, "office": 1, "school_leader": 2, "teacher": 3, "helper": 4}
    for letter in sorted(letters, key=lambda x: order[x.layer]):
        groups.setdefault(letter.school, []).append(letter)
    written = []
    for where, mine in groups.items():
        if school is not None and where != school:
            continue
        path = Path(folder) / file_name(where)
        doc = _document(mine, county)
        written.append(write_atomic(path, doc.save))
    return written
