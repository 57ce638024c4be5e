-- accounting_entry_guard on every entry row, except inside accounting_post_batch (the owner with
-- accounting.batch on), which checks the whole batch itself.
DO $do$
BEGIN
    EXECUTE format($f$
        DROP TRIGGER entry_guard ON accounting_entry;
        CREATE TRIGGER entry_guard BEFORE INSERT OR UPDATE OR DELETE ON accounting_entry
            FOR EACH ROW
            WHEN (current_user <> %1$L
                  OR coalesce(current_setting('accounting.batch', true), '') <> 'on')
            EXECUTE FUNCTION accounting_entry_guard();
    $f$, current_user);
END
$do$;
