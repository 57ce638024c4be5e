from __future__ import annotations

from django.urls import path

from top.onboarding import apis, views

# Platform pages, outside any cooperative.
urlpatterns = [
    path(
        "platform/cooperatives/",
        views.platform_cooperative_list,
        name="platform_cooperative_list",
    ),
]

# Mounted under /c/<cooperative_slug>/.
tenant_urlpatterns = [
    path("setup/", views.setup, name="setup_checklist"),
    path("setup/history/", views.setup_history, name="setup_history"),
    path("setup/identity/", views.setup_identity, name="setup_identity"),
    path("setup/chart/", views.setup_chart, name="setup_chart"),
    path("setup/accompaniment/", views.setup_accompaniment, name="setup_accompaniment"),
    path("setup/treasury/", views.setup_treasury, name="setup_treasury"),
    path("setup/contribution/", views.setup_contribution, name="setup_contribution"),
    path("funders/", views.funder_statistics, name="funder_statistics"),
    path("imports/", views.import_page, name="import_page"),
    path("imports/<int:import_id>/", views.import_detail, name="import_detail"),
    path("imports/fec/", views.fec_import_page, name="fec_import"),
    # ?kind=entrepreneurs|activities|associates
    path("imports/template/", views.import_template, name="import_template"),
    path("exports/", views.data_export_csv, name="data_export"),
    path(
        "entrepreneurs/<int:entrepreneur_id>/personal-data/",
        views.personal_data_download,
        name="personal_data_download",
    ),
]

# Mounted under /api/v1/c/<cooperative_slug>/.
tenant_api_urlpatterns = [
    path("imports/", apis.ImportListApi.as_view(), name="api_import_list"),
    path("imports/fec/", apis.FecImportApi.as_view(), name="api_fec_import"),
    path("imports/<int:import_id>/", apis.ImportDetailApi.as_view(), name="api_import_detail"),
    path(
        "entrepreneurs/<int:entrepreneur_id>/personal-data/",
        apis.PersonalDataExportApi.as_view(),
        name="api_personal_data_export",
    ),
]
