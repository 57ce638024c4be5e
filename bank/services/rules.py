"""The cooperative's reconciliation rules: "label contains FRAIS CB → 627", previewed on the open
lines, applied at import when automatic."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext as _

from accounting.models import Account
from bank.models import BankLine, ReconciliationRule
from bank.services.reconciliation import Allocation, reconciliation_confirm, rules_active
from entrepreneurs.models import Activity
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id


@transaction.atomic
def rule_create(
    *,
    name: str,
    label_contains: str,
    account: Account | str,
    activity: Activity | None = None,
    direction: str = ReconciliationRule.Direction.ANY,
    auto_apply: bool = False,
) -> ReconciliationRule:
    if isinstance(account, str):
        found = Account.objects.filter(code=account.strip().upper()).first()
        if found is None:
            raise ApplicationError(_("Compte %(code)s inconnu.") % {"code": account})
        account = found
    if account.requires_third_party:
        raise ApplicationError(
            _("Une règle passe sur un compte sans tiers, pas sur le collectif %(code)s.")
            % {"code": account.code}
        )
    pattern = " ".join(label_contains.split())
    if not pattern:
        raise ApplicationError(_("Indiquez le texte que le libellé contient."))
    if ReconciliationRule.objects.filter(name=name.strip()).exists():
        raise ApplicationError(_("Une règle porte déjà ce nom."))
    return ReconciliationRule.objects.create(
        cooperative_id=require_cooperative_id(),
        name=name.strip()[:100],
        label_contains=pattern[:100],
        account=account,
        activity=activity,
        direction=direction,
        auto_apply=auto_apply,
    )


def rule_preview(*, rule: ReconciliationRule, limit: int = 50) -> list[BankLine]:
    """The open lines the rule would reconcile."""
    lines = BankLine.objects.filter(state=BankLine.State.OPEN).select_related("bank_account")
    return [line for line in lines.order_by("booking_date", "pk") if rule.matches(line)][:limit]


def rules_apply(*, lines: Iterable[BankLine], user: User | None = None) -> int:
    """Reconcile the lines matched by an automatic rule (at import); returns how many."""
    rules = [r for r in rules_active() if r.auto_apply]
    if not rules:
        return 0
    done = 0
    for line in lines:
        rule = next((r for r in rules if r.matches(line)), None)
        if rule is None:
            continue
        activity = rule.activity_id or line.bank_account.activity_id
        allocation = Allocation(
            account=rule.account, amount=line.amount, activity=activity, label=rule.name
        )
        try:
            # A line the ledger refuses (no open fiscal year, locked period) stays to reconcile
            # by hand; the import itself goes through.
            with transaction.atomic():
                reconciliation_confirm(line=line, allocations=[allocation], user=user, rule=rule)
        except ApplicationError:
            continue
        done += 1
    return done
