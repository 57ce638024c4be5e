-- Every ledger rule fails through this: a French message with SQLSTATE 23514 (check_violation),
-- which Django raises as IntegrityError and the services show to people.
CREATE FUNCTION accounting_fail(message text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = message, ERRCODE = 'check_violation';
END
$$;
