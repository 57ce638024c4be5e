"""Plans of the batch posting made for each call's arrays.

PL/pgSQL switches a query to a generic plan after five calls when it looks no dearer; for
`accounting_post_batch`, whose queries join arrays of thousands of elements, a generic plan
guesses their sizes and may nest loops over them (minutes instead of a second). Each call plans
its queries for its own batch instead (a few milliseconds).
"""

from django.db import migrations

SIGNATURE = (
    "accounting_post_batch(bigint[], bigint[], date[], text[], date[], text[], text[], text[], "
    "text[], bigint[], integer[], integer[], bigint[], bigint[], bigint[], numeric[], numeric[], "
    "text[], bigint)"
)


class Migration(migrations.Migration):
    dependencies = [("accounting", "0006_batch_posting")]

    operations = [
        migrations.RunSQL(
            f"ALTER FUNCTION {SIGNATURE} SET plan_cache_mode = force_custom_plan",
            f"ALTER FUNCTION {SIGNATURE} RESET plan_cache_mode",
        )
    ]
