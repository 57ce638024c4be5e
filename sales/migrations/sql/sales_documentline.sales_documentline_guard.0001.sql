-- sales_documentline_guard before every insert, change or deletion of a document line.
DROP TRIGGER IF EXISTS sales_documentline_guard ON sales_documentline;
CREATE TRIGGER sales_documentline_guard BEFORE INSERT OR UPDATE OR DELETE ON sales_documentline
    FOR EACH ROW EXECUTE FUNCTION sales_documentline_guard();
