from __future__ import annotations

from django.urls import path

from entrepreneurs import apis, views

# Outside /c/<slug>/: a calendar application fetches it with its token, without a session.
feed_urlpatterns = [
    path("agenda/<str:token>.ics", views.agenda_feed, name="agenda_feed"),
]

urlpatterns = [
    path("entrepreneurs/", views.entrepreneur_list, name="entrepreneur_list"),
    path("entrepreneurs/new/", views.entrepreneur_new, name="entrepreneur_new"),
    path("entrepreneurs/referents/", views.referent_assign, name="referent_assign"),
    path("my-file/", views.my_file, name="my_file"),
    path(
        "entrepreneurs/<int:entrepreneur_id>/",
        views.entrepreneur_detail,
        name="entrepreneur_detail",
    ),
    path(
        "entrepreneurs/<int:entrepreneur_id>/edit/",
        views.entrepreneur_edit,
        name="entrepreneur_edit",
    ),
    path(
        "entrepreneurs/<int:entrepreneur_id>/archive/",
        views.entrepreneur_archive,
        name="entrepreneur_archive",
    ),
    path("entrepreneurs/<int:entrepreneur_id>/path/", views.path_step_add, name="path_step_add"),
    path(
        "entrepreneurs/<int:entrepreneur_id>/appointments/",
        views.appointment_add,
        name="appointment_add",
    ),
    path("entrepreneurs/<int:entrepreneur_id>/notes/", views.note_add, name="note_add"),
    path("entrepreneurs/<int:entrepreneur_id>/goals/", views.goal_add, name="goal_add"),
    path("entrepreneurs/<int:entrepreneur_id>/actions/", views.action_add, name="action_add"),
    path("entrepreneurs/<int:entrepreneur_id>/documents/", views.document_add, name="document_add"),
    path("actions/<int:action_id>/status/", views.action_status, name="action_status"),
    path("documents/<int:document_id>/", views.document_download, name="document_download"),
    path("activities/", views.activity_list, name="activity_list"),
    path("activities/new/", views.activity_create, name="activity_create"),
    path("sectors/", views.sector_list, name="sector_list"),
    path("sectors/<int:sector_id>/rename/", views.sector_rename, name="sector_rename"),
    path("activities/<int:activity_id>/", views.activity_detail, name="activity_detail"),
    path("agenda/", views.agenda, name="agenda"),
    path("workshops/", views.workshop_list, name="workshop_list"),
    path("workshops/<int:workshop_id>/", views.workshop_detail, name="workshop_detail"),
    path(
        "workshops/<int:workshop_id>/register/", views.workshop_register, name="workshop_register"
    ),
    path(
        "workshops/<int:workshop_id>/attendance/",
        views.workshop_attendance,
        name="workshop_attendance",
    ),
    path(
        "workshops/<int:workshop_id>/attendance-sheet/",
        views.workshop_attendance_sheet,
        name="workshop_attendance_sheet",
    ),
    path("skills/", views.skill_directory, name="skill_directory"),
]

api_urlpatterns = [
    path("entrepreneurs/", apis.EntrepreneurListApi.as_view(), name="api_entrepreneur_list"),
    path(
        "entrepreneurs/<int:entrepreneur_id>/",
        apis.EntrepreneurDetailApi.as_view(),
        name="api_entrepreneur_detail",
    ),
    path(
        "entrepreneurs/<int:entrepreneur_id>/timeline/",
        apis.EntrepreneurTimelineApi.as_view(),
        name="api_entrepreneur_timeline",
    ),
    path(
        "entrepreneurs/<int:entrepreneur_id>/notes/",
        apis.NoteListApi.as_view(),
        name="api_note_list",
    ),
    path(
        "entrepreneurs/<int:entrepreneur_id>/appointments/",
        apis.AppointmentCreateApi.as_view(),
        name="api_appointment_create",
    ),
    path(
        "entrepreneurs/<int:entrepreneur_id>/path/",
        apis.PathStepCreateApi.as_view(),
        name="api_path_step_create",
    ),
    path(
        "entrepreneurs/<int:entrepreneur_id>/documents/",
        apis.DocumentListApi.as_view(),
        name="api_document_list",
    ),
    path(
        "entrepreneurs/<int:entrepreneur_id>/actions/",
        apis.ActionListApi.as_view(),
        name="api_action_list",
    ),
    path("skills/", apis.SkillDirectoryApi.as_view(), name="api_skill_directory"),
    path(
        "collaboration-requests/",
        apis.CollaborationRequestApi.as_view(),
        name="api_collaboration_request",
    ),
    path("activities/", apis.ActivityListApi.as_view(), name="api_activity_list"),
    path("workshops/", apis.WorkshopListApi.as_view(), name="api_workshop_list"),
    path(
        "workshops/<int:workshop_id>/registrations/",
        apis.WorkshopRegisterApi.as_view(),
        name="api_workshop_register",
    ),
]
