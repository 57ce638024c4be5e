-- After each UPDATE statement on entries, once for all its rows: draft lines follow their entry's
-- date, and the entries the statement validated are checked together and added to the monthly
-- balances (accounting_check_validated).
CREATE OR REPLACE FUNCTION accounting_entry_after_update() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    moved bigint[];
    validated bigint[];
BEGIN
    SELECT array_agg(n.id ORDER BY n.id)
               FILTER (WHERE n.status = 'draft' AND n.date <> o.date),
           array_agg(n.id ORDER BY n.id)
               FILTER (WHERE o.status = 'draft' AND n.status = 'validated')
      INTO moved, validated
      FROM new_rows n JOIN old_rows o ON o.id = n.id;
    IF moved IS NOT NULL THEN
        -- Draft lines follow their entry's date.
        UPDATE accounting_entryline l SET date = e.date
          FROM accounting_entry e
         WHERE e.id = ANY(moved) AND l.entry_id = e.id;
    END IF;
    IF validated IS NOT NULL THEN
        PERFORM accounting_check_validated(validated);
    END IF;
    RETURN NULL;
END
$$;
