-- Reverse of migration 0006: as migration 0001 installed it.
-- Current definition: governance/sql/governance_ballot_immutable.sql
CREATE OR REPLACE FUNCTION governance_ballot_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'governance: ballots are immutable'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
