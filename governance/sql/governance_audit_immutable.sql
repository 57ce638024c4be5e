-- The governance audit journal is append-only (its chain is printed in the minutes).
CREATE FUNCTION governance_audit_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'governance: the audit journal is immutable'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
