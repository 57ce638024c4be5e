-- accounting_entryline_guard on line updates and deletions (inserts are checked per statement by
-- entryline_after_insert).
DROP TRIGGER entryline_guard ON accounting_entryline;
CREATE TRIGGER entryline_guard BEFORE UPDATE OR DELETE ON accounting_entryline
    FOR EACH ROW EXECUTE FUNCTION accounting_entryline_guard();
