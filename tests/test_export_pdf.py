"""The workbook as a meeting attendee gets it: printed to PDF by LibreOffice.

The numbers below were determined by converting this exact data and looking at the pages
(see ``tests/artifacts/assessment_2024_page<N>.png``): with fit-to-width on A4 landscape the
29 rows of 量化指标完成情况 take 2 pages (the rows with long department lists are several
lines tall), each department's sheet 1 page and 部门汇总 1 page — 8 pages for the 7 sheets.
Every page carries the repeated header row, so the last column (情况说明) is on every page:
nothing was cut off to the right.
"""

import shutil
import subprocess

import pytest

from indicators.excel import AssessmentWorkbook
from tests.figures import make_figures, put_forward

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.office  # LibreOffice and poppler: `make system-deps`

SHEET_PAGES = [
    ("量化指标完成情况（截至2024年）", 2),
    ("柳州市市场监督管理局柳东新区分局牵头指标完成情况", 1),
    ("工业和信息化局牵头指标完成情况", 1),
    ("战略和经济发展局牵头指标完成情况", 1),
    ("财政局牵头指标完成情况", 1),
    ("法规处牵头指标完成情况", 1),
    ("部门汇总（截至2024年）", 1),
]


def run(*args, timeout=120):
    return subprocess.run(args, check=True, capture_output=True, timeout=timeout)


def pdf_pages(pdf):
    text = run("pdftotext", "-layout", str(pdf), "-").stdout.decode()
    return text.split("\f")[:-1]  # pdftotext ends every page with a form feed


@pytest.fixture
def pdf(plan, leader, tmp_path):
    put_forward(make_figures(plan))
    xlsx = tmp_path / "量化指标完成情况_2024年.xlsx"
    xlsx.write_bytes(AssessmentWorkbook(plan, 2024, leader).render())
    profile = tmp_path / "lo-profile"  # a throwaway profile: parallel runs must not share one
    run(SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx))
    return tmp_path / "量化指标完成情况_2024年.pdf"


def test_the_workbook_prints_one_page_wide_with_chinese_text_and_the_header_on_every_page(pdf, artifacts):
    pages = pdf_pages(pdf)
    assert len(pages) == sum(count for _title, count in SHEET_PAGES) == 8

    # Each sheet starts with its title and takes the pages determined above.
    start = 0
    for title, count in SHEET_PAGES:
        assert title in pages[start].replace(" ", ""), (title, start)
        for page in pages[start + 1:start + count]:
            assert title not in page.replace(" ", "")
        start += count

    for page in pages[:-1]:  # the indicator sheets: header repeated, last column present
        flat = page.replace(" ", "")
        assert "指标内容" in flat and "情况说明" in flat and "进度状态" in flat

    main = "".join(pages[:2]).replace(" ", "")
    assert "量化指标完成情况" in main
    assert "柳高新〔2022〕2号" in main
    assert "知识产权文化法律“四进”活动（次）" in main  # the last row is printed
    assert "6（待审核）" in main  # the mark rendered from the number format
    assert "95.5%" in main  # a rate shown as printed
    assert "已达标" in main and "倒退" in main
    assert "注：1.表内知识产权包括" in main and "3.年度目标标记“/”" in main
    assert "第1页，共8页" in pages[0].replace(" ", "")

    for old in artifacts.glob("assessment_2024_page*.png"):
        old.unlink()
    run("pdftoppm", "-png", "-r", "80", str(pdf), str(artifacts / "assessment_2024_page"))
    for number, png in enumerate(sorted(artifacts.glob("assessment_2024_page-*.png")), start=1):
        assert png.stat().st_size > 20_000  # not blank
        png.replace(artifacts / f"assessment_2024_page{number}.png")


def test_every_sheets_title_prints_its_two_lines_whole(pdf):
    """The plan, then what the sheet is: no sheet's title leaves “2024年）” on a line of its own."""
    lines = [line.replace(" ", "") for page in pdf_pages(pdf) for line in page.split("\n")]
    for title, _count in SHEET_PAGES:
        assert any(line.endswith(title + ("" if title.endswith("）") else "（截至2024年）")) for line in lines), title
    assert not any(line in ("2024年）", "年）") for line in lines)
