-- sales_document_guard before every insert, change or deletion of a sales document.
DROP TRIGGER IF EXISTS sales_document_guard ON sales_document;
CREATE TRIGGER sales_document_guard BEFORE INSERT OR UPDATE OR DELETE ON sales_document
    FOR EACH ROW EXECUTE FUNCTION sales_document_guard();
