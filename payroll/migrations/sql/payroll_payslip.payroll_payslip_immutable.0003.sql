-- payroll_payslip_immutable before any change or deletion of a payslip.
CREATE TRIGGER payroll_payslip_immutable BEFORE UPDATE OR DELETE ON payroll_payslip
    FOR EACH ROW EXECUTE FUNCTION payroll_payslip_immutable();
