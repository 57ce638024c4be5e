-- As migration 0004 installed it; migration 0006 replaced it.
-- Current definition: accounting/sql/accounting_entryline.entryline_after_insert.sql
CREATE TRIGGER entryline_after_insert AFTER INSERT ON accounting_entryline
    REFERENCING NEW TABLE AS new_lines
    FOR EACH STATEMENT EXECUTE FUNCTION accounting_entryline_after_insert();
