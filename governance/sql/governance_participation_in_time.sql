-- No answer to a written consultation once its deadline has passed, by the database's own clock
-- (clock_timestamp, not the transaction's start), below the service's check under the lock.
-- Ballots are not checked: a consultation's ballots are shuffled when it closes, after the
-- deadline.
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
