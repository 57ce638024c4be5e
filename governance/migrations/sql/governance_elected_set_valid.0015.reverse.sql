-- Undoing 0015: the definition 0005 installed, replacing the function in place.
CREATE OR REPLACE FUNCTION governance_elected_set_valid() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE seats int; quota boolean; elected int; employees int;
BEGIN
    SELECT r.seats, r.employee_quota INTO seats, quota
        FROM governance_resolution r WHERE r.id = NEW.resolution_id;
    SELECT count(*) FILTER (WHERE c.elected), count(*) FILTER (WHERE c.elected AND c.employee)
        INTO elected, employees
        FROM governance_candidacy c WHERE c.resolution_id = NEW.resolution_id;
    IF elected > seats THEN
        RAISE EXCEPTION 'governance: more elected candidates than seats'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF quota AND 3 * employees < 2 * elected THEN
        RAISE EXCEPTION 'governance: fewer than two thirds of the elected are employees'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
