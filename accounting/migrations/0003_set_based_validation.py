"""Validation checks once per statement instead of once per entry (same rules, same messages).

The BEFORE ROW trigger keeps what must happen entry by entry, in order: the fiscal-year lock,
the year's status and dates, the number, the position in the chain, the timestamp and the hash.
The rules on the lines (≥ 2 lines, none zero, balanced in total and per activity, references of
the cooperative, third party on collective accounts, open accounts), the period locks and the
reversal rules move to the AFTER STATEMENT trigger, which checks every entry the statement
validated with one query per rule (index scans on entry_id) and aborts the whole statement on the
first violation; then it adds the lines to the monthly balances. The canonical text becomes
PL/pgSQL (its plan is cached) and the statement trigger no longer joins the transition tables to
the lines table (which could plan a scan of all lines).
"""

import importlib
import re

from django.db import migrations

SQL = r"""
CREATE OR REPLACE FUNCTION accounting_entry_canonical(e accounting_entry) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
    lines json;
BEGIN
    SELECT coalesce(json_agg(json_build_array(
               l.line_no, l.account_id, l.activity_id, l.third_party_id, l.debit, l.credit,
               l.label) ORDER BY l.line_no), '[]'::json)
      INTO lines
      FROM accounting_entryline l WHERE l.entry_id = e.id;
    RETURN json_build_array(
        'v1', e.cooperative_id, e.fiscal_year_id, e.journal_id, e.number, e.chain_seq, e.date,
        e.piece_ref, e.piece_date, e.label,
        to_char(e.validated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.reverses_id, e.idempotency_key, e.payload_hash, lines
    )::text;
END
$$;

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

-- The rules on the lines of the entries one statement validates, then the monthly balances.
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
"""


def _previous_definitions() -> str:
    """0002's bodies of the functions replaced here, for the reverse migration."""
    previous = importlib.import_module("accounting.migrations.0002_ledger_rules").RULES_SQL
    bodies = []
    for name in (
        "accounting_entry_canonical",
        "accounting_entry_validate",
        "accounting_entry_after_update",
    ):
        match = re.search(rf"CREATE FUNCTION {name}\(.*?\n\$\$;\n", previous, re.S)
        if match is None:
            raise LookupError(name)
        bodies.append(match.group(0).replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION"))
    return "\n".join(bodies)


REVERSE_SQL = _previous_definitions() + "\nDROP FUNCTION accounting_check_validated(bigint[]);\n"


class Migration(migrations.Migration):
    dependencies = [("accounting", "0002_ledger_rules")]

    operations = [migrations.RunSQL(SQL, REVERSE_SQL)]
