"""REST API of the entrepreneurs app (under /api/v1/c/<cooperative_slug>/)."""

from __future__ import annotations

from typing import Any

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from entrepreneurs import selectors, services
from entrepreneurs.models import Appointment, Entrepreneur, Note, PathStep
from entrepreneurs.permissions import ACCOMPANIMENT_ROLES, sees_accompaniment, sees_personal_data
from perspectives.tenancy.apis import PaginatedApiMixin, TenantApiView
from perspectives.tenancy.permissions import HasRole


class EntrepreneurOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    first_name = serializers.CharField()
    last_name = serializers.CharField()
    email = serializers.EmailField(
        allow_null=True, help_text="Only for the person, their referent and managers"
    )
    sector = serializers.CharField(source="sector.name")
    stage = serializers.CharField()
    cesa_start = serializers.DateField(allow_null=True)
    associate_since = serializers.DateField(allow_null=True)
    associate_deadline = serializers.SerializerMethodField()

    def to_representation(self, instance: Entrepreneur) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        membership = self.context.get("membership")
        if membership is None or not sees_personal_data(membership, instance):
            data["email"] = None
        return data

    def get_associate_deadline(self, entrepreneur: Entrepreneur) -> str | None:
        deadline = services.associate_deadline(
            cesa_start=entrepreneur.cesa_start, cape_days=entrepreneur.cape_days
        )
        return deadline.isoformat() if deadline else None


class EntrepreneurListApi(PaginatedApiMixin, TenantApiView):
    @extend_schema(
        responses=EntrepreneurOutputSerializer(many=True),
        summary="Entrepreneurs (staff: all files; an entrepreneur: their own)",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        queryset = selectors.entrepreneur_list_visible(membership=self.membership)
        return self.paginated_response(
            queryset, EntrepreneurOutputSerializer, context={"membership": self.membership}
        )


class _FileApi(TenantApiView):
    def entrepreneur(self, entrepreneur_id: int) -> Entrepreneur:
        return selectors.entrepreneur_get_for_member(
            membership=self.membership, entrepreneur_id=entrepreneur_id
        )


class EntrepreneurDetailApi(_FileApi):
    @extend_schema(responses=EntrepreneurOutputSerializer, summary="One entrepreneur's file")
    def get(self, request: Request, cooperative_slug: str, entrepreneur_id: int) -> Response:
        entrepreneur = self.entrepreneur(entrepreneur_id)
        serializer = EntrepreneurOutputSerializer(
            entrepreneur, context={"membership": self.membership}
        )
        return Response(serializer.data)


class EntrepreneurTimelineApi(_FileApi):
    class OutputSerializer(serializers.Serializer[Any]):
        when = serializers.DateTimeField()
        kind = serializers.CharField()
        title = serializers.CharField()
        detail = serializers.CharField()

    @extend_schema(
        responses=OutputSerializer(many=True),
        summary="Every event of a file, newest first (staff-only notes only for staff)",
    )
    def get(self, request: Request, cooperative_slug: str, entrepreneur_id: int) -> Response:
        events = selectors.entrepreneur_timeline(
            entrepreneur=self.entrepreneur(entrepreneur_id), membership=self.membership
        )
        return Response(self.OutputSerializer(events, many=True).data)


class NoteListApi(PaginatedApiMixin, _FileApi):
    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        visibility = serializers.CharField()
        body = serializers.CharField()
        author = serializers.CharField(allow_null=True)
        appointment = serializers.IntegerField(source="appointment_id", allow_null=True)
        created_at = serializers.DateTimeField()

    class InputSerializer(serializers.Serializer[Any]):
        body = serializers.CharField()
        visibility = serializers.ChoiceField(choices=Note.Visibility.choices)

    @extend_schema(responses=OutputSerializer(many=True), summary="Notes the reader may see")
    def get(self, request: Request, cooperative_slug: str, entrepreneur_id: int) -> Response:
        notes = selectors.notes_visible(
            membership=self.membership, entrepreneur=self.entrepreneur(entrepreneur_id)
        )
        return self.paginated_response(notes, self.OutputSerializer)

    @extend_schema(request=InputSerializer, responses={201: OutputSerializer}, summary="Add a note")
    def post(self, request: Request, cooperative_slug: str, entrepreneur_id: int) -> Response:
        entrepreneur = self.entrepreneur(entrepreneur_id)  # the 404 comes before any validation
        if not sees_accompaniment(self.membership):
            raise Http404
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        note = services.note_add(
            entrepreneur=entrepreneur,
            author=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(self.OutputSerializer(note).data, status=status.HTTP_201_CREATED)


class AppointmentCreateApi(_FileApi):
    permission_classes = [HasRole.of(*ACCOMPANIMENT_ROLES)]

    class InputSerializer(serializers.Serializer[Any]):
        starts_at = serializers.DateTimeField()
        duration_minutes = serializers.IntegerField(min_value=5, max_value=600)
        mode = serializers.ChoiceField(choices=Appointment.Mode.choices)
        kind = serializers.ChoiceField(choices=Appointment.Kind.choices)
        shared_note = serializers.CharField(required=False, allow_blank=True, default="")
        staff_note = serializers.CharField(required=False, allow_blank=True, default="")

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        starts_at = serializers.DateTimeField()
        duration_minutes = serializers.IntegerField()
        mode = serializers.CharField()
        kind = serializers.CharField()

    @extend_schema(
        request=InputSerializer, responses={201: OutputSerializer}, summary="Record an appointment"
    )
    def post(self, request: Request, cooperative_slug: str, entrepreneur_id: int) -> Response:
        entrepreneur = self.entrepreneur(entrepreneur_id)  # the 404 comes before any validation
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        appointment = services.appointment_create(
            entrepreneur=entrepreneur,
            staff=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(self.OutputSerializer(appointment).data, status=status.HTTP_201_CREATED)


class PathStepCreateApi(_FileApi):
    permission_classes = [HasRole.of(*ACCOMPANIMENT_ROLES)]

    class InputSerializer(serializers.Serializer[Any]):
        kind = serializers.ChoiceField(choices=PathStep.Kind.choices)
        date = serializers.DateField()
        planned_end = serializers.DateField(required=False, allow_null=True, default=None)
        weekly_hours = serializers.DecimalField(
            max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
        )
        fixed_pay = serializers.DecimalField(
            max_digits=10, decimal_places=2, required=False, allow_null=True, default=None
        )
        exit_reason = serializers.ChoiceField(
            choices=PathStep.ExitReason.choices, required=False, allow_blank=True, default=""
        )
        comment = serializers.CharField(required=False, allow_blank=True, default="")

    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        kind = serializers.CharField()
        date = serializers.DateField()

    @extend_schema(
        request=InputSerializer, responses={201: OutputSerializer}, summary="Record a path step"
    )
    def post(self, request: Request, cooperative_slug: str, entrepreneur_id: int) -> Response:
        entrepreneur = self.entrepreneur(entrepreneur_id)  # the 404 comes before any validation
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        step = services.path_step_record(
            entrepreneur=entrepreneur,
            recorded_by=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(self.OutputSerializer(step).data, status=status.HTTP_201_CREATED)


class ActivityListApi(PaginatedApiMixin, TenantApiView):
    class OutputSerializer(serializers.Serializer[Any]):
        class ShareSerializer(serializers.Serializer[Any]):
            entrepreneur = serializers.IntegerField(source="entrepreneur_id")
            share = serializers.DecimalField(max_digits=5, decimal_places=2)

        id = serializers.IntegerField()
        analytic_code = serializers.CharField()
        name = serializers.CharField()
        sector = serializers.CharField(source="sector.name")
        status = serializers.CharField()
        start_date = serializers.DateField()
        end_date = serializers.DateField(allow_null=True)
        members = ShareSerializer(many=True)

    @extend_schema(responses=OutputSerializer(many=True), summary="Activities and pay splits")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        activities = selectors.activity_list(membership=self.membership)
        return self.paginated_response(activities, self.OutputSerializer)


class WorkshopListApi(PaginatedApiMixin, TenantApiView):
    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        title = serializers.CharField()
        starts_at = serializers.DateTimeField()
        ends_at = serializers.DateTimeField()
        place = serializers.CharField()
        link = serializers.CharField()
        capacity = serializers.IntegerField()
        registered = serializers.IntegerField()

    @extend_schema(responses=OutputSerializer(many=True), summary="Workshops")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return self.paginated_response(selectors.workshop_list(), self.OutputSerializer)


class WorkshopRegisterApi(TenantApiView):
    class InputSerializer(serializers.Serializer[Any]):
        entrepreneur = serializers.IntegerField(required=False, help_text="Staff only")

    @extend_schema(request=InputSerializer, responses={201: None}, summary="Register to a workshop")
    def post(self, request: Request, cooperative_slug: str, workshop_id: int) -> Response:
        workshop = selectors.workshop_get(workshop_id=workshop_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        entrepreneur_id = serializer.validated_data.get("entrepreneur")
        if entrepreneur_id and self.membership.has_role(*ACCOMPANIMENT_ROLES):
            entrepreneur = selectors.entrepreneur_get_for_member(
                membership=self.membership, entrepreneur_id=entrepreneur_id
            )
        else:
            found = selectors.entrepreneur_get_for_user(membership=self.membership)
            if found is None:
                raise Http404
            entrepreneur = found
        services.workshop_register(
            workshop=workshop,
            entrepreneur=entrepreneur,
            registered_by=request.user,  # type: ignore[arg-type]
        )
        return Response(status=status.HTTP_201_CREATED)


class DocumentListApi(PaginatedApiMixin, _FileApi):
    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        kind = serializers.CharField()
        title = serializers.CharField()
        expires_on = serializers.DateField(allow_null=True)
        size = serializers.IntegerField()
        download = serializers.SerializerMethodField()

        def get_download(self, document: Any) -> str:
            from django.urls import reverse

            return reverse("document_download", args=[document.cooperative.slug, document.pk])

    @extend_schema(responses=OutputSerializer(many=True), summary="Documents of a file")
    def get(self, request: Request, cooperative_slug: str, entrepreneur_id: int) -> Response:
        documents = self.entrepreneur(entrepreneur_id).documents.select_related("cooperative")
        return self.paginated_response(documents.order_by("-uploaded_at"), self.OutputSerializer)


class ActionListApi(PaginatedApiMixin, _FileApi):
    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        goal = serializers.CharField(source="goal.title")
        title = serializers.CharField()
        due_date = serializers.DateField(allow_null=True)
        status = serializers.CharField()

    @extend_schema(responses=OutputSerializer(many=True), summary="The action plan of a file")
    def get(self, request: Request, cooperative_slug: str, entrepreneur_id: int) -> Response:
        entrepreneur = self.entrepreneur(entrepreneur_id)
        if not (
            sees_accompaniment(self.membership) or entrepreneur.user_id == self.membership.user_id
        ):
            raise Http404
        actions = selectors.actions_for(entrepreneur=entrepreneur).order_by("due_date", "pk")
        return self.paginated_response(actions, self.OutputSerializer)


class SkillDirectoryApi(PaginatedApiMixin, TenantApiView):
    class OutputSerializer(serializers.Serializer[Any]):
        id = serializers.IntegerField()
        title = serializers.CharField()
        description = serializers.CharField()
        keywords = serializers.CharField()
        entrepreneur = serializers.IntegerField(source="entrepreneur_id")
        name = serializers.CharField(source="entrepreneur.__str__")
        sector = serializers.CharField(source="entrepreneur.sector.name")

    @extend_schema(responses=OutputSerializer(many=True), summary="The skills directory")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        offers = selectors.skill_directory(search=request.query_params.get("q", "")[:100])
        return self.paginated_response(offers, self.OutputSerializer)


class CollaborationRequestApi(TenantApiView):
    class InputSerializer(serializers.Serializer[Any]):
        recipients = serializers.ListField(child=serializers.IntegerField(), min_length=1)
        subject = serializers.CharField(max_length=200)
        message = serializers.CharField()

    @extend_schema(request=InputSerializer, responses={201: None}, summary="Propose a joint job")
    def post(self, request: Request, cooperative_slug: str) -> Response:
        sender = selectors.entrepreneur_get_for_user(membership=self.membership)
        if sender is None:
            raise Http404
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.collaboration_request_send(
            sender=sender,
            recipient_ids=serializer.validated_data["recipients"],
            subject=serializer.validated_data["subject"],
            message=serializer.validated_data["message"],
        )
        return Response(status=status.HTTP_201_CREATED)
