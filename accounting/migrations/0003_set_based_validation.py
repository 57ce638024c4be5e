"""Validation checks once per statement instead of once per entry (same rules, same messages).

The BEFORE ROW trigger keeps what must happen entry by entry, in order: the fiscal-year lock,
the year's status and dates, the number, the position in the chain, the timestamp and the hash.
The rules on the lines (≥ 2 lines, none zero, balanced in total and per activity, references of
the cooperative, third party on collective accounts, open accounts), the period locks and the
reversal rules move to the AFTER STATEMENT trigger, which checks every entry the statement
validated with one query per rule (index scans on entry_id) and aborts the whole statement on the
first violation; then it adds the lines to the monthly balances. The canonical text becomes
PL/pgSQL (its plan is cached) and the statement trigger no longer joins the transition tables to
the lines table (which could plan a scan of all lines).
"""

from django.db import migrations

from perspectives.core.sqlfiles import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("accounting", "0002_ledger_rules")]

    operations = [
        RunSQLFile(
            __file__,
            "accounting_entry_canonical.0003.sql",
            "accounting_entry_canonical.0003.reverse.sql",
        ),
        RunSQLFile(
            __file__,
            "accounting_entry_validate.0003.sql",
            "accounting_entry_validate.0003.reverse.sql",
        ),
        RunSQLFile(
            __file__,
            "accounting_check_validated.0003.sql",
            reverse_sql="DROP FUNCTION accounting_check_validated(bigint[]);",
        ),
        RunSQLFile(
            __file__,
            "accounting_entry_after_update.0003.sql",
            "accounting_entry_after_update.0003.reverse.sql",
        ),
    ]
