-- accounting_fiscalyear_guard on every fiscal year row.
CREATE TRIGGER fiscalyear_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting_fiscalyear
    FOR EACH ROW EXECUTE FUNCTION accounting_fiscalyear_guard();
