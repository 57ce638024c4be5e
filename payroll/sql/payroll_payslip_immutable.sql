-- An issued payslip is a legal document: only its PDF may still be attached, nothing else changes,
-- and it is never deleted (a correction is a new payslip that replaces it).
CREATE OR REPLACE FUNCTION payroll_payslip_immutable() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.issued_at IS NOT NULL THEN
            RAISE EXCEPTION 'Un bulletin de paie émis ne peut pas être supprimé.';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.issued_at IS NOT NULL
       AND (to_jsonb(NEW) - 'pdf') IS DISTINCT FROM (to_jsonb(OLD) - 'pdf') THEN
        RAISE EXCEPTION 'Un bulletin de paie émis est immuable : établissez un bulletin rectificatif.';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
