-- accounting_referenced_guard: an account used by a line is not deleted.
CREATE TRIGGER account_referenced_guard AFTER DELETE ON accounting_account
    FOR EACH ROW EXECUTE FUNCTION accounting_referenced_guard();
