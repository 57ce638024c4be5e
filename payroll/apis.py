"""REST API of the payroll app, under /api/v1/c/<slug>/payroll/: one view per operation, the
same services and access rules as the pages (payroll officers and managers run the payroll; an
entrepreneur sees only their own issued payslips, with the same 404 for anyone else's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from payroll import selectors, services
from payroll.models import PayProfile, PayrollRun, Payslip
from perspectives.core.downloads import private_file
from perspectives.core.fields import MonthField
from perspectives.tenancy.apis import PaginatedApiMixin, TenantApiView
from perspectives.tenancy.permissions import HasRole

PayrollOnly = HasRole.of(*selectors.PAYROLL_ROLES)


class RunOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    period = MonthField(help_text="Mois de paie, AAAA-MM.")
    status = serializers.CharField(
        help_text="draft, computing, computed, validating, validated ou paid."
    )
    expected = serializers.IntegerField(help_text="Bulletins à calculer.")
    computed = serializers.IntegerField(
        help_text="Bulletins mensuels calculés par le dernier calcul lancé."
    )
    issued = serializers.IntegerField(help_text="Bulletins émis.")
    pdf_ready = serializers.IntegerField(help_text="Bulletins émis dont le PDF est prêt.")
    validation_error = serializers.CharField(
        help_text="Raison du dernier refus de validation, vide sinon."
    )
    progress = serializers.SerializerMethodField(help_text="Avancement du calcul, en %.")
    validated_at = serializers.DateTimeField(allow_null=True)
    paid_at = serializers.DateTimeField(allow_null=True)

    def get_progress(self, run: PayrollRun) -> int:
        if run.status == PayrollRun.Status.DRAFT:
            return 0
        if run.status != PayrollRun.Status.COMPUTING or not run.expected:
            return 100
        computed: int = run.computed  # type: ignore[attr-defined]
        return min(100, computed * 100 // run.expected)


class PayslipOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    run_id = serializers.IntegerField()
    entrepreneur_id = serializers.IntegerField()
    entrepreneur = serializers.CharField(source="entrepreneur.__str__")
    period = MonthField()
    kind = serializers.CharField(help_text="monthly ou regularisation.")
    version = serializers.IntegerField(help_text="1, puis 2, 3… pour les bulletins rectificatifs.")
    replaces_id = serializers.IntegerField(
        allow_null=True, help_text="Le bulletin que celui-ci rectifie."
    )
    status = serializers.CharField(help_text="non-cadre ou cadre.")
    gross = serializers.DecimalField(max_digits=10, decimal_places=2)
    net_social = serializers.DecimalField(max_digits=10, decimal_places=2)
    net_before_tax = serializers.DecimalField(max_digits=10, decimal_places=2)
    net_paid = serializers.DecimalField(max_digits=10, decimal_places=2)
    employer_cost = serializers.DecimalField(max_digits=10, decimal_places=2)
    issued_at = serializers.DateTimeField(allow_null=True)
    has_pdf = serializers.SerializerMethodField()

    def get_has_pdf(self, payslip: Payslip) -> bool:
        return bool(payslip.pdf)


class RunListApi(PaginatedApiMixin, TenantApiView):
    permission_classes = [PayrollOnly]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "PayrollRunCreateInput"

        period = MonthField(help_text="Mois de paie, AAAA-MM.")

    @extend_schema(responses=RunOutputSerializer(many=True), summary="Paies mensuelles")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return self.paginated_response(selectors.payroll_run_list(), RunOutputSerializer)

    @extend_schema(
        request=InputSerializer,
        responses={201: RunOutputSerializer},
        summary="Ouvrir la paie d'un mois",
        description="Une paie par mois ; les paramètres légaux et ceux de la coopérative doivent "
        "exister pour ce mois.",
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        run = services.payroll_run_create(
            period=serializer.validated_data["period"],
            created_by=request.user,  # type: ignore[arg-type]
        )
        run = selectors.payroll_run_get_for_member(membership=self.membership, run_id=run.pk)
        return Response(RunOutputSerializer(run).data, status=status.HTTP_201_CREATED)


class RunDetailApi(TenantApiView):
    permission_classes = [PayrollOnly]

    @extend_schema(responses=RunOutputSerializer, summary="Une paie mensuelle et son avancement")
    def get(self, request: Request, cooperative_slug: str, run_id: int) -> Response:
        run = selectors.payroll_run_get_for_member(membership=self.membership, run_id=run_id)
        return Response(RunOutputSerializer(run).data)


class RunComputeApi(TenantApiView):
    permission_classes = [PayrollOnly]

    @extend_schema(
        request=None,
        responses={202: RunOutputSerializer},
        summary="Calculer les bulletins",
        description="Lance le calcul sur les workers (un bulletin par entrepreneur·e) ; relancer "
        "recalcule les brouillons sans jamais les dupliquer. Suivre l'avancement sur le détail.",
    )
    def post(self, request: Request, cooperative_slug: str, run_id: int) -> Response:
        run = selectors.payroll_run_get_for_member(membership=self.membership, run_id=run_id)
        services.run_compute_start(run=run)
        return Response(RunOutputSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunValidateApi(TenantApiView):
    permission_classes = [PayrollOnly]

    @extend_schema(
        request=None,
        responses={202: RunOutputSerializer},
        summary="Valider la paie",
        description="Confie la validation à un worker (état « validating ») : il émet les "
        "bulletins (immuables), les comptabilise et verrouille la période, puis les PDF sont "
        "produits par les workers. Un refus de la comptabilité remet la paie à l'état "
        "« computed » avec sa raison (validation_error). Suivre l'avancement sur le détail.",
    )
    def post(self, request: Request, cooperative_slug: str, run_id: int) -> Response:
        run = selectors.payroll_run_get_for_member(membership=self.membership, run_id=run_id)
        services.run_validate(run=run)
        run = selectors.payroll_run_get_for_member(membership=self.membership, run_id=run_id)
        return Response(RunOutputSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RunMarkPaidApi(TenantApiView):
    permission_classes = [PayrollOnly]

    @extend_schema(
        request=None,
        responses=RunOutputSerializer,
        summary="Marquer la paie comme payée",
        description="Comptabilise le virement de chaque salaire net.",
    )
    def post(self, request: Request, cooperative_slug: str, run_id: int) -> Response:
        run = selectors.payroll_run_get_for_member(membership=self.membership, run_id=run_id)
        services.payroll_run_mark_paid(run_id=run.pk)
        run = selectors.payroll_run_get_for_member(membership=self.membership, run_id=run_id)
        return Response(RunOutputSerializer(run).data)


class PayslipListApi(PaginatedApiMixin, TenantApiView):
    @extend_schema(
        parameters=[
            OpenApiParameter("run", OpenApiTypes.INT, description="Les bulletins d'une paie.")
        ],
        responses=PayslipOutputSerializer(many=True),
        summary="Bulletins de paie",
        description="Tous les bulletins pour la paie et la gérance ; les siens, une fois émis, "
        "pour une ou un entrepreneur.",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        payslips = selectors.payslip_list_visible(membership=self.membership).order_by(
            "-period", "entrepreneur_id", "kind", "version"
        )
        run = request.query_params.get("run")
        if run is not None:
            if not run.isdigit():
                raise serializers.ValidationError({"run": [_("Identifiant de paie invalide.")]})
            payslips = payslips.filter(run_id=int(run))
        return self.paginated_response(payslips, PayslipOutputSerializer)


class PayslipDetailApi(TenantApiView):
    @extend_schema(responses=PayslipOutputSerializer, summary="Un bulletin de paie")
    def get(self, request: Request, cooperative_slug: str, payslip_id: int) -> Response:
        payslip = selectors.payslip_get_for_member(
            membership=self.membership, payslip_id=payslip_id
        )
        return Response(PayslipOutputSerializer(payslip).data)


class PayslipPdfApi(TenantApiView):
    @extend_schema(
        responses={(200, "application/pdf"): OpenApiTypes.BINARY},
        summary="Télécharger le PDF d'un bulletin",
        description="Au salarié, à la paie et à la gérance seulement ; 404 sinon, comme pour un "
        "bulletin inexistant.",
    )
    def get(self, request: Request, cooperative_slug: str, payslip_id: int) -> FileResponse:
        payslip = selectors.payslip_get_for_member(
            membership=self.membership, payslip_id=payslip_id
        )
        if not payslip.pdf:
            raise Http404
        return private_file(
            payslip.pdf,
            content_type="application/pdf",
            filename=f"bulletin-{payslip.period:%Y-%m}-v{payslip.version}.pdf",
            no_store=True,
        )


class PayslipCorrectApi(TenantApiView):
    permission_classes = [PayrollOnly]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "PayrollPayslipCorrectInput"

        gross = serializers.DecimalField(
            max_digits=10,
            decimal_places=2,
            min_value=0,
            max_value=1000000,
            help_text="Le salaire brut rectifié.",
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: PayslipOutputSerializer},
        summary="Rectifier un bulletin émis",
        description="Émet la version suivante du bulletin (l'ancienne reste telle quelle, liée), "
        "passe l'extourne de l'ancienne écriture et la nouvelle écriture ; le PDF est produit "
        "par les workers.",
    )
    def post(self, request: Request, cooperative_slug: str, payslip_id: int) -> Response:
        from payroll.services.corrections import payslip_correction_issue

        payslip = selectors.payslip_get_for_member(
            membership=self.membership, payslip_id=payslip_id
        )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        correction = payslip_correction_issue(
            payslip_id=payslip.pk, gross=serializer.validated_data["gross"]
        )
        correction = selectors.payslip_get_for_member(
            membership=self.membership, payslip_id=correction.pk
        )
        return Response(PayslipOutputSerializer(correction).data, status=status.HTTP_201_CREATED)


class SimulateApi(TenantApiView):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "PayrollSimulateInput"

        period = MonthField(
            required=False, help_text="Mois de paie, AAAA-MM (par défaut le mois en cours)."
        )
        gross = serializers.DecimalField(
            max_digits=10,
            decimal_places=2,
            required=False,
            min_value=0,
            help_text="Salaire brut mensuel ; ou bien `budget`.",
        )
        budget = serializers.DecimalField(
            max_digits=10,
            decimal_places=2,
            required=False,
            min_value=0,
            help_text="Coût employeur total à ne pas dépasser : le plus grand brut qui y tient.",
        )
        status = serializers.ChoiceField(
            choices=PayProfile.Status.choices, default=PayProfile.Status.NON_CADRE
        )
        pas_rate = serializers.DecimalField(
            max_digits=5,
            decimal_places=2,
            required=False,
            allow_null=True,
            help_text="Taux personnalisé de prélèvement à la source en % (sinon la grille).",
        )

        def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
            if ("gross" in attrs) == ("budget" in attrs):
                raise serializers.ValidationError(
                    _("Indiquez soit un salaire brut, soit un budget.")
                )
            return attrs

    @extend_schema(
        request=InputSerializer,
        responses=OpenApiTypes.OBJECT,
        summary="Simuler un bulletin",
        description="Le même objet JSON que `manage.py payslip_simulate --json` (montants en "
        "chaînes décimales), avec les paramètres de paie de la coopérative ; rien n'est "
        "enregistré.",
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        period: dt.date = data.get("period") or timezone.localdate()
        slip = selectors.payslip_simulate(
            period=period.replace(day=1),
            status=data["status"],
            gross=data.get("gross"),
            budget=data.get("budget"),
            pas_rate=data.get("pas_rate"),
        )
        return Response(slip.as_json())
