from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from bank import apis, views

# Pages, mounted under /c/<cooperative_slug>/bank/.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.bank_home, name="bank_home"),
    path("accounts/<int:account_id>/", views.bank_account, name="bank_account"),
    path(
        "accounts/<int:account_id>/statements/",
        views.statement_upload,
        name="bank_statement_upload",
    ),
    path("accounts/<int:account_id>/csv-mapping/", views.csv_mapping, name="bank_csv_mapping"),
    path("statements/<int:statement_id>/", views.statement_detail, name="bank_statement"),
    path("lines/<int:line_id>/", views.bank_line, name="bank_line"),
    path("lines/<int:line_id>/reconcile/", views.bank_line_reconcile, name="bank_line_reconcile"),
    path("lines/<int:line_id>/undo/", views.bank_line_undo, name="bank_line_undo"),
    path("rules/", views.rule_list, name="bank_rules"),
    path("vat/", views.vat_return, name="bank_vat_return"),
    path("entries/", views.entry_new, name="bank_entry_new"),
    path("entries/<int:entry_id>/", views.entry_detail, name="bank_entry"),
    path(
        "entries/<int:entry_id>/attachments/<int:attachment_id>/",
        views.entry_attachment_download,
        name="bank_entry_attachment",
    ),
    path(
        "entries/<int:entry_id>/attachments/<int:attachment_id>/delete/",
        views.entry_attachment_delete,
        name="bank_entry_attachment_delete",
    ),
    path("entry-templates/", views.entry_template_list, name="bank_entry_templates"),
    path(
        "entry-templates/<int:template_id>/",
        views.entry_template_edit,
        name="bank_entry_template",
    ),
    path(
        "entries/<int:entry_id>/validate/",
        views.entry_action,
        {"action": "validate"},
        name="bank_entry_validate",
    ),
    path(
        "entries/<int:entry_id>/reverse/",
        views.entry_action,
        {"action": "reverse"},
        name="bank_entry_reverse",
    ),
]

# API, mounted under /api/v1/c/<cooperative_slug>/bank/.
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("accounts/", apis.BankAccountListApi.as_view(), name="api_bank_account_list"),
    path(
        "accounts/<int:account_id>/statements/",
        apis.StatementListApi.as_view(),
        name="api_bank_statement_list",
    ),
    path(
        "accounts/<int:account_id>/lines/",
        apis.BankLineListApi.as_view(),
        name="api_bank_line_list",
    ),
    path(
        "accounts/<int:account_id>/csv-mapping/",
        apis.CsvMappingApi.as_view(),
        name="api_bank_csv_mapping",
    ),
    path(
        "accounts/<int:account_id>/csv-mapping/preview/",
        apis.CsvPreviewApi.as_view(),
        name="api_bank_csv_preview",
    ),
    path(
        "lines/<int:line_id>/suggestions/",
        apis.BankLineSuggestionsApi.as_view(),
        name="api_bank_line_suggestions",
    ),
    path(
        "lines/<int:line_id>/reconcile/",
        apis.BankLineReconcileApi.as_view(),
        name="api_bank_line_reconcile",
    ),
    path("lines/<int:line_id>/undo/", apis.BankLineUndoApi.as_view(), name="api_bank_line_undo"),
    path("entries/", apis.EntryCreateApi.as_view(), name="api_bank_entry_create"),
    path(
        "entries/<int:entry_id>/attachments/",
        apis.EntryAttachmentListApi.as_view(),
        name="api_bank_entry_attachments",
    ),
    path(
        "entries/<int:entry_id>/attachments/<int:attachment_id>/",
        apis.EntryAttachmentDetailApi.as_view(),
        name="api_bank_entry_attachment",
    ),
    path(
        "entry-templates/",
        apis.EntryTemplateListApi.as_view(),
        name="api_bank_entry_template_list",
    ),
    path(
        "entry-templates/<int:template_id>/",
        apis.EntryTemplateDetailApi.as_view(),
        name="api_bank_entry_template",
    ),
    path(
        "entry-templates/<int:template_id>/entries/",
        apis.EntryTemplateApplyApi.as_view(),
        name="api_bank_entry_template_apply",
    ),
    path(
        "entries/<int:entry_id>/validate/",
        apis.EntryActionApi.as_view(action="validate"),
        name="api_bank_entry_validate",
    ),
    path(
        "entries/<int:entry_id>/reverse/",
        apis.EntryActionApi.as_view(action="reverse"),
        name="api_bank_entry_reverse",
    ),
]
