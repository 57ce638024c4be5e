-- Two absences of the same person never overlap (the service says so in French first; this keeps
-- the rule true whatever writes the table).
CREATE OR REPLACE FUNCTION payroll_absence_no_overlap() RETURNS trigger AS $$
BEGIN
    IF EXISTS (
        SELECT 1 FROM payroll_absence a
        WHERE a.cooperative_id = NEW.cooperative_id AND a.entrepreneur_id = NEW.entrepreneur_id
          AND a.id <> NEW.id AND a.start <= NEW."end" AND a."end" >= NEW.start
    ) THEN
        RAISE EXCEPTION 'Cette absence chevauche une autre absence de la même personne.';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
