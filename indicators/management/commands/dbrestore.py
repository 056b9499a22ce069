"""django-dbbackup's ``dbrestore`` (same name, options and behaviour), checking the file first.

Why a wrapper at all: on SQLite, dbbackup writes whatever file it is given over the database
file and reports success, so a wrong path — the media tar, a text file, a truncated copy — would
silently destroy the database.  Here the file must first be an intact SQLite database
(``PRAGMA quick_check``) with ipzone's tables.  On PostgreSQL pg_restore refuses such a file
itself, in one transaction, but dbbackup lets its error out as a traceback: it becomes a
CommandError.  Compressed (``-z``) or encrypted (``-c``) files are not checked; ``make backup``
writes neither.  This command overrides dbbackup's because ``indicators`` comes before
``dbbackup`` in INSTALLED_APPS (Django: "Overriding commands").
"""

import shutil
import sqlite3
import tempfile
from pathlib import Path

from dbbackup.db.exceptions import ConnectorError
from dbbackup.management.commands import dbrestore
from django.core.management.base import CommandError
from django.db import connections

UNCHANGED = "the database was not changed"


def sqlite_problem(backup):
    """Why the file object ``backup`` is not an intact SQLite database with ipzone's tables, or ``None``."""
    with tempfile.NamedTemporaryFile(prefix="ipzone-restore-", suffix=".sqlite3") as copy:
        shutil.copyfileobj(backup, copy)
        copy.flush()
        # immutable: read the copy as it is, also a WAL-mode database without its -wal/-shm files.
        check = sqlite3.connect(f"{Path(copy.name).as_uri()}?immutable=1", uri=True)
        try:
            result = check.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                return f"damaged: {result}"
            tables = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'indicators_actual'"
            if not check.execute(tables).fetchone():
                return "it has no ipzone tables"
        except sqlite3.DatabaseError as exc:
            return str(exc)
        finally:
            check.close()
    return None


class Command(dbrestore.Command):
    backup_name = "The backup"  # the file being restored, once it is read

    def read_local_file(self, path):
        return self.checked(super().read_local_file(path), path)

    def read_from_storage(self, path):
        return self.checked(super().read_from_storage(path), path)

    def checked(self, backup, name):
        self.backup_name = name
        if connections[self.database_name].vendor == "sqlite" and not (self.decrypt or self.uncompress):
            problem = sqlite_problem(backup)
            backup.seek(0)
            if problem:
                backup.close()
                raise CommandError(f"{name} is not a SQLite backup of ipzone ({problem}); {UNCHANGED}.")
        return backup

    def handle(self, *args, **options):
        try:
            super().handle(*args, **options)
        except ConnectorError as exc:
            raise CommandError(f"{self.backup_name} could not be restored; {UNCHANGED} (pg_restore runs in one transaction).\n{exc}") from None
