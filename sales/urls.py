from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from sales import apis, einvoicing_apis, einvoicing_views, public_views, views

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
    path("receivables/", views.receivables, name="sales_receivables"),
    path(
        "documents/<int:sales_document_id>/einvoice/",
        einvoicing_views.document_einvoice,
        name="sales_document_einvoice",
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
        "documents/<int:sales_document_id>/pdf/",
        apis.DocumentPdfApi.as_view(),
        name="sales_api_pdf",
    ),
    path("receivables/", apis.ReceivablesApi.as_view(), name="sales_api_receivables"),
    path(
        "documents/<int:sales_document_id>/einvoicing/",
        einvoicing_apis.DocumentEInvoicingApi.as_view(),
        name="sales_api_einvoicing",
    ),
]

# The customer's page behind a quote's signed link, mounted under /quotes/.
public_urlpatterns: list[URLPattern | URLResolver] = [
    path("<str:token>/", public_views.quote_public, name="sales_quote_public"),
]
