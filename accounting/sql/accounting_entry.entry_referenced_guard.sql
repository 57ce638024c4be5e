-- accounting_referenced_guard: an entry with lines, or reversed by another, is not deleted.
CREATE TRIGGER entry_referenced_guard AFTER DELETE ON accounting_entry
    FOR EACH ROW EXECUTE FUNCTION accounting_referenced_guard();
