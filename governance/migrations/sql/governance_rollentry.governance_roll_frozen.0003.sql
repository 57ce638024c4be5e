-- governance_roll_frozen on every write to the voter roll.
CREATE TRIGGER governance_roll_frozen BEFORE INSERT OR UPDATE OR DELETE ON governance_rollentry
    FOR EACH ROW EXECUTE FUNCTION governance_roll_frozen();
