-- governance_documents_frozen on every write to an assembly's documents.
CREATE TRIGGER governance_documents_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON governance_assemblydocument
    FOR EACH ROW EXECUTE FUNCTION governance_documents_frozen();
