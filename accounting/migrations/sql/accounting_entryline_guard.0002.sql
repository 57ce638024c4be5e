-- As migration 0002 installed it; migration 0004 replaced it.
-- Current definition: accounting/sql/accounting_entryline_guard.sql
CREATE FUNCTION accounting_entryline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry_status text;
    entry_date date;
    entry_cooperative bigint;
    chk accounting_entryline%ROWTYPE;
BEGIN
    IF TG_OP <> 'DELETE' AND accounting_foreign(NEW.cooperative_id) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        SELECT status INTO entry_status FROM accounting_entry WHERE id = OLD.entry_id FOR SHARE;
        IF entry_status = 'validated' THEN
            PERFORM accounting_fail(format(
                'ligne %s de l''écriture validée %s : suppression interdite', OLD.line_no,
                OLD.entry_id));
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.entry_id <> OLD.entry_id THEN
        PERFORM accounting_fail('une ligne ne change pas d''écriture');
    END IF;
    SELECT status, date, cooperative_id INTO entry_status, entry_date, entry_cooperative
      FROM accounting_entry WHERE id = NEW.entry_id FOR SHARE;
    IF NOT FOUND OR entry_cooperative <> NEW.cooperative_id THEN
        PERFORM accounting_fail('écriture introuvable');
    END IF;
    IF entry_status = 'validated' THEN
        IF TG_OP = 'INSERT' THEN
            PERFORM accounting_fail(format(
                'écriture %s validée : on n''y ajoute pas de ligne', NEW.entry_id));
        END IF;
        chk := NEW;
        chk.lettering := OLD.lettering;
        chk.lettering_date := OLD.lettering_date;
        IF chk IS DISTINCT FROM OLD THEN
            PERFORM accounting_fail(format(
                'ligne %s de l''écriture validée %s : seul le lettrage peut changer',
                OLD.line_no, OLD.entry_id));
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.lettering IS NOT NULL THEN
        PERFORM accounting_fail('seules les lignes validées se lettrent');
    END IF;
    NEW.date := entry_date;
    RETURN NEW;
END
$$;
