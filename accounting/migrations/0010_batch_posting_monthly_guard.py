"""The batch posting without per-row work it does not need.

The monthly balances' row guard refuses writes outside a validation; inside
`accounting_post_batch` its function ran for each upserted row only to let it through. Like the
entry and line guards (migration 0006), the trigger now skips it there by its WHEN clause. The
batch function formats each year's validation stamp once instead of once per entry.
"""

import importlib

from django.db import migrations

GUARD_SQL = r"""
DO $do$
BEGIN
    EXECUTE format($f$
        DROP TRIGGER monthlybalance_guard ON accounting_monthlybalance;
        CREATE TRIGGER monthlybalance_guard BEFORE INSERT OR UPDATE OR DELETE
            ON accounting_monthlybalance
            FOR EACH ROW
            WHEN (current_user <> %1$L
                  OR coalesce(current_setting('accounting.batch', true), '') <> 'on')
            EXECUTE FUNCTION accounting_monthlybalance_guard();
    $f$, current_user);
END
$do$;
"""

GUARD_REVERSE_SQL = """
DROP TRIGGER monthlybalance_guard ON accounting_monthlybalance;
CREATE TRIGGER monthlybalance_guard BEFORE INSERT OR UPDATE OR DELETE
    ON accounting_monthlybalance
    FOR EACH ROW EXECUTE FUNCTION accounting_monthlybalance_guard();
"""

_PREVIOUS = importlib.import_module("accounting.migrations.0009_unchecked_ledger_references")
POST_BATCH = _PREVIOUS._patched(
    _PREVIOUS.POST_BATCH,
    (
        """                   to_char(ys.stamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),""",
        """                   ys.stamp_text,""",
    ),
    (
        """          JOIN unnest(year_ids, year_stamps) AS ys(y, stamp) ON ys.y = u.y""",
        """          JOIN (SELECT x.y, to_char(x.stamp AT TIME ZONE 'UTC',
                                    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS stamp_text
                  FROM unnest(year_ids, year_stamps) AS x(y, stamp)) ys ON ys.y = u.y""",
    ),
)


class Migration(migrations.Migration):
    dependencies = [("accounting", "0009_unchecked_ledger_references")]

    operations = [
        migrations.RunSQL(GUARD_SQL, GUARD_REVERSE_SQL),
        migrations.RunSQL(
            "ALTER TABLE accounting_monthlybalance SET (fillfactor = 70)",
            "ALTER TABLE accounting_monthlybalance RESET (fillfactor)",
        ),
        migrations.RunSQL(POST_BATCH, _PREVIOUS.POST_BATCH),
    ]
