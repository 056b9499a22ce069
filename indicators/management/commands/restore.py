"""Bring back an archive written by ``backup``: the database, then the evidence files.

The archive is checked completely before anything is changed: it must be a
gzip tar with a ``manifest.json`` of our format, made from the same database
engine, and every member must be a plain file or folder with a relative path
inside the archive (no absolute paths, no ``..``, no links) — an archive from
elsewhere cannot write outside the staging folder or ``MEDIA_ROOT``.

Stop the application servers first: PostgreSQL cannot drop tables that open
sessions are using, and people saving figures during a restore would lose them.
"""

import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from indicators.management.commands.backup import (
    DATABASE_FILES,
    EVIDENCE_DIR,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    engine,
    pg_environment,
    pg_tool,
    run_pg_tool,
)
from indicators.models import Actual, Evidence

MANIFEST_MAX_BYTES = 64 * 1024


def unsafe_reason(member: tarfile.TarInfo):
    """Why a member may not be extracted, or ``None`` when it is a safe relative file or folder."""
    name = member.name
    if not name or "\x00" in name:
        return "an empty or invalid name"
    if name.startswith(("/", "\\")) or PurePosixPath(name).is_absolute() or (len(name) > 1 and name[1] == ":"):
        return "an absolute path"
    if ".." in name.replace("\\", "/").split("/"):
        return "a path that leaves the archive (..)"
    if not (member.isfile() or member.isdir()):
        return "a link or special file"
    return None


def allowed_name(name, database_name):
    parts = PurePosixPath(name).parts
    if not parts:
        return False
    if len(parts) == 1:
        return parts[0] in (MANIFEST, database_name, EVIDENCE_DIR)
    return parts[0] == EVIDENCE_DIR


def read_archive(path: Path):
    """Open and check the archive; returns ``(tar, members, manifest)`` or raises ``CommandError``."""
    not_ours = f"{path} is not an ipzone backup archive"
    if not path.is_file():
        raise CommandError(f"{path} does not exist or is not a file.")
    try:
        tar = tarfile.open(path, "r:gz")
        members = tar.getmembers()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise CommandError(f"{not_ours} (not a readable .tar.gz: {exc}).") from None
    try:
        names = [m.name for m in members]
        for member in members:
            reason = unsafe_reason(member)
            if reason:
                raise CommandError(f"{not_ours}: member {member.name!r} has {reason}; nothing was restored.")
        if len(set(names)) != len(names):
            raise CommandError(f"{not_ours}: it lists a member twice; nothing was restored.")
        by_name = {m.name: m for m in members}
        manifest_member = by_name.get(MANIFEST)
        if manifest_member is None or not manifest_member.isfile() or manifest_member.size > MANIFEST_MAX_BYTES:
            raise CommandError(f"{not_ours} (no {MANIFEST}).")
        try:
            manifest = json.loads(tar.extractfile(manifest_member).read().decode("utf-8"))
        except (ValueError, UnicodeDecodeError, tarfile.TarError, OSError) as exc:
            raise CommandError(f"{not_ours} ({MANIFEST} is unreadable: {exc}).") from None
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise CommandError(f"{not_ours} ({MANIFEST} is not ours).")
        if manifest.get("format_version") != FORMAT_VERSION:
            raise CommandError(f"{path} has backup format version {manifest.get('format_version')!r}; this version reads {FORMAT_VERSION}.")
        kind = engine()
        if manifest.get("engine") != kind:
            raise CommandError(
                f"{path} is a {manifest.get('engine')} backup but the configured database is {kind}; "
                "restore it into a database of the same kind."
            )
        database_name = DATABASE_FILES[kind]
        if database_name not in by_name or not by_name[database_name].isfile():
            raise CommandError(f"{not_ours} (no {database_name}).")
        for name in names:
            if not allowed_name(name, database_name):
                raise CommandError(f"{not_ours}: unexpected member {name!r}; nothing was restored.")
    except CommandError:
        tar.close()
        raise
    return tar, members, manifest


def extract(tar, members, staging: Path):
    """Copy the members into ``staging``, each checked to land inside it."""
    root = staging.resolve()
    for member in members:
        target = (root / member.name).resolve()
        if not target.is_relative_to(root):  # belt and braces after unsafe_reason()
            raise CommandError(f"Refusing member {member.name!r}: it leaves the staging folder.")
        if member.isdir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        source = tar.extractfile(member)
        with open(target, "xb") as out:
            shutil.copyfileobj(source, out)


def restore_sqlite(database: Path):
    if connection.in_atomic_block:
        raise CommandError("Cannot restore inside a transaction.")
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        check = source.execute("PRAGMA quick_check").fetchone()
        if not check or check[0] != "ok":
            raise CommandError(f"The database in the archive is damaged: {check}.")
        connection.ensure_connection()
        # The backup API writes the archived pages into the configured database under SQLite's
        # own locking (WAL files stay consistent) and also works for an in-memory test database;
        # replacing the file under open connections would leave them reading the old inode.
        source.backup(connection.connection)
    except sqlite3.DatabaseError as exc:
        raise CommandError(f"The database in the archive could not be restored: {exc}.") from None
    finally:
        source.close()
    connection.close()


def restore_postgresql(dump: Path):
    settings_dict = connection.settings_dict
    # Our own idle session would not block pg_restore, but psycopg's prepared statements would
    # point at the dropped tables afterwards: start from fresh connections on both sides.
    connection.close()
    run_pg_tool(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",  # all or nothing: a failed restore leaves the database as it was
            "--exit-on-error",
            "--no-password",
            f"--dbname={settings_dict['NAME']}",
            str(dump),
        ],
        pg_environment(settings_dict),
    )
    connection.close()


def restore_evidence(source: Path, media_root: Path):
    """Copy the archived files into MEDIA_ROOT; files not in the archive are left alone."""
    if not source.is_dir():
        return 0
    media_root.mkdir(parents=True, exist_ok=True)
    root = media_root.resolve()
    count = 0
    for folder, _dirs, files in os.walk(source):
        for name in files:
            path = Path(folder) / name
            target = root / path.relative_to(source)
            target.parent.mkdir(parents=True, exist_ok=True)
            if not target.parent.resolve().is_relative_to(root):  # a symlinked folder inside MEDIA_ROOT
                raise CommandError(f"Refusing to write {target}: it is outside {root}.")
            # Copied next to the target and renamed, so a download never sees half a file.
            partial = target.with_name(f".{target.name}.restoring")
            shutil.copyfile(path, partial)
            os.replace(partial, target)
            count += 1
    return count


class Command(BaseCommand):
    help = "Restore the database and the evidence files from an archive written by `backup`."

    def add_arguments(self, parser):
        parser.add_argument("archive", help="backups/ipzone-YYYYmmdd-HHMMSS.tar.gz")
        parser.add_argument(
            "--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask for confirmation."
        )

    def handle(self, *args, archive, interactive=True, **options):
        path = Path(archive)
        tar, members, manifest = read_archive(path)
        with tar:
            kind = manifest["engine"]
            media_root = Path(settings.MEDIA_ROOT)
            if interactive:
                answer = input(
                    f"This replaces the {kind} database {connection.settings_dict['NAME']} with the backup of "
                    f"{manifest.get('created', '?')} and restores its evidence files into {media_root}.\n"
                    "Type 'yes' to continue: "
                )
                if answer.strip().lower() != "yes":
                    raise CommandError("Restore cancelled.")
            with tempfile.TemporaryDirectory(prefix="ipzone-restore-") as staging:
                staging = Path(staging)
                extract(tar, members, staging)
                database = staging / DATABASE_FILES[kind]
                if kind == "sqlite":
                    restore_sqlite(database)
                else:
                    restore_postgresql(database)
                files = restore_evidence(staging / EVIDENCE_DIR, media_root)
        if options["verbosity"]:
            self.stdout.write(
                f"Restored {path} ({manifest.get('created', '?')}): {Actual.objects.count()} actuals, "
                f"{Evidence.objects.count()} evidence records, {files} evidence files. "
                "Run `manage.py migrate` if the backup is older than the code."
            )
