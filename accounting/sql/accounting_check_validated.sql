-- The rules on the entries one UPDATE statement validated, one query per rule over all of them
-- (the first violation aborts the statement): period locks, journal, lines (at least two, none
-- zero, balanced in total and per activity unless the journal is exempt, references of the
-- cooperative, a third party on collective accounts, open accounts), reversals; then their lines
-- are added to the monthly balances.
CREATE OR REPLACE FUNCTION accounting_check_validated(ids bigint[]) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    bad record;
    allowed boolean;
BEGIN
    allowed := coalesce(current_setting('accounting.allow_soft_locked', true), '') = 'on';
    SELECT e.id, e.date, p.lock INTO bad
      FROM accounting_entry e
      LEFT JOIN accounting_period p
             ON p.cooperative_id = e.cooperative_id AND p.fiscal_year_id = e.fiscal_year_id
            AND e.date BETWEEN p.start_date AND p.end_date
     WHERE e.id = ANY(ids)
       AND (p.id IS NULL OR p.lock = 'hard' OR (p.lock = 'soft' AND NOT allowed))
     ORDER BY e.id LIMIT 1;
    IF FOUND THEN
        IF bad.lock IS NULL THEN
            PERFORM accounting_fail(format('écriture %s : aucune période ne couvre le %s',
                                           bad.id, bad.date));
        ELSIF bad.lock = 'hard' THEN
            PERFORM accounting_fail(format(
                'écriture %s : la période du %s est verrouillée définitivement', bad.id, bad.date));
        ELSE
            PERFORM accounting_fail(format('écriture %s : la période du %s est verrouillée',
                                           bad.id, bad.date));
        END IF;
    END IF;

    SELECT e.id INTO bad FROM accounting_entry e
      LEFT JOIN accounting_journal j ON j.id = e.journal_id AND j.cooperative_id = e.cooperative_id
     WHERE e.id = ANY(ids) AND j.id IS NULL LIMIT 1;
    IF FOUND THEN
        PERFORM accounting_fail(format('écriture %s : journal introuvable', bad.id));
    END IF;

    -- Row-level security hides other cooperatives' rows: a reference to one joins to nothing.
    SELECT v.id, coalesce(s.n, 0) AS n, s.debit, s.credit, s.n_zero, s.n_foreign,
           s.n_missing_tp, s.n_inactive
      INTO bad
      FROM unnest(ids) AS v(id)
      LEFT JOIN (
          SELECT l.entry_id, count(*) AS n, sum(l.debit) AS debit, sum(l.credit) AS credit,
                 count(*) FILTER (WHERE l.debit = 0 AND l.credit = 0) AS n_zero,
                 count(*) FILTER (WHERE a.id IS NULL
                                    OR (l.activity_id IS NOT NULL AND act.id IS NULL)
                                    OR (l.third_party_id IS NOT NULL AND tp.id IS NULL))
                     AS n_foreign,
                 count(*) FILTER (WHERE a.requires_third_party AND l.third_party_id IS NULL)
                     AS n_missing_tp,
                 count(*) FILTER (WHERE NOT a.is_active) AS n_inactive
            FROM accounting_entryline l
            LEFT JOIN accounting_account a ON a.id = l.account_id
            LEFT JOIN entrepreneurs_activity act ON act.id = l.activity_id
            LEFT JOIN accounting_thirdparty tp ON tp.id = l.third_party_id
           WHERE l.entry_id = ANY(ids)
           GROUP BY l.entry_id
      ) s ON s.entry_id = v.id
     WHERE coalesce(s.n, 0) < 2 OR s.n_zero > 0 OR s.debit <> s.credit OR s.n_foreign > 0
        OR s.n_missing_tp > 0 OR s.n_inactive > 0
     ORDER BY v.id LIMIT 1;
    IF FOUND THEN
        IF bad.n < 2 THEN
            PERFORM accounting_fail(format(
                'écriture %s : une écriture a au moins deux lignes (%s)', bad.id, bad.n));
        ELSIF bad.n_zero > 0 THEN
            PERFORM accounting_fail(format('écriture %s : %s ligne(s) à zéro', bad.id,
                                           bad.n_zero));
        ELSIF bad.debit <> bad.credit THEN
            PERFORM accounting_fail(format('écriture %s : déséquilibrée (débit %s, crédit %s)',
                                           bad.id, bad.debit, bad.credit));
        ELSIF bad.n_foreign > 0 THEN
            PERFORM accounting_fail(format(
                'écriture %s : %s ligne(s) visent un compte, une activité ou un tiers inconnu',
                bad.id, bad.n_foreign));
        ELSIF bad.n_missing_tp > 0 THEN
            PERFORM accounting_fail(format(
                'écriture %s : %s ligne(s) sur un compte collectif sans tiers', bad.id,
                bad.n_missing_tp));
        ELSE
            PERFORM accounting_fail(format('écriture %s : %s ligne(s) sur un compte fermé',
                                           bad.id, bad.n_inactive));
        END IF;
    END IF;

    SELECT l.entry_id AS id, coalesce(act.analytic_code, 'STRUCTURE') AS code,
           sum(l.debit) - sum(l.credit) AS diff
      INTO bad
      FROM accounting_entryline l
      JOIN accounting_entry e ON e.id = l.entry_id
      JOIN accounting_journal j ON j.id = e.journal_id
      LEFT JOIN entrepreneurs_activity act ON act.id = l.activity_id
     WHERE l.entry_id = ANY(ids) AND NOT j.exempt_from_activity_balance
     GROUP BY l.entry_id, l.activity_id, act.analytic_code
    HAVING sum(l.debit) <> sum(l.credit)
     ORDER BY l.entry_id LIMIT 1;
    IF FOUND THEN
        PERFORM accounting_fail(format(
            'écriture %s : déséquilibrée pour l''activité %s (écart %s)', bad.id, bad.code,
            bad.diff));
    END IF;

    SELECT r.id, r.date, o.id AS orig_id, o.status AS orig_status,
           o.reverses_id AS orig_reverses, o.date AS orig_date
      INTO bad
      FROM accounting_entry r
      LEFT JOIN accounting_entry o
             ON o.id = r.reverses_id AND o.cooperative_id = r.cooperative_id
     WHERE r.id = ANY(ids) AND r.reverses_id IS NOT NULL
       AND (o.id IS NULL OR o.status <> 'validated' OR o.reverses_id IS NOT NULL
            OR r.date < o.date
            OR EXISTS (
                SELECT 1 FROM accounting_entryline l
                 WHERE l.entry_id IN (r.id, o.id)
                 GROUP BY l.account_id, l.activity_id, l.third_party_id
                HAVING sum(l.debit) <> sum(l.credit)))
     ORDER BY r.id LIMIT 1;
    IF FOUND THEN
        IF bad.orig_id IS NULL OR bad.orig_status <> 'validated' THEN
            PERFORM accounting_fail(format(
                'écriture %s : l''écriture extournée doit être validée', bad.id));
        ELSIF bad.orig_reverses IS NOT NULL THEN
            PERFORM accounting_fail(format('écriture %s : on n''extourne pas une extourne',
                                           bad.id));
        ELSIF bad.date < bad.orig_date THEN
            PERFORM accounting_fail(format(
                'écriture %s : l''extourne ne peut précéder l''écriture extournée (%s)', bad.id,
                bad.orig_date));
        ELSE
            PERFORM accounting_fail(format(
                'écriture %s : l''extourne n''annule pas exactement l''écriture %s', bad.id,
                bad.orig_id));
        END IF;
    END IF;

    INSERT INTO accounting_monthlybalance AS b
           (cooperative_id, account_id, activity_id, month, debit, credit, line_count)
    SELECT l.cooperative_id, l.account_id, l.activity_id, date_trunc('month', l.date)::date,
           sum(l.debit), sum(l.credit), count(*)
      FROM accounting_entryline l
     WHERE l.entry_id = ANY(ids)
     GROUP BY 1, 2, 3, 4
    ON CONFLICT (cooperative_id, account_id, activity_id, month) DO UPDATE
       SET debit = b.debit + excluded.debit,
           credit = b.credit + excluded.credit,
           line_count = b.line_count + excluded.line_count;
END
$$;
