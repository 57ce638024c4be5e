"""REST API of the associates register (managers): the register with each associate's way of
being convened, the written consent to e-mail convocation, and the admission of an employee
without a vote where the statutes of a SCOP provide it."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from governance import selectors, services
from governance.models import AdmissionApplication, Associate, ConsentChannel
from perspectives.tenancy.apis import PaginatedApiMixin, TenantApiView
from perspectives.tenancy.permissions import HasRole


class AssociateOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "GovernanceAssociate"

    id = serializers.IntegerField()
    full_name = serializers.CharField()
    category = serializers.CharField(help_text="employee ou other.")
    college = serializers.CharField(source="college.name", allow_null=True, default=None)
    admitted_on = serializers.DateField()
    exited_on = serializers.DateField(allow_null=True)
    exit_reason = serializers.CharField()
    refund_due_on = serializers.DateField(allow_null=True)
    shares = serializers.IntegerField(help_text="Nombre de parts souscrites.")
    subscribed = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid = serializers.DecimalField(max_digits=14, decimal_places=2)
    postal_address = serializers.CharField(help_text="Adresse des lettres recommandées.")
    email_consent_on = serializers.DateField(
        allow_null=True,
        help_text="Accord écrit pour la convocation par e-mail ; null : lettre recommandée.",
    )
    email_consent_how = serializers.CharField(
        help_text="registered_letter, electronic ou signed_form ; vide sans accord."
    )
    email_consent_address = serializers.CharField(help_text="Adresse indiquée par l'associé·e.")


class AssociateListApi(PaginatedApiMixin, TenantApiView):
    permission_classes = [HasRole.of(*selectors.MANAGER_ROLES)]

    @extend_schema(
        responses=AssociateOutputSerializer(many=True), summary="Registre des associé·es"
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return self.paginated_response(selectors.associate_list(), AssociateOutputSerializer)


class AssociateConvocationApi(TenantApiView):
    permission_classes = [HasRole.of(*selectors.MANAGER_ROLES)]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceAssociateConvocationInput"

        postal_address = serializers.CharField(allow_blank=True, required=False, default="")
        consent_on = serializers.DateField(
            allow_null=True, help_text="Date de l'accord écrit ; null pour le retirer."
        )
        consent_how = serializers.ChoiceField(
            choices=ConsentChannel.choices, required=False, allow_blank=True, default=""
        )
        consent_address = serializers.EmailField(required=False, allow_blank=True, default="")

    @extend_schema(
        request=InputSerializer,
        responses=AssociateOutputSerializer,
        summary="Adresse postale et accord pour la convocation par e-mail",
        description="Sans accord écrit enregistré (en SARL, vingt jours au moins avant "
        "l'assemblée : R.223-20), l'associé·e est convoqué·e par lettre recommandée. Chaque "
        "changement d'accord est consigné dans le journal d'audit.",
    )
    def post(self, request: Request, cooperative_slug: str, associate_id: int) -> Response:
        associate = get_object_or_404(Associate, pk=associate_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.associate_convocation_update(
            associate=associate,
            by=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        listed = selectors.associate_list().get(pk=associate.pk)
        return Response(AssociateOutputSerializer(listed).data)


class AdmissionAutomaticApi(TenantApiView):
    permission_classes = [HasRole.of(*selectors.MANAGER_ROLES)]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceAdmissionAutomaticInput"

        decided_on = serializers.DateField()

    class OutputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceAdmissionOutput"

        id = serializers.IntegerField()
        full_name = serializers.CharField()
        status = serializers.CharField(help_text="approved : reste la souscription des parts.")
        decided_on = serializers.DateField(allow_null=True)
        automatic = serializers.BooleanField(help_text="Admis·e sans vote (loi 78-763 art. 8).")

    @extend_schema(
        request=InputSerializer,
        responses=OutputSerializer,
        summary="Admettre un·e salarié·e de plein droit",
        description="Seulement si les statuts de la SCOP le prévoient (profil signé), après "
        "l'ancienneté qu'ils fixent ; sinon l'assemblée vote.",
    )
    def post(self, request: Request, cooperative_slug: str, application_id: int) -> Response:
        application = get_object_or_404(AdmissionApplication, pk=application_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        application = services.admission_admit_automatically(
            application=application,
            decided_on=serializer.validated_data["decided_on"],
            by=request.user,  # type: ignore[arg-type]
        )
        return Response(self.OutputSerializer(application).data)
