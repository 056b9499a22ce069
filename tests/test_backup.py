"""Backups: `make backup` and `make restore` (django-dbbackup's commands), and files they refuse.

The round trip runs the Makefile's own recipes (``make -o env``, with this interpreter as MANAGE)
in a subprocess, with DATABASE_URL, EVIDENCE_ROOT and BACKUP_DIR set as on a server.  Their
database is the test database itself on PostgreSQL (pg_dump / pg_restore).  On SQLite it is a
file: dbbackup restores by writing the backup over the database *file*, which the suite's
in-memory database does not have, so the test copies the in-memory database into a file before
each command and back afterwards (the sqlite3 backup API) and looks at everything in-process.
"""

import io
import json
import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tarfile
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote

import pytest
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from indicators.models import Actual, Evidence, User

ROOT = Path(__file__).resolve().parent.parent
PDF = b"%PDF-1.4\n% ipzone test evidence\n%%EOF\n"
INVOICE = b"%PDF-1.4\n% another evidence file\n%%EOF\n"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "evidence-root"
    return settings.MEDIA_ROOT


@pytest.fixture
def needs_pg_tools():
    if connection.vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump/pg_restore are not installed: apt-get install postgresql-client-15")


class ServerDatabase:
    """The database the subprocesses work on, seen from the test: see the module docstring."""

    def __init__(self, tmp_path):
        if connection.vendor == "sqlite":
            self.file = tmp_path / "ipzone.sqlite3"
            self.url = f"sqlite:///{self.file}"
        else:
            self.file = None
            s = connection.settings_dict
            self.url = (
                f"postgres://{quote(s['USER'])}:{quote(s['PASSWORD'])}@{s['HOST']}:{s['PORT'] or 5432}/{quote(s['NAME'])}"
            )

    def push(self):
        """Before a command: what the test wrote is what the command sees."""
        if self.file:
            connection.ensure_connection()
            target = sqlite3.connect(self.file)
            try:
                connection.connection.backup(target)
            finally:
                target.close()

    def pull(self):
        """After a command: what it wrote is what the test sees."""
        connection.close()  # PostgreSQL: the restore dropped and recreated every table
        if self.file:
            connection.ensure_connection()
            source = sqlite3.connect(self.file)
            try:
                source.backup(connection.connection)
            finally:
                source.close()


def make_command(*args):
    """A Makefile target without its `env` prerequisite, with this interpreter as MANAGE."""
    return ["make", "--no-print-directory", "-o", "env", *args, f"MANAGE={shlex.quote(sys.executable)} manage.py"]


@pytest.fixture
def needs_make():
    if not shutil.which("make"):
        pytest.skip("make is not installed")


class Server:
    """Runs `make` targets and manage.py as an operator would, on this test's database and folders."""

    def __init__(self, tmp_path, media):
        self.database = ServerDatabase(tmp_path)
        self.backup_dir = tmp_path / "backups"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database.url,
            "EVIDENCE_ROOT": str(media),
            "BACKUP_DIR": str(self.backup_dir),
        }

    def run(self, command, check):
        self.database.push()
        # umask 022 as on most servers: the 0600 of the backups must come from the settings.
        result = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300, umask=0o022)
        if check:
            assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        self.database.pull()
        return result

    def make(self, *args, check=True):
        if not shutil.which("make"):
            pytest.skip("make is not installed")
        return self.run(make_command(*args), check)

    def manage(self, *args, check=True):
        return self.run([sys.executable, "manage.py", *args], check)


@pytest.fixture
def server(tmp_path, media, needs_pg_tools):
    return Server(tmp_path, media)


def fingerprint():
    """Everything a restore must bring back, as JSON data: figures, history, accounts, evidence bytes."""
    evidence = []
    for record in Evidence.objects.order_by("pk"):
        with record.file.open("rb") as fh:
            evidence.append({"pk": record.pk, "name": record.file.name, "bytes": fh.read().hex()})
    data = {
        "actuals": list(Actual.objects.order_by("pk").values()),
        "actual_history": Actual.history.count(),
        "evidence": list(Evidence.objects.order_by("pk").values()),
        "evidence_files": evidence,
        "evidence_history": Evidence.history.count(),
        "users": list(User.objects.order_by("pk").values("pk", "username", "password")),
    }
    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def attach(actual, name, content, user):
    evidence = Evidence(actual=actual, original_name=name, content_type="application/pdf", size=len(content), uploaded_by=user)
    evidence.file.save(name, ContentFile(content))
    return evidence


def backups(server):
    return sorted(p.name for p in server.backup_dir.iterdir())


@pytest.mark.django_db(transaction=True)
def test_make_restore_brings_back_figures_history_accounts_and_evidence_files_as_backed_up(
    plan, reporter, media, tmp_path, server
):
    pair = plan.indicators.get(order=19)  # 专利质押融资金额（万元）/笔, led by czj
    other = plan.indicators.get(order=20)
    kept = Actual.objects.create(
        indicator=pair, year=2023, value=Decimal("2868"), second_value=2, note="原值", entered_by=reporter
    )
    gone = Actual.objects.create(indicator=other, year=2023, value=Decimal("300"), second_value=1, entered_by=reporter)
    contract = attach(gone, "合同.pdf", PDF, reporter)
    invoice = attach(kept, "发票.pdf", INVOICE, reporter)
    before = fingerprint()

    server.make("backup")

    names = backups(server)
    db_name = "ipzone-db-default-{stamp}.sqlite3" if connection.vendor == "sqlite" else "ipzone-db-default-{stamp}.psql.bin"
    stamp = r"\d{8}-\d{6}"
    [db_file] = [n for n in names if re.fullmatch(db_name.format(stamp=stamp), n)]
    [media_file] = [n for n in names if re.fullmatch(f"ipzone-media-{stamp}.tar", n)]
    assert names == sorted([db_file, f"{db_file}.metadata", media_file])
    # Owner-only: the database holds password hashes (and its folder, created by the backup, too).
    for name in names:
        assert (server.backup_dir / name).stat().st_mode & 0o777 == 0o600, name
    assert server.backup_dir.stat().st_mode & 0o777 == 0o700
    with tarfile.open(server.backup_dir / media_file) as tar:
        assert sorted(tar.getnames()) == sorted([contract.file.name, invoice.file.name])

    # Damage: a changed figure, a deleted figure with its evidence record and file, an evidence file
    # overwritten in place, a stray new figure and a file uploaded after the backup.
    kept.value = Decimal("1")
    kept.note = "改坏了"
    kept.save()
    Path(contract.file.path).unlink()
    gone_pk = gone.pk
    gone.delete()
    Path(invoice.file.path).write_bytes(b"overwritten")
    Actual.objects.create(indicator=pair, year=2024, value=Decimal("5"), second_value=1)
    stray_file = media / "evidence" / "2024" / "uploaded-later.pdf"
    stray_file.parent.mkdir(parents=True)
    stray_file.write_bytes(PDF)
    assert fingerprint() != before

    # A media file that is not a tar is refused before the database is touched.
    garbage = tmp_path / "not-a-tar.tar"
    garbage.write_bytes(b"this is not a tar archive\n" * 100)
    refused = server.make("restore", f"DB={server.backup_dir / db_file}", f"MEDIA={garbage}", check=False)
    assert refused.returncode != 0
    assert "is not a tar of evidence files" in refused.stdout and "nothing was restored" in refused.stdout
    assert Actual.objects.filter(year=2024).exists()

    server.make("restore", f"DB={server.backup_dir / db_file}", f"MEDIA={server.backup_dir / media_file}")

    after = fingerprint()
    assert after == before
    restored = Actual.objects.get(pk=kept.pk)
    assert (restored.value, restored.second_value, restored.note) == (Decimal("2868"), Decimal("2"), "原值")
    assert Actual.objects.filter(pk=gone_pk, value=Decimal("300")).exists()
    assert not Actual.objects.filter(year=2024).exists()
    assert Path(Evidence.objects.get(pk=contract.pk).file.path).read_bytes() == PDF
    assert Path(Evidence.objects.get(pk=invoice.pk).file.path).read_bytes() == INVOICE
    assert stray_file.read_bytes() == PDF  # files that are not in the backup are left alone
    # The restored database takes writes (sequences and connections are sane).
    Actual.objects.create(indicator=pair, year=2025, value=Decimal("7"), second_value=1)


@pytest.mark.django_db(transaction=True)
def test_make_backup_works_before_any_evidence_file_was_uploaded(plan, media, server):
    assert not media.exists()
    server.make("backup")
    [media_file] = [n for n in backups(server) if n.startswith("ipzone-media-")]
    with tarfile.open(server.backup_dir / media_file) as tar:
        assert tar.getnames() == []


@pytest.mark.django_db(transaction=True)
def test_backups_with_clean_keep_the_ten_newest_of_each_kind(plan, media, server):
    media.mkdir()
    server.backup_dir.mkdir(mode=0o700)
    extension = "sqlite3" if connection.vendor == "sqlite" else "psql.bin"
    for day in range(1, 13):
        (server.backup_dir / f"ipzone-db-default-202601{day:02}-020000.{extension}").touch()
        (server.backup_dir / f"ipzone-media-202601{day:02}-020003.tar").touch()

    server.manage("dbbackup", "--clean")
    server.manage("mediabackup", "--clean")

    names = backups(server)
    assert len([n for n in names if n.startswith("ipzone-db-") and not n.endswith(".metadata")]) == 10
    assert len([n for n in names if n.startswith("ipzone-media-")]) == 10
    assert "ipzone-db-default-20260103-020000." + extension not in names  # the oldest went
    assert "ipzone-media-20260103-020003.tar" not in names


def test_make_restore_without_both_files_prints_its_usage(needs_make):
    command = make_command("restore", "DB=backups/ipzone-db-default-20260131-220000.sqlite3")
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    assert "Usage: make restore DB=backups/ipzone-db-default-" in result.stdout and "MEDIA=" in result.stdout


def truncated_sqlite_backup(path):
    database = sqlite3.connect(path)
    database.execute("CREATE TABLE indicators_actual (id INTEGER PRIMARY KEY, note TEXT)")
    database.executemany("INSERT INTO indicators_actual (note) VALUES (?)", [("x" * 200,)] * 2000)
    database.commit()
    database.close()
    content = path.read_bytes()
    path.write_bytes(content[: len(content) // 2])


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", ["text", "empty", "media tar", "truncated SQLite database"])
def test_dbrestore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(
    plan, reporter, tmp_path, monkeypatch, needs_pg_tools, kind
):
    figure = Actual.objects.create(indicator=plan.indicators.get(order=19), year=2023, value=Decimal("2868"), second_value=2)
    bad = tmp_path / "ipzone-db-default-20260131-220000.sqlite3"
    if kind == "text":
        bad.write_text("this is not a backup\n")
    elif kind == "empty":
        bad.write_bytes(b"")
    elif kind == "media tar":
        with tarfile.open(bad, "w") as tar:
            info = tarfile.TarInfo("evidence/2023/a.pdf")
            info.size = len(PDF)
            tar.addfile(info, io.BytesIO(PDF))
    else:
        truncated_sqlite_backup(bad)
    # dbbackup writes a SQLite restore over settings' NAME; for the in-memory test database that
    # would be a stray file named after its URI: keep anything of the kind inside tmp_path.
    monkeypatch.chdir(tmp_path)

    with pytest.raises(CommandError, match="the database was not changed"):
        call_command("dbrestore", input_path=str(bad), interactive=False, verbosity=0)

    assert Actual.objects.get(pk=figure.pk).value == Decimal("2868")
    assert User.objects.filter(pk=reporter.pk).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [bad.name]


@pytest.mark.django_db(transaction=True)
def test_dbrestore_without_a_file_refuses_the_latest_backup_when_it_is_truncated(plan, server):
    # A backup cut short (a full disk) is the newest file in BACKUP_DIR: `dbrestore` alone picks it.
    figure = Actual.objects.create(indicator=plan.indicators.get(order=19), year=2023, value=Decimal("2868"), second_value=2)
    server.backup_dir.mkdir()
    extension = "sqlite3" if connection.vendor == "sqlite" else "psql.bin"
    truncated_sqlite_backup(server.backup_dir / f"ipzone-db-default-20260131-220000.{extension}")

    result = server.manage("dbrestore", "--noinput", check=False)

    assert result.returncode == 1
    assert "CommandError: ipzone-db-default-20260131-220000" in result.stderr
    assert "the database was not changed" in result.stderr and "Traceback" not in result.stderr
    assert Actual.objects.get(pk=figure.pk).value == Decimal("2868")


@pytest.mark.django_db(transaction=True)
def test_dbrestore_refuses_a_backup_of_the_other_kind_of_database(plan, tmp_path, monkeypatch, needs_pg_tools):
    figure = Actual.objects.create(indicator=plan.indicators.get(order=19), year=2023, value=Decimal("2868"), second_value=2)
    backup = tmp_path / "ipzone-db-default-20260131-220000.sqlite3"
    database = sqlite3.connect(backup)  # a SQLite file that would pass the SQLite check itself
    database.execute("CREATE TABLE indicators_actual (id INTEGER PRIMARY KEY)")
    database.close()
    other = "django.db.backends.postgresql" if connection.vendor == "sqlite" else "django.db.backends.sqlite3"
    Path(f"{backup}.metadata").write_text(json.dumps({"engine": other, "connector": "dbbackup.db.sqlite.SqliteBackupConnector"}))
    monkeypatch.chdir(tmp_path)

    with pytest.raises(CommandError, match="Restoring to a different database engine is not supported"):
        call_command("dbrestore", input_path=str(backup), interactive=False, verbosity=0)

    assert Actual.objects.get(pk=figure.pk).value == Decimal("2868")


@pytest.mark.parametrize(
    "name, link",
    [
        ("../escaped.txt", None),
        ("evidence/../../escaped.txt", None),
        ("/tmp/ipzone-absolute-escape.txt", None),
        ("evidence/link.pdf", "/etc/passwd"),
    ],
)
def test_mediarestore_writes_nothing_outside_the_evidence_folder(media, tmp_path, name, link):
    archive = tmp_path / "ipzone-media-20260131-220000.tar"
    with tarfile.open(archive, "w") as tar:
        info = tarfile.TarInfo(name)
        if link:
            info.type, info.linkname = tarfile.SYMTYPE, link
            tar.addfile(info)
        else:
            info.size = 1
            tar.addfile(info, io.BytesIO(b"x"))

    # Django's storage refuses the path (SuspiciousFileOperation); a link is looked up inside the
    # archive only (KeyError). Both end the command with a traceback, after writing nothing.
    with pytest.raises((SuspiciousFileOperation, KeyError)):
        call_command("mediarestore", input_path=str(archive), interactive=False, replace=True, verbosity=0)

    assert not (tmp_path / "escaped.txt").exists()
    assert not Path("/tmp/ipzone-absolute-escape.txt").exists()
    assert not any(path.is_symlink() or path.is_file() for path in Path(media).rglob("*"))
