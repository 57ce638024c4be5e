-- accounting_code_guard: an account's code does not change once used.
CREATE TRIGGER account_code_guard BEFORE UPDATE ON accounting_account
    FOR EACH ROW EXECUTE FUNCTION accounting_code_guard();
