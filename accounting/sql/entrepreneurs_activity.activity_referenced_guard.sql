-- accounting_referenced_guard: an activity used by a ledger line is not deleted (a trigger of the
-- ledger on the entrepreneurs' table: the ledger knows activities, not the other way round).
CREATE TRIGGER activity_referenced_guard AFTER DELETE ON entrepreneurs_activity
    FOR EACH ROW EXECUTE FUNCTION accounting_referenced_guard();
