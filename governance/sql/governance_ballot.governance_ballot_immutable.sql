-- governance_ballot_immutable after any change or deletion of a ballot (after, so that row-level
-- security refuses a cross-cooperative move first).
CREATE TRIGGER governance_ballot_immutable AFTER UPDATE OR DELETE ON governance_ballot
    FOR EACH ROW EXECUTE FUNCTION governance_ballot_immutable();
