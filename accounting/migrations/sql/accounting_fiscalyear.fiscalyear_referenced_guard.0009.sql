-- accounting_referenced_guard: a fiscal year with entries is not deleted.
CREATE TRIGGER fiscalyear_referenced_guard AFTER DELETE ON accounting_fiscalyear
    FOR EACH ROW EXECUTE FUNCTION accounting_referenced_guard();
