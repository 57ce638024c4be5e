from django.db import migrations

from perspectives.core.sqlfiles import RunSQLFile


# Unlinking the order of secret ballots from the order of participations (issue #6).
#
# A ballot row carries no voter, no time and a random key, but PostgreSQL itself remembers
# more: each row's `xmin` is the id of the transaction that inserted it, the same as its
# participation's, and the heap keeps rows in insertion order (`ctid`). At close,
# `governance_ballots_shuffle` rewrites the resolution's ballots and marks in a random order
# inside the closing transaction: afterwards every ballot has the same `xmin` and the physical
# order is random. The rows are reinserted identical (id, choice, tracker, marks), so receipts
# and the recount are unchanged.
#
# Ballots stay immutable for everyone else: the trigger allows the DELETE only inside the
# shuffle (a SECURITY DEFINER function running as the table owner, which the application role
# is not, for the resolution it is shuffling), and only while the resolution is not closed.
class Migration(migrations.Migration):
    dependencies = [("governance", "0005_elections")]

    operations = [
        RunSQLFile(
            __file__,
            "governance_ballot_immutable.0006.sql",
            "governance_ballot_immutable.0006.reverse.sql",
        ),
        RunSQLFile(
            __file__,
            "governance_ballots_shuffle.0006.sql",
            reverse_sql="DROP FUNCTION IF EXISTS governance_ballots_shuffle(bigint);",
        ),
    ]
