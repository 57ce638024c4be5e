"""API base class for tenant endpoints, and the platform-level endpoints of the tenancy core."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from perspectives.core.exceptions import ApplicationError
from perspectives.core.pagination import BoundedLimitOffsetPagination
from perspectives.tenancy import idempotency, jobs
from perspectives.tenancy.models import Cooperative, IdempotencyRecord, Job, Membership
from perspectives.tenancy.permissions import JOB_ROLES, HasRole
from perspectives.tenancy.selectors import membership_list_for_user


class TenantApiView(APIView):
    """Base of every API view under /api/v1/c/<cooperative_slug>/.

    The middleware has already checked membership and entered the cooperative; this base makes the
    membership available and refuses to run when mounted elsewhere. A POST with an
    `Idempotency-Key` header runs once (perspectives.tenancy.idempotency)."""

    # Read by the schema generator: POSTs document the Idempotency-Key header.
    idempotent_posts = True
    _idempotency: IdempotencyRecord | None = None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        membership = getattr(request._request, "membership", None)
        if membership is None or membership.user_id != request.user.pk:
            raise NotFound
        self._idempotency = idempotency.api_claim(request)

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, idempotency.IdempotentReplay):
            return exc.response
        return super().handle_exception(exc)

    def finalize_response(
        self, request: Request, response: Response, *args: Any, **kwargs: Any
    ) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)
        # After an exception the transaction is rolled back, the claim with it.
        if self._idempotency is not None and not connection.needs_rollback:
            idempotency.api_finish(self._idempotency, response)
        return response

    @property
    def membership(self) -> Membership:
        return self.request._request.membership  # type: ignore[attr-defined,no-any-return]

    @property
    def cooperative(self) -> Cooperative:
        return self.membership.cooperative


class PaginatedApiMixin(APIView):
    """For an endpoint whose GET answers a page of a list (`?limit=`, `?offset=`, bounded by
    BoundedLimitOffsetPagination): `class XListApi(PaginatedApiMixin, TenantApiView)`. The
    schema then documents the parameters and the page."""

    pagination_class = BoundedLimitOffsetPagination

    def paginated_response(
        self,
        queryset: QuerySet[Any],
        serializer_class: type[serializers.BaseSerializer[Any]],
        context: dict[str, Any] | None = None,
    ) -> Response:
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        data = serializer_class(page, many=True, context=context or {}).data
        return paginator.get_paginated_response(data)


class CooperativeOutputSerializer(serializers.Serializer[Any]):
    slug = serializers.CharField(source="cooperative.slug")
    name = serializers.CharField(source="cooperative.name")
    roles = serializers.ListField(child=serializers.CharField())


class CooperativeListApi(APIView):
    @extend_schema(responses=CooperativeOutputSerializer(many=True), summary="My cooperatives")
    def get(self, request: Request) -> Response:
        memberships = membership_list_for_user(user=request.user)  # type: ignore[arg-type]
        return Response(CooperativeOutputSerializer(memberships, many=True).data)


class MembershipMeApi(TenantApiView):
    class OutputSerializer(serializers.Serializer[Any]):
        cooperative = serializers.CharField(source="cooperative.slug")
        cooperative_name = serializers.CharField(source="cooperative.name")
        email = serializers.EmailField(source="user.email")
        roles = serializers.ListField(child=serializers.CharField())

    @extend_schema(responses=OutputSerializer, summary="My membership of this cooperative")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return Response(self.OutputSerializer(self.membership).data)


class JobOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    task = serializers.CharField()
    title = serializers.SerializerMethodField()
    kwargs = serializers.JSONField()
    state = serializers.CharField()
    attempts = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    sent_at = serializers.DateTimeField(allow_null=True)
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    error = serializers.CharField()

    def get_title(self, job: Job) -> str:
        return jobs.job_label(job)


class JobListApi(TenantApiView):
    permission_classes = [HasRole.of(*JOB_ROLES)]

    @extend_schema(responses=JobOutputSerializer(many=True), summary="Background jobs")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return Response(JobOutputSerializer(jobs.job_list(), many=True).data)


class JobRetryApi(TenantApiView):
    permission_classes = [HasRole.of(*JOB_ROLES)]

    @extend_schema(request=None, responses=JobOutputSerializer, summary="Retry a failed job")
    def post(self, request: Request, cooperative_slug: str, job_id: int) -> Response:
        job = jobs.job_get_for_member(job_id=job_id)
        if job.state != Job.State.FAILED:
            raise ApplicationError(_("Ce travail n'a pas échoué : il n'y a rien à relancer."))
        return Response(JobOutputSerializer(jobs.job_retry(job=job)).data)
