-- The codes printed in the FEC (account, journal, third party) and a journal's exemption from the
-- per-activity balance do not change once an entry uses them.
CREATE FUNCTION accounting_code_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    used boolean;
BEGIN
    IF accounting_foreign(NEW.cooperative_id) THEN
        RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'accounting_account' THEN
        IF NEW.code IS DISTINCT FROM OLD.code THEN
            used := EXISTS (SELECT 1 FROM accounting_entryline
                             WHERE cooperative_id = OLD.cooperative_id AND account_id = OLD.id);
        END IF;
    ELSIF TG_TABLE_NAME = 'accounting_journal' THEN
        IF (NEW.code, NEW.exempt_from_activity_balance)
           IS DISTINCT FROM (OLD.code, OLD.exempt_from_activity_balance) THEN
            used := EXISTS (SELECT 1 FROM accounting_entry
                             WHERE cooperative_id = OLD.cooperative_id AND journal_id = OLD.id);
        END IF;
    ELSIF NEW.code IS DISTINCT FROM OLD.code THEN
        used := EXISTS (SELECT 1 FROM accounting_entryline
                         WHERE cooperative_id = OLD.cooperative_id AND third_party_id = OLD.id);
    END IF;
    IF used THEN
        PERFORM accounting_fail(format('%s : déjà utilisé en écriture, il ne change plus',
                                       OLD.code));
    END IF;
    RETURN NEW;
END
$$;
