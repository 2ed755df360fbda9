"""Print every workbook in a folder to PDF with LibreOffice and judge the pages as a clerk would.

For each sheet: how many pages it prints on and at what scale, measured on the PDF (the footer's text height
against a page printed at 100 %), plus the rules `jiaoyu_fupin.xlsx.pages.problems` reads from the page set-up.
Writes the first page of each sheet as a PNG under --preview. Exit 1 when any rule is broken.

    python tools/print_check.py demo --preview demo/preview
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from statistics import median

import openpyxl

from jiaoyu_fupin.xlsx import pages
from jiaoyu_fupin.xlsx.sheets import save_workbook, write_table

PREVIEW_SHEETS = 20  # first pages previewed per workbook: a notice has a sheet per school
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')


def to_pdf(xlsx: Path, out_dir: Path) -> Path:
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{out_dir}/profile",
                    "--convert-to", "pdf", "--outdir", str(out_dir), str(xlsx)],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=1800)
    return out_dir / (xlsx.stem + ".pdf")


def read_pages(pdf: Path) -> list[dict]:
    """Per page: size, the sheet named in its header, the height of the footer's 页 (scales with the page)."""
    xml = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], check=True, capture_output=True,
                         text=True).stdout
    out = []
    for width, height, body in _PAGE.findall(xml):
        w, h = float(width), float(height)
        words = [(float(a), float(b), float(c), float(d), t) for a, b, c, d, t in _WORD.findall(body)]
        # The page header is the top line (the sheet's name), the footer the bottom one (第 N 页 共 M 页).
        top = min((x[1] for x in words), default=0)
        bottom = max((x[3] for x in words), default=h)
        header = [x for x in words if x[1] <= top + 2 and x[3] <= pages.TOP_MARGIN_IN * 72]
        footer = [x for x in words if x[3] >= bottom - 2 and x[4] == "页"]
        out.append({"width": w, "height": h, "sheet": "".join(x[4] for x in sorted(header)),
                    "footer": median(x[3] - x[1] for x in footer) if footer else None})
    return out


def reference_height(work: Path) -> float:
    """The footer's 页 as tall as it prints at 100 %: a one-line sheet set up the same way."""
    wb = openpyxl.Workbook()
    write_table(wb.active, ["项目"], [["1"]], title="样张")
    path = save_workbook(wb, work / "reference.xlsx")
    return read_pages(to_pdf(path, work))[0]["footer"]


def check(folder: Path, preview: Path) -> int:
    failures = 0
    preview.mkdir(parents=True, exist_ok=True)
    for old in preview.glob("*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        ref = reference_height(work)
        print(f"{'工作簿':<24}{'工作表':<22}{'页数':>5}{'缩放':>7}  方向  问题")
        total_pages = 0
        for xlsx in sorted(folder.glob("*.xlsx")):
            wb = openpyxl.load_workbook(xlsx)
            rules = {ws.title: pages.problems(ws) for ws in wb.worksheets}
            orient = {ws.title: ws.page_setup.orientation for ws in wb.worksheets}
            pdf = to_pdf(xlsx, work)
            by_sheet: dict[str, list[int]] = defaultdict(list)
            printed = read_pages(pdf)
            for i, page in enumerate(printed, start=1):
                by_sheet[page["sheet"]].append(i)
            total_pages += len(printed)
            for n, ws in enumerate(wb.worksheets):
                numbers = by_sheet.get(ws.title, [])
                found = list(rules[ws.title])
                scales = [printed[i - 1]["footer"] / ref * 100 for i in numbers if printed[i - 1]["footer"]]
                scale = min(scales) if scales else None
                if not numbers:
                    found.append("PDF 中找不到这一页（页眉没有工作表名）")
                for i in numbers:
                    p = printed[i - 1]
                    landscape = p["width"] > p["height"]
                    if round(min(p["width"], p["height"])) != 595 or round(max(p["width"], p["height"])) != 842:
                        found.append(f"第 {i} 页不是 A4")
                    if landscape != (orient[ws.title] == "landscape"):
                        found.append(f"第 {i} 页方向与设置不符")
                if scale is not None and scale < pages.MIN_SCALE - 1:
                    found.append(f"实际缩放 {scale:.0f}%，低于 {pages.MIN_SCALE}%")
                failures += bool(found)
                shown = f"{scale:.0f}%" if scale else "—"
                print(f"{xlsx.stem:<24}{ws.title[:20]:<22}{len(numbers):>5}{shown:>7}  "
                      f"{'横' if orient[ws.title] == 'landscape' else '纵'}    {'；'.join(found) or '无'}")
                if numbers and n < PREVIEW_SHEETS:
                    stem = preview / f"{xlsx.stem}_{n + 1:02d}_{ws.title}"
                    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", str(numbers[0]), "-l", str(numbers[0]),
                                    "-singlefile", str(pdf), str(stem)], check=True)
        print(f"共 {total_pages} 页；{failures} 个工作表有问题；预览图在 {preview}/")
    return 1 if failures else 0


def main() -> int:
    parser = argparse.ArgumentParser(description="把文件夹中的工作簿转成 PDF，检查每个工作表的打印效果")
    parser.add_argument("folder", type=Path, help="工作簿所在的文件夹（make demo 生成的 demo）")
    parser.add_argument("--preview", type=Path, help="PNG 预览图写到这里（默认 文件夹/preview）")
    args = parser.parse_args()
    for tool in ("soffice", "pdftotext", "pdftoppm"):
        if shutil.which(tool) is None:
            print(f"找不到 {tool}：请先安装 libreoffice-calc 和 poppler-utils（make print-check 会自动安装）")
            return 2
    return check(args.folder, args.preview or args.folder / "preview")


if __name__ == "__main__":
    sys.exit(main())
