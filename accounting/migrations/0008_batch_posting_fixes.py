"""The batch posting as 0006 now defines it, for databases that applied an earlier 0006: the
reversal check no longer names a table like one of the function's variables (PL/pgSQL refused
it), and custom plans are chosen in the body for batches of more than 50 entries only, so that
posting one entry keeps its cached plans (this replaces the function-wide setting of 0007).
"""

import importlib
import re

from django.db import migrations


def _function() -> str:
    sql = importlib.import_module("accounting.migrations.0006_batch_posting").SQL
    match = re.search(r"CREATE FUNCTION accounting_post_batch\(.*?\n\$\$;\n", sql, re.S)
    if match is None:
        raise LookupError("accounting_post_batch")
    return match.group(0).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION")


class Migration(migrations.Migration):
    dependencies = [("accounting", "0007_batch_posting_custom_plans")]

    operations = [migrations.RunSQL(_function(), migrations.RunSQL.noop)]
