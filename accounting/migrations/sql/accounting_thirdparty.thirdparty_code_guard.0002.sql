-- accounting_code_guard: a third party's code does not change once used.
CREATE TRIGGER thirdparty_code_guard BEFORE UPDATE ON accounting_thirdparty
    FOR EACH ROW EXECUTE FUNCTION accounting_code_guard();
