-- Lettering, checked at commit (a group is built line by line): each lettering code of an account
-- groups lines of a single third party (or none) whose debits and credits cancel out.
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
