-- As migration 0002 installed it; migration 0006 replaced it.
-- Current definition: accounting/sql/accounting_entry.entry_guard.sql
CREATE TRIGGER entry_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting_entry
    FOR EACH ROW EXECUTE FUNCTION accounting_entry_guard();
