from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounting.models import Journal
from bank.models import EntryTemplate, EntryTemplateLine, ReconciliationRule, Statement
from entrepreneurs.models import Activity

MAX_UPLOAD_BYTES = 30 * 1024 * 1024


class BankAccountForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=100, required=False)
    iban = forms.CharField(label=_("IBAN"), max_length=42)
    bic = forms.CharField(
        label=_("BIC"), max_length=14, required=False, help_text=_("Déduit de l'IBAN si vide.")
    )
    account_code = forms.CharField(
        label=_("Compte comptable"),
        max_length=20,
        required=False,
        help_text=_("512 ou un sous-compte 512x ; choisi automatiquement si vide."),
    )
    activity = forms.ModelChoiceField(
        label=_("Activité dédiée"),
        queryset=Activity.all_cooperatives.none(),
        required=False,
        empty_label=_("— aucune (compte de la coopérative)"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.order_by("analytic_code")  # type: ignore[attr-defined]


class StatementUploadForm(forms.Form):
    file = forms.FileField(label=_("Relevé"), help_text=_("camt.053, OFX, CFONB 120 ou CSV."))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("", _("Deviner d'après le fichier")), *Statement.Format.choices],
        required=False,
    )
    closing_balance = forms.DecimalField(
        label=_("Solde final"),
        max_digits=18,
        decimal_places=2,
        required=False,
        help_text=_("Pour un CSV qui ne donne pas de solde."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 30 Mo : découpez-le."))
        return upload


SPLIT_ROWS = 4


class SplitForm(forms.Form):
    """A bank line split by hand over up to SPLIT_ROWS accounts and activities. Amounts are
    entered without sign: each part takes the line's direction."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        activities = Activity.objects.order_by("analytic_code")
        for row in range(SPLIT_ROWS):
            required = row == 0
            self.fields[f"account_{row}"] = forms.CharField(
                label=_("Compte"), max_length=20, required=required
            )
            self.fields[f"activity_{row}"] = forms.ModelChoiceField(
                label=_("Activité"),
                queryset=activities,
                required=False,
                empty_label=_("— structure"),
            )
            self.fields[f"third_party_{row}"] = forms.CharField(
                label=_("Tiers"), max_length=17, required=False
            )
            self.fields[f"amount_{row}"] = forms.DecimalField(
                label=_("Montant"), max_digits=14, decimal_places=2, min_value=0, required=required
            )

    def rows(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "account": data[f"account_{row}"],
                "activity": data[f"activity_{row}"],
                "third_party": data[f"third_party_{row}"] or None,
                "amount": data[f"amount_{row}"],
            }
            for row in range(SPLIT_ROWS)
            if data.get(f"account_{row}") and data.get(f"amount_{row}")
        ]

    def row_fields(self) -> list[list[Any]]:
        return [
            [self[f"{name}_{row}"] for name in ("account", "activity", "third_party", "amount")]
            for row in range(SPLIT_ROWS)
        ]


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=100)
    label_contains = forms.CharField(label=_("Le libellé contient"), max_length=100)
    direction = forms.ChoiceField(label=_("Sens"), choices=ReconciliationRule.Direction.choices)
    account = forms.CharField(label=_("Compte de contrepartie"), max_length=20)
    activity = forms.ModelChoiceField(
        label=_("Activité"),
        queryset=Activity.all_cooperatives.none(),
        required=False,
        empty_label=_("— celle du compte bancaire dédié, sinon la structure"),
    )
    auto_apply = forms.BooleanField(label=_("Appliquer à l'import"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["activity"].queryset = Activity.objects.order_by("analytic_code")  # type: ignore[attr-defined]


ENTRY_ROWS = 6


class EntryForm(forms.Form):
    """An entry by hand: header and up to ENTRY_ROWS lines (empty rows are ignored)."""

    journal = forms.ModelChoiceField(label=_("Journal"), queryset=Journal.all_cooperatives.none())
    date = forms.DateField(label=_("Date"))
    label = forms.CharField(label=_("Libellé"), max_length=200)
    piece_ref = forms.CharField(label=_("Pièce"), max_length=40, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["journal"].queryset = Journal.objects.exclude(  # type: ignore[attr-defined]
            kind=Journal.Kind.OPENING
        ).order_by("code")
        activities = Activity.objects.order_by("analytic_code")
        for row in range(ENTRY_ROWS):
            self.fields[f"account_{row}"] = forms.CharField(
                label=_("Compte"), max_length=20, required=False
            )
            self.fields[f"activity_{row}"] = forms.ModelChoiceField(
                label=_("Activité"),
                queryset=activities,
                required=False,
                empty_label=_("— structure"),
            )
            self.fields[f"third_party_{row}"] = forms.CharField(
                label=_("Tiers"), max_length=17, required=False
            )
            for side, label in (("debit", _("Débit")), ("credit", _("Crédit"))):
                self.fields[f"{side}_{row}"] = forms.DecimalField(
                    label=label, max_digits=14, decimal_places=2, min_value=0, required=False
                )
            self.fields[f"line_label_{row}"] = forms.CharField(
                label=_("Libellé de ligne"), max_length=200, required=False
            )

    def lines(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "account": data[f"account_{row}"],
                "activity": data[f"activity_{row}"],
                "third_party": data[f"third_party_{row}"] or None,
                "debit": data[f"debit_{row}"] or Decimal("0.00"),
                "credit": data[f"credit_{row}"] or Decimal("0.00"),
                "label": data[f"line_label_{row}"],
            }
            for row in range(ENTRY_ROWS)
            if data.get(f"account_{row}")
        ]

    def row_fields(self) -> list[list[Any]]:
        names = ("account", "activity", "third_party", "debit", "credit", "line_label")
        return [[self[f"{name}_{row}"] for name in names] for row in range(ENTRY_ROWS)]

    def prefill(self, lines: list[dict[str, Any]]) -> None:
        """Rows pre-filled from a template's lines (the form stays unbound)."""
        for row, line in enumerate(lines[:ENTRY_ROWS]):
            activity = line["activity"]
            self.initial.update(
                {
                    f"account_{row}": line["account"],
                    f"activity_{row}": activity.pk if activity else None,
                    f"third_party_{row}": line["third_party"] or "",
                    f"debit_{row}": line["debit"] or None,
                    f"credit_{row}": line["credit"] or None,
                    f"line_label_{row}": line["label"],
                }
            )


TEMPLATE_ROWS = 8


class EntryTemplateForm(forms.Form):
    """A template of recurring entry: each row has a fixed amount or a share (%) of a total."""

    name = forms.CharField(label=_("Nom du modèle"), max_length=100)
    journal = forms.ModelChoiceField(label=_("Journal"), queryset=Journal.all_cooperatives.none())
    label = forms.CharField(label=_("Libellé"), max_length=200)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["journal"].queryset = Journal.objects.exclude(  # type: ignore[attr-defined]
            kind=Journal.Kind.OPENING
        ).order_by("code")
        activities = Activity.objects.order_by("analytic_code")
        for row in range(TEMPLATE_ROWS):
            self.fields[f"account_{row}"] = forms.CharField(
                label=_("Compte"), max_length=20, required=False
            )
            self.fields[f"activity_{row}"] = forms.ModelChoiceField(
                label=_("Activité"),
                queryset=activities,
                required=False,
                empty_label=_("— structure"),
            )
            self.fields[f"third_party_{row}"] = forms.CharField(
                label=_("Tiers"), max_length=17, required=False
            )
            self.fields[f"side_{row}"] = forms.ChoiceField(
                label=_("Sens"), choices=EntryTemplateLine.Side.choices, required=False
            )
            self.fields[f"amount_{row}"] = forms.DecimalField(
                label=_("Montant"), max_digits=14, decimal_places=2, min_value=0, required=False
            )
            self.fields[f"share_{row}"] = forms.DecimalField(
                label=_("Part (%)"), max_digits=5, decimal_places=2, min_value=0, required=False
            )
            self.fields[f"line_label_{row}"] = forms.CharField(
                label=_("Libellé de ligne"), max_length=200, required=False
            )

    @classmethod
    def for_template(cls, template: EntryTemplate) -> EntryTemplateForm:
        initial: dict[str, Any] = {
            "name": template.name,
            "journal": template.journal_id,
            "label": template.label,
        }
        for row, line in enumerate(template.lines.all()):
            initial.update(
                {
                    f"account_{row}": line.account,
                    f"activity_{row}": line.activity_id,
                    f"third_party_{row}": line.third_party,
                    f"side_{row}": line.side,
                    f"amount_{row}": line.amount,
                    f"share_{row}": line.share,
                    f"line_label_{row}": line.label,
                }
            )
        return cls(initial=initial)

    def lines(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "account": data[f"account_{row}"],
                "activity": data[f"activity_{row}"],
                "third_party": data[f"third_party_{row}"],
                "side": data[f"side_{row}"] or EntryTemplateLine.Side.DEBIT,
                "amount": data[f"amount_{row}"],
                "share": data[f"share_{row}"],
                "label": data[f"line_label_{row}"],
            }
            for row in range(TEMPLATE_ROWS)
            if data.get(f"account_{row}")
        ]

    def row_fields(self) -> list[list[Any]]:
        names = ("account", "activity", "third_party", "side", "amount", "share", "line_label")
        return [[self[f"{name}_{row}"] for name in names] for row in range(TEMPLATE_ROWS)]


DELIMITERS = [
    (";", _("point-virgule ;")),
    (",", _("virgule ,")),
    ("\t", _("tabulation")),
    ("|", "|"),
]
DECIMAL_SEPARATORS = [(",", _("virgule (1 234,56)")), (".", _("point (1234.56)"))]
THOUSANDS_SEPARATORS = [
    ("", _("aucun")),
    (" ", _("espace")),
    (".", _("point")),
    (",", _("virgule")),
]
ENCODINGS = [
    ("utf-8-sig", _("UTF-8")),
    ("cp1252", _("Windows-1252 (Excel français)")),
    ("latin-1", _("ISO-8859-1 (Latin-1)")),
]
DATE_FORMATS = [
    ("%d/%m/%Y", _("JJ/MM/AAAA")),
    ("%d/%m/%y", _("JJ/MM/AA")),
    ("%d-%m-%Y", _("JJ-MM-AAAA")),
    ("%d.%m.%Y", _("JJ.MM.AAAA")),
    ("%Y-%m-%d", _("AAAA-MM-JJ")),
]
# The mapping's column fields, in the order of the page.
CSV_COLUMNS = (
    ("booking_date", _("Colonne de la date d'opération")),
    ("value_date", _("Colonne de la date de valeur")),
    ("amount", _("Colonne du montant signé")),
    ("debit", _("Colonne du débit")),
    ("credit", _("Colonne du crédit")),
    ("label", _("Colonne du libellé")),
    ("counterparty", _("Colonne de la contrepartie")),
    ("reference", _("Colonne de la référence")),
    ("transaction_id", _("Colonne de l'identifiant d'opération")),
    ("currency", _("Colonne de la devise")),
    ("balance", _("Colonne du solde")),
)


class CsvMappingForm(forms.Form):
    """The layout of a bank's CSV exports, with an optional sample file to preview."""

    delimiter = forms.ChoiceField(label=_("Séparateur de colonnes"), choices=DELIMITERS)
    decimal_separator = forms.ChoiceField(label=_("Séparateur décimal"), choices=DECIMAL_SEPARATORS)
    thousands_separator = forms.ChoiceField(
        label=_("Séparateur des milliers"), choices=THOUSANDS_SEPARATORS, required=False
    )
    encoding = forms.ChoiceField(label=_("Encodage"), choices=ENCODINGS)
    date_format = forms.ChoiceField(label=_("Format des dates"), choices=DATE_FORMATS)
    skip_lines = forms.IntegerField(
        label=_("Lignes à sauter avant l'en-tête"), min_value=0, max_value=50, initial=0
    )
    file = forms.FileField(
        label=_("Fichier d'exemple"),
        required=False,
        help_text=_(
            "Un export de la banque, pour voir ses premières lignes lues ; rien n'est importé."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, label in CSV_COLUMNS:
            self.fields[name] = forms.CharField(
                label=label,
                max_length=100,
                required=name == "booking_date",
                help_text=_("Le nom de la colonne tel qu'il figure dans l'en-tête.")
                if name == "booking_date"
                else (
                    _("Ou, à la place, une colonne de débit et une de crédit.")
                    if name == "amount"
                    else ""
                ),
            )
        self.order_fields(
            [
                "delimiter",
                "decimal_separator",
                "thousands_separator",
                "encoding",
                "date_format",
                "skip_lines",
                *(name for name, _label in CSV_COLUMNS),
                "file",
            ]
        )

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Le fichier dépasse 30 Mo : découpez-le."))
        return upload

    def mapping(self) -> dict[str, Any]:
        data = self.cleaned_data
        mapping: dict[str, Any] = {
            "delimiter": data["delimiter"],
            "decimal_separator": data["decimal_separator"],
            "thousands_separator": data["thousands_separator"] or "",
            "encoding": data["encoding"],
            "date_format": data["date_format"],
            "skip_lines": data["skip_lines"] or 0,
        }
        for name, _label in CSV_COLUMNS:
            mapping[name] = (data.get(name) or "").strip()
        return mapping
