-- True only inside accounting_post_batch: the setting alone is not enough, the current role must be
-- the ledger's owner (the definer of that function, which an application role cannot become). The
-- owner's name is written in when the function is created, so the row guards' WHEN clauses test it
-- for nothing.
DO $do$
BEGIN
    EXECUTE format($f$
        CREATE FUNCTION accounting_batch_active() RETURNS boolean LANGUAGE sql STABLE AS
        $b$ SELECT current_user = %1$L
                   AND coalesce(current_setting('accounting.batch', true), '') = 'on' $b$;
    $f$, current_user);
END
$do$;
