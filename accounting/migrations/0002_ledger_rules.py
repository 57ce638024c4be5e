"""The rules of the ledger, enforced by PostgreSQL whatever the client (ORM, raw SQL, psql).

Every function here runs as the calling role (never SECURITY DEFINER), so row-level security
applies inside them: a trigger sees only the active cooperative's rows. All errors are
SQLSTATE 23514 (check_violation), which Django raises as IntegrityError; the messages are French
because the services show them to people.

- Entries are inserted as drafts. Validation is the UPDATE draft → validated; its BEFORE trigger
  locks the fiscal year (serialising one cooperative's validations of that year), checks the
  period and year locks, the lines (≥ 2, none zero, Σ debit = Σ credit in total and per
  activity unless the journal is exempt, accounts/activities/third parties of the cooperative,
  third party on collective accounts), the reversal link, then sets the journal number
  (max + 1: gapless because nothing validated is ever deleted), the position in the year's hash
  chain, the validation timestamp (clock_timestamp, never earlier than the previous one) and
  the hash. The UPDATE may change nothing else.
- Validated entries never change and are never deleted; their lines never change except for the
  lettering, and no line is added to or removed from them. Line triggers lock their entry
  FOR SHARE, so a concurrent validation waits for them (and the other way round).
- A statement-level AFTER trigger adds the newly validated lines to the monthly balances, once
  per statement; the balances table accepts writes from that trigger only (pg_trigger_depth).
- Lettering: a deferred constraint trigger checks at commit that each lettering code of an
  account groups lines of one third party whose debits and credits cancel out.
- Periods: hard locks are irreversible; fiscal years close only from "closing", with every period
  hard-locked and no draft left; closing seals the year (chain head and length, set here).
"""

from django.db import migrations

RULES_SQL = r"""
-- ---------------------------------------------------------------------------------------------
-- Fiscal years and periods never overlap within a cooperative (singleton int8range instead of
-- btree_gist, so no extension is needed).
ALTER TABLE accounting_fiscalyear ADD CONSTRAINT fiscalyear_no_overlap EXCLUDE USING gist (
    int8range(cooperative_id, cooperative_id, '[]') WITH &&,
    daterange(start_date, end_date, '[]') WITH &&
);
ALTER TABLE accounting_period ADD CONSTRAINT period_no_overlap EXCLUDE USING gist (
    int8range(cooperative_id, cooperative_id, '[]') WITH &&,
    daterange(start_date, end_date, '[]') WITH &&
);

CREATE FUNCTION accounting_fail(message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = message, ERRCODE = 'check_violation';
END
$$;

-- A row written for another cooperative than the active one: the guards let row-level security
-- refuse it (its WITH CHECK runs after BEFORE triggers), so the error says what happened.
CREATE FUNCTION accounting_foreign(cooperative_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT cooperative_id IS DISTINCT FROM
           NULLIF(current_setting('app.cooperative_id', true), '')::bigint
$$;

-- ---------------------------------------------------------------------------------------------
-- The canonical text of a validated entry, hashed into the chain. JSON, so that no separator in a
-- label can make two different entries read the same. Lettering is left out: it may change.
CREATE FUNCTION accounting_entry_canonical(e accounting_entry) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_array(
        'v1', e.cooperative_id, e.fiscal_year_id, e.journal_id, e.number, e.chain_seq, e.date,
        e.piece_ref, e.piece_date, e.label,
        to_char(e.validated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        e.reverses_id, e.idempotency_key, e.payload_hash,
        (SELECT coalesce(json_agg(json_build_array(
                    l.line_no, l.account_id, l.activity_id, l.third_party_id, l.debit, l.credit,
                    l.label) ORDER BY l.line_no), '[]'::json)
           FROM accounting_entryline l WHERE l.entry_id = e.id)
    )::text
$$;

CREATE FUNCTION accounting_chain_hash(prev_hash text, canonical text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT encode(sha256(convert_to(prev_hash || canonical, 'UTF8')), 'hex')
$$;

-- ---------------------------------------------------------------------------------------------
-- Validation: draft → validated.
CREATE FUNCTION accounting_entry_validate(e accounting_entry, old_e accounting_entry)
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

CREATE FUNCTION accounting_entry_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    fy_status text;
BEGIN
    IF TG_OP <> 'DELETE' AND accounting_foreign(NEW.cooperative_id) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'draft' THEN
            PERFORM accounting_fail('une écriture est créée en brouillard, puis validée');
        END IF;
        SELECT status INTO fy_status FROM accounting_fiscalyear
         WHERE id = NEW.fiscal_year_id AND cooperative_id = NEW.cooperative_id;
        IF NOT FOUND OR fy_status = 'closed' THEN
            PERFORM accounting_fail('exercice introuvable ou clôturé');
        END IF;
        RETURN NEW;
    ELSIF TG_OP = 'DELETE' THEN
        IF OLD.status = 'validated' THEN
            PERFORM accounting_fail(format(
                'écriture %s validée : elle ne peut être supprimée, seulement extournée', OLD.id));
        END IF;
        RETURN OLD;
    END IF;
    -- UPDATE
    IF OLD.status = 'validated' THEN
        IF NEW IS DISTINCT FROM OLD THEN
            PERFORM accounting_fail(format(
                'écriture %s validée : elle ne peut plus être modifiée', OLD.id));
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.status = 'validated' THEN
        RETURN accounting_entry_validate(NEW, OLD);
    END IF;
    IF NEW.status <> 'draft' THEN
        PERFORM accounting_fail('statut inconnu');
    END IF;
    IF NEW.fiscal_year_id <> OLD.fiscal_year_id THEN
        SELECT status INTO fy_status FROM accounting_fiscalyear
         WHERE id = NEW.fiscal_year_id AND cooperative_id = NEW.cooperative_id;
        IF NOT FOUND OR fy_status = 'closed' THEN
            PERFORM accounting_fail('exercice introuvable ou clôturé');
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER entry_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting_entry
    FOR EACH ROW EXECUTE FUNCTION accounting_entry_guard();

-- After each UPDATE statement on entries: draft lines follow their entry's date, and newly
-- validated lines are added to the monthly balances (once per statement, set-based).
CREATE FUNCTION accounting_entry_after_update() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE accounting_entryline l SET date = n.date
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE l.entry_id = n.id AND n.status = 'draft' AND n.date <> o.date;

    INSERT INTO accounting_monthlybalance AS b
           (cooperative_id, account_id, activity_id, month, debit, credit, line_count)
    SELECT l.cooperative_id, l.account_id, l.activity_id, date_trunc('month', l.date)::date,
           sum(l.debit), sum(l.credit), count(*)
      FROM new_rows n
      JOIN old_rows o ON o.id = n.id
      JOIN accounting_entryline l ON l.entry_id = n.id
     WHERE o.status = 'draft' AND n.status = 'validated'
     GROUP BY 1, 2, 3, 4
    ON CONFLICT (cooperative_id, account_id, activity_id, month) DO UPDATE
       SET debit = b.debit + excluded.debit,
           credit = b.credit + excluded.credit,
           line_count = b.line_count + excluded.line_count;
    RETURN NULL;
END
$$;
CREATE TRIGGER entry_after_update AFTER UPDATE ON accounting_entry
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION accounting_entry_after_update();

-- ---------------------------------------------------------------------------------------------
-- Lines: free while their entry is a draft; frozen (but for lettering) once it is validated.
CREATE FUNCTION accounting_entryline_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    entry_status text;
    entry_date date;
    entry_cooperative bigint;
    chk accounting_entryline%ROWTYPE;
BEGIN
    IF TG_OP <> 'DELETE' AND accounting_foreign(NEW.cooperative_id) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        SELECT status INTO entry_status FROM accounting_entry WHERE id = OLD.entry_id FOR SHARE;
        IF entry_status = 'validated' THEN
            PERFORM accounting_fail(format(
                'ligne %s de l''écriture validée %s : suppression interdite', OLD.line_no,
                OLD.entry_id));
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND NEW.entry_id <> OLD.entry_id THEN
        PERFORM accounting_fail('une ligne ne change pas d''écriture');
    END IF;
    SELECT status, date, cooperative_id INTO entry_status, entry_date, entry_cooperative
      FROM accounting_entry WHERE id = NEW.entry_id FOR SHARE;
    IF NOT FOUND OR entry_cooperative <> NEW.cooperative_id THEN
        PERFORM accounting_fail('écriture introuvable');
    END IF;
    IF entry_status = 'validated' THEN
        IF TG_OP = 'INSERT' THEN
            PERFORM accounting_fail(format(
                'écriture %s validée : on n''y ajoute pas de ligne', NEW.entry_id));
        END IF;
        chk := NEW;
        chk.lettering := OLD.lettering;
        chk.lettering_date := OLD.lettering_date;
        IF chk IS DISTINCT FROM OLD THEN
            PERFORM accounting_fail(format(
                'ligne %s de l''écriture validée %s : seul le lettrage peut changer',
                OLD.line_no, OLD.entry_id));
        END IF;
        RETURN NEW;
    END IF;
    IF NEW.lettering IS NOT NULL THEN
        PERFORM accounting_fail('seules les lignes validées se lettrent');
    END IF;
    NEW.date := entry_date;
    RETURN NEW;
END
$$;
CREATE TRIGGER entryline_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting_entryline
    FOR EACH ROW EXECUTE FUNCTION accounting_entryline_guard();

-- Lettering, checked at commit (a group is built line by line): each code of an account groups
-- lines of a single third party (or none) that cancel out.
CREATE FUNCTION accounting_check_lettering() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    code text;
    balance numeric;
    n_parties bigint;
    n_without bigint;
    n_lines bigint;
BEGIN
    FOREACH code IN ARRAY ARRAY[OLD.lettering, NEW.lettering] LOOP
        CONTINUE WHEN code IS NULL;
        SELECT coalesce(sum(debit - credit), 0), count(DISTINCT third_party_id),
               count(*) FILTER (WHERE third_party_id IS NULL), count(*)
          INTO balance, n_parties, n_without, n_lines
          FROM accounting_entryline
         WHERE cooperative_id = NEW.cooperative_id AND account_id = NEW.account_id
           AND lettering = code;
        IF n_lines > 0 AND balance <> 0 THEN
            PERFORM accounting_fail(format(
                'lettrage %s : les lignes ne se soldent pas (écart %s)', code, balance));
        END IF;
        IF n_parties + (n_without > 0)::int > 1 THEN
            PERFORM accounting_fail(format('lettrage %s : plusieurs tiers', code));
        END IF;
    END LOOP;
    RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER entryline_lettering_balanced
    AFTER UPDATE OF lettering, lettering_date ON accounting_entryline
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW
    WHEN (OLD.lettering IS DISTINCT FROM NEW.lettering)
    EXECUTE FUNCTION accounting_check_lettering();

-- ---------------------------------------------------------------------------------------------
-- Monthly balances are written by the entry trigger only (depth ≥ 2), never directly.
CREATE FUNCTION accounting_monthlybalance_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' AND accounting_foreign(NEW.cooperative_id) THEN
        RETURN NEW;
    END IF;
    IF pg_trigger_depth() < 2 THEN
        PERFORM accounting_fail('les soldes mensuels ne s''écrivent qu''à la validation');
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER monthlybalance_guard BEFORE INSERT OR UPDATE OR DELETE
    ON accounting_monthlybalance
    FOR EACH ROW EXECUTE FUNCTION accounting_monthlybalance_guard();

-- ---------------------------------------------------------------------------------------------
-- Fiscal years: closed is final; closing needs every period hard-locked and no draft, and the
-- database writes the seal (chain length and head).
CREATE FUNCTION accounting_fiscalyear_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    last_seq integer;
    last_hash text;
BEGIN
    IF TG_OP <> 'DELETE' AND accounting_foreign(NEW.cooperative_id) THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.status = 'closed' THEN
            PERFORM accounting_fail('un exercice clôturé ne se supprime pas');
        END IF;
        RETURN OLD;
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF NEW.status <> 'open' OR NEW.chain_length <> 0 OR NEW.chain_head <> ''
           OR NEW.fec_sha256 <> '' THEN
            PERFORM accounting_fail('un exercice est créé ouvert');
        END IF;
        RETURN NEW;
    END IF;
    IF OLD.status = 'closed' THEN
        IF NEW IS DISTINCT FROM OLD THEN
            PERFORM accounting_fail('exercice clôturé : il ne peut plus être modifié');
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.start_date, NEW.end_date) IS DISTINCT FROM (OLD.start_date, OLD.end_date)
       AND (EXISTS (SELECT 1 FROM accounting_entry WHERE fiscal_year_id = OLD.id)
            OR EXISTS (SELECT 1 FROM accounting_period WHERE fiscal_year_id = OLD.id)) THEN
        PERFORM accounting_fail('les dates d''un exercice commencé ne changent plus');
    END IF;
    IF NEW.status = 'closed' THEN
        IF OLD.status <> 'closing' THEN
            PERFORM accounting_fail('un exercice passe en clôture avant d''être clôturé');
        END IF;
        IF EXISTS (SELECT 1 FROM accounting_period
                    WHERE fiscal_year_id = OLD.id AND lock <> 'hard') THEN
            PERFORM accounting_fail('toutes les périodes doivent être verrouillées définitivement');
        END IF;
        IF EXISTS (SELECT 1 FROM accounting_entry
                    WHERE fiscal_year_id = OLD.id AND status = 'draft') THEN
            PERFORM accounting_fail('des brouillards restent dans l''exercice');
        END IF;
        SELECT chain_seq, hash INTO last_seq, last_hash FROM accounting_entry
         WHERE cooperative_id = OLD.cooperative_id AND fiscal_year_id = OLD.id
           AND chain_seq IS NOT NULL
         ORDER BY chain_seq DESC LIMIT 1;
        NEW.chain_length := coalesce(last_seq, 0);
        NEW.chain_head := coalesce(last_hash, repeat('0', 64));
        NEW.closed_at := clock_timestamp();
        RETURN NEW;
    END IF;
    IF (NEW.chain_length, NEW.chain_head, NEW.fec_sha256, NEW.closed_at)
       IS DISTINCT FROM (OLD.chain_length, OLD.chain_head, OLD.fec_sha256, OLD.closed_at) THEN
        PERFORM accounting_fail('le sceau d''un exercice s''écrit à sa clôture');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER fiscalyear_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting_fiscalyear
    FOR EACH ROW EXECUTE FUNCTION accounting_fiscalyear_guard();

CREATE FUNCTION accounting_period_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    fy accounting_fiscalyear%ROWTYPE;
    row_fy bigint;
BEGIN
    IF TG_OP <> 'DELETE' AND accounting_foreign(NEW.cooperative_id) THEN
        RETURN NEW;
    END IF;
    row_fy := CASE WHEN TG_OP = 'DELETE' THEN OLD.fiscal_year_id ELSE NEW.fiscal_year_id END;
    -- Lock changes wait for (and hold back) the validations of the year.
    SELECT * INTO fy FROM accounting_fiscalyear WHERE id = row_fy FOR NO KEY UPDATE;
    IF NOT FOUND THEN
        PERFORM accounting_fail('exercice introuvable');
    END IF;
    IF TG_OP = 'DELETE' THEN
        IF OLD.lock = 'hard' OR fy.status = 'closed' THEN
            PERFORM accounting_fail('une période verrouillée ne se supprime pas');
        END IF;
        RETURN OLD;
    END IF;
    IF fy.status = 'closed' THEN
        PERFORM accounting_fail('exercice clôturé : ses périodes ne changent plus');
    END IF;
    IF TG_OP = 'INSERT' THEN
        IF fy.cooperative_id <> NEW.cooperative_id
           OR NEW.start_date < fy.start_date OR NEW.end_date > fy.end_date THEN
            PERFORM accounting_fail('la période doit être dans son exercice');
        END IF;
        RETURN NEW;
    END IF;
    IF (NEW.fiscal_year_id, NEW.start_date, NEW.end_date, NEW.cooperative_id)
       IS DISTINCT FROM (OLD.fiscal_year_id, OLD.start_date, OLD.end_date, OLD.cooperative_id) THEN
        PERFORM accounting_fail('seul le verrou d''une période peut changer');
    END IF;
    IF OLD.lock = 'hard' AND NEW.lock <> 'hard' THEN
        PERFORM accounting_fail('un verrouillage définitif ne se lève pas');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER period_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting_period
    FOR EACH ROW EXECUTE FUNCTION accounting_period_guard();

-- ---------------------------------------------------------------------------------------------
-- Codes printed in the FEC (account, journal, auxiliary account) do not change once used.
CREATE FUNCTION accounting_code_guard() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    used boolean;
BEGIN
    IF accounting_foreign(NEW.cooperative_id) THEN
        RETURN NEW;
    END IF;
    IF TG_TABLE_NAME = 'accounting_account' THEN
        IF NEW.code IS DISTINCT FROM OLD.code THEN
            used := EXISTS (SELECT 1 FROM accounting_entryline
                             WHERE cooperative_id = OLD.cooperative_id AND account_id = OLD.id);
        END IF;
    ELSIF TG_TABLE_NAME = 'accounting_journal' THEN
        IF (NEW.code, NEW.exempt_from_activity_balance)
           IS DISTINCT FROM (OLD.code, OLD.exempt_from_activity_balance) THEN
            used := EXISTS (SELECT 1 FROM accounting_entry
                             WHERE cooperative_id = OLD.cooperative_id AND journal_id = OLD.id);
        END IF;
    ELSIF NEW.code IS DISTINCT FROM OLD.code THEN
        used := EXISTS (SELECT 1 FROM accounting_entryline
                         WHERE cooperative_id = OLD.cooperative_id AND third_party_id = OLD.id);
    END IF;
    IF used THEN
        PERFORM accounting_fail(format('%s : déjà utilisé en écriture, il ne change plus',
                                       OLD.code));
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER account_code_guard BEFORE UPDATE ON accounting_account
    FOR EACH ROW EXECUTE FUNCTION accounting_code_guard();
CREATE TRIGGER journal_code_guard BEFORE UPDATE ON accounting_journal
    FOR EACH ROW EXECUTE FUNCTION accounting_code_guard();
CREATE TRIGGER thirdparty_code_guard BEFORE UPDATE ON accounting_thirdparty
    FOR EACH ROW EXECUTE FUNCTION accounting_code_guard();
"""

DROP_SQL = r"""
DROP TRIGGER thirdparty_code_guard ON accounting_thirdparty;
DROP TRIGGER journal_code_guard ON accounting_journal;
DROP TRIGGER account_code_guard ON accounting_account;
DROP FUNCTION accounting_code_guard();
DROP TRIGGER period_guard ON accounting_period;
DROP FUNCTION accounting_period_guard();
DROP TRIGGER fiscalyear_guard ON accounting_fiscalyear;
DROP FUNCTION accounting_fiscalyear_guard();
DROP TRIGGER monthlybalance_guard ON accounting_monthlybalance;
DROP FUNCTION accounting_monthlybalance_guard();
DROP TRIGGER entryline_lettering_balanced ON accounting_entryline;
DROP FUNCTION accounting_check_lettering();
DROP TRIGGER entryline_guard ON accounting_entryline;
DROP FUNCTION accounting_entryline_guard();
DROP TRIGGER entry_after_update ON accounting_entry;
DROP FUNCTION accounting_entry_after_update();
DROP TRIGGER entry_guard ON accounting_entry;
DROP FUNCTION accounting_entry_guard();
DROP FUNCTION accounting_entry_validate(accounting_entry, accounting_entry);
DROP FUNCTION accounting_chain_hash(text, text);
DROP FUNCTION accounting_entry_canonical(accounting_entry);
DROP FUNCTION accounting_foreign(bigint);
DROP FUNCTION accounting_fail(text);
ALTER TABLE accounting_period DROP CONSTRAINT period_no_overlap;
ALTER TABLE accounting_fiscalyear DROP CONSTRAINT fiscalyear_no_overlap;
"""


class Migration(migrations.Migration):
    dependencies = [("accounting", "0001_initial")]

    operations = [migrations.RunSQL(RULES_SQL, DROP_SQL)]
