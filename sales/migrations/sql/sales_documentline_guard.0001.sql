-- The lines of a numbered document (validated invoice or credit note, sent quote) are as frozen
-- as the document: no line is added, changed or removed.
CREATE OR REPLACE FUNCTION sales_documentline_guard() RETURNS trigger AS $$
DECLARE
    document_id bigint;
BEGIN
    IF TG_OP = 'DELETE' THEN
        document_id := OLD.document_id;
    ELSE
        document_id := NEW.document_id;
    END IF;
    IF EXISTS (SELECT 1 FROM sales_document d WHERE d.id = document_id AND d.status <> 'draft')
       OR (TG_OP = 'UPDATE' AND EXISTS (
            SELECT 1 FROM sales_document d WHERE d.id = OLD.document_id AND d.status <> 'draft')) THEN
        RAISE EXCEPTION 'Les lignes d''un document numéroté ne changent plus.';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
