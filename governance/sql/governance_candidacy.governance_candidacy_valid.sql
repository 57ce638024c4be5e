-- governance_candidacy_valid before a candidacy is filed or changed.
CREATE TRIGGER governance_candidacy_valid BEFORE INSERT OR UPDATE ON governance_candidacy
    FOR EACH ROW EXECUTE FUNCTION governance_candidacy_valid();
