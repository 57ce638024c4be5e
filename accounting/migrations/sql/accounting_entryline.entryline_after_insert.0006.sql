-- accounting_entryline_after_insert once per INSERT statement on lines, except inside
-- accounting_post_batch, which checks its lines itself.
DO $do$
BEGIN
    EXECUTE format($f$
        DROP TRIGGER entryline_after_insert ON accounting_entryline;
        CREATE TRIGGER entryline_after_insert AFTER INSERT ON accounting_entryline
            REFERENCING NEW TABLE AS new_lines
            FOR EACH STATEMENT
            WHEN (current_user <> %1$L
                  OR coalesce(current_setting('accounting.batch', true), '') <> 'on')
            EXECUTE FUNCTION accounting_entryline_after_insert();
    $f$, current_user);
END
$do$;
