-- accounting_referenced_guard: a third party used by a line is not deleted.
CREATE TRIGGER thirdparty_referenced_guard AFTER DELETE ON accounting_thirdparty
    FOR EACH ROW EXECUTE FUNCTION accounting_referenced_guard();
