-- governance_resolution_frozen before any change or deletion of a resolution.
CREATE TRIGGER governance_resolution_frozen BEFORE UPDATE OR DELETE ON governance_resolution
    FOR EACH ROW EXECUTE FUNCTION governance_resolution_frozen();
