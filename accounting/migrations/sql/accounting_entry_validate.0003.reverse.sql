-- Reverse of migration 0003: as migration 0002 installed it.
-- Current definition: accounting/sql/accounting_entry_validate.sql
CREATE OR REPLACE FUNCTION accounting_entry_validate(e accounting_entry, old_e accounting_entry)
RETURNS accounting_entry LANGUAGE plpgsql AS $$
DECLARE
    fy accounting_fiscalyear%ROWTYPE;
    j accounting_journal%ROWTYPE;
    orig accounting_entry%ROWTYPE;
    chk accounting_entry%ROWTYPE;
    period_lock text;
    n_lines bigint; n_zero bigint; n_foreign bigint; n_missing_tp bigint; n_inactive bigint;
    total_debit numeric; total_credit numeric;
    bad_activity text; bad_diff numeric;
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

    -- One validation at a time per cooperative and fiscal year: numbering and chain.
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
    SELECT p.lock INTO period_lock FROM accounting_period p
     WHERE p.cooperative_id = e.cooperative_id AND p.fiscal_year_id = fy.id
       AND e.date BETWEEN p.start_date AND p.end_date;
    IF NOT FOUND THEN
        PERFORM accounting_fail(format('%s : aucune période ne couvre le %s', ref, e.date));
    END IF;
    IF period_lock = 'hard' THEN
        PERFORM accounting_fail(format('%s : la période du %s est verrouillée définitivement',
                                       ref, e.date));
    END IF;
    IF period_lock = 'soft'
       AND coalesce(current_setting('accounting.allow_soft_locked', true), '') <> 'on' THEN
        PERFORM accounting_fail(format('%s : la période du %s est verrouillée', ref, e.date));
    END IF;

    SELECT * INTO j FROM accounting_journal
     WHERE id = e.journal_id AND cooperative_id = e.cooperative_id;
    IF NOT FOUND THEN
        PERFORM accounting_fail(format('%s : journal introuvable', ref));
    END IF;

    SELECT count(*), coalesce(sum(l.debit), 0), coalesce(sum(l.credit), 0),
           count(*) FILTER (WHERE l.debit = 0 AND l.credit = 0),
           count(*) FILTER (WHERE a.id IS NULL OR l.cooperative_id <> e.cooperative_id
                              OR (l.activity_id IS NOT NULL AND act.id IS NULL)
                              OR (l.third_party_id IS NOT NULL AND tp.id IS NULL)),
           count(*) FILTER (WHERE a.requires_third_party AND l.third_party_id IS NULL),
           count(*) FILTER (WHERE NOT a.is_active)
      INTO n_lines, total_debit, total_credit, n_zero, n_foreign, n_missing_tp, n_inactive
      FROM accounting_entryline l
      LEFT JOIN accounting_account a
             ON a.id = l.account_id AND a.cooperative_id = e.cooperative_id
      LEFT JOIN entrepreneurs_activity act
             ON act.id = l.activity_id AND act.cooperative_id = e.cooperative_id
      LEFT JOIN accounting_thirdparty tp
             ON tp.id = l.third_party_id AND tp.cooperative_id = e.cooperative_id
     WHERE l.entry_id = e.id;
    IF n_lines < 2 THEN
        PERFORM accounting_fail(format('%s : une écriture a au moins deux lignes (%s)', ref,
                                       n_lines));
    END IF;
    IF n_zero > 0 THEN
        PERFORM accounting_fail(format('%s : %s ligne(s) à zéro', ref, n_zero));
    END IF;
    IF total_debit <> total_credit THEN
        PERFORM accounting_fail(format('%s : déséquilibrée (débit %s, crédit %s)', ref,
                                       total_debit, total_credit));
    END IF;
    IF n_foreign > 0 THEN
        PERFORM accounting_fail(format(
            '%s : %s ligne(s) visent un compte, une activité ou un tiers inconnu', ref, n_foreign));
    END IF;
    IF n_missing_tp > 0 THEN
        PERFORM accounting_fail(format(
            '%s : %s ligne(s) sur un compte collectif sans tiers', ref, n_missing_tp));
    END IF;
    IF n_inactive > 0 THEN
        PERFORM accounting_fail(format('%s : %s ligne(s) sur un compte fermé', ref, n_inactive));
    END IF;
    IF NOT j.exempt_from_activity_balance THEN
        SELECT coalesce(act.analytic_code, 'STRUCTURE'), sum(l.debit) - sum(l.credit)
          INTO bad_activity, bad_diff
          FROM accounting_entryline l
          LEFT JOIN entrepreneurs_activity act ON act.id = l.activity_id
         WHERE l.entry_id = e.id
         GROUP BY l.activity_id, act.analytic_code
        HAVING sum(l.debit) <> sum(l.credit)
         LIMIT 1;
        IF FOUND THEN
            PERFORM accounting_fail(format(
                '%s : déséquilibrée pour l''activité %s (écart %s)', ref, bad_activity, bad_diff));
        END IF;
    END IF;

    IF e.reverses_id IS NOT NULL THEN
        SELECT * INTO orig FROM accounting_entry
         WHERE id = e.reverses_id AND cooperative_id = e.cooperative_id;
        IF NOT FOUND OR orig.status <> 'validated' THEN
            PERFORM accounting_fail(format('%s : l''écriture extournée doit être validée', ref));
        END IF;
        IF orig.reverses_id IS NOT NULL THEN
            PERFORM accounting_fail(format('%s : on n''extourne pas une extourne', ref));
        END IF;
        IF e.date < orig.date THEN
            PERFORM accounting_fail(format(
                '%s : l''extourne ne peut précéder l''écriture extournée (%s)', ref, orig.date));
        END IF;
        IF EXISTS (
            SELECT 1 FROM accounting_entryline
             WHERE entry_id IN (e.id, orig.id)
             GROUP BY account_id, activity_id, third_party_id
            HAVING sum(debit) <> sum(credit)
        ) THEN
            PERFORM accounting_fail(format(
                '%s : l''extourne n''annule pas exactement l''écriture %s', ref, orig.id));
        END IF;
    END IF;

    -- Gapless: the next number after the highest, under the year lock; nothing numbered is
    -- ever deleted or renumbered.
    SELECT coalesce(max(x.number), 0) + 1 INTO e.number FROM accounting_entry x
     WHERE x.cooperative_id = e.cooperative_id AND x.fiscal_year_id = fy.id
       AND x.journal_id = e.journal_id AND x.number IS NOT NULL;

    SELECT x.chain_seq, x.hash, x.validated_at INTO last_seq, last_hash, last_at
      FROM accounting_entry x
     WHERE x.cooperative_id = e.cooperative_id AND x.fiscal_year_id = fy.id
       AND x.chain_seq IS NOT NULL
     ORDER BY x.chain_seq DESC LIMIT 1;
    e.chain_seq := coalesce(last_seq, 0) + 1;
    e.prev_hash := coalesce(last_hash, repeat('0', 64));
    e.validated_at := greatest(clock_timestamp(), last_at);
    e.hash := accounting_chain_hash(e.prev_hash, accounting_entry_canonical(e));
    RETURN e;
END
$$;
