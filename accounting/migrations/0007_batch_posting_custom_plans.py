"""Plans of the batch posting made for each call's arrays.

PL/pgSQL switches a query to a generic plan after five calls when it looks no dearer; for
`accounting_post_batch`, whose queries join arrays of thousands of elements, a generic plan
guesses their sizes and may nest loops over them (minutes instead of a second). Each call plans
its queries for its own batch instead (a few milliseconds). Migration 0008 replaced this
function-wide setting by one the function takes for large batches only.
"""

from django.db import migrations

from perspectives.core.sqlfiles import RunSQLFile

SIGNATURE = (
    "accounting_post_batch(bigint[], bigint[], date[], text[], date[], text[], text[], text[], "
    "text[], bigint[], integer[], integer[], bigint[], bigint[], bigint[], numeric[], numeric[], "
    "text[], bigint)"
)


class Migration(migrations.Migration):
    dependencies = [("accounting", "0006_batch_posting")]

    operations = [
        RunSQLFile(
            __file__,
            "accounting_post_batch.0007.sql",
            reverse_sql=f"ALTER FUNCTION {SIGNATURE} RESET plan_cache_mode",
        )
    ]
