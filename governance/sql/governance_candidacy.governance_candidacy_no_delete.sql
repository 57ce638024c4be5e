-- A candidacy is withdrawn, never deleted (governance_ballot_immutable refuses the deletion).
CREATE TRIGGER governance_candidacy_no_delete AFTER DELETE ON governance_candidacy
    FOR EACH ROW EXECUTE FUNCTION governance_ballot_immutable();
