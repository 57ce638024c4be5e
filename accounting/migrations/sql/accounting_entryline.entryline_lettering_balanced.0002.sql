-- Deferred to the commit, so that a lettering group can be built line by line:
-- accounting_check_lettering on every change of a line's lettering.
CREATE CONSTRAINT TRIGGER entryline_lettering_balanced
    AFTER UPDATE OF lettering, lettering_date ON accounting_entryline
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (OLD.lettering IS DISTINCT FROM NEW.lettering)
    EXECUTE FUNCTION accounting_check_lettering();
