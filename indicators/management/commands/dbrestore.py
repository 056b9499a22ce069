"""django-dbbackup's ``dbrestore`` (same name, options and behaviour), checking the file first.

On SQLite dbbackup writes any file it is given over the database and reports success, so the file must first be
an intact SQLite database with ipzone's tables (compressed or encrypted files are not checked).  On PostgreSQL
pg_restore's refusal becomes a CommandError instead of a traceback.  It overrides dbbackup's command because
``indicators`` comes first in INSTALLED_APPS.
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
