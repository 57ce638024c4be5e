-- As migration 0006 installed it; migration 0007 replaced it.
-- Current definition: governance/sql/governance_ballots_shuffle.sql
CREATE FUNCTION governance_ballots_shuffle(rid bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE status text; before_count integer; after_count integer;
BEGIN
    SELECT r.status INTO status FROM governance_resolution r WHERE r.id = rid FOR UPDATE;
    IF status IS NULL OR status = 'closed' THEN
        RAISE EXCEPTION 'governance: only the ballots of an unclosed resolution are shuffled'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    PERFORM set_config('governance.shuffle', rid::text, true);
    CREATE TEMP TABLE governance_shuffle_ballot ON COMMIT DROP AS
        SELECT id, cooperative_id, resolution_id, choice, tracker
        FROM governance_ballot WHERE resolution_id = rid;
    CREATE TEMP TABLE governance_shuffle_mark ON COMMIT DROP AS
        SELECT id, cooperative_id, resolution_id, ballot_id, candidacy_id
        FROM governance_ballotmark WHERE resolution_id = rid;
    SELECT count(*) INTO before_count FROM governance_shuffle_ballot;
    DELETE FROM governance_ballotmark WHERE resolution_id = rid;
    DELETE FROM governance_ballot WHERE resolution_id = rid;
    INSERT INTO governance_ballot (id, cooperative_id, resolution_id, choice, tracker)
        SELECT id, cooperative_id, resolution_id, choice, tracker
        FROM governance_shuffle_ballot ORDER BY random();
    INSERT INTO governance_ballotmark (id, cooperative_id, resolution_id, ballot_id, candidacy_id)
        SELECT id, cooperative_id, resolution_id, ballot_id, candidacy_id
        FROM governance_shuffle_mark ORDER BY random();
    SELECT count(*) INTO after_count FROM governance_ballot WHERE resolution_id = rid;
    IF after_count <> before_count THEN
        RAISE EXCEPTION 'governance: the shuffle lost ballots'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    DROP TABLE governance_shuffle_ballot;
    DROP TABLE governance_shuffle_mark;
    PERFORM set_config('governance.shuffle', '', true);
    RETURN after_count;
END $$;
