-- Reverse of migration 0006: as migration 0002 installed it.
-- Current definition: accounting/sql/accounting_monthlybalance_guard.sql
CREATE OR REPLACE FUNCTION accounting_monthlybalance_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' AND accounting_foreign(NEW.cooperative_id) THEN
        RETURN NEW;
    END IF;
    IF pg_trigger_depth() < 2 THEN
        PERFORM accounting_fail('les soldes mensuels ne s''écrivent qu''à la validation');
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
