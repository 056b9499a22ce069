"""The supervision brief as the office prints it: converted to PDF by LibreOffice Writer.

LibreOffice gets the project's fontconfig file (``indicators/brief/fonts.conf``) on top of the
system's, as the README says a server that prints the brief should: the 公文 fonts the
document names (仿宋_GB2312, 黑体 …) are then printed in Noto Serif CJK SC and Noto Sans CJK SC
from fonts-noto-cjk.  With this data the yearly brief takes 5 portrait pages and the appendix 4
landscape ones, the final assessment 6 and 4; every page is saved as ``tests/artifacts/brief_2024_page<N>.png``
and ``brief_final_2025_page<N>.png`` to be looked at.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import indicators.brief
from indicators.brief import SupervisionBrief
from tests.test_brief import AFTER_DEADLINE, AFTER_PLAN, FIGURES, FINAL_FIGURES, make

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.office  # LibreOffice Writer (libreoffice-writer-nogui) and poppler: `make system-deps`
FONTS = Path(indicators.brief.__file__).parent / "fonts.conf"
A4_PORTRAIT, A4_LANDSCAPE = (595, 842), (842, 595)  # points, rounded
BODY_PAGES, TABLE_PAGES = 5, 4
FINAL_BODY_PAGES, FINAL_TABLE_PAGES = 6, 4


def run(*args, env=None, timeout=120):
    return subprocess.run(args, check=True, capture_output=True, timeout=timeout, env=env)


def to_pdf(data: bytes, tmp_path, name: str) -> Path:
    docx = tmp_path / f"{name}.docx"
    docx.write_bytes(data)
    fontconfig = tmp_path / "fonts.conf"
    fontconfig.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
        f"<fontconfig><include>/etc/fonts/fonts.conf</include><include>{FONTS}</include></fontconfig>"
    )
    profile = tmp_path / "lo-profile"  # a throwaway profile: parallel runs must not share one
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FONTCONFIG_FILE": str(fontconfig)}
    run(SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx), env=env)
    return tmp_path / f"{name}.pdf"


@pytest.fixture
def pdf(plan, tmp_path):
    make(plan, FIGURES)
    return to_pdf(SupervisionBrief(plan, 2024, today=AFTER_DEADLINE).render(), tmp_path, "督查通报_2024年")


def save_pages(pdf, artifacts, stem: str, count: int) -> None:
    """Every page as an image (kept when a check fails), to be looked at as a meeting attendee would."""
    for old in artifacts.glob(f"{stem}_page*.png"):
        old.unlink()
    run("pdftoppm", "-png", "-r", "90", str(pdf), str(artifacts / f"{stem}_page"))
    images = sorted(artifacts.glob(f"{stem}_page-*.png"))  # pdftoppm pads the numbers to the page count's width
    assert len(images) == count
    for page, png in enumerate(images, start=1):
        assert png.stat().st_size > 20_000  # not blank
        png.replace(artifacts / f"{stem}_page{page}.png")


def title_lines(page: str) -> list[str]:
    """The title's printed lines: those above the line with the plan's document number."""
    lines = [line.replace(" ", "") for line in page.split("\n") if line.strip()]
    return lines[: next(index for index, line in enumerate(lines) if line.startswith("（柳高新"))]


def table_fits(pdf, first: int, last: int) -> None:
    """Every word of the table's pages lies inside the landscape page (nothing cut off on the right)."""
    boxes = run("pdftotext", "-bbox", "-f", str(first), "-l", str(last), str(pdf), "-").stdout.decode()
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    assert right_edges and max(right_edges) < A4_LANDSCAPE[0] - 50


def page_sizes(pdf):
    info = run("pdfinfo", "-f", "1", "-l", "99", str(pdf)).stdout.decode()
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info)]


def test_the_brief_prints_in_chinese_on_a4_with_the_appendix_across_landscape_pages(pdf, artifacts):
    sizes = page_sizes(pdf)
    save_pages(pdf, artifacts, "brief_2024", len(sizes))
    pages = run("pdftotext", "-layout", str(pdf), "-").stdout.decode().split("\f")[:-1]
    body = sizes.count(A4_PORTRAIT)
    assert sizes == [A4_PORTRAIT] * BODY_PAGES + [A4_LANDSCAPE] * TABLE_PAGES, sizes
    flat = [page.replace(" ", "") for page in pages]
    assert title_lines(pages[0]) == ["关于《柳州高新技术产业开发区国家级知识产", "权强国建设试点园区建设工作方案》", "量化指标2024年度推进情况的督查通报"]
    assert "（柳高新〔2022〕2号截至2024年12月31日）" in flat[0]
    for heading in ("一、总体情况", "二、各部门情况", "三、存在问题", "四、下一步工作"):
        assert heading in "".join(flat[:body])
    assert "柳州高新技术产业开发区管理委员会" in flat[body - 1] and "2025年3月1日" in flat[body - 1]  # 落款: the office, then the date
    for number, page in enumerate(flat, start=1):
        assert f"—{number}—" in page  # the page number, on every page
    assert "附表" in flat[body] and "量化指标完成情况（截至2024年）" in "".join(flat[body].split("\n"))
    for page in flat[body:]:  # the header row on every page of the table, its first and last columns included
        assert "序号" in page and "指标内容" in page and "情况说明" in page
    assert "知识产权文化法律" in flat[-1] and "“四进”活动" in flat[-1]  # the last row (its name wraps)
    assert "95.5%" in "".join(flat[body:])  # a rate keeps its % in the appendix
    assert "注：1.表内知识产权包括" in flat[-1]
    table_fits(pdf, body + 1, len(sizes))

    # The 公文 fonts came out as their fallbacks: a serif body, sans headings, no Japanese-only face missing.
    fonts = run("pdffonts", str(pdf)).stdout.decode()
    assert "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts and "LiberationSerif" in fonts


def test_the_final_brief_prints_its_title_broken_where_it_reads_well_and_its_table_on_the_page(plan, tmp_path, artifacts):
    make(plan, FIGURES)
    make(plan, FINAL_FIGURES)
    pdf = to_pdf(SupervisionBrief(plan, 2025, final=True, today=AFTER_PLAN).render(), tmp_path, "督查通报_终期评估")
    sizes = page_sizes(pdf)
    save_pages(pdf, artifacts, "brief_final_2025", len(sizes))
    assert sizes == [A4_PORTRAIT] * FINAL_BODY_PAGES + [A4_LANDSCAPE] * FINAL_TABLE_PAGES, sizes
    pages = run("pdftotext", "-layout", str(pdf), "-").stdout.decode().split("\f")[:-1]
    title = title_lines(pages[0])
    assert title[-2:] == ["量化指标终期评估情况的督查通报", "（预评估）"] and all(len(line) > 1 for line in title)  # no character alone
    assert "（柳高新〔2022〕2号实施期2022—2025年）" in pages[0].replace(" ", "")
    for page in pages[FINAL_BODY_PAGES:]:
        flat = page.replace(" ", "")
        assert "序号" in flat and "指标内容" in flat and "情况说明" in flat
    table_fits(pdf, FINAL_BODY_PAGES + 1, len(sizes))
