from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from governance import apis, views
from governance.services.steps import STEPS

A = "assemblies/<int:assembly_id>/"
R = A + "resolutions/<int:resolution_id>/"
D = A + "documents/<int:document_id>/"

# Pages, mounted under /c/<cooperative_slug>/governance/.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.assembly_list, name="governance_assembly_list"),
    path("me/", views.my_governance, name="governance_me"),
    path("register/", views.associate_register, name="governance_register"),
    path(
        "register/<int:associate_id>/convocation/",
        views.associate_convocation,
        name="governance_associate_convocation",
    ),
    path("register/applications/", views.admission_new, name="governance_admission_new"),
    path(
        "admissions/<int:application_id>/decision/",
        views.admission_decision,
        name="governance_admission_decision",
    ),
    path(
        "admissions/<int:application_id>/subscription/",
        views.admission_subscribe,
        name="governance_admission_subscribe",
    ),
    path("register/<int:associate_id>/shares/", views.shares_add, name="governance_shares_add"),
    path(
        "register/<int:associate_id>/exit/", views.associate_exit, name="governance_associate_exit"
    ),
    path("register/<int:associate_id>/refund/", views.share_refund, name="governance_share_refund"),
    path(
        "subscriptions/<int:subscription_id>/payment/",
        views.share_payment,
        name="governance_share_payment",
    ),
    path(
        "admissions/<int:application_id>/automatic/",
        views.admission_automatic,
        name="governance_admission_automatic",
    ),
    path("statutes/", views.statutes, name="governance_statutes"),
    path("statutes/preset/", views.statutes_preset, name="governance_statutes_preset"),
    path("statutes/terms/", views.statutes_terms, name="governance_statutes_terms"),
    path("statutes/rules/<int:rule_id>/", views.statutes_rule, name="governance_statutes_rule"),
    path("statutes/sign-off/", views.statutes_sign_off, name="governance_statutes_sign_off"),
    path("statutes/colleges/", views.statutes_colleges, name="governance_statutes_colleges"),
    path("assemblies/new/", views.assembly_new, name="governance_assembly_new"),
    path("consultations/new/", views.consultation_new, name="governance_consultation_new"),
    path(A, views.assembly_detail, name="governance_assembly"),
    path(A + "quorum/", views.assembly_quorum, name="governance_assembly_quorum"),
    path(A + "proxy/", views.proxy_give, name="governance_proxy"),
    path(A + "secret-code/", views.secret_code_send, name="governance_secret_code"),
    path(A + "proxy/revoke/", views.proxy_withdraw, name="governance_proxy_revoke"),
    path(A + "resolutions/new/", views.resolution_new, name="governance_resolution_new"),
    path(A + "convene/", views.assembly_convene, name="governance_assembly_convene"),
    path(A + "open/", views.assembly_open, name="governance_assembly_open"),
    path(A + "send/", views.consultation_send, name="governance_consultation_send"),
    path(A + "answer/", views.consultation_answer, name="governance_consultation_answer"),
    path(A + "close/", views.assembly_close, name="governance_assembly_close"),
    path(A + "attendance/", views.attendance_add, name="governance_attendance"),
    path(A + "minutes/", views.minutes, name="governance_minutes"),
    path(A + "letters/", views.letters, name="governance_letters"),
    path(A + "letters/posted/", views.letters_posted, name="governance_letters_posted"),
    path(A + "receipts/", views.receipt, name="governance_receipt"),
    path(A + "remote-session/", views.remote_session, name="governance_remote_session"),
    path(A + "deadline/", views.consultation_deadline, name="governance_deadline"),
    path(A + "documents/", views.document_add, name="governance_document_add"),
    path(D, views.document_download, name="governance_document"),
    path(D + "remove/", views.document_remove, name="governance_document_remove"),
    path(R + "vote/", views.vote, name="governance_vote"),
    path(R + "open/", views.resolution_open, name="governance_resolution_open"),
    path(R + "close/", views.resolution_close, name="governance_resolution_close"),
    path(R + "room/", views.resolution_room_counts, name="governance_resolution_room"),
    path(R + "candidacies/", views.candidacy_add, name="governance_candidacy_add"),
    path(
        R + "candidacies/withdraw/",
        views.candidacy_withdraw,
        name="governance_candidacy_withdraw",
    ),
    path(R + "amendments/", views.amendment_add, name="governance_amendment_add"),
]

# API, mounted under /api/v1/c/<cooperative_slug>/governance/.
api_urlpatterns: list[URLPattern | URLResolver] = [
    path("associates/", apis.AssociateListApi.as_view(), name="api_governance_associates"),
    path(
        "associates/<int:associate_id>/convocation/",
        apis.AssociateConvocationApi.as_view(),
        name="api_governance_associate_convocation",
    ),
    path(
        "admissions/<int:application_id>/automatic/",
        apis.AdmissionAutomaticApi.as_view(),
        name="api_governance_admission_automatic",
    ),
    path("statutes/", apis.StatuteProfileApi.as_view(), name="api_governance_statutes"),
    path(
        "statutes/rules/<int:rule_id>/",
        apis.StatuteRuleApi.as_view(),
        name="api_governance_statute_rule",
    ),
    path(
        "statutes/sign-off/",
        apis.StatuteSignOffApi.as_view(),
        name="api_governance_statutes_sign_off",
    ),
    path(
        "statutes/preset/", apis.StatutePresetApi.as_view(), name="api_governance_statutes_preset"
    ),
    path(
        A + "convocations/",
        apis.ConvocationRecordApi.as_view(),
        name="api_governance_convocations",
    ),
    path(
        A + "convocations/letters/",
        apis.LettersPostedApi.as_view(),
        name="api_governance_letters_posted",
    ),
    path(
        A + "convocations/<int:dispatch_id>/receipt/",
        apis.ReceiptApi.as_view(),
        name="api_governance_receipt",
    ),
    path(
        A + "remote-session/",
        apis.RemoteSessionApi.as_view(),
        name="api_governance_remote_session",
    ),
    path(A + "deadline/", apis.DeadlineApi.as_view(), name="api_governance_deadline"),
    path("assemblies/", apis.AssemblyListApi.as_view(), name="api_governance_assemblies"),
    path(A, apis.AssemblyDetailApi.as_view(), name="api_governance_assembly"),
    path(A + "proxies/", apis.ProxyGrantApi.as_view(), name="api_governance_proxy_grant"),
    path(A + "secret-code/", apis.SecretCodeApi.as_view(), name="api_governance_secret_code"),
    path(R + "votes/", apis.VoteCastApi.as_view(), name="api_governance_vote"),
    path(A + "answers/", apis.ConsultationAnswerApi.as_view(), name="api_governance_answers"),
    path(R + "amendments/", apis.AmendmentProposeApi.as_view(), name="api_governance_amendment"),
    *(
        path(
            A + f"{step}/",
            apis.AssemblyStepApi.as_view(),
            {"step": step},
            name=f"api_governance_assembly_{step}",
        )
        for step in STEPS
    ),
    *(
        path(
            R + f"{step}/",
            apis.ResolutionStepApi.as_view(),
            {"step": step},
            name=f"api_governance_resolution_{step}",
        )
        for step in ("open", "close")
    ),
]
