"""Bank accounts: IBAN and BIC checked (schwifty), each on its own 512x ledger account."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException

from accounting import services as ledger
from accounting.models import Account, Journal
from bank.models import BankAccount
from entrepreneurs.models import Activity
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id

BANK_ACCOUNT_PREFIX = "512"
DEFAULT_JOURNAL = "BQ"


def iban_clean(value: str) -> str:
    """The IBAN in its compact electronic form, or a French refusal."""
    compact = "".join((value or "").split()).upper()
    if not compact:
        raise ApplicationError(_("Indiquez l'IBAN du compte."))
    try:
        return str(IBAN(compact).compact)
    except SchwiftyException:
        raise ApplicationError(_("L'IBAN %(iban)s n'est pas valide.") % {"iban": compact}) from None


def bic_clean(value: str, *, iban: str) -> str:
    """The BIC given, checked; else the one schwifty derives from the IBAN's bank code."""
    compact = "".join((value or "").split()).upper()
    if compact:
        try:
            return str(BIC(compact).compact)
        except SchwiftyException:
            raise ApplicationError(
                _("Le BIC %(bic)s n'est pas valide.") % {"bic": compact}
            ) from None
    try:
        derived = IBAN(iban).bic
    except SchwiftyException:
        derived = None
    return str(derived.compact) if derived is not None else ""


def _ledger_account(code: str | None, *, name: str) -> Account:
    """The given 512x account (created if missing), else 512 when no bank account uses it yet,
    else the next free 512N."""
    used = set(BankAccount.objects.values_list("account__code", flat=True))
    if code:
        code = code.strip().upper()
        if not code.startswith(BANK_ACCOUNT_PREFIX):
            raise ApplicationError(_("Le compte d'un compte bancaire commence par 512."))
        if code in used:
            raise ApplicationError(
                _("Le compte %(code)s sert déjà à un autre compte bancaire.") % {"code": code}
            )
    elif BANK_ACCOUNT_PREFIX not in used:
        code = BANK_ACCOUNT_PREFIX
    else:
        existing = set(
            Account.objects.filter(code__startswith="512").values_list("code", flat=True)
        )
        number = 1
        while f"512{number}" in used | existing:
            number += 1
        code = f"512{number}"
    account = Account.objects.filter(code=code).first()
    if account is None:
        account = ledger.account_create(code=code, label=_("Banque %(name)s") % {"name": name})
    return account


@transaction.atomic
def bank_account_create(
    *,
    iban: str,
    name: str = "",
    bic: str = "",
    account_code: str | None = None,
    journal: Journal | str = DEFAULT_JOURNAL,
    activity: Activity | None = None,
    is_default: bool | None = None,
) -> BankAccount:
    """A bank account of the active cooperative. The first one is the default account."""
    cooperative_id = require_cooperative_id()
    compact = iban_clean(iban)
    if BankAccount.objects.filter(iban=compact).exists():
        raise ApplicationError(_("Le compte %(iban)s existe déjà.") % {"iban": compact})
    bic_value = bic_clean(bic, iban=compact)
    name = (name or "").strip()[:100] or _("Compte %(end)s") % {"end": compact[-4:]}
    if isinstance(journal, str):
        found = Journal.objects.filter(code=journal.strip().upper()).first()
        if found is None:
            raise ApplicationError(_("Journal %(code)s inconnu.") % {"code": journal})
        journal = found
    if journal.kind != Journal.Kind.BANK:
        raise ApplicationError(_("Le journal d'un compte bancaire est un journal de banque."))
    if is_default is None:
        is_default = activity is None and not BankAccount.objects.filter(is_default=True).exists()
    elif is_default:
        BankAccount.objects.filter(is_default=True).update(is_default=False)
    return BankAccount.objects.create(
        cooperative_id=cooperative_id,
        name=name,
        iban=compact,
        bic=bic_value,
        account=_ledger_account(account_code, name=name),
        journal=journal,
        activity=activity,
        is_default=is_default,
    )


@transaction.atomic
def bank_account_ensure(*, iban: str, name: str = "", **kwargs: object) -> tuple[BankAccount, bool]:
    """The account with this IBAN, created when missing (True when created)."""
    existing = BankAccount.objects.filter(iban=iban_clean(iban)).first()
    if existing is not None:
        return existing, False
    return bank_account_create(iban=iban, name=name, **kwargs), True  # type: ignore[arg-type]


@transaction.atomic
def bank_account_csv_mapping_set(*, bank_account: BankAccount, mapping: dict[str, object]) -> None:
    from bank.importers.csvfile import CsvMapping

    CsvMapping.from_dict(mapping)  # refuses a mapping that cannot be read
    BankAccount.objects.filter(pk=bank_account.pk).update(csv_mapping=mapping)
    bank_account.csv_mapping = mapping
