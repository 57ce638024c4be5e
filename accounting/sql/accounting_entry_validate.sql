-- The validation of one draft (the UPDATE draft → validated, called by accounting_entry_guard):
-- under the fiscal year's row lock, which serialises one cooperative's validations of that year,
-- it checks the year, then sets the gapless number, the position in the year's hash chain, the
-- validation time (never earlier than the previous one) and the hash. The rules on lines, periods
-- and reversals are checked once per statement (accounting_check_validated).
CREATE OR REPLACE FUNCTION accounting_entry_validate(e accounting_entry, old_e accounting_entry)
RETURNS accounting_entry LANGUAGE plpgsql AS $$
DECLARE
    fy accounting_fiscalyear%ROWTYPE;
    chk accounting_entry%ROWTYPE;
    last_seq integer; last_hash text; last_at timestamptz;
    ref text;
BEGIN
    ref := format('écriture %s', e.id);
    -- The validation UPDATE sets the status (and who validates); the database sets the rest.
    chk := e;
    chk.status := old_e.status; chk.validated_by_id := old_e.validated_by_id;
    chk.number := old_e.number; chk.chain_seq := old_e.chain_seq;
    chk.validated_at := old_e.validated_at; chk.prev_hash := old_e.prev_hash;
    chk.hash := old_e.hash;
    IF chk IS DISTINCT FROM old_e THEN
        PERFORM accounting_fail(format(
            '%s : la validation ne modifie que le statut ; enregistrez d''abord le brouillon', ref));
    END IF;

    -- One validation at a time per cooperative and fiscal year: numbering and chain. The lock is
    -- held until the end of the transaction, so the statement's checks run under it too.
    SELECT * INTO fy FROM accounting_fiscalyear
     WHERE id = e.fiscal_year_id AND cooperative_id = e.cooperative_id FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        PERFORM accounting_fail(format('%s : exercice introuvable', ref));
    END IF;
    IF fy.status = 'closed' THEN
        PERFORM accounting_fail(format('%s : l''exercice %s – %s est clôturé', ref,
                                       fy.start_date, fy.end_date));
    END IF;
    IF e.date < fy.start_date OR e.date > fy.end_date THEN
        PERFORM accounting_fail(format('%s : la date %s est hors de l''exercice %s – %s', ref,
                                       e.date, fy.start_date, fy.end_date));
    END IF;

    -- Gapless: the next number after the highest, under the year lock; nothing numbered is
    -- ever deleted or renumbered.
    e.number := coalesce((SELECT x.number FROM accounting_entry x
                           WHERE x.fiscal_year_id = fy.id AND x.journal_id = e.journal_id
                             AND x.number IS NOT NULL
                           ORDER BY x.number DESC LIMIT 1), 0) + 1;

    SELECT x.chain_seq, x.hash, x.validated_at INTO last_seq, last_hash, last_at
      FROM accounting_entry x
     WHERE x.fiscal_year_id = fy.id AND x.chain_seq IS NOT NULL
     ORDER BY x.chain_seq DESC LIMIT 1;
    e.chain_seq := coalesce(last_seq, 0) + 1;
    e.prev_hash := coalesce(last_hash, repeat('0', 64));
    e.validated_at := greatest(clock_timestamp(), last_at);
    e.hash := accounting_chain_hash(e.prev_hash, accounting_entry_canonical(e));
    RETURN e;
END
$$;
