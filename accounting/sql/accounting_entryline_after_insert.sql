-- New lines, checked once per INSERT statement: their entries are locked FOR SHARE first (in id
-- order: a concurrent validation waits, or this statement sees it validated) and must be drafts of
-- the same date; their account, activity and third party must exist in the cooperative, locked FOR
-- KEY SHARE as a foreign key would.
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
    PERFORM 1 FROM accounting_account x
      WHERE x.id IN (SELECT DISTINCT account_id FROM new_lines) ORDER BY x.id FOR KEY SHARE;
    PERFORM 1 FROM entrepreneurs_activity x
      WHERE x.id IN (SELECT DISTINCT activity_id FROM new_lines) ORDER BY x.id FOR KEY SHARE;
    PERFORM 1 FROM accounting_thirdparty x
      WHERE x.id IN (SELECT DISTINCT third_party_id FROM new_lines) ORDER BY x.id
        FOR KEY SHARE;
    SELECT n.entry_id, n.line_no INTO bad
      FROM new_lines n
      LEFT JOIN accounting_account a ON a.id = n.account_id AND a.cooperative_id = n.cooperative_id
      LEFT JOIN entrepreneurs_activity act
             ON act.id = n.activity_id AND act.cooperative_id = n.cooperative_id
      LEFT JOIN accounting_thirdparty tp
             ON tp.id = n.third_party_id AND tp.cooperative_id = n.cooperative_id
     WHERE a.id IS NULL OR (n.activity_id IS NOT NULL AND act.id IS NULL)
        OR (n.third_party_id IS NOT NULL AND tp.id IS NULL)
     ORDER BY n.entry_id, n.line_no LIMIT 1;
    IF FOUND THEN
        PERFORM accounting_fail(format(
            'ligne %s de l''écriture %s : compte, activité ou tiers inconnu', bad.line_no,
            bad.entry_id));
    END IF;
    RETURN NULL;
END
$$;
