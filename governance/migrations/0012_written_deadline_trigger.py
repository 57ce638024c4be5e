from django.db import migrations

from perspectives.core.sqlfiles import RunSQLFile


# No answer to a written consultation once its deadline has passed, by the database's own clock
# (clock_timestamp, not the transaction's start), below the service's check under the lock.
# Only participations are checked: the ballots of a consultation are rewritten (shuffled) when
# it closes, at or after the deadline.
class Migration(migrations.Migration):
    dependencies = [("governance", "0011_withdrawal_frozen_weights")]

    operations = [
        RunSQLFile(
            __file__,
            "governance_participation_in_time.0012.sql",
            reverse_sql="DROP FUNCTION IF EXISTS governance_participation_in_time();",
        ),
        RunSQLFile(
            __file__,
            "governance_participation.governance_participation_in_time.0012.sql",
            reverse_sql=(
                "DROP TRIGGER IF EXISTS governance_participation_in_time ON governance_participation;"
            ),
        ),
    ]
