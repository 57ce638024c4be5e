-- The voter roll is written while its assembly is a draft (the convocation inserts it, then marks
-- the assembly convened); afterwards nothing changes, so the hash printed in the minutes keeps
-- describing the roll that voted.
CREATE FUNCTION governance_roll_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE s text;
BEGIN
    SELECT status INTO s FROM governance_assembly
        WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.assembly_id ELSE NEW.assembly_id END);
    IF s IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'governance: the voter roll is frozen once the assembly is convened'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
