from __future__ import annotations

from django.urls import path

from entrepreneurs import apis, views

urlpatterns = [
    path("", views.home, name="cooperative_home"),
    path("entrepreneurs/", views.entrepreneur_list, name="entrepreneur_list"),
    path(
        "entrepreneurs/<int:entrepreneur_id>/",
        views.entrepreneur_detail,
        name="entrepreneur_detail",
    ),
]

api_urlpatterns = [
    path("entrepreneurs/", apis.EntrepreneurListApi.as_view(), name="api_entrepreneur_list"),
    path(
        "entrepreneurs/<int:entrepreneur_id>/",
        apis.EntrepreneurDetailApi.as_view(),
        name="api_entrepreneur_detail",
    ),
]
