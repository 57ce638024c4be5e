"""REST API of the onboarding app (under /api/v1/c/<cooperative_slug>/)."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from entrepreneurs.selectors import entrepreneur_get_for_member
from perspectives.accounts.models import User
from perspectives.tenancy.apis import PaginatedApiMixin, TenantApiView
from perspectives.tenancy.models import Role
from perspectives.tenancy.permissions import HasRole
from top.onboarding.gdpr import personal_data_export
from top.onboarding.imports import runs
from top.onboarding.imports.kinds import ALL_KINDS
from top.onboarding.models import ImportRun


class PersonalDataExportApi(TenantApiView):
    @extend_schema(
        summary="Everything the platform holds about a person (ZIP: JSON and documents)",
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request: Request, cooperative_slug: str, entrepreneur_id: int) -> HttpResponse:
        entrepreneur = entrepreneur_get_for_member(
            membership=self.membership, entrepreneur_id=entrepreneur_id
        )
        if entrepreneur.user_id != self.membership.user_id and not self.membership.has_role(
            Role.MANAGER, Role.ADMIN
        ):
            raise PermissionDenied
        content = personal_data_export(entrepreneur=entrepreneur, by=cast(User, request.user))
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="donnees-personnelles-{entrepreneur.pk}.zip"'
        )
        return response


# --------------------------------------------------------------------------- imports

IMPORT_ROLES = (Role.MANAGER, Role.ADMIN)


class ImportRunOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "OnboardingImportRun"

    id = serializers.IntegerField()
    kind = serializers.CharField()
    filename = serializers.CharField()
    dry_run = serializers.BooleanField()
    state = serializers.CharField()
    total = serializers.IntegerField(help_text="Lignes lues (FEC : lignes d'écritures)")
    created = serializers.IntegerField(help_text="Fiches créées (FEC : écritures importées)")
    updated = serializers.IntegerField(help_text="Fiches déjà connues (FEC : écritures déjà là)")
    refused = serializers.IntegerField(help_text="Lignes refusées (FEC : anomalies)")
    result = serializers.JSONField(help_text="Le détail : chaque ligne refusée et sa raison")
    error = serializers.CharField()
    progress = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField()
    finished_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.ListField(child=serializers.IntegerField(), allow_null=True))
    def get_progress(self, run: ImportRun) -> list[int] | None:
        """[lignes traitées, lignes du fichier] pendant que le travail tourne."""
        if run.state not in (ImportRun.State.PENDING, ImportRun.State.RUNNING):
            return None  # a finished run has its counts: no cache read per row of a list
        progress = runs.import_run_progress(run=run)
        return None if progress is None else list(progress)


def _run_created(request: Request, data: dict[str, Any], kind: str) -> Response:
    run = runs.import_run_create(
        kind=kind,
        data=data["file"].read(),
        filename=data["file"].name or "",
        dry_run=data["dry_run"],
        activity_code=data["activity_code"],
        by=cast(User, request.user),
    )
    # A run left to a worker is accepted, not finished: follow it at its address.
    code = (
        status.HTTP_201_CREATED if run.state == ImportRun.State.DONE else status.HTTP_202_ACCEPTED
    )
    return Response(ImportRunOutputSerializer(run).data, status=code)


class ImportListApi(PaginatedApiMixin, TenantApiView):
    permission_classes = [HasRole.of(*IMPORT_ROLES)]
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "OnboardingImportUpload"

        kind = serializers.ChoiceField(choices=ALL_KINDS)
        file = serializers.FileField(help_text="CSV (; ou ,) ou XLSX, colonnes du modèle")
        activity_code = serializers.CharField(
            required=False, allow_blank=True, default="", max_length=30
        )
        dry_run = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        responses=ImportRunOutputSerializer(many=True), summary="Imports de la coopérative"
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return self.paginated_response(
            ImportRun.objects.select_related("requested_by").defer("data"),
            ImportRunOutputSerializer,
        )

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: ImportRunOutputSerializer, 202: ImportRunOutputSerializer},
        summary="Importer un fichier",
        description=(
            "Tout ou rien : si une ligne est refusée, rien n'est écrit et chaque refus est "
            "listé avec sa ligne et sa raison en français. Un petit fichier est importé tout "
            "de suite (201) ; un grand l'est par un travail en arrière-plan (202), à suivre "
            "sur l'adresse de l'import."
        ),
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _run_created(request, serializer.validated_data, serializer.validated_data["kind"])


class FecImportApi(TenantApiView):
    permission_classes = [HasRole.of(*IMPORT_ROLES)]
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "OnboardingFecUpload"

        file = serializers.FileField(help_text="FEC nommé SirenFECAAAAMMJJ (| ou tabulation)")
        activity_code = serializers.CharField(
            required=False,
            allow_blank=True,
            default="",
            max_length=30,
            help_text="L'activité des écritures sans section analytique (sinon : la structure)",
        )
        dry_run = serializers.BooleanField(required=False, default=False)

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: ImportRunOutputSerializer, 202: ImportRunOutputSerializer},
        summary="Importer l'historique comptable (FEC)",
        description=(
            "Le fichier est contrôlé (A47 A-1), chaque écriture vérifiée, puis tout est écrit "
            "ou rien. Le même fichier importé deux fois n'ajoute rien."
        ),
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return _run_created(request, serializer.validated_data, runs.FEC_KIND)


class ImportDetailApi(TenantApiView):
    permission_classes = [HasRole.of(*IMPORT_ROLES)]

    @extend_schema(
        responses=ImportRunOutputSerializer, summary="Un import, son état et son résultat"
    )
    def get(self, request: Request, cooperative_slug: str, import_id: int) -> Response:
        run = get_object_or_404(ImportRun.objects.defer("data"), pk=import_id)
        return Response(ImportRunOutputSerializer(run).data)
