-- governance_audit_immutable after any change or deletion of an audit event.
CREATE TRIGGER governance_auditevent_immutable AFTER UPDATE OR DELETE ON governance_auditevent
    FOR EACH ROW EXECUTE FUNCTION governance_audit_immutable();
