-- An election mark goes on a ballot of the same resolution, for a candidate of that election who
-- has not withdrawn, and a ballot never holds more marks than seats.
CREATE OR REPLACE FUNCTION governance_mark_valid() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE seats int;
BEGIN
    SELECT r.seats INTO seats FROM governance_resolution r WHERE r.id = NEW.resolution_id;
    IF NOT EXISTS (SELECT 1 FROM governance_ballot b
                   WHERE b.id = NEW.ballot_id AND b.resolution_id = NEW.resolution_id)
       OR NOT EXISTS (SELECT 1 FROM governance_candidacy c
                      WHERE c.id = NEW.candidacy_id AND c.resolution_id = NEW.resolution_id
                        AND c.withdrawn_at IS NULL)
       OR (SELECT count(*) FROM governance_ballotmark m WHERE m.ballot_id = NEW.ballot_id)
          > seats THEN
        RAISE EXCEPTION 'governance: invalid election mark'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
