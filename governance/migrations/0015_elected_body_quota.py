from django.db import migrations

from perspectives.core.sqlfiles import RunSQLFile


class Migration(migrations.Migration):
    """The SCOP quota on the whole body after an election (loi 78-763 art. 15)."""

    dependencies = [("governance", "0014_statutes_enforced")]

    operations = [
        RunSQLFile(
            __file__,
            "governance_elected_set_valid.0015.sql",
            "governance_elected_set_valid.0015.reverse.sql",
        )
    ]
