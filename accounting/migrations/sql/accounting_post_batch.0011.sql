-- Posting of a whole batch in one call, the entries inserted already validated (the import path,
-- and every entry_post). It locks the fiscal years, checks every rule of a validation on the whole
-- batch with one query per rule, numbers and chains the entries, inserts them with their lines and
-- adds the lines to the monthly balances; any violation aborts the call and nothing is written.
-- SECURITY DEFINER: it runs as the ledger's owner, which alone may write validated rows
-- (accounting_batch_active); row-level security still applies.
CREATE OR REPLACE FUNCTION accounting_post_batch(
    e_journal bigint[], e_year bigint[], e_date date[], e_piece_ref text[], e_piece_date date[],
    e_label text[], e_key text[], e_payload_hash text[], e_source text[], e_reverses bigint[],
    l_entry integer[], l_line_no integer[], l_account bigint[], l_activity bigint[],
    l_third_party bigint[], l_debit numeric[], l_credit numeric[], l_label text[],
    p_user bigint
) RETURNS bigint[]
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    coop bigint := NULLIF(current_setting('app.cooperative_id', true), '')::bigint;
    allowed boolean := coalesce(current_setting('accounting.allow_soft_locked', true), '') = 'on';
    n integer := coalesce(cardinality(e_journal), 0);
    m integer := coalesce(cardinality(l_entry), 0);
    ids bigint[];
    numbers integer[];
    seqs integer[];
    prevs text[] := '{}';
    hashes text[] := '{}';
    year_ids bigint[] := '{}';
    year_heads text[] := '{}';
    year_stamps timestamptz[] := '{}';
    position_years bigint[];
    bad record;
    fy record;
    head text;
    stamp timestamptz;
    plan_mode text := current_setting('plan_cache_mode');
    seq regclass := pg_get_serial_sequence('accounting_entry', 'id');
    exempt bigint[];
    positions bigint[];
    canonicals text[];
BEGIN
    IF coop IS NULL THEN
        PERFORM accounting_fail('aucune coopérative active');
    END IF;
    IF n = 0 THEN
        RETURN '{}';
    END IF;
    IF n <> ALL (ARRAY[cardinality(e_year), cardinality(e_date), cardinality(e_piece_ref),
                       cardinality(e_piece_date), cardinality(e_label), cardinality(e_key),
                       cardinality(e_payload_hash), cardinality(e_source),
                       cardinality(e_reverses)])
       OR m <> ALL (ARRAY[cardinality(l_line_no), cardinality(l_account),
                          cardinality(l_activity), cardinality(l_third_party),
                          cardinality(l_debit), cardinality(l_credit), cardinality(l_label)])
       OR EXISTS (SELECT 1 FROM unnest(l_entry) AS x(e) WHERE x.e IS NULL OR x.e NOT BETWEEN 1 AND n)
       OR EXISTS (SELECT 1 FROM unnest(e_year, e_date, e_journal) AS x(y, d, j)
                   WHERE x.y IS NULL OR x.d IS NULL OR x.j IS NULL)
    THEN
        PERFORM accounting_fail('lot d''écritures mal formé');
    END IF;
    -- After five calls PL/pgSQL may keep a generic plan, made without knowing the arrays'
    -- sizes: fine for one entry, but for thousands it may nest loops over them (minutes).
    IF n > 50 THEN
        PERFORM set_config('plan_cache_mode', 'force_custom_plan', true);
    END IF;

    -- One posting at a time per cooperative and fiscal year (as a validation), years in id order.
    PERFORM 1 FROM accounting_fiscalyear f
      WHERE f.id IN (SELECT DISTINCT unnest(e_year)) AND f.cooperative_id = coop
      ORDER BY f.id FOR NO KEY UPDATE;
    -- What the lines and entries point to stays until this transaction ends (what a foreign
    -- key would lock, once per row referenced instead of once per line): a concurrent deletion
    -- waits, then sees the new lines and is refused (accounting_referenced_guard).
    PERFORM 1 FROM accounting_journal x
      WHERE x.id IN (SELECT DISTINCT unnest(e_journal)) AND x.cooperative_id = coop
      ORDER BY x.id FOR KEY SHARE;
    PERFORM 1 FROM accounting_account x
      WHERE x.id IN (SELECT DISTINCT unnest(l_account)) AND x.cooperative_id = coop
      ORDER BY x.id FOR KEY SHARE;
    PERFORM 1 FROM entrepreneurs_activity x
      WHERE x.id IN (SELECT DISTINCT unnest(l_activity)) AND x.cooperative_id = coop
      ORDER BY x.id FOR KEY SHARE;
    PERFORM 1 FROM accounting_thirdparty x
      WHERE x.id IN (SELECT DISTINCT unnest(l_third_party)) AND x.cooperative_id = coop
      ORDER BY x.id FOR KEY SHARE;

    -- The rules of a validation (accounting_entry_validate, accounting_check_validated), checked
    -- on the batch before anything is written. Row-level security hides other cooperatives'
    -- rows: a reference to one joins to nothing.
    -- (Once per year and day: a batch has thousands of entries on a few dozen days.)
    SELECT u.o, u.d, f.id AS fid, f.status, f.start_date, f.end_date, p.id AS pid, p.lock INTO bad
      FROM (SELECT x.y, x.d, min(x.o) AS o
              FROM unnest(e_year, e_date) WITH ORDINALITY AS x(y, d, o) GROUP BY x.y, x.d) u
      LEFT JOIN accounting_fiscalyear f ON f.id = u.y AND f.cooperative_id = coop
      LEFT JOIN accounting_period p
             ON p.cooperative_id = coop AND p.fiscal_year_id = f.id
            AND u.d BETWEEN p.start_date AND p.end_date
     WHERE f.id IS NULL OR f.status = 'closed' OR u.d < f.start_date OR u.d > f.end_date
        OR p.id IS NULL OR p.lock = 'hard' OR (p.lock = 'soft' AND NOT allowed)
     ORDER BY u.o LIMIT 1;
    IF FOUND THEN
        IF bad.fid IS NULL THEN
            PERFORM accounting_fail(format('écriture %s du lot : exercice introuvable', bad.o));
        ELSIF bad.status = 'closed' THEN
            PERFORM accounting_fail(format('écriture %s du lot : l''exercice %s – %s est clôturé',
                                           bad.o, bad.start_date, bad.end_date));
        ELSIF bad.d < bad.start_date OR bad.d > bad.end_date THEN
            PERFORM accounting_fail(format(
                'écriture %s du lot : la date %s est hors de l''exercice %s – %s', bad.o, bad.d,
                bad.start_date, bad.end_date));
        ELSIF bad.pid IS NULL THEN
            PERFORM accounting_fail(format('écriture %s du lot : aucune période ne couvre le %s',
                                           bad.o, bad.d));
        ELSIF bad.lock = 'hard' THEN
            PERFORM accounting_fail(format(
                'écriture %s du lot : la période du %s est verrouillée définitivement', bad.o,
                bad.d));
        ELSE
            PERFORM accounting_fail(format('écriture %s du lot : la période du %s est verrouillée',
                                           bad.o, bad.d));
        END IF;
    END IF;

    SELECT u.o INTO bad FROM unnest(e_journal) WITH ORDINALITY AS u(j, o)
      LEFT JOIN accounting_journal j ON j.id = u.j AND j.cooperative_id = coop
     WHERE j.id IS NULL ORDER BY u.o LIMIT 1;
    IF FOUND THEN
        PERFORM accounting_fail(format('écriture %s du lot : journal introuvable', bad.o));
    END IF;

    SELECT e.o, coalesce(s.n, 0) AS n, s.debit, s.credit, s.n_zero, s.n_foreign,
           s.n_missing_tp, s.n_inactive
      INTO bad
      FROM generate_series(1, n) AS e(o)
      LEFT JOIN (
          SELECT l.e, count(*) AS n, sum(l.debit) AS debit, sum(l.credit) AS credit,
                 count(*) FILTER (WHERE l.debit = 0 AND l.credit = 0) AS n_zero,
                 count(*) FILTER (WHERE a.id IS NULL
                                    OR (l.activity IS NOT NULL AND act.id IS NULL)
                                    OR (l.third_party IS NOT NULL AND tp.id IS NULL))
                     AS n_foreign,
                 count(*) FILTER (WHERE a.requires_third_party AND l.third_party IS NULL)
                     AS n_missing_tp,
                 count(*) FILTER (WHERE NOT a.is_active) AS n_inactive
            FROM unnest(l_entry, l_account, l_activity, l_third_party, l_debit, l_credit)
                 AS l(e, account, activity, third_party, debit, credit)
            LEFT JOIN accounting_account a ON a.id = l.account AND a.cooperative_id = coop
            LEFT JOIN entrepreneurs_activity act
                   ON act.id = l.activity AND act.cooperative_id = coop
            LEFT JOIN accounting_thirdparty tp
                   ON tp.id = l.third_party AND tp.cooperative_id = coop
           GROUP BY l.e
      ) s ON s.e = e.o
     WHERE coalesce(s.n, 0) < 2 OR s.n_zero > 0 OR s.debit <> s.credit OR s.n_foreign > 0
        OR s.n_missing_tp > 0 OR s.n_inactive > 0
     ORDER BY e.o LIMIT 1;
    IF FOUND THEN
        IF bad.n < 2 THEN
            PERFORM accounting_fail(format(
                'écriture %s du lot : une écriture a au moins deux lignes (%s)', bad.o, bad.n));
        ELSIF bad.n_zero > 0 THEN
            PERFORM accounting_fail(format('écriture %s du lot : %s ligne(s) à zéro', bad.o,
                                           bad.n_zero));
        ELSIF bad.debit <> bad.credit THEN
            PERFORM accounting_fail(format(
                'écriture %s du lot : déséquilibrée (débit %s, crédit %s)', bad.o, bad.debit,
                bad.credit));
        ELSIF bad.n_foreign > 0 THEN
            PERFORM accounting_fail(format(
                'écriture %s du lot : %s ligne(s) visent un compte, une activité ou un tiers '
                'inconnu', bad.o, bad.n_foreign));
        ELSIF bad.n_missing_tp > 0 THEN
            PERFORM accounting_fail(format(
                'écriture %s du lot : %s ligne(s) sur un compte collectif sans tiers', bad.o,
                bad.n_missing_tp));
        ELSE
            PERFORM accounting_fail(format('écriture %s du lot : %s ligne(s) sur un compte fermé',
                                           bad.o, bad.n_inactive));
        END IF;
    END IF;

    exempt := ARRAY(SELECT j.id FROM accounting_journal j
                     WHERE j.cooperative_id = coop AND j.exempt_from_activity_balance);
    SELECT l.e AS o, l.activity, sum(l.debit) - sum(l.credit) AS diff
      INTO bad
      FROM unnest(l_entry, l_activity, l_debit, l_credit) AS l(e, activity, debit, credit)
     WHERE NOT e_journal[l.e] = ANY (exempt)
     GROUP BY l.e, l.activity
    HAVING sum(l.debit) <> sum(l.credit)
     ORDER BY l.e LIMIT 1;
    IF FOUND THEN
        PERFORM accounting_fail(format(
            'écriture %s du lot : déséquilibrée pour l''activité %s (écart %s)', bad.o,
            coalesce((SELECT act.analytic_code FROM entrepreneurs_activity act
                       WHERE act.id = bad.activity), 'STRUCTURE'),
            bad.diff));
    END IF;

    ids := ARRAY(SELECT nextval(seq) FROM generate_series(1, n) ORDER BY 1);

    -- Gapless numbers per journal and chain positions per year, in the batch's order, after the
    -- highest ones already given (under the year locks).
    WITH tops AS MATERIALIZED (
        SELECT g.y, g.j,
               coalesce((SELECT x.number FROM accounting_entry x
                          WHERE x.fiscal_year_id = g.y AND x.journal_id = g.j
                            AND x.number IS NOT NULL
                          ORDER BY x.number DESC LIMIT 1), 0) AS top
          FROM (SELECT DISTINCT y, j FROM unnest(e_year, e_journal) AS v(y, j)) g
    ), chain_tops AS MATERIALIZED (
        SELECT g.y,
               coalesce((SELECT x.chain_seq FROM accounting_entry x
                          WHERE x.fiscal_year_id = g.y AND x.chain_seq IS NOT NULL
                          ORDER BY x.chain_seq DESC LIMIT 1), 0) AS top
          FROM (SELECT DISTINCT y FROM unnest(e_year) AS v(y)) g
    )
    SELECT array_agg(s.num ORDER BY s.o), array_agg(s.seq ORDER BY s.o) INTO numbers, seqs
      FROM (
        SELECT u.o, t.top + row_number() OVER (PARTITION BY u.y, u.j ORDER BY u.o) AS num,
               c.top + row_number() OVER (PARTITION BY u.y ORDER BY u.o) AS seq
          FROM unnest(e_year, e_journal) WITH ORDINALITY AS u(y, j, o)
          JOIN tops t ON t.y = u.y AND t.j = u.j
          JOIN chain_tops c ON c.y = u.y
      ) s;

    -- The hash chain of each year continues from its head, stamped once per year (after the
    -- head's own stamp). Canonical texts, as accounting_entry_canonical writes them (the casts
    -- give the columns' types), are built set-based for the whole batch; only the hashing runs
    -- in order, year by year.
    FOR fy IN SELECT DISTINCT u.y FROM unnest(e_year) AS u(y) ORDER BY 1 LOOP
        head := NULL;
        stamp := NULL;
        SELECT x.hash, x.validated_at INTO head, stamp FROM accounting_entry x
         WHERE x.fiscal_year_id = fy.y AND x.chain_seq IS NOT NULL
         ORDER BY x.chain_seq DESC LIMIT 1;
        year_ids := year_ids || fy.y;
        year_heads := year_heads || coalesce(head, repeat('0', 64));
        year_stamps := year_stamps || greatest(clock_timestamp(), stamp);
    END LOOP;
    SELECT array_agg(c.o ORDER BY c.y, c.o), array_agg(c.y ORDER BY c.y, c.o),
           array_agg(c.canonical ORDER BY c.y, c.o)
      INTO positions, position_years, canonicals
      FROM (
        SELECT u.o, u.y, json_build_array(
                   'v1', coop, u.y, u.j, u.num, u.seq, u.d, u.piece_ref::varchar(40),
                   u.piece_date, u.label::varchar(200),
                   ys.stamp_text,
                   u.reverses, u.key::varchar(120), u.payload_hash::varchar(64),
                   coalesce(lj.lines, '[]'::json))::text AS canonical
          FROM unnest(e_year, e_journal, numbers, seqs, e_date, e_piece_ref, e_piece_date,
                      e_label, e_reverses, e_key, e_payload_hash)
               WITH ORDINALITY AS u(y, j, num, seq, d, piece_ref, piece_date, label,
                                    reverses, key, payload_hash, o)
          JOIN (SELECT x.y, to_char(x.stamp AT TIME ZONE 'UTC',
                                    'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS stamp_text
                  FROM unnest(year_ids, year_stamps) AS x(y, stamp)) ys ON ys.y = u.y
          LEFT JOIN (
              SELECT l.e, json_agg(json_build_array(
                         l.line_no::smallint, l.account, l.activity, l.third_party,
                         l.debit::numeric(14, 2), l.credit::numeric(14, 2),
                         l.label::varchar(200)) ORDER BY l.line_no) AS lines
                FROM unnest(l_entry, l_line_no, l_account, l_activity, l_third_party,
                            l_debit, l_credit, l_label)
                     AS l(e, line_no, account, activity, third_party, debit, credit, label)
               GROUP BY l.e
          ) lj ON lj.e = u.o
      ) c;
    FOR i IN 1 .. n LOOP
        IF i = 1 OR position_years[i] <> position_years[i - 1] THEN
            head := year_heads[array_position(year_ids, position_years[i])];
        END IF;
        prevs[positions[i]] := head;
        head := accounting_chain_hash(head, canonicals[i]);
        hashes[positions[i]] := head;
    END LOOP;

    PERFORM set_config('accounting.batch', 'on', true);
    INSERT INTO accounting_entry (id, cooperative_id, journal_id, fiscal_year_id, date, piece_ref,
        piece_date, label, status, number, chain_seq, validated_at, prev_hash, hash,
        validated_by_id, idempotency_key, payload_hash, source, created_at, created_by_id,
        reverses_id)
    SELECT u.id, coop, u.j, u.y, u.d, u.piece_ref, u.piece_date, u.label, 'validated', u.num,
           u.seq, ys.stamp, u.prev, u.hash, p_user, u.key, u.payload_hash, u.source, now(),
           p_user, u.reverses
      FROM unnest(ids, e_journal, e_year, e_date, e_piece_ref, e_piece_date, e_label, e_key,
                  e_payload_hash, e_source, e_reverses, numbers, seqs, prevs, hashes)
           AS u(id, j, y, d, piece_ref, piece_date, label, key, payload_hash, source, reverses,
                num, seq, prev, hash)
      JOIN unnest(year_ids, year_stamps) AS ys(y, stamp) ON ys.y = u.y;

    INSERT INTO accounting_entryline (cooperative_id, entry_id, line_no, date, account_id,
                                      activity_id, third_party_id, debit, credit, label)
    SELECT coop, ids[u.e], u.line_no, e_date[u.e], u.account, u.activity, u.third_party,
           u.debit, u.credit, u.label
      FROM unnest(l_entry, l_line_no, l_account, l_activity, l_third_party, l_debit, l_credit,
                  l_label) AS u(e, line_no, account, activity, third_party, debit, credit, label);

    IF EXISTS (SELECT 1 FROM unnest(e_reverses) AS x(id) WHERE x.id IS NOT NULL) THEN
        SELECT rev.id, o.id AS orig_id, o.status AS orig_status,
               o.reverses_id AS orig_reverses, o.date AS orig_date, rev.date
          INTO bad
          FROM accounting_entry rev
          LEFT JOIN accounting_entry o ON o.id = rev.reverses_id AND o.cooperative_id = coop
         WHERE rev.id = ANY(ids) AND rev.reverses_id IS NOT NULL
           AND (o.id IS NULL OR o.status <> 'validated' OR o.reverses_id IS NOT NULL
                OR rev.date < o.date
                OR EXISTS (
                    SELECT 1 FROM accounting_entryline l
                     WHERE l.entry_id IN (rev.id, o.id)
                     GROUP BY l.account_id, l.activity_id, l.third_party_id
                    HAVING sum(l.debit) <> sum(l.credit)))
         ORDER BY rev.id LIMIT 1;
        IF FOUND THEN
            IF bad.orig_id IS NULL OR bad.orig_status <> 'validated' THEN
                PERFORM accounting_fail(format(
                    'écriture %s : l''écriture extournée doit être validée', bad.id));
            ELSIF bad.orig_reverses IS NOT NULL THEN
                PERFORM accounting_fail(format('écriture %s : on n''extourne pas une extourne',
                                               bad.id));
            ELSIF bad.date < bad.orig_date THEN
                PERFORM accounting_fail(format(
                    'écriture %s : l''extourne ne peut précéder l''écriture extournée (%s)',
                    bad.id, bad.orig_date));
            ELSE
                PERFORM accounting_fail(format(
                    'écriture %s : l''extourne n''annule pas exactement l''écriture %s', bad.id,
                    bad.orig_id));
            END IF;
        END IF;
    END IF;

    INSERT INTO accounting_monthlybalance AS b
           (cooperative_id, account_id, activity_id, month, debit, credit, line_count)
    SELECT coop, l.account, l.activity, date_trunc('month', e_date[l.e])::date,
           sum(l.debit), sum(l.credit), count(*)
      FROM unnest(l_entry, l_account, l_activity, l_debit, l_credit)
           AS l(e, account, activity, debit, credit)
     GROUP BY 2, 3, 4
    ON CONFLICT (cooperative_id, account_id, activity_id, month) DO UPDATE
       SET debit = b.debit + excluded.debit,
           credit = b.credit + excluded.credit,
           line_count = b.line_count + excluded.line_count;
    PERFORM set_config('accounting.batch', '', true);
    PERFORM set_config('plan_cache_mode', plan_mode, true);
    RETURN ids;
END
$$;
