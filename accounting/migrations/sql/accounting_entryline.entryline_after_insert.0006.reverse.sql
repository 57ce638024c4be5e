-- Reverse of migration 0006: as migration 0004 installed it.
-- Current definition: accounting/sql/accounting_entryline.entryline_after_insert.sql
DROP TRIGGER entryline_after_insert ON accounting_entryline;
CREATE TRIGGER entryline_after_insert AFTER INSERT ON accounting_entryline
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION accounting_entryline_after_insert();
