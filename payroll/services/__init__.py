"""Payroll's writes, by subject: runs (create, compute, validate, PDFs, corrections of a
slip), salaries (proposals and choices), absences and leave, corrections (a new version of an
issued slip with its postings) and the ledger postings. Imports run one way: run_lock and the
ledger first, then absences and salaries, then runs, then corrections."""

from __future__ import annotations

from payroll.services.absences import (
    LeaveMonth,
    LeaveOverview,
    MonthInputs,
    absence_add,
    absence_delete,
    absence_list,
    leave_overview,
    leave_period_start,
    leave_state_before,
    month_data,
    month_inputs,
)
from payroll.services.corrections import (
    payslip_correction_issue,
)
from payroll.services.ledger import (
    payslip_activity,
    payslip_body_credits,
    payslip_payment_post,
    payslip_post,
    payslip_reversal_post,
)
from payroll.services.opening import opening_balance_set
from payroll.services.run_lock import locked_run
from payroll.services.runs import (
    LoadReport,
    legal_parameters_load,
    pay_profile_set,
    payroll_run_create,
    payroll_run_mark_paid,
    payroll_run_start,
    payroll_run_validate,
    payroll_run_validate_finish,
    payroll_run_validate_request,
    payroll_settings_set,
    payslip_correct,
    payslip_draft_compute,
    payslip_issued_notify,
    payslip_pdf_render,
    payslip_pdfs_request,
    run_compute_start,
    run_pdfs_request,
    run_validate,
)
from payroll.services.salaries import (
    main_activity,
    paid_profiles,
    proposal_warning,
    regularisation_budget,
    salary_budget,
    salary_choose,
    salary_proposals_refresh,
    salary_suggestions_accept_all,
)

__all__ = [
    "LeaveMonth",
    "LeaveOverview",
    "LoadReport",
    "MonthInputs",
    "absence_add",
    "absence_delete",
    "absence_list",
    "leave_overview",
    "leave_period_start",
    "leave_state_before",
    "legal_parameters_load",
    "locked_run",
    "main_activity",
    "month_data",
    "month_inputs",
    "opening_balance_set",
    "paid_profiles",
    "pay_profile_set",
    "payroll_run_create",
    "payroll_run_mark_paid",
    "payroll_run_start",
    "payroll_run_validate",
    "payroll_run_validate_finish",
    "payroll_run_validate_request",
    "payroll_settings_set",
    "payslip_activity",
    "payslip_body_credits",
    "payslip_correct",
    "payslip_correction_issue",
    "payslip_draft_compute",
    "payslip_issued_notify",
    "payslip_payment_post",
    "payslip_pdf_render",
    "payslip_pdfs_request",
    "payslip_post",
    "payslip_reversal_post",
    "proposal_warning",
    "regularisation_budget",
    "run_compute_start",
    "run_pdfs_request",
    "run_validate",
    "salary_budget",
    "salary_choose",
    "salary_proposals_refresh",
    "salary_suggestions_accept_all",
]
