"""The batch posting corrected: the reversal check no longer names a table like one of the
function's variables (PL/pgSQL refused it), and custom plans are chosen in the body for batches
of more than 50 entries only, so that posting one entry keeps its cached plans (replacing the
function drops the function-wide setting of 0007).
"""

from django.db import migrations

from perspectives.core.sqlfiles import RunSQLFile


class Migration(migrations.Migration):
    dependencies = [("accounting", "0007_batch_posting_custom_plans")]

    operations = [RunSQLFile(__file__, "accounting_post_batch.0008.sql")]
