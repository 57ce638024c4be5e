from django.db import migrations

# No answer to a written consultation once its deadline has passed, by the database's own clock
# (clock_timestamp, not the transaction's start), below the service's check under the lock.
# Only participations are checked: the ballots of a consultation are rewritten (shuffled) when
# it closes, at or after the deadline.
DEADLINE_SQL = """
CREATE FUNCTION governance_participation_in_time() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE m text; deadline timestamptz;
BEGIN
    SELECT a.mode, a.scheduled_at INTO m, deadline
        FROM governance_resolution r JOIN governance_assembly a ON a.id = r.assembly_id
        WHERE r.id = NEW.resolution_id;
    IF m = 'written' AND clock_timestamp() >= deadline THEN
        RAISE EXCEPTION 'governance: the written consultation is closed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER governance_participation_in_time BEFORE INSERT ON governance_participation
    FOR EACH ROW EXECUTE FUNCTION governance_participation_in_time();
"""
DEADLINE_REVERSE_SQL = """
DROP TRIGGER IF EXISTS governance_participation_in_time ON governance_participation;
DROP FUNCTION IF EXISTS governance_participation_in_time();
"""


class Migration(migrations.Migration):
    dependencies = [("governance", "0011_withdrawal_frozen_weights")]

    operations = [migrations.RunSQL(DEADLINE_SQL, reverse_sql=DEADLINE_REVERSE_SQL)]
