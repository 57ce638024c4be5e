-- accounting_monthlybalance_guard on every monthly balance row, except inside
-- accounting_post_batch (where it would only let each upserted row through).
DO $do$
BEGIN
    EXECUTE format($f$
        DROP TRIGGER monthlybalance_guard ON accounting_monthlybalance;
        CREATE TRIGGER monthlybalance_guard BEFORE INSERT OR UPDATE OR DELETE
            ON accounting_monthlybalance
            FOR EACH ROW
            WHEN (current_user <> %1$L
                  OR coalesce(current_setting('accounting.batch', true), '') <> 'on')
            EXECUTE FUNCTION accounting_monthlybalance_guard();
    $f$, current_user);
END
$do$;
