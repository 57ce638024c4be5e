-- governance_vote_resolution_open before a participation is recorded.
CREATE TRIGGER governance_participation_open BEFORE INSERT ON governance_participation
    FOR EACH ROW EXECUTE FUNCTION governance_vote_resolution_open();
