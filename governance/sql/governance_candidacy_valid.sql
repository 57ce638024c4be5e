-- A candidacy is an associate on the roll of the same assembly, for an election, filed while the
-- vote is pending; it never moves to another resolution or person, is withdrawn once and only
-- before the vote, and its result is frozen once the resolution is closed.
CREATE OR REPLACE FUNCTION governance_candidacy_valid() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE r record; entry_assembly bigint;
BEGIN
    SELECT assembly_id, decision_class, status INTO r
        FROM governance_resolution WHERE id = NEW.resolution_id FOR SHARE;
    IF TG_OP = 'UPDATE' AND r.status = 'closed' THEN
        RAISE EXCEPTION 'governance: the result of a closed election is frozen'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND (NEW.resolution_id <> OLD.resolution_id OR NEW.entry_id <> OLD.entry_id
                             OR NEW.employee <> OLD.employee) THEN
        RAISE EXCEPTION 'governance: a candidacy cannot be moved'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.withdrawn_at IS DISTINCT FROM OLD.withdrawn_at
       AND (r.status <> 'pending' OR OLD.withdrawn_at IS NOT NULL) THEN
        RAISE EXCEPTION 'governance: a candidacy is withdrawn once, before the vote opens'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'INSERT' THEN
        SELECT assembly_id INTO entry_assembly FROM governance_rollentry WHERE id = NEW.entry_id;
        IF r.decision_class <> 'election' OR r.status <> 'pending'
           OR entry_assembly IS DISTINCT FROM r.assembly_id THEN
            RAISE EXCEPTION 'governance: invalid candidacy'
                USING ERRCODE = 'integrity_constraint_violation';
        END IF;
    END IF;
    RETURN NEW;
END $$;
