"""The data version that tells cached dashboard fragments apart (see ``indicators.page_cache``)."""

from django.db import models


class DataVersion(models.Model):
    """One row, changed by database triggers whenever anything a dashboard shows changes.

    The triggers (migration 0002) fire on every INSERT, UPDATE and DELETE of plans, deadlines,
    departments, indicators, co-operation links, yearly targets and actuals — whoever writes:
    the application, a bulk update, ``loaddata`` or a person at the SQL prompt.  On PostgreSQL
    they run at commit (deferred), once per transaction, so the row is locked only for the
    instant of the commit and concurrent writers never wait on it while holding other rows.
    ``epoch`` is random when the row is created (and after a restore), so a database that was
    emptied or swapped can never repeat an earlier ``(epoch, counter)``.
    """

    id = models.PositiveSmallIntegerField(primary_key=True)
    counter = models.BigIntegerField(default=0)
    epoch = models.CharField(max_length=32)

    class Meta:
        verbose_name = "data version"
        default_permissions = ()

    def __str__(self):
        return f"{self.epoch}.{self.counter}"
