from __future__ import annotations

from django.urls import path

from top.dashboards import apis, views

# Mounted under /c/<cooperative_slug>/.
urlpatterns = [
    path("", views.home, name="cooperative_home"),
    path("setup/dashboard/", views.dashboard_settings, name="setup_dashboard"),
    path("dashboard/portfolio/", views.portfolio, name="dashboard_portfolio"),
    path("dashboard/cooperative/", views.cooperative, name="dashboard_cooperative"),
    path(
        "dashboard/entrepreneurs/<int:entrepreneur_id>/",
        views.entrepreneur,
        name="dashboard_entrepreneur",
    ),
    path(
        "dashboard/entrepreneurs/<int:entrepreneur_id>/reserve/",
        views.reserve_target_set,
        name="dashboard_reserve_target",
    ),
    path("dashboard/forecast/", views.forecast_add, name="forecast_add"),
    path("dashboard/reports/", views.reports, name="dashboard_reports"),
    path(
        "dashboard/reports/<int:snapshot_id>/",
        views.report_download,
        name="dashboard_report_download",
    ),
    path("dashboard/forecast/<int:item_id>/delete/", views.forecast_delete, name="forecast_delete"),
]

# Mounted under /api/v1/c/<cooperative_slug>/.
api_urlpatterns = [
    path(
        "dashboards/entrepreneurs/<int:entrepreneur_id>/",
        apis.EntrepreneurDashboardApi.as_view(),
        name="api_dashboard_entrepreneur",
    ),
    path(
        "dashboards/portfolio/",
        apis.PortfolioDashboardApi.as_view(),
        name="api_dashboard_portfolio",
    ),
    path(
        "dashboards/cooperative/",
        apis.CooperativeDashboardApi.as_view(),
        name="api_dashboard_cooperative",
    ),
]
