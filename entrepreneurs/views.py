from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from entrepreneurs import selectors
from perspectives.tenancy.models import STAFF_ROLES, Role
from perspectives.tenancy.permissions import current_membership, role_required


def home(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The member's home page in this cooperative, by role (later issues add their panels)."""
    membership = current_membership(request)
    context: dict[str, object] = {"membership": membership}
    if membership.has_role(Role.MANAGER, Role.ADMIN):
        template = "home/manager.html"
        context["sectors"] = selectors.sector_list()
    elif membership.has_role(Role.ACCOUNTANT, Role.PAYROLL):
        template = "home/accounting.html"
    elif membership.has_role(Role.SUPPORT):
        template = "home/support.html"
        context["portfolio"] = selectors.entrepreneur_list().filter(referent_id=membership.user_id)
    else:
        template = "home/entrepreneur.html"
        context["entrepreneur"] = selectors.entrepreneur_get_for_user(membership=membership)
    return render(request, template, context)


@role_required(*STAFF_ROLES)
def entrepreneur_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    sector_param = request.GET.get("sector", "")
    sector_id = int(sector_param) if sector_param.isdigit() else None
    search = request.GET.get("q", "")[:100]
    entrepreneurs = selectors.entrepreneur_list(sector_id=sector_id, search=search)
    context = {
        "entrepreneurs": entrepreneurs,
        "sectors": selectors.sector_list(),
        "sector_id": sector_id,
        "search": search,
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "entrepreneurs/entrepreneur_list.html#results", context)
    return render(request, "entrepreneurs/entrepreneur_list.html", context)


def entrepreneur_detail(
    request: HttpRequest, cooperative_slug: str, entrepreneur_id: int
) -> HttpResponse:
    entrepreneur = selectors.entrepreneur_get_for_member(
        membership=current_membership(request), entrepreneur_id=entrepreneur_id
    )
    return render(request, "entrepreneurs/entrepreneur_detail.html", {"entrepreneur": entrepreneur})
