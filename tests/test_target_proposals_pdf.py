"""The 目标测算表 as the planning meeting gets it: printed to PDF by LibreOffice (a throwaway profile, as
tests/test_export_pdf.py does), every indicator and its proposals on A4 landscape pages, the header on each."""

import shutil
import subprocess

import pytest

from indicators import plans
from indicators.excel.target_proposals import TargetProposalsWorkbook
from indicators.models import Indicator, User

SOFFICE = shutil.which("soffice")
pytestmark = pytest.mark.office  # LibreOffice and poppler: `make system-deps`


def run(*args, timeout=120):
    return subprocess.run(args, check=True, capture_output=True, timeout=timeout)


def test_the_target_worksheet_prints_every_indicator_with_its_proposals(demo, tmp_path, artifacts):
    new = plans.rollover(User.objects.get(username="admin"), demo, code="柳高新〔2026〕1号", title="知识产权强区建设工作方案（2026-2030年）",
                         first_year=2026, last_year=2030)  # fmt: skip
    xlsx = tmp_path / "目标测算表.xlsx"
    xlsx.write_bytes(TargetProposalsWorkbook(new).render())
    profile = tmp_path / "lo-profile"  # a throwaway profile: parallel runs must not share one
    run(SOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(xlsx))
    pdf = tmp_path / "目标测算表.pdf"
    run("pdftoppm", "-png", "-r", "110", "-f", "1", "-l", "1", str(pdf), str(artifacts / "target_proposals_page1"))
    png = artifacts / "target_proposals_page1-1.png"
    assert png.exists() and png.stat().st_size > 20_000
    png.replace(artifacts / "target_proposals_page1.png")
    pages = run("pdftotext", "-layout", str(pdf), "-").stdout.decode().split("\f")[:-1]
    flat = [page.replace(" ", "") for page in pages]
    text = "".join(flat)
    assert "柳高新〔2026〕1号" in flat[0] and "柳高新〔2022〕2号" in flat[0] and "目标测算表" in flat[0]
    for page in flat:  # the header on every page, the last column (会议意见) too: one page wide
        assert "指标内容" in page and "趋势外推" in page and "会议意见" in page
    for name in Indicator.objects.filter(plan=new).values_list("name", flat=True):
        assert name.replace(" ", "")[:8] in text, name
    assert "9190/20" in text and "12925.55/75" in text and "9915/20" in text  # the pair, part by part
    assert "96.93%" in text and "最小二乘" in text and "年均增长：基础值为0" in text
    assert f"第1页，共{len(pages)}页" in flat[0]
