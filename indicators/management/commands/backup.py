"""Write one archive with the database and the evidence files.

``backups/ipzone-YYYYmmdd-HHMMSS.tar.gz`` holds:

- ``manifest.json``: format, creation time, engine, counts, app version;
- ``database.sqlite3`` (SQLite) or ``database.pgdump`` (PostgreSQL, ``pg_dump --format=custom``);
- ``evidence/…``: every file under ``MEDIA_ROOT``, with its relative path.

``restore`` reads exactly this layout and refuses anything else.  The database
and the files are taken one after the other, not atomically: run it when no
one is uploading evidence (at night), or accept that a file uploaded during the
backup may be missing from it.
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from indicators.models import Actual, Evidence

FORMAT = "ipzone-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
EVIDENCE_DIR = "evidence"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}


def engine():
    """``sqlite`` or ``postgresql``; other back ends are refused rather than half backed up."""
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise CommandError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
    return vendor


def app_version():
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as fh:
            return tomllib.load(fh)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def pg_environment(settings_dict):
    """libpq environment for pg_dump/pg_restore: the password never appears on a command line."""
    env = dict(os.environ)
    options = settings_dict.get("OPTIONS") or {}
    mapping = {
        "PGHOST": settings_dict.get("HOST"),
        "PGPORT": settings_dict.get("PORT"),
        "PGUSER": settings_dict.get("USER"),
        "PGPASSWORD": settings_dict.get("PASSWORD"),
        "PGDATABASE": settings_dict.get("NAME"),
        "PGSSLMODE": options.get("sslmode"),
    }
    for key, value in mapping.items():
        if value:
            env[key] = str(value)
        else:
            env.pop(key, None)  # an inherited PGHOST etc. must not redirect us to another server
    return env


def pg_tool(name):
    path = shutil.which(name)
    if path is None:
        raise CommandError(f"{name} is not installed (Debian: apt-get install postgresql-client-15).")
    return path


def run_pg_tool(args, env):
    result = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise CommandError(f"{Path(args[0]).name} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result


def dump_database(target: Path):
    """Write a consistent copy of the configured database to ``target``."""
    if engine() == "sqlite":
        # The sqlite3 backup API copies a consistent snapshot page by page, WAL included; copying
        # the file of a live WAL database could miss committed pages.  Going through Django's own
        # connection also covers the in-memory database the test suite uses.
        connection.ensure_connection()
        copy = sqlite3.connect(target)
        try:
            connection.connection.backup(copy)
        finally:
            copy.close()
    else:
        env = pg_environment(connection.settings_dict)
        run_pg_tool([pg_tool("pg_dump"), "--format=custom", "--no-password", f"--file={target}"], env)


def evidence_files(root: Path):
    """Regular files under ``root`` (symbolic links are skipped: they could point anywhere)."""
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if not (Path(folder) / d).is_symlink())
        for name in sorted(files):
            path = Path(folder) / name
            if path.is_file() and not path.is_symlink():
                found.append(path)
    return found


def archive_name(output: Path):
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    candidate = output / f"ipzone-{stamp}.tar.gz"
    n = 2
    while candidate.exists():  # two backups in the same second keep both
        candidate = output / f"ipzone-{stamp}-{n}.tar.gz"
        n += 1
    return candidate


class Command(BaseCommand):
    help = "Write backups/ipzone-YYYYmmdd-HHMMSS.tar.gz with the database, the evidence files and a manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", default=None, help="Directory for the archive (default: backups/ in the project)."
        )

    def handle(self, *args, output=None, **options):
        output = Path(output) if output else Path(settings.BASE_DIR) / "backups"
        output.mkdir(parents=True, exist_ok=True)
        kind = engine()
        media_root = Path(settings.MEDIA_ROOT)
        with tempfile.TemporaryDirectory(prefix="ipzone-backup-") as work:
            database = Path(work) / DATABASE_FILES[kind]
            dump_database(database)
            files = evidence_files(media_root)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created": timezone.now().isoformat(),
                "engine": kind,
                "database": database.name,
                "counts": {
                    "actuals": Actual.objects.count(),
                    "evidence": Evidence.objects.count(),
                    "evidence_files": len(files),
                },
                "app_version": app_version(),
            }
            (Path(work) / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
            target = archive_name(output)
            # Written under a temporary name and renamed: a crash never leaves a truncated archive
            # that looks like a good backup.
            partial = target.with_name(f".{target.name}.partial")
            try:
                # Owner-only from the first byte: the dump holds password hashes and sessions.
                partial.touch(mode=0o600, exist_ok=False)
                partial.chmod(0o600)
                with tarfile.open(partial, "w:gz") as tar:
                    tar.add(Path(work) / MANIFEST, arcname=MANIFEST)
                    tar.add(database, arcname=database.name)
                    for path in files:
                        relative = path.relative_to(media_root).as_posix()
                        tar.add(path, arcname=f"{EVIDENCE_DIR}/{relative}", recursive=False)
                os.replace(partial, target)
            finally:
                partial.unlink(missing_ok=True)
        if options["verbosity"]:
            counts = manifest["counts"]
            self.stdout.write(
                f"Wrote {target} ({kind}; {counts['actuals']} actuals, {counts['evidence']} evidence records, "
                f"{counts['evidence_files']} files)."
            )
