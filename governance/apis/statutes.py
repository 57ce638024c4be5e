"""REST API of the statute profile (managers): read it with each number's source and the law's
floor, change a rule or the profile-level terms (refused when more permissive than the law),
put in force the preset of the cooperative's legal form, sign it off."""

from __future__ import annotations

from typing import Any

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response

from governance import selectors, services
from governance.law import law_for
from governance.models import MajorityBase, ProxyCap, QuorumBase, StatuteProfile, StatuteRule
from governance.rules import PRESETS
from perspectives.tenancy.apis import TenantApiView
from perspectives.tenancy.permissions import HasRole


class StatuteRuleOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "GovernanceStatuteRule"

    id = serializers.IntegerField()
    decision_class = serializers.CharField(
        help_text="ordinary, accounts, extraordinary, election, admission ou unanimity."
    )
    convocation = serializers.IntegerField(help_text="1 ou 2.")
    quorum_base = serializers.CharField(help_text="none ou associates.")
    quorum_numerator = serializers.IntegerField()
    quorum_denominator = serializers.IntegerField()
    majority_base = serializers.CharField(help_text="all, present ou cast.")
    majority_numerator = serializers.IntegerField()
    majority_denominator = serializers.IntegerField()
    majority_strict = serializers.BooleanField(help_text="« Plus de » (sinon « au moins »).")
    remote_participation_allowed = serializers.BooleanField()
    correspondence_allowed = serializers.BooleanField()
    written_consultation_allowed = serializers.BooleanField()
    second_round_if_majority_missed = serializers.BooleanField(
        help_text="Seconde consultation si la majorité de tous manque (L.223-29 al. 2)."
    )
    secret_ballot_mandatory = serializers.BooleanField()
    statutes_article = serializers.CharField(help_text="Article des statuts cité.")
    citation = serializers.CharField(help_text="Source des nombres : la loi ou le modèle.")
    legal_floor = serializers.CharField(help_text="Le plancher légal de cette règle.")


class StatuteProfileOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "GovernanceStatuteProfile"

    id = serializers.IntegerField()
    name = serializers.CharField()
    legal_form = serializers.CharField(
        help_text="scop_sarl, scop_sa, scop_sas, scic_sarl, scic_sa ou scic_sas."
    )
    convocation_delay_days = serializers.IntegerField()
    convocation_delay_article = serializers.CharField()
    second_convocation_delay_days = serializers.IntegerField()
    second_convocation_delay_article = serializers.CharField()
    written_answer_delay_days = serializers.IntegerField(
        help_text="Jours à compter de la réception (R.223-22)."
    )
    written_answer_delay_article = serializers.CharField()
    proxy_cap = serializers.CharField(help_text="law (SCOP, loi 78-763 art. 14), statutes ou none.")
    proxy_max = serializers.IntegerField(allow_null=True)
    proxy_article = serializers.CharField()
    employee_quota = serializers.BooleanField(help_text="Loi 78-763 art. 15, sur l'organe entier.")
    employee_quota_article = serializers.CharField()
    automatic_admission = serializers.BooleanField(help_text="Loi 78-763 art. 8.")
    automatic_admission_months = serializers.IntegerField(allow_null=True)
    automatic_admission_article = serializers.CharField()
    checked_at = serializers.DateTimeField(
        allow_null=True, help_text="Vérifié au regard des statuts le ; null : à signer."
    )
    checked_by = serializers.EmailField(
        source="checked_by.email", allow_null=True, default=None, help_text="Vérifié par."
    )
    sources = serializers.DictField(
        child=serializers.CharField(), help_text="Source légale de chaque réglage."
    )
    violations = serializers.ListField(
        child=serializers.CharField(), help_text="Ce qui est plus permissif que la loi."
    )
    rules = StatuteRuleOutputSerializer(many=True)


def _profile_data(profile: StatuteProfile) -> dict[str, Any]:
    law = law_for(profile.legal_form)
    rule_fields = set(StatuteRuleOutputSerializer().fields) - {"legal_floor"}
    rules = [
        {
            **{name: getattr(rule, name) for name in rule_fields},
            "legal_floor": selectors.rule_line(rule, law).floor,
        }
        for rule in selectors.statute_rules_in_order(profile=profile)
    ]
    fields = set(StatuteProfileOutputSerializer().fields) - {"sources", "violations", "rules"}
    data: dict[str, Any] = StatuteProfileOutputSerializer(
        {
            **{name: getattr(profile, name) for name in fields},
            "sources": PRESETS[profile.legal_form].sources,
            "violations": services.statute_profile_violations(profile=profile),
            "rules": rules,
        }
    ).data
    return data


def _active_profile() -> StatuteProfile:
    profile: StatuteProfile | None = (
        StatuteProfile.objects.filter(is_active=True).select_related("checked_by").first()
    )
    if profile is None:
        raise NotFound("Aucun profil statutaire : partez du modèle de votre forme juridique.")
    return profile


class StatuteProfileApi(TenantApiView):
    permission_classes = [HasRole.of(*selectors.MANAGER_ROLES)]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceStatuteProfileInput"

        convocation_delay_days = serializers.IntegerField(
            min_value=0, max_value=365, required=False
        )
        convocation_delay_article = serializers.CharField(
            max_length=120, allow_blank=True, required=False
        )
        second_convocation_delay_days = serializers.IntegerField(
            min_value=0, max_value=365, required=False
        )
        second_convocation_delay_article = serializers.CharField(
            max_length=120, allow_blank=True, required=False
        )
        written_answer_delay_days = serializers.IntegerField(
            min_value=0, max_value=365, required=False
        )
        written_answer_delay_article = serializers.CharField(
            max_length=120, allow_blank=True, required=False
        )
        proxy_cap = serializers.ChoiceField(choices=ProxyCap.choices, required=False)
        proxy_max = serializers.IntegerField(min_value=1, allow_null=True, required=False)
        proxy_article = serializers.CharField(max_length=120, allow_blank=True, required=False)
        employee_quota = serializers.BooleanField(required=False)
        employee_quota_article = serializers.CharField(
            max_length=120, allow_blank=True, required=False
        )
        automatic_admission = serializers.BooleanField(required=False)
        automatic_admission_months = serializers.IntegerField(
            min_value=0, max_value=120, allow_null=True, required=False
        )
        automatic_admission_article = serializers.CharField(
            max_length=120, allow_blank=True, required=False
        )
        clauses = serializers.CharField(
            source="source",
            allow_blank=True,
            required=False,
            help_text="Clauses des statuts (texte, pour mémoire).",
        )

    @extend_schema(
        responses=StatuteProfileOutputSerializer,
        summary="Profil statutaire en vigueur",
        description="Chaque règle avec l'article des statuts, la source des nombres et le "
        "plancher légal ; la vérification (qui, quand) exigée avant toute convocation.",
    )
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return Response(_profile_data(_active_profile()))

    @extend_schema(
        request=InputSerializer,
        responses=StatuteProfileOutputSerializer,
        summary="Modifier les délais, pouvoirs, mandats et admission",
        description="Refusé (400, message en français, rien de changé) si le résultat est plus "
        "permissif que la loi. Toute modification retire la vérification : à signer de nouveau.",
    )
    def patch(self, request: Request, cooperative_slug: str) -> Response:
        profile = _active_profile()
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        profile = services.statute_profile_update(
            profile=profile,
            by=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(_profile_data(profile))


class StatuteRuleApi(TenantApiView):
    permission_classes = [HasRole.of(*selectors.MANAGER_ROLES)]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "GovernanceStatuteRuleInput"

        quorum_base = serializers.ChoiceField(choices=QuorumBase.choices, required=False)
        quorum_numerator = serializers.IntegerField(min_value=0, required=False)
        quorum_denominator = serializers.IntegerField(min_value=1, required=False)
        majority_base = serializers.ChoiceField(choices=MajorityBase.choices, required=False)
        majority_numerator = serializers.IntegerField(min_value=1, required=False)
        majority_denominator = serializers.IntegerField(min_value=1, required=False)
        majority_strict = serializers.BooleanField(required=False)
        remote_participation_allowed = serializers.BooleanField(required=False)
        correspondence_allowed = serializers.BooleanField(required=False)
        written_consultation_allowed = serializers.BooleanField(required=False)
        second_round_if_majority_missed = serializers.BooleanField(required=False)
        secret_ballot_mandatory = serializers.BooleanField(required=False)
        statutes_article = serializers.CharField(max_length=120, allow_blank=True, required=False)

    @extend_schema(
        request=InputSerializer,
        responses=StatuteProfileOutputSerializer,
        summary="Modifier une règle (quorum, majorité, façons de participer)",
        description="Refusé (400, message en français, rien de changé) si la règle devient plus "
        "permissive que la loi ; une façon de participer s'accompagne de l'article des statuts.",
    )
    def patch(self, request: Request, cooperative_slug: str, rule_id: int) -> Response:
        rule = get_object_or_404(StatuteRule, pk=rule_id, profile__is_active=True)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.statute_rule_update(
            rule=rule,
            by=request.user,  # type: ignore[arg-type]
            **serializer.validated_data,
        )
        return Response(_profile_data(_active_profile()))


class StatuteSignOffApi(TenantApiView):
    permission_classes = [HasRole.of(*selectors.MANAGER_ROLES)]

    @extend_schema(
        request=None,
        responses=StatuteProfileOutputSerializer,
        summary="Signer : « vérifié au regard de nos statuts »",
        description="Refusé tant que le profil est plus permissif que la loi ou n'est pas celui "
        "de la forme juridique de la coopérative.",
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        profile = services.statute_profile_sign_off(
            profile=_active_profile(),
            by=request.user,  # type: ignore[arg-type]
        )
        return Response(_profile_data(profile))


class StatutePresetApi(TenantApiView):
    permission_classes = [HasRole.of(*selectors.MANAGER_ROLES)]

    @extend_schema(
        request=None,
        responses={201: StatuteProfileOutputSerializer},
        summary="Mettre en vigueur le modèle de la forme juridique",
        description="Crée le profil du modèle (ou le remet à ses valeurs), sans vote par "
        "correspondance, participation à distance ni consultation écrite ; à signer ensuite.",
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        profile = services.statute_profile_apply_preset(by=request.user)  # type: ignore[arg-type]
        return Response(_profile_data(profile), status=status.HTTP_201_CREATED)
