-- What a foreign key would check for an entry: its journal and the entry it reverses exist in the
-- cooperative, locked FOR KEY SHARE until the transaction ends (entries carry no foreign-key
-- constraints: PostgreSQL checks those row by row).
CREATE FUNCTION accounting_entry_references(e accounting_entry) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM accounting_journal
      WHERE id = e.journal_id AND cooperative_id = e.cooperative_id FOR KEY SHARE;
    IF NOT FOUND THEN
        PERFORM accounting_fail('journal introuvable');
    END IF;
    IF e.reverses_id IS NOT NULL THEN
        PERFORM 1 FROM accounting_entry
          WHERE id = e.reverses_id AND cooperative_id = e.cooperative_id FOR KEY SHARE;
        IF NOT FOUND THEN
            PERFORM accounting_fail('écriture extournée introuvable');
        END IF;
    END IF;
END
$$;
