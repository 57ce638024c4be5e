"""Pages under /c/<slug>/purchases/ and API under /api/v1/c/<slug>/purchases/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from purchases import apis, views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.purchases_home, name="purchases_home"),
    path("invoices/new/", views.invoice_new, name="purchases_invoice_new"),
    path("invoices/<int:invoice_id>/", views.invoice_detail, name="purchases_invoice_detail"),
    path("invoices/<int:invoice_id>/edit/", views.invoice_edit, name="purchases_invoice_edit"),
    path(
        "invoices/<int:invoice_id>/credit-notes/new/",
        views.credit_note_new,
        name="purchases_credit_note_new",
    ),
    path("invoices/<int:invoice_id>/file/", views.invoice_file, name="purchases_invoice_file"),
    path(
        "invoices/<int:invoice_id>/submit/", views.invoice_submit, name="purchases_invoice_submit"
    ),
    path(
        "invoices/<int:invoice_id>/validate/",
        views.invoice_validate,
        name="purchases_invoice_validate",
    ),
    path(
        "invoices/<int:invoice_id>/refuse/", views.invoice_refuse, name="purchases_invoice_refuse"
    ),
    path(
        "invoices/<int:invoice_id>/dispute/",
        views.invoice_dispute,
        name="purchases_invoice_dispute",
    ),
    path(
        "invoices/<int:invoice_id>/assign/", views.invoice_assign, name="purchases_invoice_assign"
    ),
    path("suppliers/", views.supplier_list, name="purchases_supplier_list"),
    path("expenses/", views.expense_list, name="purchases_expense_list"),
    path("expenses/<int:report_id>/", views.expense_detail, name="purchases_expense_detail"),
    path(
        "expenses/<int:report_id>/lines/",
        views.expense_line_add,
        name="purchases_expense_line_add",
    ),
    path(
        "expenses/<int:report_id>/mileage/",
        views.expense_mileage_add,
        name="purchases_expense_mileage_add",
    ),
    path("expenses/<int:report_id>/submit/", views.expense_submit, name="purchases_expense_submit"),
    path(
        "expenses/<int:report_id>/validate/",
        views.expense_validate,
        name="purchases_expense_validate",
    ),
    path("receipts/<int:line_id>/", views.receipt_download, name="purchases_receipt"),
    path("payments/", views.batch_list, name="purchases_batch_list"),
    path("payments/<int:batch_id>/file/", views.batch_file, name="purchases_batch_file"),
    path("payments/<int:batch_id>/sent/", views.batch_sent, name="purchases_batch_sent"),
    path("routing/", views.routing, name="purchases_routing"),
    path("settings/", views.purchase_settings, name="purchases_settings"),
    path("settings/sync/", views.platform_sync_now, name="purchases_platform_sync"),
]

api_urlpatterns: list[URLPattern | URLResolver] = [
    path("settings/", apis.PurchaseSettingsApi.as_view(), name="api_purchases_settings"),
    path("payments/", apis.PaymentBatchListApi.as_view(), name="api_purchases_batches"),
    path(
        "payments/<int:batch_id>/sent/",
        apis.PaymentBatchSentApi.as_view(),
        name="api_purchases_batch_sent",
    ),
    path("suppliers/", apis.SupplierListApi.as_view(), name="api_purchases_suppliers"),
    path("invoices/", apis.SupplierInvoiceListApi.as_view(), name="api_purchases_invoices"),
    path(
        "invoices/receive/",
        apis.EInvoiceReceiveApi.as_view(),
        name="api_purchases_invoice_receive",
    ),
    path(
        "invoices/<int:invoice_id>/",
        apis.SupplierInvoiceDetailApi.as_view(),
        name="api_purchases_invoice",
    ),
    path(
        "invoices/<int:invoice_id>/credit-notes/",
        apis.CreditNoteCreateApi.as_view(),
        name="api_purchases_credit_notes",
    ),
    path(
        "invoices/<int:invoice_id>/validate/",
        apis.SupplierInvoiceValidateApi.as_view(),
        name="api_purchases_invoice_validate",
    ),
    path(
        "invoices/<int:invoice_id>/refuse/",
        apis.SupplierInvoiceRefuseApi.as_view(),
        name="api_purchases_invoice_refuse",
    ),
    path(
        "invoices/<int:invoice_id>/dispute/",
        apis.SupplierInvoiceDisputeApi.as_view(),
        name="api_purchases_invoice_dispute",
    ),
    path(
        "expense-reports/",
        apis.ExpenseReportListApi.as_view(),
        name="api_purchases_expense_reports",
    ),
    path(
        "expense-reports/<int:report_id>/",
        apis.ExpenseReportDetailApi.as_view(),
        name="api_purchases_expense_report",
    ),
]
