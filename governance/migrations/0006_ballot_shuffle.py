from django.db import migrations

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
SHUFFLE_SQL = """
CREATE OR REPLACE FUNCTION governance_ballot_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND TG_TABLE_NAME IN ('governance_ballot', 'governance_ballotmark')
       AND current_setting('governance.shuffle', true) = OLD.resolution_id::text
       AND current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID)
    THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'governance: ballots are immutable'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;

CREATE FUNCTION governance_ballots_shuffle(rid bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE status text; before_count integer; after_count integer;
BEGIN
    SELECT r.status INTO status FROM governance_resolution r WHERE r.id = rid FOR UPDATE;
    IF status IS NULL OR status = 'closed' THEN
        RAISE EXCEPTION 'governance: only the ballots of an unclosed resolution are shuffled'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    PERFORM set_config('governance.shuffle', rid::text, true);
    CREATE TEMP TABLE governance_shuffle_ballot ON COMMIT DROP AS
        SELECT id, cooperative_id, resolution_id, choice, tracker
        FROM governance_ballot WHERE resolution_id = rid;
    CREATE TEMP TABLE governance_shuffle_mark ON COMMIT DROP AS
        SELECT id, cooperative_id, resolution_id, ballot_id, candidacy_id
        FROM governance_ballotmark WHERE resolution_id = rid;
    SELECT count(*) INTO before_count FROM governance_shuffle_ballot;
    DELETE FROM governance_ballotmark WHERE resolution_id = rid;
    DELETE FROM governance_ballot WHERE resolution_id = rid;
    INSERT INTO governance_ballot (id, cooperative_id, resolution_id, choice, tracker)
        SELECT id, cooperative_id, resolution_id, choice, tracker
        FROM governance_shuffle_ballot ORDER BY random();
    INSERT INTO governance_ballotmark (id, cooperative_id, resolution_id, ballot_id, candidacy_id)
        SELECT id, cooperative_id, resolution_id, ballot_id, candidacy_id
        FROM governance_shuffle_mark ORDER BY random();
    SELECT count(*) INTO after_count FROM governance_ballot WHERE resolution_id = rid;
    IF after_count <> before_count THEN
        RAISE EXCEPTION 'governance: the shuffle lost ballots'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    DROP TABLE governance_shuffle_ballot;
    DROP TABLE governance_shuffle_mark;
    PERFORM set_config('governance.shuffle', '', true);
    RETURN after_count;
END $$;
"""

SHUFFLE_REVERSE_SQL = """
DROP FUNCTION IF EXISTS governance_ballots_shuffle(bigint);
CREATE OR REPLACE FUNCTION governance_ballot_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'governance: ballots are immutable'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("governance", "0005_elections")]

    operations = [migrations.RunSQL(SHUFFLE_SQL, reverse_sql=SHUFFLE_REVERSE_SQL)]
