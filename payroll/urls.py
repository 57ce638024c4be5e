from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from payroll import apis, run_views, views

# Pages, mounted under /c/<cooperative_slug>/payroll/.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.payroll_home, name="payroll_home"),
    path("runs/", views.run_create, name="payroll_run_create"),
    path("runs/<int:run_id>/", views.run_detail, name="payroll_run_detail"),
    path("runs/<int:run_id>/action/", views.run_action, name="payroll_run_action"),
    path(
        "runs/<int:run_id>/journal.csv",
        views.run_export,
        {"kind": "journal"},
        name="payroll_run_journal",
    ),
    path(
        "runs/<int:run_id>/contributions.csv",
        views.run_export,
        {"kind": "contributions"},
        name="payroll_run_contributions",
    ),
    path(
        "runs/<int:run_id>/journal.pdf",
        views.run_export,
        {"kind": "journal", "fmt": "pdf"},
        name="payroll_run_journal_pdf",
    ),
    path(
        "runs/<int:run_id>/contributions.pdf",
        views.run_export,
        {"kind": "contributions", "fmt": "pdf"},
        name="payroll_run_contributions_pdf",
    ),
    path("payslips/<int:payslip_id>/", views.payslip_detail, name="payroll_payslip_detail"),
    path("payslips/<int:payslip_id>/pdf/", views.payslip_pdf, name="payroll_payslip_pdf"),
    path(
        "payslips/<int:payslip_id>/correct/",
        views.payslip_correct,
        name="payroll_payslip_correct",
    ),
    path("simulator/", views.simulator, name="payroll_simulator"),
    path("settings/", views.settings_edit, name="payroll_settings"),
    path("my-rights/", views.my_rights, name="payroll_my_rights"),
]

# Preparing a run and the entrepreneur's leave.
urlpatterns += [
    path("runs/<int:run_id>/salaries/", run_views.run_salaries, name="payroll_run_salaries"),
    path(
        "runs/<int:run_id>/entrepreneurs/<int:entrepreneur_id>/absences/",
        run_views.run_absences,
        name="payroll_run_absences",
    ),
    path("my-leave/", run_views.my_leave, name="payroll_my_leave"),
    path("profiles/", run_views.profile_list, name="payroll_profile_list"),
    path(
        "opening-balances/",
        run_views.opening_balance_list,
        name="payroll_opening_balance_list",
    ),
    path("profiles/<int:entrepreneur_id>/", run_views.profile_edit, name="payroll_profile_edit"),
]

# API, mounted under /api/v1/c/<cooperative_slug>/payroll/.
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("runs/", apis.RunListApi.as_view(), name="payroll_api_runs"),
    path("runs/<int:run_id>/", apis.RunDetailApi.as_view(), name="payroll_api_run"),
    path(
        "runs/<int:run_id>/compute/", apis.RunComputeApi.as_view(), name="payroll_api_run_compute"
    ),
    path(
        "runs/<int:run_id>/validate/",
        apis.RunValidateApi.as_view(),
        name="payroll_api_run_validate",
    ),
    path(
        "runs/<int:run_id>/mark-paid/",
        apis.RunMarkPaidApi.as_view(),
        name="payroll_api_run_mark_paid",
    ),
    path("payslips/", apis.PayslipListApi.as_view(), name="payroll_api_payslips"),
    path("payslips/<int:payslip_id>/", apis.PayslipDetailApi.as_view(), name="payroll_api_payslip"),
    path(
        "payslips/<int:payslip_id>/pdf/",
        apis.PayslipPdfApi.as_view(),
        name="payroll_api_payslip_pdf",
    ),
    path(
        "payslips/<int:payslip_id>/correct/",
        apis.PayslipCorrectApi.as_view(),
        name="payroll_api_payslip_correct",
    ),
    path("simulate/", apis.SimulateApi.as_view(), name="payroll_api_simulate"),
]
