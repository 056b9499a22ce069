"""The database's data version: ``"<epoch>.<counter>"``, different after every committed write to
what the dashboards show.  ``indicators.page_cache`` keys rendered fragments with it.

Triggers keep it, not Django signals: bulk updates, ``loaddata`` and SQL typed by hand bypass
signals but never triggers.  They fire on every INSERT, UPDATE and DELETE of the tables below.

* SQLite writes one transaction at a time: a plain row trigger bumps the counter.
* PostgreSQL: a deferred constraint trigger bumps it at commit, once per transaction (a
  transaction-local flag), so the version row is locked only while committing — a writer that
  holds it never waits for another row, and concurrent saves cannot deadlock on it.  Readers
  see the new version exactly when they can see the new data.
* The row is created with a random ``epoch`` (also after an emptied table or a restore, see
  ``new_epoch``), so an emptied or swapped database never repeats an earlier version.

``install_triggers`` is idempotent and runs from migration 0002 and after every ``migrate``
(``apps.py``): SQLite drops a table's triggers when a later migration rebuilds the table.
"""

from __future__ import annotations

from django.db import DatabaseError

WATCHED_TABLES = (
    "indicators_plan",
    "indicators_reportingdeadline",
    "indicators_department",
    "indicators_indicator",
    "indicators_cooperatingdepartment",
    "indicators_yearlytarget",
    "indicators_actual",
)
TABLE = "indicators_dataversion"
_EVENTS = ("INSERT", "UPDATE", "DELETE")

_SQLITE_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS ipzone_data_version_{table}_{event} AFTER {event} ON {table}
BEGIN
    INSERT INTO indicators_dataversion (id, counter, epoch) VALUES (1, 1, lower(hex(randomblob(16))))
    ON CONFLICT (id) DO UPDATE SET counter = counter + 1;
END
"""
_POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION ipzone_bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('ipzone.data_version_bumped', true) = 'yes' THEN
        RETURN NULL;
    END IF;
    PERFORM set_config('ipzone.data_version_bumped', 'yes', true);
    INSERT INTO indicators_dataversion (id, counter, epoch) VALUES (1, 1, md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (id) DO UPDATE SET counter = indicators_dataversion.counter + 1;
    RETURN NULL;
END
$$
"""
_POSTGRESQL_TRIGGER = """
CREATE CONSTRAINT TRIGGER ipzone_data_version AFTER INSERT OR UPDATE OR DELETE ON {table}
DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ipzone_bump_data_version()
"""
_NEW_EPOCH = {
    "sqlite": "lower(hex(randomblob(16)))",
    "postgresql": "md5(random()::text || clock_timestamp()::text)",
}


def supported(connection) -> bool:
    return connection.vendor in _NEW_EPOCH


def install_triggers(connection) -> None:
    """Create whatever trigger is missing, and the version row if there is none."""
    if not supported(connection):
        return  # no triggers, no row: nothing is ever cached (correct, only slower)
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table in WATCHED_TABLES:
                for event in _EVENTS:
                    cursor.execute(_SQLITE_TRIGGER.format(table=table, event=event))
        else:
            cursor.execute(_POSTGRESQL_FUNCTION)
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname = 'ipzone_data_version' AND c.relname = ANY(%s)",
                [list(WATCHED_TABLES)],
            )
            present = {name for (name,) in cursor.fetchall()}
            for table in WATCHED_TABLES:
                if table not in present:
                    cursor.execute(_POSTGRESQL_TRIGGER.format(table=table))
        cursor.execute(f"SELECT COUNT(*) FROM {TABLE}")
        if cursor.fetchone()[0] == 0:
            cursor.execute(f"INSERT INTO {TABLE} (id, counter, epoch) VALUES (1, 0, {_NEW_EPOCH[connection.vendor]})")


def installed_triggers(connection) -> set[str]:
    """The watched tables that have their trigger(s) (for checks and tests)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT tbl_name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ipzone_data_version_%'")
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname = 'ipzone_data_version'"
            )
        else:
            return set()
        return {name for (name,) in cursor.fetchall()} & set(WATCHED_TABLES)


def read(connection) -> str | None:
    """``"<epoch>.<counter>"`` as committed, or None when it cannot vouch for what this connection reads.

    None inside a transaction (``atomic``): the connection may see its own uncommitted writes,
    which the version counts only at commit, and a rollback would take back a version that a
    fragment had been cached under.  None too when the row or the table is missing (another
    database engine, a restore of an older backup not yet migrated).
    """
    if not supported(connection) or connection.in_atomic_block:
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT epoch, counter FROM {TABLE} WHERE id = 1")
            row = cursor.fetchone()
    except DatabaseError:
        return None
    return f"{row[0]}.{row[1]}" if row else None


def new_epoch(connection) -> None:
    """Give the version a new random epoch (after a restore: the restored counter may repeat a number)."""
    if not supported(connection):
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {TABLE} SET epoch = {_NEW_EPOCH[connection.vendor]}")
    except DatabaseError:
        pass  # a backup older than migration 0002: `migrate` creates the row afterwards
