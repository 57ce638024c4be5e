-- governance_vote_resolution_open before a ballot is cast.
CREATE TRIGGER governance_ballot_open BEFORE INSERT ON governance_ballot
    FOR EACH ROW EXECUTE FUNCTION governance_vote_resolution_open();
