-- accounting_entry_after_update once per UPDATE statement on entries, with the old and new rows.
CREATE TRIGGER entry_after_update AFTER UPDATE ON accounting_entry
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accounting_entry_after_update();
