"""Bulk posting in one database call: entries are inserted already validated, checked set-based.

Validating drafts costs each entry a second write of its row and a row trigger that runs four
queries (year lock, next number, chain head, canonical text). `accounting_post_batch` posts a
whole batch instead, from arrays of columns: it locks the fiscal years once, checks every rule of
a validation on the whole batch with one query per rule (years, periods and locks, journals,
lines, per-activity balance; reversals after the insert), numbers the entries and chains them
(the hash itself in a loop: it is sequential), inserts the entries validated and their lines,
and adds the lines to the monthly balances. Any violation aborts the call: nothing is written.

It runs as the ledger's owner (SECURITY DEFINER; row-level security still applies, the tables
force it). The row guards let validated entries, their lines and the monthly balances be written
directly only by the owner inside this function (`accounting_batch_active`); every other client
still inserts drafts and validates them by UPDATE, checked by the triggers as before.

The posting function is installed as this migration was released and first applied; 0007 and
0008 corrected it. (For a while this file carried the corrected text instead, so databases
created then ran it here; 0008 installs the same text on every database.) The owner's name is
written into the new function and triggers by one DO block per object (one block for the three
when released, running the same statements).
"""

from django.db import migrations

from perspectives.core.sqlfiles import RunSQLFile

DROP_POST_BATCH = """DROP FUNCTION accounting_post_batch(bigint[], bigint[], date[], text[], date[], text[], text[],
    text[], text[], bigint[], integer[], integer[], bigint[], bigint[], bigint[], numeric[],
    numeric[], text[], bigint);"""


class Migration(migrations.Migration):
    dependencies = [("accounting", "0005_drafts_index")]

    operations = [
        RunSQLFile(
            __file__,
            "accounting_batch_active.0006.sql",
            reverse_sql="DROP FUNCTION accounting_batch_active();",
        ),
        RunSQLFile(
            __file__,
            "accounting_entry.entry_guard.0006.sql",
            "accounting_entry.entry_guard.0006.reverse.sql",
        ),
        RunSQLFile(
            __file__,
            "accounting_entryline.entryline_after_insert.0006.sql",
            "accounting_entryline.entryline_after_insert.0006.reverse.sql",
        ),
        RunSQLFile(__file__, "accounting_post_batch.0006.sql", reverse_sql=DROP_POST_BATCH),
        RunSQLFile(
            __file__,
            "accounting_monthlybalance_guard.0006.sql",
            "accounting_monthlybalance_guard.0006.reverse.sql",
        ),
    ]
