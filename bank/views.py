"""Pages of the bank app: accounts, statements and their lines, reconciliation."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from bank import selectors
from bank.permissions import BANK_ROLES
from perspectives.tenancy.permissions import role_required


@require_GET
@role_required(*BANK_ROLES)
def bank_home(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    return render(request, "bank/home.html", {"accounts": selectors.bank_account_list()})
