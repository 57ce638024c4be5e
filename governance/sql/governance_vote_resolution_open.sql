-- No participation, ballot or election mark for a closed resolution: the FOR SHARE lock on the
-- resolution makes the insert wait for a concurrent close (FOR UPDATE), then see it.
CREATE FUNCTION governance_vote_resolution_open() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE s text;
BEGIN
    SELECT status INTO s FROM governance_resolution WHERE id = NEW.resolution_id FOR SHARE;
    IF s IS NULL OR s = 'closed' THEN
        RAISE EXCEPTION 'governance: the vote on this resolution is closed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
