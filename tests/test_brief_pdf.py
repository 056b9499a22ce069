"""The supervision brief as the office prints it: converted to PDF by LibreOffice Writer.

LibreOffice gets the project's fontconfig file (``indicators/brief/fonts.conf``) on top of the
system's, as the README says a server that prints the brief should: the 公文 fonts the
document names (仿宋_GB2312, 黑体 …) are then printed in Noto Serif CJK SC and Noto Sans CJK SC
from fonts-noto-cjk.  With this data the brief takes 5 portrait pages and the appendix 4
landscape ones; every page is saved as ``tests/artifacts/brief_2024_page<N>.png`` to be looked at.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import indicators.brief
from indicators.brief import SupervisionBrief
from tests.test_brief import AFTER_DEADLINE, FIGURES, make

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.skipif(
    SOFFICE is None or shutil.which("pdftotext") is None or not Path("/usr/lib/libreoffice/program/libswlo.so").exists(),
    reason="needs LibreOffice Writer (libreoffice-writer-nogui) and poppler",
)
FONTS = Path(indicators.brief.__file__).parent / "fonts.conf"
A4_PORTRAIT, A4_LANDSCAPE = (595, 842), (842, 595)  # points, rounded
BODY_PAGES, TABLE_PAGES = 5, 5


def run(*args, env=None, timeout=120):
    return subprocess.run(args, check=True, capture_output=True, timeout=timeout, env=env)


@pytest.fixture
def pdf(plan, tmp_path):
    make(plan, FIGURES)
    docx = tmp_path / "督查通报_2024年.docx"
    docx.write_bytes(SupervisionBrief(plan, 2024, today=AFTER_DEADLINE).render())
    fontconfig = tmp_path / "fonts.conf"
    fontconfig.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">'
        f"<fontconfig><include>/etc/fonts/fonts.conf</include><include>{FONTS}</include></fontconfig>"
    )
    profile = tmp_path / "lo-profile"  # a throwaway profile: parallel runs must not share one
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "FONTCONFIG_FILE": str(fontconfig)}
    run(SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx), env=env)
    return tmp_path / "督查通报_2024年.pdf"


def page_sizes(pdf):
    info = run("pdfinfo", "-f", "1", "-l", "99", str(pdf)).stdout.decode()
    return [(round(float(w)), round(float(h))) for w, h in re.findall(r"Page +\d+ size: +([\d.]+) x ([\d.]+) pts", info)]


def test_the_brief_prints_in_chinese_on_a4_with_the_appendix_across_landscape_pages(pdf, artifacts):
    # Every page as an image first (kept when a check below fails), to be looked at as a meeting attendee would (brief_2024_page1.png …).
    for old in artifacts.glob("brief_2024_page*.png"):
        old.unlink()
    sizes = page_sizes(pdf)
    run("pdftoppm", "-png", "-r", "90", str(pdf), str(artifacts / "brief_2024_page"))
    images = sorted(artifacts.glob("brief_2024_page-*.png"))  # pdftoppm pads the numbers to the page count's width
    assert len(images) == len(sizes)
    for page, png in enumerate(images, start=1):
        assert png.stat().st_size > 20_000  # not blank
        png.replace(artifacts / f"brief_2024_page{page}.png")
    pages = run("pdftotext", "-layout", str(pdf), "-").stdout.decode().split("\f")[:-1]
    body = sizes.count(A4_PORTRAIT)
    assert sizes == [A4_PORTRAIT] * BODY_PAGES + [A4_LANDSCAPE] * TABLE_PAGES, sizes
    flat = [page.replace(" ", "") for page in pages]
    assert "量化指标2024年度推进情况的督查通报" in "".join(flat[0].split("\n"))
    assert "（柳高新〔2022〕2号截至2024年12月31日）" in flat[0]
    for heading in ("一、总体情况", "二、各部门情况", "三、存在问题", "四、下一步工作"):
        assert heading in "".join(flat[:body])
    for number, page in enumerate(flat, start=1):
        assert f"—{number}—" in page  # the page number, on every page
    assert "附表" in flat[body] and "量化指标完成情况（截至2024年）" in "".join(flat[body].split("\n"))
    for page in flat[body:]:  # the header row on every page of the table, its last column included
        assert "指标内容" in page and "进度状态" in page and "情况说明" in page
    assert "知识产权文化法律" in flat[-1] and "“四进”活动" in flat[-1]  # the last row (its name wraps)
    assert "注：1.表内知识产权包括" in flat[-1]

    # Every word of the table lies inside its landscape page (nothing cut off on the right).
    boxes = run("pdftotext", "-bbox", "-f", str(body + 1), "-l", str(len(sizes)), str(pdf), "-").stdout.decode()
    right_edges = [float(x) for x in re.findall(r'xMax="([\d.]+)"', boxes)]
    assert right_edges and max(right_edges) < A4_LANDSCAPE[0] - 50

    # The 公文 fonts came out as their fallbacks: a serif body, sans headings, no Japanese-only face missing.
    fonts = run("pdffonts", str(pdf)).stdout.decode()
    assert "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts and "LiberationSerif" in fonts

