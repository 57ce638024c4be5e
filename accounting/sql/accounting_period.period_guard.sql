-- accounting_period_guard on every period row.
CREATE TRIGGER period_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting_period
    FOR EACH ROW EXECUTE FUNCTION accounting_period_guard();
