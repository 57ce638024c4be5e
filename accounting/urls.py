from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from accounting import apis, views

# Pages, mounted under /c/<cooperative_slug>/accounting/.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.ledger_home, name="ledger_home"),
    path("trial-balance/", views.trial_balance, name="ledger_trial_balance"),
    path("general-ledger/", views.general_ledger, name="ledger_general_ledger"),
    path("fec/", views.fec_download, name="ledger_fec"),
    path("verify/", views.ledger_verify, name="ledger_verify"),
    path("closing/", views.fiscal_year_closing, name="ledger_closing"),
    path(
        "activities/<int:activity_id>/ledger/",
        views.activity_ledger,
        name="ledger_activity_ledger",
    ),
    path("activities/<int:activity_id>/pnl/", views.activity_pnl, name="ledger_activity_pnl"),
    path(
        "activities/<int:activity_id>/treasury/",
        views.activity_treasury,
        name="ledger_activity_treasury",
    ),
]

# API, mounted under /api/v1/c/<cooperative_slug>/accounting/.
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("trial-balance/", apis.TrialBalanceApi.as_view(), name="api_ledger_trial_balance"),
    path("general-ledger/", apis.GeneralLedgerApi.as_view(), name="api_ledger_general_ledger"),
    path("activities/", apis.ActivityListApi.as_view(), name="api_ledger_activity_list"),
    path(
        "activities/<int:activity_id>/ledger/",
        apis.ActivityLedgerApi.as_view(),
        name="api_ledger_activity_ledger",
    ),
    path(
        "activities/<int:activity_id>/pnl/",
        apis.ActivityPnlApi.as_view(),
        name="api_ledger_activity_pnl",
    ),
    path(
        "activities/<int:activity_id>/treasury/",
        apis.ActivityTreasuryApi.as_view(),
        name="api_ledger_activity_treasury",
    ),
]
