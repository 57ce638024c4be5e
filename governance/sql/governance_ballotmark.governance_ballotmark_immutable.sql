-- Election marks are immutable like ballots (governance_ballot_immutable).
CREATE TRIGGER governance_ballotmark_immutable AFTER UPDATE OR DELETE ON governance_ballotmark
    FOR EACH ROW EXECUTE FUNCTION governance_ballot_immutable();
