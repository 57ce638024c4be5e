-- As migration 0005 installed it; migration 0011 replaced it.
-- Current definition: governance/sql/governance_mark_valid.sql
CREATE FUNCTION governance_mark_valid() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE seats int;
BEGIN
    SELECT r.seats INTO seats FROM governance_resolution r WHERE r.id = NEW.resolution_id;
    IF NOT EXISTS (SELECT 1 FROM governance_ballot b
                   WHERE b.id = NEW.ballot_id AND b.resolution_id = NEW.resolution_id)
       OR NOT EXISTS (SELECT 1 FROM governance_candidacy c
                      WHERE c.id = NEW.candidacy_id AND c.resolution_id = NEW.resolution_id)
       OR (SELECT count(*) FROM governance_ballotmark m WHERE m.ballot_id = NEW.ballot_id)
          > seats THEN
        RAISE EXCEPTION 'governance: invalid election mark'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
