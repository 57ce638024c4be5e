"""The batch posting without per-row work it does not need.

The monthly balances' row guard refuses writes outside a validation; inside
`accounting_post_batch` its function ran for each upserted row only to let it through. Like the
entry and line guards (migration 0006), the trigger now skips it there by its WHEN clause. The
batch function formats each year's validation stamp once instead of once per entry.
"""

from django.db import migrations

from perspectives.core.sqlfiles import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("accounting", "0009_unchecked_ledger_references")]

    operations = [
        RunSQLFile(
            __file__,
            "accounting_monthlybalance.monthlybalance_guard.0010.sql",
            "accounting_monthlybalance.monthlybalance_guard.0010.reverse.sql",
        ),
        migrations.RunSQL(
            "ALTER TABLE accounting_monthlybalance SET (fillfactor = 70)",
            "ALTER TABLE accounting_monthlybalance RESET (fillfactor)",
        ),
        RunSQLFile(__file__, "accounting_post_batch.0010.sql", "accounting_post_batch.0009.sql"),
    ]
