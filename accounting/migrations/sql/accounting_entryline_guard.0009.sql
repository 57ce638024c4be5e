-- The row guard of lines on UPDATE and DELETE: free while their entry is a draft (references
-- checked as a foreign key would), frozen but for the lettering once it is validated, and never
-- deleted from a validated entry. Each line locks its entry FOR SHARE, so a concurrent validation
-- waits for it. Inserted lines are checked per statement (accounting_entryline_after_insert).
CREATE OR REPLACE FUNCTION accounting_entryline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry_status text;
    entry_date date;
    entry_cooperative bigint;
    chk accounting_entryline%ROWTYPE;
BEGIN
    IF TG_OP = 'DELETE' THEN
        SELECT status INTO entry_status FROM accounting_entry WHERE id = OLD.entry_id FOR SHARE;
        IF entry_status = 'validated' THEN
            PERFORM accounting_fail(format(
                'ligne %s de l''écriture validée %s : suppression interdite', OLD.line_no,
                OLD.entry_id));
        END IF;
        RETURN OLD;
    END IF;
    IF accounting_foreign(NEW.cooperative_id) THEN
        RETURN NEW;
    END IF;
    IF NEW.entry_id <> OLD.entry_id THEN
        PERFORM accounting_fail('une ligne ne change pas d''écriture');
    END IF;
    SELECT status, date, cooperative_id INTO entry_status, entry_date, entry_cooperative
      FROM accounting_entry WHERE id = NEW.entry_id FOR SHARE;
    IF NOT FOUND OR entry_cooperative <> NEW.cooperative_id THEN
        PERFORM accounting_fail('écriture introuvable');
    END IF;
    IF entry_status = 'validated' THEN
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
    IF (NEW.account_id, NEW.activity_id, NEW.third_party_id)
       IS DISTINCT FROM (OLD.account_id, OLD.activity_id, OLD.third_party_id) THEN
        PERFORM accounting_line_references(NEW);
    END IF;
    NEW.date := entry_date;
    RETURN NEW;
END
$$;
