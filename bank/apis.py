"""REST API of the bank: accounts, statement upload, lines. The same services as the pages."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from bank import selectors, services
from bank.forms import MAX_UPLOAD_BYTES
from bank.models import BankLine, EntryAttachment, EntryTemplateLine, Statement
from bank.permissions import BANK_ROLES, RECONCILE_ROLES, handles_bank, portfolio_activity_ids
from entrepreneurs.models import Activity
from perspectives.accounts.models import User
from perspectives.tenancy.apis import PaginatedApiMixin, TenantApiView
from perspectives.tenancy.permissions import HasRole

MONEY = {"max_digits": 18, "decimal_places": 2, "coerce_to_string": True}


class BankAccountOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "BankAccount"

    id = serializers.IntegerField()
    name = serializers.CharField()
    iban = serializers.CharField()
    bic = serializers.CharField()
    currency = serializers.CharField()
    account = serializers.CharField(source="account.code", help_text="Compte 512x du grand livre.")
    journal = serializers.CharField(source="journal.code")
    is_default = serializers.BooleanField()
    activity = serializers.CharField(source="activity.analytic_code", allow_null=True, default=None)


class StatementOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "BankStatement"

    id = serializers.IntegerField()
    bank_account = serializers.IntegerField(source="bank_account_id")
    format = serializers.CharField()
    file_name = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    opening_balance = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    closing_balance = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
    line_count = serializers.IntegerField(help_text="Lignes ajoutées par ce relevé.")
    duplicate_count = serializers.IntegerField(help_text="Lignes déjà connues, ignorées.")


class BankLineOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "BankLine"

    id = serializers.IntegerField()
    statement = serializers.IntegerField(source="statement_id")
    booking_date = serializers.DateField()
    value_date = serializers.DateField(allow_null=True)
    amount = serializers.DecimalField(
        **MONEY,  # type: ignore[arg-type]
        help_text="Signé : positif au crédit du compte.",
    )
    currency = serializers.CharField()
    counterparty = serializers.CharField()
    counterparty_iban = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, popped by DRF
    reference = serializers.CharField()
    bank_transaction_id = serializers.CharField()
    details = serializers.JSONField(help_text="Opérations d'un lot comptabilisé en une ligne.")
    state = serializers.CharField(help_text="open ou reconciled.")


class _BankApi(TenantApiView):
    permission_classes = [HasRole.of(*BANK_ROLES)]


class _ReconcileApi(TenantApiView):
    """Also open to support staff, for the bank accounts of their portfolio's activities."""

    permission_classes = [HasRole.of(*RECONCILE_ROLES)]

    @property
    def scope(self) -> frozenset[int] | None:
        return portfolio_activity_ids(self.membership)

    def require_bank_role(self) -> None:
        if not handles_bank(self.membership):
            raise PermissionDenied


class BankAccountListApi(PaginatedApiMixin, _ReconcileApi):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "BankAccountInput"

        iban = serializers.CharField(max_length=42)
        name = serializers.CharField(max_length=100, required=False, default="", allow_blank=True)
        bic = serializers.CharField(max_length=14, required=False, default="", allow_blank=True)
        account_code = serializers.CharField(
            max_length=20,
            required=False,
            default="",
            allow_blank=True,
            help_text="512 ou 512x ; choisi automatiquement si vide.",
        )
        activity_id = serializers.IntegerField(
            required=False, allow_null=True, default=None, help_text="Activité dédiée."
        )

    @extend_schema(responses=BankAccountOutputSerializer(many=True), summary="Comptes bancaires")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return self.paginated_response(
            selectors.bank_account_list(scope=self.scope), BankAccountOutputSerializer
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: BankAccountOutputSerializer},
        summary="Ajouter un compte bancaire",
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        self.require_bank_role()
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        activity = None
        if data["activity_id"] is not None:
            activity = Activity.objects.filter(pk=data["activity_id"]).first()
            if activity is None:
                raise ValidationError({"activity_id": ["Activité inconnue."]})
        account = services.bank_account_create(
            iban=data["iban"],
            name=data["name"],
            bic=data["bic"],
            account_code=data["account_code"] or None,
            activity=activity,
        )
        return Response(BankAccountOutputSerializer(account).data, status=status.HTTP_201_CREATED)


class StatementListApi(PaginatedApiMixin, _ReconcileApi):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "BankStatementUpload"

        file = serializers.FileField(help_text="camt.053, OFX, CFONB 120 ou CSV.")
        format = serializers.ChoiceField(
            choices=Statement.Format.choices, required=False, allow_blank=True, default=""
        )
        closing_balance = serializers.DecimalField(
            max_digits=18, decimal_places=2, required=False, allow_null=True, default=None
        )

    class OutputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "BankStatementImport"

        added = serializers.IntegerField()
        duplicates = serializers.IntegerField()
        message = serializers.CharField()
        statements = StatementOutputSerializer(many=True)

    @extend_schema(responses=StatementOutputSerializer(many=True), summary="Relevés d'un compte")
    def get(self, request: Request, cooperative_slug: str, account_id: int) -> Response:
        account = selectors.bank_account_get(bank_account_id=account_id, scope=self.scope)
        return self.paginated_response(
            selectors.statement_list(bank_account=account), StatementOutputSerializer
        )

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: OutputSerializer},
        summary="Importer un relevé",
        description=(
            "Tout ou rien : un relevé qui ne concerne pas ce compte, ne s'équilibre pas ou ne "
            "fait pas suite au précédent est refusé (400, message en français) et rien n'est "
            "écrit. Les lignes déjà connues ne sont pas ajoutées une seconde fois."
        ),
    )
    def post(self, request: Request, cooperative_slug: str, account_id: int) -> Response:
        account = selectors.bank_account_get(bank_account_id=account_id, scope=self.scope)
        self.require_bank_role()
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError({"file": ["Le fichier dépasse 30 Mo : découpez-le."]})
        result = services.statement_import(
            bank_account=account,
            data=upload.read(),
            file_name=upload.name or "",
            file_format=serializer.validated_data["format"] or None,
            closing_balance=serializer.validated_data["closing_balance"],
            user=cast(User, request.user),
        )
        data = {
            "added": result.added,
            "duplicates": result.duplicates,
            "message": result.message,
            "statements": result.statements,
        }
        return Response(self.OutputSerializer(data).data, status=status.HTTP_201_CREATED)


class BankLineListApi(PaginatedApiMixin, _ReconcileApi):
    @extend_schema(
        parameters=[
            OpenApiParameter(
                "state",
                OpenApiTypes.STR,
                enum=BankLine.State.values,
                description="open, reconciled",
            )
        ],
        responses=BankLineOutputSerializer(many=True),
        summary="Lignes de relevé d'un compte",
    )
    def get(self, request: Request, cooperative_slug: str, account_id: int) -> Response:
        account = selectors.bank_account_get(bank_account_id=account_id, scope=self.scope)
        state = request.query_params.get("state") or None
        if state is not None and state not in BankLine.State.values:
            raise ValidationError({"state": ["open ou reconciled."]})
        return self.paginated_response(
            selectors.bank_line_list(bank_account=account, state=state), BankLineOutputSerializer
        )


class AllocationSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "BankAllocation"

    account = serializers.CharField(help_text="Numéro de compte (411, 627…).")
    amount = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        coerce_to_string=True,
        help_text="Côté banque, signé comme la ligne (positif pour un crédit).",
    )
    activity_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    third_party = serializers.CharField(
        required=False, allow_null=True, default=None, help_text="Code du tiers."
    )
    items = serializers.ListField(
        child=serializers.IntegerField(),
        required=False,
        default=list,
        help_text="Lignes ouvertes du grand livre soldées par cette part (lettrées).",
    )


class SuggestionOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "BankSuggestion"

    index = serializers.IntegerField()
    kind = serializers.CharField(
        help_text=(
            "reference, partial, amount, third_party, balance, batch, payroll, payment, rule "
            "ou fees."
        )
    )
    label = serializers.CharField()  # type: ignore[assignment]  # a field, popped by DRF
    score = serializers.IntegerField()
    allocations = AllocationSerializer(many=True)
    pointed = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Lignes 512 de paiements déjà comptabilisés (lot SEPA, salaires) pointées.",
    )


def _suggestion_data(index: int, suggestion: services.Suggestion) -> dict[str, Any]:
    return {
        "index": index,
        "kind": suggestion.kind,
        "label": suggestion.label,
        "score": suggestion.score,
        "allocations": [
            {
                "account": str(a.account.code if hasattr(a.account, "code") else a.account),
                "amount": a.amount,
                "activity_id": a.activity.pk if isinstance(a.activity, Activity) else a.activity,
                "third_party": a.third_party
                if a.third_party is None or isinstance(a.third_party, str)
                else a.third_party.code,
                "items": a.items,
            }
            for a in suggestion.allocations
        ],
        "pointed": suggestion.pointed,
    }


class BankLineSuggestionsApi(_ReconcileApi):
    @extend_schema(
        responses=SuggestionOutputSerializer(many=True), summary="Suggestions de rapprochement"
    )
    def get(self, request: Request, cooperative_slug: str, line_id: int) -> Response:
        scope = self.scope
        line = selectors.bank_line_get(line_id=line_id, scope=scope)
        suggestions = (
            services.suggestions_for(line, activities=scope)
            if line.state == BankLine.State.OPEN
            else []
        )
        data = [_suggestion_data(i, s) for i, s in enumerate(suggestions)]
        return Response(SuggestionOutputSerializer(data, many=True).data)


class ReconciliationOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "BankReconciliation"

    id = serializers.IntegerField()
    bank_line = serializers.IntegerField(source="bank_line_id")
    entry = serializers.IntegerField(
        source="entry_id",
        allow_null=True,
        help_text="Écriture de banque passée ; nulle quand la ligne ne fait que pointer des "
        "paiements déjà comptabilisés.",
    )
    letterings = serializers.JSONField(help_text="[[compte, code de lettrage], …]")
    vat_released = serializers.JSONField(
        help_text="TVA sur les encaissements rendue exigible (44574 → 44571) : "
        "[[ligne de la créance, montant], …]"
    )
    pointed = serializers.SerializerMethodField(help_text="Lignes 512 pointées.")

    def get_pointed(self, reconciliation: Any) -> list[int]:
        return sorted(line.entry_line_id for line in reconciliation.pointed_lines.all())


class BankLineReconcileApi(_ReconcileApi):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "BankReconcileInput"

        suggestion = serializers.IntegerField(
            required=False, allow_null=True, default=None, help_text="Rang de la suggestion."
        )
        allocations = AllocationSerializer(many=True, required=False, default=list)
        pointed = serializers.ListField(
            child=serializers.IntegerField(),
            required=False,
            default=list,
            help_text="Lignes 512 de paiements déjà comptabilisés que la ligne solde.",
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: ReconciliationOutputSerializer},
        summary="Rapprocher une ligne",
        description=(
            "Une suggestion acceptée, ou une répartition (comptes, activités, tiers) et des "
            "paiements déjà comptabilisés pointés."
        ),
    )
    def post(self, request: Request, cooperative_slug: str, line_id: int) -> Response:
        scope = self.scope
        line = selectors.bank_line_get(line_id=line_id, scope=scope)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        if data["suggestion"] is not None:
            suggestions = services.suggestions_for(line, activities=scope)
            if not 0 <= data["suggestion"] < len(suggestions):
                raise ValidationError({"suggestion": ["Cette suggestion n'existe pas."]})
            allocations = suggestions[data["suggestion"]].allocations
            pointed = suggestions[data["suggestion"]].pointed
        else:
            pointed = data["pointed"]
            allocations = [
                services.Allocation(
                    account=a["account"],
                    amount=a["amount"],
                    activity=a["activity_id"],
                    third_party=a["third_party"],
                    items=a["items"],
                )
                for a in data["allocations"]
            ]
        reconciliation = services.reconciliation_confirm(
            line=line,
            allocations=allocations,
            pointed=pointed,
            user=cast(User, request.user),
            activities=scope,
        )
        return Response(
            ReconciliationOutputSerializer(reconciliation).data, status=status.HTTP_201_CREATED
        )


class BankLineUndoApi(_ReconcileApi):
    @extend_schema(
        request=None,
        responses={201: ReconciliationOutputSerializer},
        summary="Annuler le rapprochement d'une ligne (extourne, paiements libérés)",
    )
    def post(self, request: Request, cooperative_slug: str, line_id: int) -> Response:
        scope = self.scope
        line = selectors.bank_line_get(line_id=line_id, scope=scope)
        reconciliation = line.reconciliations.filter(undone_at__isnull=True).first()
        if reconciliation is None:
            raise ValidationError({"detail": ["Cette ligne n'est pas rapprochée."]})
        services.reconciliation_undo(
            reconciliation=reconciliation, user=cast(User, request.user), activities=scope
        )
        reconciliation.refresh_from_db()
        return Response(
            ReconciliationOutputSerializer(reconciliation).data, status=status.HTTP_201_CREATED
        )


class EntryOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "BankManualEntry"

    id = serializers.IntegerField()
    journal = serializers.CharField(source="journal.code")
    date = serializers.DateField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field, popped by DRF
    status = serializers.CharField(help_text="draft ou validated.")
    reference = serializers.CharField(help_text="EcritureNum, vide pour un brouillard.")


class EntryCreateApi(_BankApi):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "BankManualEntryInput"

        class LineSerializer(serializers.Serializer[Any]):
            class Meta:
                ref_name = "BankManualEntryLineInput"

            account = serializers.CharField()
            activity_id = serializers.IntegerField(required=False, allow_null=True, default=None)
            third_party = serializers.CharField(required=False, allow_null=True, default=None)
            debit = serializers.DecimalField(
                max_digits=14, decimal_places=2, min_value=Decimal(0), default=Decimal(0)
            )
            credit = serializers.DecimalField(
                max_digits=14, decimal_places=2, min_value=Decimal(0), default=Decimal(0)
            )
            label = serializers.CharField(required=False, default="", allow_blank=True)  # type: ignore[assignment]

        journal = serializers.CharField(help_text="Code du journal (OD, BQ…).")
        date = serializers.DateField()
        label = serializers.CharField(max_length=200)  # type: ignore[assignment]
        piece_ref = serializers.CharField(required=False, default="", allow_blank=True)
        validated = serializers.BooleanField(
            default=False, help_text="Valider tout de suite ; sinon un brouillard."
        )
        lines = LineSerializer(many=True)

    @extend_schema(
        request=InputSerializer,
        responses={201: EntryOutputSerializer},
        summary="Passer une écriture à la main",
        description=(
            "Les règles du grand livre s'appliquent : équilibre global et par activité, "
            "périodes verrouillées, tiers des comptes collectifs (400, message en français)."
        ),
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = services.manual_entry_save(
            journal=data["journal"],
            date=data["date"],
            label=data["label"],
            piece_ref=data["piece_ref"],
            validate=data["validated"],
            lines=[
                {
                    "account": line["account"],
                    "activity": line["activity_id"],
                    "third_party": line["third_party"],
                    "debit": line["debit"],
                    "credit": line["credit"],
                    "label": line["label"],
                }
                for line in data["lines"]
            ],
            user=cast(User, request.user),
        )
        entry = selectors.entry_get(entry_id=entry.pk)
        return Response(EntryOutputSerializer(entry).data, status=status.HTTP_201_CREATED)


class EntryActionApi(_BankApi):
    action = ""

    @extend_schema(
        request=None,
        responses={201: EntryOutputSerializer},
        summary="Valider un brouillard, ou extourner une écriture validée",
    )
    def post(self, request: Request, cooperative_slug: str, entry_id: int) -> Response:
        entry = selectors.entry_get(entry_id=entry_id)
        user = cast(User, request.user)
        if self.action == "validate":
            result = services.manual_entry_validate(entry=entry, user=user)
        else:
            result = services.manual_entry_reverse(entry=entry, user=user)
        result = selectors.entry_get(entry_id=result.pk)
        return Response(EntryOutputSerializer(result).data, status=status.HTTP_201_CREATED)


class CsvMappingApi(_BankApi):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "BankCsvMappingInput"

        mapping = serializers.DictField(
            help_text=(
                "delimiter, decimal_separator, thousands_separator, encoding, date_format, "
                "skip_lines, et les colonnes par leur en-tête : booking_date, value_date, amount "
                "(ou debit et credit), label, counterparty, reference, transaction_id, currency, "
                "balance."
            )
        )

    class OutputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "BankCsvMapping"

        mapping = serializers.DictField()

    @extend_schema(responses={200: OutputSerializer}, summary="Format CSV de la banque d'un compte")
    def get(self, request: Request, cooperative_slug: str, account_id: int) -> Response:
        account = selectors.bank_account_get(bank_account_id=account_id)
        return Response({"mapping": account.csv_mapping})

    @extend_schema(
        request=InputSerializer,
        responses={200: OutputSerializer},
        summary="Enregistrer le format CSV de la banque d'un compte",
    )
    def put(self, request: Request, cooperative_slug: str, account_id: int) -> Response:
        account = selectors.bank_account_get(bank_account_id=account_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        services.bank_account_csv_mapping_set(
            bank_account=account, mapping=dict(serializer.validated_data["mapping"])
        )
        return Response({"mapping": account.csv_mapping})


class CsvPreviewApi(_BankApi):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "BankCsvPreviewInput"

        file = serializers.FileField(help_text="Un export CSV de la banque.")
        mapping = serializers.JSONField(
            required=False,
            default=None,
            help_text="Le format à essayer (comme pour l'enregistrer) ; à défaut, celui du compte.",
        )

    class OutputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "BankCsvPreview"

        class LineSerializer(serializers.Serializer[Any]):
            class Meta:
                ref_name = "BankCsvPreviewLine"

            booking_date = serializers.DateField()
            value_date = serializers.DateField(allow_null=True)
            amount = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
            label = serializers.CharField()  # type: ignore[assignment]  # a field, popped by DRF
            counterparty = serializers.CharField()
            reference = serializers.CharField()

        header = serializers.ListField(child=serializers.CharField())
        total = serializers.IntegerField(help_text="Opérations lues dans le fichier.")
        movements = serializers.DecimalField(**MONEY)  # type: ignore[arg-type]
        lines = LineSerializer(many=True, help_text="Les dix premières.")

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={200: OutputSerializer},
        summary="Aperçu d'un fichier CSV lu avec un format, sans rien importer",
    )
    def post(self, request: Request, cooperative_slug: str, account_id: int) -> Response:
        account = selectors.bank_account_get(bank_account_id=account_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        upload = serializer.validated_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError({"file": ["Le fichier dépasse 30 Mo : découpez-le."]})
        mapping = serializer.validated_data["mapping"]
        if mapping is None:
            mapping = account.csv_mapping
        if not isinstance(mapping, dict) or not mapping:
            raise ValidationError({"mapping": ["Indiquez un format, ou enregistrez-en un."]})
        preview = selectors.csv_preview(mapping=mapping, data=upload.read())
        return Response(self.OutputSerializer(preview).data)


class EntryTemplateLineSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "BankEntryTemplateLine"

    account = serializers.CharField(max_length=20)
    activity_id = serializers.IntegerField(required=False, allow_null=True, default=None)
    third_party = serializers.CharField(max_length=17, required=False, default="", allow_blank=True)
    side = serializers.ChoiceField(choices=EntryTemplateLine.Side.choices)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True, default=None
    )
    share = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        required=False,
        allow_null=True,
        default=None,
        help_text="Part du total en %, ou un montant fixe (`amount`).",
    )
    label = serializers.CharField(  # type: ignore[assignment]  # a field, popped by DRF
        max_length=200, required=False, default="", allow_blank=True
    )


class EntryTemplateOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "BankEntryTemplate"

    id = serializers.IntegerField()
    name = serializers.CharField()
    journal = serializers.CharField(source="journal.code")
    label = serializers.CharField()  # type: ignore[assignment]  # a field, popped by DRF
    uses_shares = serializers.BooleanField()
    lines = EntryTemplateLineSerializer(many=True, source="lines.all")


class EntryTemplateInputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "BankEntryTemplateInput"

    name = serializers.CharField(max_length=100)
    journal = serializers.CharField(help_text="Code du journal (OD, BQ…).")
    label = serializers.CharField(max_length=200)  # type: ignore[assignment]
    lines = EntryTemplateLineSerializer(many=True)

    def template_lines(self) -> list[dict[str, Any]]:
        """The lines with their activities (an unknown activity is refused)."""
        lines = self.validated_data["lines"]
        wanted = {line["activity_id"] for line in lines} - {None}
        activities = {a.pk: a for a in Activity.objects.filter(pk__in=wanted)}
        if wanted - activities.keys():
            raise ValidationError({"lines": ["Activité inconnue."]})
        return [{**line, "activity": activities.get(line["activity_id"])} for line in lines]


class EntryTemplateListApi(PaginatedApiMixin, _BankApi):
    @extend_schema(responses=EntryTemplateOutputSerializer(many=True), summary="Modèles d'écriture")
    def get(self, request: Request, cooperative_slug: str) -> Response:
        return self.paginated_response(
            selectors.entry_template_list().prefetch_related("lines__activity"),
            EntryTemplateOutputSerializer,
        )

    @extend_schema(
        request=EntryTemplateInputSerializer,
        responses={201: EntryTemplateOutputSerializer},
        summary="Créer un modèle d'écriture",
        description="Chaque ligne porte un montant fixe ou une part (%) d'un total ; "
        "les parts d'un même sens font 100 %.",
    )
    def post(self, request: Request, cooperative_slug: str) -> Response:
        serializer = EntryTemplateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        template = services.entry_template_create(
            name=data["name"],
            journal=data["journal"],
            label=data["label"],
            lines=serializer.template_lines(),
        )
        template = selectors.entry_template_get(template_id=template.pk)
        return Response(
            EntryTemplateOutputSerializer(template).data, status=status.HTTP_201_CREATED
        )


class EntryTemplateDetailApi(_BankApi):
    @extend_schema(responses=EntryTemplateOutputSerializer, summary="Un modèle d'écriture")
    def get(self, request: Request, cooperative_slug: str, template_id: int) -> Response:
        template = selectors.entry_template_get(template_id=template_id)
        return Response(EntryTemplateOutputSerializer(template).data)

    @extend_schema(
        request=EntryTemplateInputSerializer,
        responses=EntryTemplateOutputSerializer,
        summary="Remplacer un modèle d'écriture",
    )
    def put(self, request: Request, cooperative_slug: str, template_id: int) -> Response:
        template = selectors.entry_template_get(template_id=template_id)
        serializer = EntryTemplateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        services.entry_template_update(
            template=template,
            name=data["name"],
            journal=data["journal"],
            label=data["label"],
            lines=serializer.template_lines(),
        )
        template = selectors.entry_template_get(template_id=template_id)
        return Response(EntryTemplateOutputSerializer(template).data)

    @extend_schema(request=None, responses={204: None}, summary="Supprimer un modèle d'écriture")
    def delete(self, request: Request, cooperative_slug: str, template_id: int) -> Response:
        template = selectors.entry_template_get(template_id=template_id)
        services.entry_template_delete(template=template)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EntryTemplateApplyApi(_BankApi):
    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "BankEntryTemplateApplyInput"

        date = serializers.DateField()
        total = serializers.DecimalField(
            max_digits=14,
            decimal_places=2,
            required=False,
            allow_null=True,
            default=None,
            help_text="Le total à répartir, quand le modèle porte des parts.",
        )
        label = serializers.CharField(  # type: ignore[assignment]
            max_length=200, required=False, default="", allow_blank=True
        )
        piece_ref = serializers.CharField(
            max_length=40, required=False, default="", allow_blank=True
        )

    @extend_schema(
        request=InputSerializer,
        responses={201: EntryOutputSerializer},
        summary="Passer un brouillard depuis un modèle d'écriture",
    )
    def post(self, request: Request, cooperative_slug: str, template_id: int) -> Response:
        template = selectors.entry_template_get(template_id=template_id)
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        entry = services.entry_template_apply(
            template=template,
            date=data["date"],
            total=data["total"],
            label=data["label"],
            piece_ref=data["piece_ref"],
            user=cast(User, request.user),
        )
        entry = selectors.entry_get(entry_id=entry.pk)
        return Response(EntryOutputSerializer(entry).data, status=status.HTTP_201_CREATED)


class EntryAttachmentOutputSerializer(serializers.Serializer[Any]):
    class Meta:
        ref_name = "BankEntryAttachment"

    id = serializers.IntegerField()
    name = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    url = serializers.SerializerMethodField()

    def get_url(self, attachment: EntryAttachment) -> str:
        return reverse(
            "bank_entry_attachment",
            kwargs={
                "cooperative_slug": self.context["cooperative_slug"],
                "entry_id": attachment.entry_id,
                "attachment_id": attachment.pk,
            },
        )


class EntryAttachmentListApi(_BankApi):
    parser_classes = [MultiPartParser]

    class InputSerializer(serializers.Serializer[Any]):
        class Meta:
            ref_name = "BankEntryAttachmentInput"

        files = serializers.ListField(
            child=serializers.FileField(), help_text="PDF, PNG ou JPEG ; 10 Mo au plus chacun."
        )

    @extend_schema(
        responses=EntryAttachmentOutputSerializer(many=True),
        summary="Pièces jointes d'une écriture saisie à la main",
    )
    def get(self, request: Request, cooperative_slug: str, entry_id: int) -> Response:
        entry = selectors.manual_entry_get(entry_id=entry_id)
        attachments = selectors.entry_attachment_list(entry=entry)
        context = {"cooperative_slug": cooperative_slug}
        return Response(
            EntryAttachmentOutputSerializer(attachments, many=True, context=context).data
        )

    @extend_schema(
        request={"multipart/form-data": InputSerializer},
        responses={201: EntryAttachmentOutputSerializer(many=True)},
        summary="Joindre des pièces à une écriture saisie à la main",
    )
    def post(self, request: Request, cooperative_slug: str, entry_id: int) -> Response:
        entry = selectors.manual_entry_get(entry_id=entry_id)
        added = services.entry_attachments_add(
            entry=entry, uploads=request.FILES.getlist("files"), user=cast(User, request.user)
        )
        context = {"cooperative_slug": cooperative_slug}
        return Response(
            EntryAttachmentOutputSerializer(added, many=True, context=context).data,
            status=status.HTTP_201_CREATED,
        )


class EntryAttachmentDetailApi(_BankApi):
    @extend_schema(
        responses=EntryAttachmentOutputSerializer,
        summary="Une pièce jointe d'une écriture saisie à la main",
    )
    def get(
        self, request: Request, cooperative_slug: str, entry_id: int, attachment_id: int
    ) -> Response:
        entry = selectors.manual_entry_get(entry_id=entry_id)
        attachment = selectors.entry_attachment_get(entry=entry, attachment_id=attachment_id)
        context = {"cooperative_slug": cooperative_slug}
        return Response(EntryAttachmentOutputSerializer(attachment, context=context).data)

    @extend_schema(
        request=None,
        responses={204: None},
        summary="Supprimer une pièce jointe d'un brouillard (refusé une fois l'écriture validée)",
    )
    def delete(
        self, request: Request, cooperative_slug: str, entry_id: int, attachment_id: int
    ) -> Response:
        entry = selectors.manual_entry_get(entry_id=entry_id)
        attachment = selectors.entry_attachment_get(entry=entry, attachment_id=attachment_id)
        services.entry_attachment_delete(attachment=attachment)
        return Response(status=status.HTTP_204_NO_CONTENT)
