-- Reverse of migration 0006: as migration 0002 installed it.
-- Current definition: accounting/sql/accounting_entry.entry_guard.sql
DROP TRIGGER entry_guard ON accounting_entry;
CREATE TRIGGER entry_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting_entry
    FOR EACH ROW EXECUTE FUNCTION accounting_entry_guard();
