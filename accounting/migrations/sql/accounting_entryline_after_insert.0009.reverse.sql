-- Reverse of migration 0009: as migration 0004 installed it.
-- Current definition: accounting/sql/accounting_entryline_after_insert.sql
CREATE OR REPLACE FUNCTION accounting_entryline_after_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    bad record;
BEGIN
    -- Lock the entries first (in id order): a concurrent validation waits for this
    -- transaction, or this statement sees the entry validated.
    PERFORM 1 FROM accounting_entry
     WHERE id IN (SELECT DISTINCT entry_id FROM new_lines) ORDER BY id FOR SHARE;
    SELECT n.entry_id, n.line_no, n.date, n.lettering, e.id AS found, e.status,
           e.date AS entry_date
      INTO bad
      FROM new_lines n
      LEFT JOIN accounting_entry e ON e.id = n.entry_id AND e.cooperative_id = n.cooperative_id
     WHERE e.id IS NULL OR e.status <> 'draft' OR e.date <> n.date OR n.lettering IS NOT NULL
     ORDER BY n.entry_id, n.line_no LIMIT 1;
    IF FOUND THEN
        IF bad.found IS NULL THEN
            PERFORM accounting_fail('écriture introuvable');
        ELSIF bad.status = 'validated' THEN
            PERFORM accounting_fail(format(
                'écriture %s validée : on n''y ajoute pas de ligne', bad.entry_id));
        ELSIF bad.lettering IS NOT NULL THEN
            PERFORM accounting_fail('seules les lignes validées se lettrent');
        ELSE
            PERFORM accounting_fail(format(
                'ligne %s de l''écriture %s : sa date (%s) doit être celle de l''écriture (%s)',
                bad.line_no, bad.entry_id, bad.date, bad.entry_date));
        END IF;
    END IF;
    RETURN NULL;
END
$$;
