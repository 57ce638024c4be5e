-- The elected set of an election fills at most its seats and, where the SCOP quota applies
-- (loi 78-763 art. 15), elects a non-employee only while the whole body after the election
-- (those elected and the mandates that go on, `continuing_*` on the resolution) keeps at least
-- two thirds of employee associates. Deferred constraint trigger: checked at commit, on the set.
CREATE OR REPLACE FUNCTION governance_elected_set_valid() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE seats int; quota boolean; kept_employees int; kept_others int;
        elected int; employees int;
BEGIN
    SELECT r.seats, r.employee_quota, r.continuing_employees, r.continuing_others
        INTO seats, quota, kept_employees, kept_others
        FROM governance_resolution r WHERE r.id = NEW.resolution_id;
    SELECT count(*) FILTER (WHERE c.elected), count(*) FILTER (WHERE c.elected AND c.employee)
        INTO elected, employees
        FROM governance_candidacy c WHERE c.resolution_id = NEW.resolution_id;
    IF elected > seats THEN
        RAISE EXCEPTION 'governance: more elected candidates than seats'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF quota AND elected > employees
       AND 3 * (employees + kept_employees) < 2 * (elected + kept_employees + kept_others) THEN
        RAISE EXCEPTION 'governance: fewer than two thirds of the body are employees'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NULL;
END $$;
