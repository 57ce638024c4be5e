-- Fiscal years: created open; dates fixed once the year has entries or periods; closed only from
-- "closing", with every period hard-locked and no draft left, the database writing the seal (chain
-- length and head); a closed year never changes and is never deleted.
CREATE FUNCTION accounting_fiscalyear_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq integer;
    last_hash text;
BEGIN
    IF TG_OP <> 'DELETE' AND accounting_foreign(NEW.cooperative_id) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'closed' THEN
            PERFORM accounting_fail('un exercice clôturé ne se supprime pas');
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'open' OR NEW.chain_length <> 0 OR NEW.chain_head <> ''
           OR NEW.fec_sha256 <> '' THEN
            PERFORM accounting_fail('un exercice est créé ouvert');
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status = 'closed' THEN
        IF NEW IS DISTINCT FROM OLD THEN
            PERFORM accounting_fail('exercice clôturé : il ne peut plus être modifié');
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.start_date, NEW.end_date) IS DISTINCT FROM (OLD.start_date, OLD.end_date)
       AND (EXISTS (SELECT 1 FROM accounting_entry WHERE fiscal_year_id = OLD.id)
            OR EXISTS (SELECT 1 FROM accounting_period WHERE fiscal_year_id = OLD.id)) THEN
        PERFORM accounting_fail('les dates d''un exercice commencé ne changent plus');
    END IF;
    IF NEW.status = 'closed' THEN
        IF OLD.status <> 'closing' THEN
            PERFORM accounting_fail('un exercice passe en clôture avant d''être clôturé');
        END IF;
        IF EXISTS (SELECT 1 FROM accounting_period
                    WHERE fiscal_year_id = OLD.id AND lock <> 'hard') THEN
            PERFORM accounting_fail('toutes les périodes doivent être verrouillées définitivement');
        END IF;
        IF EXISTS (SELECT 1 FROM accounting_entry
                    WHERE fiscal_year_id = OLD.id AND status = 'draft') THEN
            PERFORM accounting_fail('des brouillards restent dans l''exercice');
        END IF;
        SELECT chain_seq, hash INTO last_seq, last_hash FROM accounting_entry
         WHERE cooperative_id = OLD.cooperative_id AND fiscal_year_id = OLD.id
           AND chain_seq IS NOT NULL
         ORDER BY chain_seq DESC LIMIT 1;
        NEW.chain_length := coalesce(last_seq, 0);
        NEW.chain_head := coalesce(last_hash, repeat('0', 64));
        NEW.closed_at := clock_timestamp();
        RETURN NEW;
    END IF;
    IF (NEW.chain_length, NEW.chain_head, NEW.fec_sha256, NEW.closed_at)
       IS DISTINCT FROM (OLD.chain_length, OLD.chain_head, OLD.fec_sha256, OLD.closed_at) THEN
        PERFORM accounting_fail('le sceau d''un exercice s''écrit à sa clôture');
    END IF;
    RETURN NEW;
END
$$;
