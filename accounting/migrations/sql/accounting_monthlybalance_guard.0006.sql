-- Monthly balances are written by the ledger only: by a validation (the entry trigger, depth ≥ 2)
-- or inside accounting_post_batch, never directly.
CREATE OR REPLACE FUNCTION accounting_monthlybalance_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' AND accounting_foreign(NEW.cooperative_id) THEN
        RETURN NEW;
    END IF;
    IF pg_trigger_depth() < 2 AND NOT accounting_batch_active() THEN
        PERFORM accounting_fail('les soldes mensuels ne s''écrivent qu''à la validation');
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
