-- What a foreign key would check for a line: its account, activity and third party exist in the
-- cooperative, locked FOR KEY SHARE until the transaction ends.
CREATE FUNCTION accounting_line_references(l accounting_entryline) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM accounting_account
      WHERE id = l.account_id AND cooperative_id = l.cooperative_id FOR KEY SHARE;
    IF NOT FOUND THEN
        PERFORM accounting_fail(format('ligne %s : compte introuvable', l.line_no));
    END IF;
    IF l.activity_id IS NOT NULL THEN
        PERFORM 1 FROM entrepreneurs_activity
          WHERE id = l.activity_id AND cooperative_id = l.cooperative_id FOR KEY SHARE;
        IF NOT FOUND THEN
            PERFORM accounting_fail(format('ligne %s : activité introuvable', l.line_no));
        END IF;
    END IF;
    IF l.third_party_id IS NOT NULL THEN
        PERFORM 1 FROM accounting_thirdparty
          WHERE id = l.third_party_id AND cooperative_id = l.cooperative_id FOR KEY SHARE;
        IF NOT FOUND THEN
            PERFORM accounting_fail(format('ligne %s : tiers introuvable', l.line_no));
        END IF;
    END IF;
END
$$;
