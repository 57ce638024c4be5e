-- Secret ballots, their election marks and candidacies are never changed or deleted, except by the
-- shuffle at close (governance_ballots_shuffle, running as the table owner, for the resolution it
-- shuffles).
CREATE OR REPLACE FUNCTION governance_ballot_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND TG_TABLE_NAME IN ('governance_ballot', 'governance_ballotmark')
       AND current_setting('governance.shuffle', true) = OLD.resolution_id::text
       AND current_user = (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = TG_RELID)
    THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'governance: ballots are immutable'
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
