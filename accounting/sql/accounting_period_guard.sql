-- Periods stay inside their fiscal year and only their lock changes; a hard lock is irreversible;
-- nothing changes in a closed year. Lock changes take the year's row lock, so they wait for (and
-- hold back) that year's validations.
CREATE FUNCTION accounting_period_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    fy accounting_fiscalyear%ROWTYPE;
    row_fy bigint;
BEGIN
    IF TG_OP <> 'DELETE' AND accounting_foreign(NEW.cooperative_id) THEN
        RETURN NEW;
    END IF;
    row_fy := CASE WHEN TG_OP = 'DELETE' THEN OLD.fiscal_year_id ELSE NEW.fiscal_year_id END;
    -- Lock changes wait for (and hold back) the validations of the year.
    SELECT * INTO fy FROM accounting_fiscalyear WHERE id = row_fy FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        PERFORM accounting_fail('exercice introuvable');
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.lock = 'hard' OR fy.status = 'closed' THEN
            PERFORM accounting_fail('une période verrouillée ne se supprime pas');
        END IF;
        RETURN OLD;
    END IF;
    IF fy.status = 'closed' THEN
        PERFORM accounting_fail('exercice clôturé : ses périodes ne changent plus');
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF fy.cooperative_id <> NEW.cooperative_id
           OR NEW.start_date < fy.start_date OR NEW.end_date > fy.end_date THEN
            PERFORM accounting_fail('la période doit être dans son exercice');
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.fiscal_year_id, NEW.start_date, NEW.end_date, NEW.cooperative_id)
       IS DISTINCT FROM (OLD.fiscal_year_id, OLD.start_date, OLD.end_date, OLD.cooperative_id) THEN
        PERFORM accounting_fail('seul le verrou d''une période peut changer');
    END IF;
    IF OLD.lock = 'hard' AND NEW.lock <> 'hard' THEN
        PERFORM accounting_fail('un verrouillage définitif ne se lève pas');
    END IF;
    RETURN NEW;
END
$$;
