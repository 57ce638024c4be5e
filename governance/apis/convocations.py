"""REST API of a convocation's record (managers): each associate's convocation (channel, e-mail
proof, registered letter number and dates), the letters posted, the notices of receipt, the
remote session's means and a written consultation's later deadline."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from governance import selectors, services
from governance.apis.assemblies import AssemblyOutputSerializer
from governance.models import Assembly, ConvocationDispatch
from perspectives.tenancy.apis import TenantApiView
from perspectives.tenancy.permissions import HasRole


class DispatchOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "GovernanceConvocationDispatch"

    id = serializers.IntegerField()
    entry_id = serializers.IntegerField(help_text="Inscription sur la liste d'émargement.")
    full_name = serializers.CharField(source="entry.full_name")
    channel = serializers.CharField(
        help_text="email (accord écrit), registered_letter, unconsented_email (ancien envoi)."
    )
    email = serializers.CharField()
    consent_on = serializers.DateField(allow_null=True)
    sent_at = serializers.DateTimeField(allow_null=True, help_text="E-mail envoyé le.")
    posted_on = serializers.DateField(allow_null=True, help_text="Lettre postée le.")
    registered_number = serializers.CharField()
    received_on = serializers.DateField(allow_null=True, help_text="Avis de réception du.")
    error = serializers.CharField()


class ConvocationRecordOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "GovernanceConvocationRecord"

    problems = serializers.ListField(
        child=serializers.CharField(),
        help_text="Ce qui rend la convocation irrégulière ; vide si tout est en ordre.",
    )
    letters_ready = serializers.BooleanField(help_text="Le PDF des lettres est prêt.")
    dispatches = DispatchOutputSerializer(many=True)


def _record(assembly: Assembly) -> dict[str, Any]:
    data: dict[str, Any] = ConvocationRecordOutputSerializer(
        {
            "problems": services.convocation_problems(assembly=assembly),
            "letters_ready": bool(assembly.letters_file),
            "dispatches": list(selectors.dispatch_list(assembly=assembly)),
        }
    ).data
    return data


class _ManagerAssemblyApi(TenantApiView):
    permission_classes = [HasRole.of(*selectors.MANAGER_ROLES)]

    def assembly(self, assembly_id: int) -> Assembly:
        return selectors.assembly_get_for_member(
            membership=self.membership, assembly_id=assembly_id
        )


class ConvocationRecordApi(_ManagerAssemblyApi):
    @extend_schema(
        responses=ConvocationRecordOutputSerializer,
        summary="Convocation de chaque associé·e",
        description="E-mail seulement avec l'accord écrit de l'associé·e, sinon lettre "
        "recommandée ; l'assemblée ne s'ouvre pas tant que la convocation est irrégulière.",
    )
    def get(self, request: Request, cooperative_slug: str, assembly_id: int) -> Response:
        return Response(_record(self.assembly(assembly_id)))


class LettersPostedApi(_ManagerAssemblyApi):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceLettersPostedInput"

        class LetterSerializer(serializers.Serializer[Any]):
            class Meta:
                ref_name = "GovernanceLetterPosted"

            dispatch_id = serializers.IntegerField()
            registered_number = serializers.CharField(max_length=40)

        posted_on = serializers.DateField()
        letters = LetterSerializer(many=True)

    @extend_schema(
        request=InputSerializer,
        responses=ConvocationRecordOutputSerializer,
        summary="Consigner des lettres recommandées postées",
        description="Date d'envoi et numéro de recommandé de chaque lettre ; tout ou rien.",
    )
    def post(self, request: Request, cooperative_slug: str, assembly_id: int) -> Response:
        assembly = self.assembly(assembly_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.convocation_letters_record(
            assembly=assembly,
            posted_on=serializer.validated_data["posted_on"],
            numbers={
                letter["dispatch_id"]: letter["registered_number"]
                for letter in serializer.validated_data["letters"]
            },
            by=request.user,  # type: ignore[arg-type]
        )
        return Response(_record(assembly))


class ReceiptApi(_ManagerAssemblyApi):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceReceiptInput"

        received_on = serializers.DateField()

    @extend_schema(
        request=InputSerializer,
        responses=ConvocationRecordOutputSerializer,
        summary="Consigner l'avis de réception d'une lettre",
        description="Le délai de réponse d'une consultation écrite court de cette date (R.223-22).",
    )
    def post(
        self, request: Request, cooperative_slug: str, assembly_id: int, dispatch_id: int
    ) -> Response:
        assembly = self.assembly(assembly_id)
        dispatch = get_object_or_404(ConvocationDispatch, assembly=assembly, pk=dispatch_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.convocation_receipt_record(
            dispatch=dispatch,
            received_on=serializer.validated_data["received_on"],
            by=request.user,  # type: ignore[arg-type]
        )
        return Response(_record(assembly))


class RemoteSessionApi(_ManagerAssemblyApi):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceRemoteSessionInput"

        means = serializers.CharField(max_length=250)
        voice = serializers.BooleanField(help_text="Transmet au moins la voix.")
        continuous = serializers.BooleanField(
            help_text="Retransmission continue et simultanée des délibérations."
        )

    class OutputSerializer(AssemblyOutputSerializer):
        class Meta:
            ref_name = "GovernanceAssemblyRemoteSession"

        remote_means = serializers.CharField()
        remote_session_valid = serializers.BooleanField(
            help_text="La présence en ligne compte (R.223-20-1, R.225-97)."
        )

    @extend_schema(
        request=InputSerializer,
        responses=OutputSerializer,
        summary="Enregistrer les moyens de la séance à distance",
        description="Sans la voix et une retransmission continue, un vote en ligne ne vaut "
        "pas présence.",
    )
    def post(self, request: Request, cooperative_slug: str, assembly_id: int) -> Response:
        assembly = self.assembly(assembly_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        assembly = services.assembly_remote_session_record(
            assembly=assembly,
            by=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(self.OutputSerializer(assembly).data)


class DeadlineApi(_ManagerAssemblyApi):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceDeadlineInput"

        deadline = serializers.DateTimeField()

    @extend_schema(
        request=InputSerializer,
        responses=AssemblyOutputSerializer,
        summary="Prolonger la date limite d'une consultation écrite",
        description="Par exemple quand une lettre recommandée est reçue tard : chacun garde "
        "le délai entier à compter de sa réception.",
    )
    def post(self, request: Request, cooperative_slug: str, assembly_id: int) -> Response:
        consultation = self.assembly(assembly_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        consultation = services.consultation_deadline_extend(
            consultation=consultation,
            deadline=serializer.validated_data["deadline"],
            by=request.user,  # type: ignore[arg-type]
        )
        return Response(AssemblyOutputSerializer(consultation).data)
