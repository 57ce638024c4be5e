-- As migration 0002 installed it; migration 0004 replaced it.
-- Current definition: accounting/sql/accounting_entryline.entryline_guard.sql
CREATE TRIGGER entryline_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting_entryline
    FOR EACH ROW EXECUTE FUNCTION accounting_entryline_guard();
