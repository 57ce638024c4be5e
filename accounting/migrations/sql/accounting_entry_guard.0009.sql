-- The row guard of entries: inserted as drafts in an open year, validated only by the UPDATE of
-- their status (accounting_entry_validate), never changed or deleted once validated; a draft's
-- journal and reversed entry are checked as a foreign key would (accounting_entry_references).
CREATE OR REPLACE FUNCTION accounting_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    fy_status text;
BEGIN
    IF TG_OP <> 'DELETE' AND accounting_foreign(NEW.cooperative_id) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
            PERFORM accounting_fail('une écriture est créée en brouillard, puis validée');
        END IF;
        SELECT status INTO fy_status FROM accounting_fiscalyear
         WHERE id = NEW.fiscal_year_id AND cooperative_id = NEW.cooperative_id
           FOR KEY SHARE;
        IF NOT FOUND OR fy_status = 'closed' THEN
            PERFORM accounting_fail('exercice introuvable ou clôturé');
        END IF;
        PERFORM accounting_entry_references(NEW);
        RETURN NEW;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.status = 'validated' THEN
            PERFORM accounting_fail(format(
                'écriture %s validée : elle ne peut être supprimée, seulement extournée', OLD.id));
        END IF;
        RETURN OLD;
    END IF;
    -- UPDATE
    IF OLD.status = 'validated' THEN
        IF NEW IS DISTINCT FROM OLD THEN
            PERFORM accounting_fail(format(
                'écriture %s validée : elle ne peut plus être modifiée', OLD.id));
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status = 'validated' THEN
        RETURN accounting_entry_validate(NEW, OLD);
    END IF;
    IF NEW.status <> 'draft' THEN
        PERFORM accounting_fail('statut inconnu');
    END IF;
    IF NEW.fiscal_year_id <> OLD.fiscal_year_id THEN
        SELECT status INTO fy_status FROM accounting_fiscalyear
         WHERE id = NEW.fiscal_year_id AND cooperative_id = NEW.cooperative_id
           FOR KEY SHARE;
        IF NOT FOUND OR fy_status = 'closed' THEN
            PERFORM accounting_fail('exercice introuvable ou clôturé');
        END IF;
    END IF;
    IF (NEW.journal_id, NEW.reverses_id) IS DISTINCT FROM (OLD.journal_id, OLD.reverses_id)
    THEN
        PERFORM accounting_entry_references(NEW);
    END IF;
    RETURN NEW;
END
$$;
