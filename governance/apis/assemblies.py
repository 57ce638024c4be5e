"""REST API of the governance app: one view per operation, under /api/v1/c/<slug>/governance/."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from governance import selectors, services
from governance.models import Assembly, Choice, RollEntry
from governance.services.reauth import (
    secret_ballot_code_send,
    secret_ballot_reauthenticate,
    user_has_totp,
)
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.apis import PaginatedApiMixin, TenantApiView
from perspectives.tenancy.permissions import HasRole


def _on_roll(api: TenantApiView, assembly_id: int) -> tuple[Assembly, RollEntry]:
    """The assembly and the caller's line on its roll: 404 when the assembly is not theirs to
    see, 403 when they are not on the roll."""
    assembly = selectors.assembly_get_for_member(membership=api.membership, assembly_id=assembly_id)
    entry = selectors.roll_entry_for_member(assembly=assembly, membership=api.membership)
    if entry is None:
        raise PermissionDenied
    return assembly, entry


class ResolutionOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(help_text="Identifiant de la résolution.")
    position = serializers.IntegerField(help_text="Numéro d'ordre à l'ordre du jour.")
    title = serializers.CharField()
    text = serializers.CharField(help_text="Texte soumis au vote.")
    decision_class = serializers.CharField(
        help_text="ordinary, extraordinary, election ou admission."
    )
    secret = serializers.BooleanField(help_text="Scrutin secret.")
    status = serializers.CharField(help_text="pending, open ou closed.")
    votes_for = serializers.IntegerField(allow_null=True, help_text="Figé à la clôture.")
    votes_against = serializers.IntegerField(allow_null=True)
    votes_abstain = serializers.IntegerField(allow_null=True)
    outcome = serializers.CharField(help_text="adopted, rejected, no_quorum ou vide avant clôture.")
    explanation = serializers.CharField(help_text="La règle statutaire appliquée, en clair.")
    amends_id = serializers.IntegerField(
        allow_null=True, help_text="Amendement : la résolution amendée, votée après lui."
    )
    proposed_by = serializers.CharField(help_text="Amendement : son auteur·rice.")
    original_text = serializers.CharField(
        help_text="Texte initialement inscrit, si un amendement adopté l'a remplacé."
    )


class DocumentOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "GovernanceAssemblyDocument"

    id = serializers.IntegerField()
    title = serializers.CharField()
    original_name = serializers.CharField(help_text="Nom du fichier déposé.")
    content_type = serializers.CharField()
    size = serializers.IntegerField(help_text="Taille en octets.")
    sha256 = serializers.CharField(help_text="Empreinte SHA-256, consignée à la convocation.")
    url = serializers.CharField(
        help_text="Téléchargement : gérant·es et associé·es de la liste d'émargement."
    )


class AssemblyOutputSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField()
    title = serializers.CharField()
    kind = serializers.CharField(help_text="ordinary, extraordinary ou combined.")
    mode = serializers.CharField(help_text="in_person, remote ou hybrid.")
    convocation = serializers.IntegerField(help_text="1 ou 2 (seconde convocation).")
    scheduled_at = serializers.DateTimeField()
    place = serializers.CharField()
    status = serializers.CharField(help_text="draft, convened, open ou closed.")
    correspondence_deadline = serializers.DateTimeField(allow_null=True)
    roll_size = serializers.IntegerField(help_text="Associé·es sur la liste figée.")
    roll_hash = serializers.CharField(help_text="SHA-256 de la liste d'émargement figée.")


class AssemblyListApi(PaginatedApiMixin, TenantApiView):
    @extend_schema(
        responses=AssemblyOutputSerializer(many=True),
        summary="Assemblées générales",
        description="Les gérant·es voient aussi les assemblées en préparation.",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        queryset = selectors.assembly_list_for_member(membership=self.membership)
        return self.paginated_response(queryset, AssemblyOutputSerializer)


class AssemblyDetailApi(TenantApiView):
    class OutputSerializer(AssemblyOutputSerializer):
        class Meta:
            ref_name = "GovernanceAssemblyDetail"

        resolutions = ResolutionOutputSerializer(many=True, source="resolutions_list")
        documents = DocumentOutputSerializer(many=True, source="documents_list")
        present_or_represented = serializers.IntegerField(help_text="Compteur de quorum en direct.")

    @extend_schema(responses=OutputSerializer, summary="Une assemblée, son ordre du jour")
    def get(self, request: Request, cooperative_slug: str, assembly_id: int) -> Response:
        assembly = selectors.assembly_get_for_member(
            membership=self.membership, assembly_id=assembly_id
        )
        assembly.present_or_represented = selectors.assembly_live(  # type: ignore[attr-defined]
            assembly=assembly
        ).present_or_represented
        assembly.resolutions_list = list(assembly.resolutions.order_by("position"))  # type: ignore[attr-defined]
        documents = list(assembly.documents.order_by("uploaded_at", "pk"))
        for document in documents:
            document.url = reverse(  # type: ignore[attr-defined]
                "governance_document",
                kwargs={
                    "cooperative_slug": cooperative_slug,
                    "assembly_id": assembly.pk,
                    "document_id": document.pk,
                },
            )
        assembly.documents_list = documents  # type: ignore[attr-defined]
        data = self.OutputSerializer(assembly).data
        return Response(data)


class VoteCastApi(TenantApiView):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceVoteInput"

        choice = serializers.ChoiceField(choices=Choice.choices, help_text="for, against, abstain")
        voter_id = serializers.IntegerField(
            required=False,
            allow_null=True,
            help_text="Pour voter avec un pouvoir : l'inscription (liste d'émargement) du mandant.",
        )
        correspondence = serializers.BooleanField(
            default=False, help_text="Vote par correspondance, avant la date limite."
        )
        candidate_ids = serializers.ListField(
            child=serializers.IntegerField(),
            default=list,
            help_text="Élection : les candidatures cochées (choice « for »), aucune si blanc.",
        )
        otp_code = serializers.CharField(
            required=False,
            default="",
            allow_blank=True,
            help_text="Scrutin secret : code TOTP actuel, ou, sans double authentification, le "
            "code reçu par e-mail (secret-code/).",
        )

    class OutputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceVoteOutput"

        tracker = serializers.CharField(
            help_text="Reçu à conserver : publié dans la liste des reçus à la clôture."
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        summary="Voter sur une résolution",
        description=(
            "Un vote par associé·e et par résolution, garanti par la base de données ; refusé "
            "hors de la fenêtre de vote, sans pouvoir, ou par une personne absente de la liste."
        ),
    )
    def post(
        self, request: Request, cooperative_slug: str, assembly_id: int, resolution_id: int
    ) -> Response:
        resolution = selectors.resolution_get_for_member(
            membership=self.membership, assembly_id=assembly_id, resolution_id=resolution_id
        )
        entry = selectors.roll_entry_for_member(
            assembly=resolution.assembly, membership=self.membership
        )
        if entry is None:
            raise PermissionDenied
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        voter_id = serializer.validated_data.get("voter_id")
        voter = (
            entry
            if voter_id in (None, entry.pk)
            else get_object_or_404(RollEntry, assembly=resolution.assembly, pk=voter_id)
        )
        # One transaction: a wrong code undoes the vote; a refused vote spends no code.
        with transaction.atomic():
            receipt = services.vote_cast(
                resolution=resolution,
                cast_by=entry,
                voter=voter,
                choice=serializer.validated_data["choice"],
                correspondence=serializer.validated_data["correspondence"],
                candidates=serializer.validated_data["candidate_ids"],
            )
            if resolution.secret:
                secret_ballot_reauthenticate(
                    user=request.user,  # type: ignore[arg-type]
                    code=serializer.validated_data["otp_code"],
                )
        return Response({"tracker": receipt.tracker}, status=status.HTTP_201_CREATED)


class ConsultationAnswerApi(TenantApiView):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceConsultationAnswerInput"

        class AnswerSerializer(serializers.Serializer[Any]):
            class Meta:
                ref_name = "GovernanceConsultationAnswer"

            resolution_id = serializers.IntegerField()
            choice = serializers.ChoiceField(
                choices=Choice.choices, help_text="for, against, abstain"
            )

        answers = AnswerSerializer(
            many=True, help_text="Une réponse pour chaque résolution de la consultation."
        )
        otp_code = serializers.CharField(
            required=False,
            default="",
            allow_blank=True,
            help_text="Résolution à bulletin secret : code TOTP actuel, exigé si le compte a la "
            "double authentification.",
        )

    class OutputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceConsultationAnswerOutput"

        resolution_id = serializers.IntegerField()
        tracker = serializers.CharField(help_text="Reçu publié dans la liste à la clôture.")

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer(many=True)},
        summary="Répondre à une consultation écrite",
        description=(
            "Réponse personnelle (pas de pouvoir), à toutes les résolutions à la fois, avant la "
            "date limite ; une seule réponse par associé·e, garantie par la base de données."
        ),
    )
    def post(self, request: Request, cooperative_slug: str, assembly_id: int) -> Response:
        consultation, entry = _on_roll(self, assembly_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        answers = {a["resolution_id"]: a["choice"] for a in serializer.validated_data["answers"]}
        # One transaction: a wrong code undoes the answers; a refused answer spends no code.
        with transaction.atomic():
            receipts = services.consultation_answer(
                consultation=consultation, entry=entry, answers=answers
            )
            if consultation.resolutions.filter(secret=True).exists():
                secret_ballot_reauthenticate(
                    user=request.user,  # type: ignore[arg-type]
                    code=serializer.validated_data["otp_code"],
                )
        data = self.OutputSerializer(receipts, many=True).data
        return Response(data, status=status.HTTP_201_CREATED)


class AmendmentProposeApi(TenantApiView):
    permission_classes = [HasRole.of(*selectors.MANAGER_ROLES)]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceAmendmentInput"

        text = serializers.CharField(help_text="Texte proposé, qui remplacerait la résolution.")
        proposed_by = serializers.CharField(max_length=200, help_text="Auteur·rice.")
        management_supported = serializers.BooleanField(
            default=False, help_text="Agréé par la gérance (les pouvoirs en blanc votent pour)."
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: ResolutionOutputSerializer},
        summary="Déposer un amendement",
        description=(
            "Avant la convocation ou en séance ; voté avant la résolution qu'il amende, dont il "
            "remplace le texte s'il est adopté (le texte initial est conservé)."
        ),
    )
    def post(
        self, request: Request, cooperative_slug: str, assembly_id: int, resolution_id: int
    ) -> Response:
        resolution = selectors.resolution_get_for_member(
            membership=self.membership, assembly_id=assembly_id, resolution_id=resolution_id
        )
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        amendment = services.amendment_propose(resolution=resolution, **serializer.validated_data)
        data = ResolutionOutputSerializer(amendment).data
        return Response(data, status=status.HTTP_201_CREATED)


class ProxyGrantApi(TenantApiView):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceProxyInput"

        holder_id = serializers.IntegerField(
            allow_null=True,
            help_text="Inscription du ou de la mandataire ; null pour un pouvoir en blanc.",
        )

    class OutputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceProxyOutput"

        id = serializers.IntegerField()
        holder_id = serializers.IntegerField(allow_null=True)

    @extend_schema(
        request=InputSerializer,
        responses={201: OutputSerializer},
        summary="Donner pouvoir",
        description=(
            "Seulement à un·e autre associé·e ; plafond : 1 pouvoir sous 20 associé·es, sinon "
            "1/20 du nombre d'associé·es."
        ),
    )
    def post(self, request: Request, cooperative_slug: str, assembly_id: int) -> Response:
        assembly, entry = _on_roll(self, assembly_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        holder_id = serializer.validated_data["holder_id"]
        holder = (
            None
            if holder_id is None
            else get_object_or_404(RollEntry, assembly=assembly, pk=holder_id)
        )
        proxy = services.proxy_grant(assembly=assembly, grantor=entry, holder=holder)
        return Response(self.OutputSerializer(proxy).data, status=status.HTTP_201_CREATED)


class AssemblyStepApi(TenantApiView):
    """Managers take an assembly (or a written consultation) through its steps."""

    permission_classes = [HasRole.of(*selectors.MANAGER_ROLES)]

    @extend_schema(
        request=None,
        responses=AssemblyOutputSerializer,
        summary="Convoquer, envoyer, ouvrir ou clore",
        description=(
            "convene : liste d'émargement figée, convocations envoyées ; send : consultation "
            "écrite envoyée ; open : séance ouverte ; close : résultats figés, procès-verbal "
            "rendu par un worker."
        ),
    )
    def post(
        self, request: Request, cooperative_slug: str, assembly_id: int, step: str
    ) -> Response:
        assembly = selectors.assembly_get_for_member(
            membership=self.membership, assembly_id=assembly_id
        )
        assembly = services.assembly_advance(assembly=assembly, step=step)
        return Response(AssemblyOutputSerializer(assembly).data)


class ResolutionStepApi(TenantApiView):
    """Managers open and close the vote on a resolution."""

    permission_classes = [HasRole.of(*selectors.MANAGER_ROLES)]

    @extend_schema(
        request=None,
        responses=ResolutionOutputSerializer,
        summary="Ouvrir ou clore le vote d'une résolution",
        description="close : dépouillement, résultat figé avec la règle statutaire appliquée.",
    )
    def post(
        self,
        request: Request,
        cooperative_slug: str,
        assembly_id: int,
        resolution_id: int,
        step: str,
    ) -> Response:
        resolution = selectors.resolution_get_for_member(
            membership=self.membership, assembly_id=assembly_id, resolution_id=resolution_id
        )
        if step == "open":  # the URLs route only "open" and "close"
            services.vote_open(resolution=resolution)
        else:
            services.resolution_close(resolution=resolution)
        resolution.refresh_from_db()
        return Response(ResolutionOutputSerializer(resolution).data)


class SecretCodeApi(TenantApiView):
    """An associate without TOTP asks for the one-time code of a secret ballot."""

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Recevoir un code de vote secret par e-mail",
        description=(
            "Pour les associé·es sans application d'authentification : un code à six chiffres, "
            "valable 10 minutes pour un vote, à donner dans otp_code."
        ),
    )
    def post(self, request: Request, cooperative_slug: str, assembly_id: int) -> Response:
        _on_roll(self, assembly_id)
        if user_has_totp(user=request.user):  # type: ignore[arg-type]
            raise ApplicationError(_("Utilisez le code de votre application d'authentification."))
        secret_ballot_code_send(user=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
