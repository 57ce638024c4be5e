-- The pay shares of an activity's members sum to 100 % (décret 2015-1363), for every activity a
-- statement touched.
CREATE FUNCTION entrepreneurs_check_activity_shares() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    checked bigint;
    total numeric;
BEGIN
    FOR checked IN
        SELECT DISTINCT a FROM unnest(ARRAY[
            CASE WHEN TG_OP <> 'INSERT' THEN OLD.activity_id END,
            CASE WHEN TG_OP <> 'DELETE' THEN NEW.activity_id END
        ]) AS a WHERE a IS NOT NULL
    LOOP
        SELECT sum(share) INTO total FROM entrepreneurs_activitymember WHERE activity_id = checked;
        IF total IS NOT NULL AND total <> 100 THEN
            RAISE EXCEPTION 'the shares of activity % sum to %, not 100', checked, total
                USING ERRCODE = 'check_violation';
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
