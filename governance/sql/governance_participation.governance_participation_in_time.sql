-- governance_participation_in_time before a participation is recorded.
CREATE TRIGGER governance_participation_in_time BEFORE INSERT ON governance_participation
    FOR EACH ROW EXECUTE FUNCTION governance_participation_in_time();
