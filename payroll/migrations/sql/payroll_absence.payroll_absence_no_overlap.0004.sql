-- payroll_absence_no_overlap before an absence is recorded or changed.
CREATE TRIGGER payroll_absence_no_overlap BEFORE INSERT OR UPDATE ON payroll_absence
    FOR EACH ROW EXECUTE FUNCTION payroll_absence_no_overlap();
