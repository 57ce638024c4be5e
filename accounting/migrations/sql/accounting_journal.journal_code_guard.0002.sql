-- accounting_code_guard: a journal's code and exemption do not change once used.
CREATE TRIGGER journal_code_guard BEFORE UPDATE ON accounting_journal
    FOR EACH ROW EXECUTE FUNCTION accounting_code_guard();
