-- The documents sent with a convocation are those the associates received: none is added, changed
-- or removed once the assembly has left the draft stage.
CREATE FUNCTION governance_documents_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE s text;
BEGIN
    SELECT status INTO s FROM governance_assembly
        WHERE id = (CASE WHEN TG_OP = 'DELETE' THEN OLD.assembly_id ELSE NEW.assembly_id END);
    IF s IS DISTINCT FROM 'draft' THEN
        RAISE EXCEPTION 'governance: the documents are frozen once the assembly is convened'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END $$;
