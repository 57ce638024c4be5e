-- governance_vote_resolution_open before an election mark is cast.
CREATE TRIGGER governance_ballotmark_open BEFORE INSERT ON governance_ballotmark
    FOR EACH ROW EXECUTE FUNCTION governance_vote_resolution_open();
