-- accounting_referenced_guard: a journal used by an entry is not deleted.
CREATE TRIGGER journal_referenced_guard AFTER DELETE ON accounting_journal
    FOR EACH ROW EXECUTE FUNCTION accounting_referenced_guard();
