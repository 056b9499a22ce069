"""``manage.py backup`` / ``restore``: a round trip, and archives that must be refused.

The round trip runs against whatever database the suite uses: the in-memory
SQLite test database (through the sqlite3 backup API of the live connection),
or PostgreSQL when DATABASE_URL points there (through pg_dump / pg_restore).
"""

import io
import json
import re
import shutil
import tarfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.db import connection

from indicators.models import Actual, Evidence

PDF = b"%PDF-1.4\n% ipzone test evidence\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "evidence-root"
    return settings.MEDIA_ROOT


@pytest.fixture
def needs_pg_tools():
    if connection.vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed: apt-get install postgresql-client-15")


def backup(tmp_path):
    out = tmp_path / "backups"
    call_command("backup", output=str(out), verbosity=0)
    archives = sorted(out.glob("*.tar.gz"))
    assert len(archives) == 1
    return archives[0]


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(plan, reporter, media, tmp_path, needs_pg_tools):
    pair = plan.indicators.get(order=19)  # 专利质押融资金额（万元）/笔, led by czj
    other = plan.indicators.get(order=20)
    kept = Actual.objects.create(
        indicator=pair, year=2023, value=Decimal("2868"), second_value=2, note="原值", entered_by=reporter
    )
    gone = Actual.objects.create(indicator=other, year=2023, value=Decimal("300"), second_value=1, entered_by=reporter)
    evidence = Evidence(actual=gone, original_name="合同.pdf", content_type="application/pdf", size=len(PDF), uploaded_by=reporter)
    evidence.file.save("合同.pdf", ContentFile(PDF))
    evidence_path = Path(evidence.file.path)
    assert evidence_path.is_relative_to(media)
    history_before = Actual.history.count()

    archive = backup(tmp_path)
    assert re.fullmatch(r"ipzone-\d{8}-\d{6}\.tar\.gz", archive.name)
    assert archive.stat().st_mode & 0o777 == 0o600  # it holds password hashes
    with tarfile.open(archive, "r:gz") as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["engine"] == connection.vendor
    assert manifest["counts"] == {"actuals": 2, "evidence": 1, "evidence_files": 1}
    assert manifest["app_version"] == "0.1.0" and manifest["created"]
    assert f"evidence/{evidence_path.relative_to(media).as_posix()}" in names
    assert not any(n.startswith("/") or ".." in n for n in names)

    # Damage: a changed figure, a deleted figure with its evidence record and file, a stray new figure.
    kept.value = Decimal("1")
    kept.note = "改坏了"
    kept.save()
    gone_pk = gone.pk
    gone.delete()
    evidence_path.unlink()
    Actual.objects.create(indicator=pair, year=2024, value=Decimal("5"), second_value=1)
    assert not Evidence.objects.exists()

    call_command("restore", str(archive), interactive=False, verbosity=0)

    restored = Actual.objects.get(pk=kept.pk)
    assert (restored.value, restored.second_value, restored.note) == (Decimal("2868"), Decimal("2"), "原值")
    assert Actual.objects.filter(pk=gone_pk, value=Decimal("300")).exists()
    assert not Actual.objects.filter(year=2024).exists()
    assert Actual.history.count() == history_before
    back = Evidence.objects.get(pk=evidence.pk)
    assert back.original_name == "合同.pdf"
    assert Path(back.file.path).read_bytes() == PDF
    # The restored database is usable for writes (sequences and connections are sane).
    Actual.objects.create(indicator=pair, year=2025, value=Decimal("7"), second_value=1)


@pytest.mark.django_db(transaction=True)
def test_backup_without_evidence_folder(plan, settings, tmp_path, needs_pg_tools):
    settings.MEDIA_ROOT = tmp_path / "missing"
    archive = backup(tmp_path)
    database = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    with tarfile.open(archive, "r:gz") as tar:
        assert sorted(tar.getnames()) == [database, "manifest.json"]


def write_archive(path, members, manifest=None):
    """A tar.gz with the given ``{name: bytes or TarInfo-type}`` members and, by default, a good manifest."""
    if manifest is None:
        manifest = {"format": "ipzone-backup", "format_version": 1, "engine": connection.vendor, "created": "now"}
    database = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
    with tarfile.open(path, "w:gz") as tar:
        entries = {"manifest.json": json.dumps(manifest).encode(), database: b"not used", **members}
        for name, content in entries.items():
            info = tarfile.TarInfo(name)
            if isinstance(content, bytes):
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
            else:
                info.type, info.linkname = content
                tar.addfile(info)
    return path


@pytest.mark.django_db
def test_restore_refuses_a_file_that_is_not_an_archive(tmp_path):
    bad = tmp_path / "ipzone-20250101-000000.tar.gz"
    bad.write_bytes(b"this is not gzip at all")
    with pytest.raises(CommandError, match="not an ipzone backup"):
        call_command("restore", str(bad), interactive=False)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("restore", str(tmp_path / "nowhere.tar.gz"), interactive=False)


@pytest.mark.django_db
def test_restore_refuses_an_archive_without_our_manifest(tmp_path):
    plain = tmp_path / "other.tar.gz"
    with tarfile.open(plain, "w:gz") as tar:
        info = tarfile.TarInfo("readme.txt")
        info.size = 2
        tar.addfile(info, io.BytesIO(b"hi"))
    with pytest.raises(CommandError, match="no manifest.json"):
        call_command("restore", str(plain), interactive=False)
    foreign = write_archive(tmp_path / "foreign.tar.gz", {}, manifest={"format": "something-else"})
    with pytest.raises(CommandError, match="not ours"):
        call_command("restore", str(foreign), interactive=False)
    other_engine = "postgresql" if connection.vendor == "sqlite" else "sqlite"
    mismatched = write_archive(
        tmp_path / "engine.tar.gz", {}, manifest={"format": "ipzone-backup", "format_version": 1, "engine": other_engine}
    )
    with pytest.raises(CommandError, match="same kind"):
        call_command("restore", str(mismatched), interactive=False)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("../escaped.txt", b"x", r"\.\."),
        ("evidence/../../escaped.txt", b"x", r"\.\."),
        ("/tmp/ipzone-absolute-escape.txt", b"x", "absolute path"),
        ("evidence/link.pdf", (tarfile.SYMTYPE, "/etc/passwd"), "link"),
        ("evidence/hard.pdf", (tarfile.LNKTYPE, "manifest.json"), "link"),
        ("settings.py", b"x", "unexpected member"),
    ],
)
def test_restore_refuses_unsafe_members(tmp_path, media, plan, name, content, reason):
    archive = write_archive(tmp_path / "evil.tar.gz", {name: content})
    before = Actual.objects.count()
    with pytest.raises(CommandError, match=reason):
        call_command("restore", str(archive), interactive=False)
    assert not (tmp_path / "escaped.txt").exists()
    assert not Path("/tmp/ipzone-absolute-escape.txt").exists()
    assert not Path(media).exists()  # nothing was written into MEDIA_ROOT either
    assert Actual.objects.count() == before


@pytest.mark.django_db
def test_restore_asks_before_replacing(tmp_path, monkeypatch):
    archive = write_archive(tmp_path / "ok.tar.gz", {})
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(archive))
