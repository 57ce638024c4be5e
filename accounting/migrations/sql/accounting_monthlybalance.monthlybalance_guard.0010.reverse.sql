-- Reverse of migration 0010: as migration 0002 installed it.
-- Current definition: accounting/sql/accounting_monthlybalance.monthlybalance_guard.sql
DROP TRIGGER monthlybalance_guard ON accounting_monthlybalance;
CREATE TRIGGER monthlybalance_guard BEFORE INSERT OR UPDATE OR DELETE
    ON accounting_monthlybalance
    FOR EACH ROW EXECUTE FUNCTION accounting_monthlybalance_guard();
