-- As migration 0001 installed it; migration 0006 replaced it.
-- Current definition: governance/sql/governance_ballot_immutable.sql
CREATE FUNCTION governance_ballot_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'governance: ballots are immutable'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
