from __future__ import annotations

from django.urls import path

from perspectives.tenancy import apis, views

# Mounted under /c/<cooperative_slug>/.
tenant_urlpatterns = [
    path("members/", views.member_list, name="member_list"),
    path("members/<int:membership_id>/remove/", views.membership_remove, name="membership_remove"),
    path(
        "invitations/<int:invitation_id>/revoke/", views.invitation_revoke, name="invitation_revoke"
    ),
    path("jobs/", views.job_list, name="job_list"),
    path("jobs/<int:job_id>/retry/", views.job_retry, name="job_retry"),
]

# Mounted under /api/v1/c/<cooperative_slug>/.
tenant_api_urlpatterns = [
    path("me/", apis.MembershipMeApi.as_view(), name="api_membership_me"),
    path("jobs/", apis.JobListApi.as_view(), name="api_job_list"),
    path("jobs/<int:job_id>/retry/", apis.JobRetryApi.as_view(), name="api_job_retry"),
]

urlpatterns = [
    path("", views.root, name="home"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("healthz", views.healthz, name="healthz"),
    path("api/v1/cooperatives/", apis.CooperativeListApi.as_view(), name="api_cooperative_list"),
]
