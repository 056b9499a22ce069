"""Evidence files: checked by content and extension, stored under a random name, served only after a permission check."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from indicators.evidence import check_evidence, clean_filename
from indicators.models import Actual, Evidence


def docx_bytes(extra=None):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


GOOD = [
    ("报告.pdf", b"%PDF-1.7\n..."),
    ("证书.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF"),
    ("截图.png", b"\x89PNG\r\n\x1a\n\x00\x00"),
    ("说明.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00"),
    ("台账.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\x00"),
    ("说明.docx", docx_bytes()),
]


@pytest.mark.parametrize("name, content", GOOD, ids=[g[0] for g in GOOD])
def test_allowed_files_are_accepted_with_their_content_type(name, content):
    clean, content_type = check_evidence(SimpleUploadedFile(name, content))
    assert clean == name and content_type


BAD = [
    ("程序.exe", b"MZ\x90\x00", "not accepted"),
    ("脚本.sh", b"#!/bin/sh\nrm -rf /", "not accepted"),
    ("网页.html", b"<script>alert(1)</script>", "not accepted"),
    ("伪装.pdf", b"MZ\x90\x00\x03", "does not match"),
    ("伪装.png", b"<html><script>alert(1)</script>", "does not match"),
    ("伪装.docx", b"%PDF-1.4", "does not match"),
    ("伪装.xlsx", docx_bytes(), "does not match"),  # a Word file renamed .xlsx
    ("宏.docx", docx_bytes({"word/vbaProject.bin": b"\x00"}), "macros"),
    ("空.pdf", b"", "empty"),
    ("无扩展名", b"%PDF-1.4", "not accepted"),
]


@pytest.mark.parametrize("name, content, message", BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_refused_with_a_clear_message(name, content, message):
    with pytest.raises(ValidationError) as caught:
        check_evidence(SimpleUploadedFile(name, content))
    assert message in " ".join(caught.value.messages)


def test_a_file_over_the_size_cap_is_refused(settings):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="larger than"):
        check_evidence(SimpleUploadedFile("大.pdf", b"%PDF-" + b"0" * 200))


@pytest.mark.parametrize(
    "raw, clean",
    [("../../etc/passwd.pdf", "passwd.pdf"), ("C:\\Users\\a\\合同.pdf", "合同.pdf"), ("a\x00b.pdf", "ab.pdf"),
     ("<script>alert(1)</script>.pdf", "script>.pdf")],
)
def test_file_names_lose_paths_and_control_characters(raw, clean):
    assert clean_filename(raw) == clean


def test_html_in_a_file_name_is_escaped_on_the_admin_page(client, demo, tmp_path, settings):
    from indicators.models import User

    settings.MEDIA_ROOT = tmp_path
    actual = Actual.objects.get(indicator__order=20, year=2025)
    Evidence.objects.create(
        actual=actual, file=SimpleUploadedFile("x.pdf", b"%PDF-1.4"), original_name='<img src=x onerror=alert(1)>.pdf',
        content_type="application/pdf", size=8,
    )
    client.force_login(User.objects.get(username="staff-czj"))
    page = client.get(f"/admin/indicators/actual/{actual.pk}/change/").content.decode()
    assert "<img src=x onerror" not in page and "&lt;img src=x onerror" in page


def test_stored_files_get_a_random_name_outside_the_static_root(demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    actual = Actual.objects.get(indicator__order=20, year=2025)
    evidence = Evidence.objects.create(
        actual=actual, file=SimpleUploadedFile("质押合同.pdf", b"%PDF-1.4"), original_name="质押合同.pdf",
        content_type="application/pdf", size=8,
    )
    assert "质押合同" not in evidence.file.name and evidence.file.name.endswith(".pdf")
    assert str(settings.STATIC_ROOT) not in evidence.file.path


def test_a_reporter_of_another_department_cannot_download_a_drafts_evidence(client, demo, tmp_path, settings):
    from indicators.models import User

    settings.MEDIA_ROOT = tmp_path
    draft = Actual.objects.get(indicator__order=20, year=2025)
    evidence = Evidence.objects.create(
        actual=draft, file=SimpleUploadedFile("x.pdf", b"%PDF-1.4"), original_name="x.pdf", content_type="application/pdf", size=8
    )
    client.force_login(User.objects.get(username="staff-gxj"))
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404
    client.force_login(User.objects.get(username="leader"))
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 404  # a draft: only with 含草稿
    client.post("/drafts/", {"drafts": "1", "next": "/"})
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 200
    client.logout()
    assert client.get(f"/evidence/{evidence.pk}/").status_code == 302


def test_files_stored_inside_a_failed_block_are_removed_and_kept_when_it_succeeds(plan, reporter, settings, tmp_path):
    from django.db import transaction

    from indicators import evidence

    settings.MEDIA_ROOT = tmp_path
    figure = Actual.objects.create(indicator=plan.indicators.get(order=19), year=2024, value=1, second_value=1)

    def item(name):
        return Evidence(actual=figure, original_name=name, content_type="application/pdf", size=8, uploaded_by=reporter)

    with pytest.raises(RuntimeError):
        with evidence.removed_on_failure(), transaction.atomic():
            with evidence.removed_on_failure():  # an inner block that succeeds leaves its file to the outer one
                evidence.store(item("内层.pdf"), SimpleUploadedFile("a.pdf", b"%PDF-1.4"))
            evidence.store(item("外层.pdf"), SimpleUploadedFile("b.pdf", b"%PDF-1.4"))
            raise RuntimeError("the save failed after writing")
    assert not Evidence.objects.exists() and not any(p.is_file() for p in tmp_path.rglob("*"))
    with evidence.removed_on_failure():
        kept = evidence.store(item("保留.pdf"), SimpleUploadedFile("c.pdf", b"%PDF-1.4"))
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [kept.file.name.rsplit("/", 1)[1]]
