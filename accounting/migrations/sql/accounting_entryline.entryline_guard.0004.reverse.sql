-- Reverse of migration 0004: as migration 0002 installed it.
-- Current definition: accounting/sql/accounting_entryline.entryline_guard.sql
DROP TRIGGER entryline_guard ON accounting_entryline;
CREATE TRIGGER entryline_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting_entryline FOR EACH ROW EXECUTE FUNCTION accounting_entryline_guard();
