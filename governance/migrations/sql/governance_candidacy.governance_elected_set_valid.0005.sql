-- governance_elected_set_valid at commit, after candidacies are filed or their results set.
CREATE CONSTRAINT TRIGGER governance_elected_set_valid AFTER INSERT OR UPDATE
    ON governance_candidacy DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION governance_elected_set_valid();
