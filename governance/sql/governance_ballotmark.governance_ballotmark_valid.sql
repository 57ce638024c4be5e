-- governance_mark_valid after an election mark is inserted (after, so that row-level security
-- refuses a cross-cooperative insert first).
CREATE TRIGGER governance_ballotmark_valid AFTER INSERT ON governance_ballotmark
    FOR EACH ROW EXECUTE FUNCTION governance_mark_valid();
