from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sales import (
    apis,
    einvoicing_apis,
    einvoicing_views,
    ereporting_apis,
    ereporting_views,
    public_views,
    views,
)

# Pages, mounted under /c/<cooperative_slug>/sales/.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.sales_home, name="sales_home"),
    path("customers/", views.customer_list, name="sales_customers"),
    path("customers/new/", views.customer_create, name="sales_customer_create"),
    path("customers/<int:customer_id>/", views.customer_detail, name="sales_customer"),
    path("products/", views.product_list, name="sales_products"),
    path("documents/new/", views.document_create, name="sales_document_create"),
    path("documents/<int:sales_document_id>/", views.document_detail, name="sales_document"),
    path(
        "documents/<int:sales_document_id>/action/",
        views.document_action,
        name="sales_document_action",
    ),
    path("documents/<int:sales_document_id>/pdf/", views.document_pdf, name="sales_document_pdf"),
    path(
        "documents/<int:sales_document_id>/email/",
        views.document_email,
        name="sales_document_email",
    ),
    path("receivables/", views.receivables, name="sales_receivables"),
    path("approvals/", views.approvals, name="sales_approvals"),
    path("reminders/", views.reminders_page, name="sales_reminders"),
    path("numbering/", views.numbering, name="sales_numbering"),
    path("numbering/<int:sector_id>/", views.sector_series_edit, name="sales_sector_series"),
    path("reminders/steps/", views.reminder_steps_edit, name="sales_reminder_steps"),
    path("validation-rules/", views.validation_rules, name="sales_validation_rules"),
    path("branding/", views.branding_list, name="sales_branding_list"),
    path("branding/<int:activity_id>/", views.branding_edit, name="sales_branding"),
    path("branding/<int:activity_id>/logo/", views.branding_logo, name="sales_branding_logo"),
    path(
        "validation-rules/<int:activity_id>/",
        views.validation_rule_edit,
        name="sales_validation_rule_edit",
    ),
    path(
        "documents/<int:sales_document_id>/einvoice/",
        einvoicing_views.document_einvoice,
        name="sales_document_einvoice",
    ),
    path("ereports/", ereporting_views.ereport_list, name="sales_ereports"),
    path(
        "ereports/<str:kind>/<str:start>/retry/",
        ereporting_views.ereport_retry_view,
        name="sales_ereport_retry",
    ),
    path(
        "unmatched-statuses/",
        ereporting_views.unmatched_status_list,
        name="sales_unmatched_statuses",
    ),
]

# API, mounted under /api/v1/c/<cooperative_slug>/sales/.
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("customers/", apis.CustomerListApi.as_view(), name="sales_api_customers"),
    path(
        "customers/<int:customer_id>/",
        apis.CustomerDetailApi.as_view(),
        name="sales_api_customer",
    ),
    path("products/", apis.ProductListApi.as_view(), name="sales_api_products"),
    path("documents/", apis.DocumentListApi.as_view(), name="sales_api_documents"),
    path(
        "documents/<int:sales_document_id>/",
        apis.DocumentDetailApi.as_view(),
        name="sales_api_document",
    ),
    path(
        "documents/<int:sales_document_id>/validate/",
        apis.DocumentValidateApi.as_view(),
        name="sales_api_document_validate",
    ),
    path(
        "documents/<int:sales_document_id>/quote-action/",
        apis.QuoteActionApi.as_view(),
        name="sales_api_quote_action",
    ),
    path(
        "documents/<int:sales_document_id>/credit-note/",
        apis.CreditNoteApi.as_view(),
        name="sales_api_credit_note",
    ),
    path(
        "documents/<int:sales_document_id>/payments/",
        apis.PaymentListApi.as_view(),
        name="sales_api_payments",
    ),
    path(
        "documents/<int:sales_document_id>/retention-release/",
        apis.RetentionReleaseApi.as_view(),
        name="sales_api_retention_release",
    ),
    path(
        "documents/<int:sales_document_id>/pdf/",
        apis.DocumentPdfApi.as_view(),
        name="sales_api_pdf",
    ),
    path(
        "documents/<int:sales_document_id>/emails/",
        apis.DocumentEmailListApi.as_view(),
        name="sales_api_document_emails",
    ),
    path(
        "documents/<int:sales_document_id>/emails/retry/",
        apis.DocumentEmailRetryApi.as_view(),
        name="sales_api_document_email_retry",
    ),
    path(
        "documents/<int:sales_document_id>/approval/",
        apis.DocumentApprovalApi.as_view(),
        name="sales_api_document_approval",
    ),
    path("receivables/", apis.ReceivablesApi.as_view(), name="sales_api_receivables"),
    path("approvals/", apis.ApprovalListApi.as_view(), name="sales_api_approvals"),
    path("reminders/", apis.ReminderListApi.as_view(), name="sales_api_reminders"),
    path("numbering/", apis.NumberingApi.as_view(), name="sales_api_numbering"),
    path(
        "numbering/<int:sector_id>/",
        apis.SectorSeriesApi.as_view(),
        name="sales_api_sector_series",
    ),
    path("reminders/steps/", apis.ReminderStepsApi.as_view(), name="sales_api_reminder_steps"),
    path(
        "documents/<int:sales_document_id>/reminders/",
        apis.InvoiceRemindApi.as_view(),
        name="sales_api_invoice_remind",
    ),
    path("branding/<int:activity_id>/", apis.BrandingApi.as_view(), name="sales_api_branding"),
    path(
        "validation-rules/", apis.ValidationRuleListApi.as_view(), name="sales_api_validation_rules"
    ),
    path(
        "validation-rules/<int:activity_id>/",
        apis.ValidationRuleApi.as_view(),
        name="sales_api_validation_rule",
    ),
    path(
        "documents/<int:sales_document_id>/einvoicing/",
        einvoicing_apis.DocumentEInvoicingApi.as_view(),
        name="sales_api_einvoicing",
    ),
    path("ereports/", ereporting_apis.EReportListApi.as_view(), name="sales_api_ereports"),
    path(
        "ereports/<str:kind>/<str:start>/retry/",
        ereporting_apis.EReportRetryApi.as_view(),
        name="sales_api_ereport_retry",
    ),
    path(
        "unmatched-statuses/",
        ereporting_apis.UnmatchedStatusListApi.as_view(),
        name="sales_api_unmatched_statuses",
    ),
]

# The customer's page behind a quote's signed link, mounted under /quotes/.
public_urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:token>/", public_views.quote_public, name="sales_quote_public"),
]
