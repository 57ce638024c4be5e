-- True when a row names another cooperative than the active one: the row guards then let it
-- through, so that row-level security refuses it (its WITH CHECK runs after BEFORE triggers) and
-- the error says what happened.
CREATE FUNCTION accounting_foreign(cooperative_id bigint) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT cooperative_id IS DISTINCT FROM
           NULLIF(current_setting('app.cooperative_id', true), '')::bigint
$$;
