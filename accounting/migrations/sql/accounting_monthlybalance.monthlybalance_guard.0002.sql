-- As migration 0002 installed it; migration 0010 replaced it.
-- Current definition: accounting/sql/accounting_monthlybalance.monthlybalance_guard.sql
CREATE TRIGGER monthlybalance_guard BEFORE INSERT OR UPDATE OR DELETE
    ON accounting_monthlybalance
    FOR EACH ROW EXECUTE FUNCTION accounting_monthlybalance_guard();
