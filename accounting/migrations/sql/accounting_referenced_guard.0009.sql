-- As migration 0009 installed it; migration 0011 replaced it.
-- Current definition: accounting/sql/accounting_referenced_guard.sql
CREATE FUNCTION accounting_referenced_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    used boolean;
    what text;
BEGIN
    IF TG_TABLE_NAME = 'accounting_account' THEN
        what := 'compte';
        used := EXISTS (SELECT 1 FROM accounting_entryline
                         WHERE cooperative_id = OLD.cooperative_id AND account_id = OLD.id);
    ELSIF TG_TABLE_NAME = 'entrepreneurs_activity' THEN
        what := 'activité';
        used := EXISTS (SELECT 1 FROM accounting_entryline
                         WHERE cooperative_id = OLD.cooperative_id AND activity_id = OLD.id);
    ELSIF TG_TABLE_NAME = 'accounting_thirdparty' THEN
        what := 'tiers';
        used := EXISTS (SELECT 1 FROM accounting_entryline
                         WHERE cooperative_id = OLD.cooperative_id AND third_party_id = OLD.id);
    ELSIF TG_TABLE_NAME = 'accounting_journal' THEN
        what := 'journal';
        used := EXISTS (SELECT 1 FROM accounting_entry
                         WHERE cooperative_id = OLD.cooperative_id AND journal_id = OLD.id);
    ELSIF TG_TABLE_NAME = 'accounting_fiscalyear' THEN
        what := 'exercice';
        used := EXISTS (SELECT 1 FROM accounting_entry
                         WHERE cooperative_id = OLD.cooperative_id AND fiscal_year_id = OLD.id);
    ELSE
        what := 'écriture';
        used := EXISTS (SELECT 1 FROM accounting_entryline
                         WHERE cooperative_id = OLD.cooperative_id AND entry_id = OLD.id)
             OR EXISTS (SELECT 1 FROM accounting_entry
                         WHERE cooperative_id = OLD.cooperative_id AND reverses_id = OLD.id);
    END IF;
    IF used THEN
        PERFORM accounting_fail(format('%s %s : encore utilisé en écriture, il ne se supprime pas',
                                       what, OLD.id));
    END IF;
    RETURN NULL;
END
$$;
