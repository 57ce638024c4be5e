from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy import jobs, selectors, services
from perspectives.tenancy.forms import InvitationForm, NewAccountForm
from perspectives.tenancy.idempotency import submitted_once
from perspectives.tenancy.models import Job
from perspectives.tenancy.permissions import (
    JOB_ROLES,
    MEMBER_ADMIN_ROLES,
    current_membership,
    role_required,
)


@login_required
def root(request: HttpRequest) -> HttpResponse:
    """Send the user to their cooperative, or let them choose one."""
    memberships = list(selectors.membership_list_for_user(user=request.user))  # type: ignore[arg-type]
    if len(memberships) == 1:
        return redirect("cooperative_home", cooperative_slug=memberships[0].cooperative.slug)
    return render(request, "tenancy/choose_cooperative.html", {"memberships": memberships})


@role_required(*MEMBER_ADMIN_ROLES)
@submitted_once
def member_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    cooperative = current_membership(request).cooperative
    form = InvitationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _token = services.invitation_create(
                cooperative=cooperative,
                email=form.cleaned_data["email"],
                roles=form.cleaned_data["roles"],
                invited_by=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            form.add_error("email", error.message)
        else:
            messages.success(
                request, _("Invitation envoyée à %(email)s.") % {"email": invitation.email}
            )
            return redirect("member_list", cooperative_slug=cooperative_slug)
    context: dict[str, Any] = {
        "form": form,
        "memberships": selectors.membership_list(cooperative=cooperative),
        "invitations": selectors.invitation_list_pending(cooperative=cooperative),
    }
    status = 400 if form.errors else 200
    return render(request, "tenancy/member_list.html", context, status=status)


@require_POST
@role_required(*MEMBER_ADMIN_ROLES)
def membership_remove(
    request: HttpRequest, cooperative_slug: str, membership_id: int
) -> HttpResponse:
    membership = selectors.membership_get_for_member(
        cooperative=current_membership(request).cooperative, membership_id=membership_id
    )
    try:
        services.membership_remove(membership=membership, removed_by=request.user)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("%(name)s n'a plus accès à la coopérative.") % {"name": membership.user}
        )
    return redirect("member_list", cooperative_slug=cooperative_slug)


@require_POST
@role_required(*MEMBER_ADMIN_ROLES)
def invitation_revoke(
    request: HttpRequest, cooperative_slug: str, invitation_id: int
) -> HttpResponse:
    invitation = selectors.invitation_get_for_member(
        cooperative=current_membership(request).cooperative, invitation_id=invitation_id
    )
    try:
        services.invitation_revoke(invitation=invitation)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Invitation annulée."))
    return redirect("member_list", cooperative_slug=cooperative_slug)


@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    invitation = selectors.invitation_get_by_token(token=token)
    if invitation is None:
        return render(request, "tenancy/invitation_invalid.html", status=404)
    if not invitation.is_pending or invitation.is_expired:
        return render(
            request, "tenancy/invitation_invalid.html", {"invitation": invitation}, status=410
        )
    cooperative = invitation.cooperative
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                services.invitation_accept(invitation=invitation, user=request.user)
            except ApplicationError as error:
                messages.error(request, error.message)
                return render(
                    request,
                    "tenancy/invitation_accept.html",
                    {"invitation": invitation},
                    status=400,
                )
            messages.success(request, _("Bienvenue dans %(name)s !") % {"name": cooperative.name})
            return redirect("cooperative_home", cooperative_slug=cooperative.slug)
        return render(request, "tenancy/invitation_accept.html", {"invitation": invitation})

    from perspectives.accounts.models import User

    if User.objects.filter(email__iexact=invitation.email).exists():
        login_url = f"{reverse('account_login')}?next={request.path}"
        return render(
            request,
            "tenancy/invitation_accept.html",
            {"invitation": invitation, "login_url": login_url},
        )
    form = NewAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.invitation_accept_new_account(
                invitation=invitation,
                first_name=form.cleaned_data["first_name"],
                last_name=form.cleaned_data["last_name"],
                password=form.cleaned_data["password1"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Bienvenue dans %(name)s !") % {"name": cooperative.name})
            return redirect("cooperative_home", cooperative_slug=cooperative.slug)
    status = 400 if form.errors else 200
    return render(
        request,
        "tenancy/invitation_accept.html",
        {"invitation": invitation, "form": form},
        status=status,
    )


@require_GET
@never_cache
@transaction.non_atomic_requests
def healthz(request: HttpRequest) -> JsonResponse:
    """Database and Redis status, for load balancers and `docker compose` health checks: 503 as
    soon as one of them does not answer (Redis itself, not the cache's database fallback)."""
    status = {"database": "ok", "redis": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception:
        status["database"] = "error"
    try:
        redis_cache = caches["redis"]
        redis_cache.set("healthz", "1", timeout=5)
        if redis_cache.get("healthz") != "1":
            status["redis"] = "error"
    except Exception:
        status["redis"] = "error"
    healthy = all(value == "ok" for value in status.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **status}, status=200 if healthy else 503
    )


@role_required(*JOB_ROLES)
def job_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The work handed to the workers: what waits, runs, failed (with a button to try again)
    and was done lately. The page follows itself while something waits or runs."""
    rows = [(job, jobs.job_label(job)) for job in jobs.job_list()]
    busy = any(job.state in (Job.State.PENDING, Job.State.RUNNING) for job, _label in rows)
    return render(request, "tenancy/job_list.html", {"rows": rows, "busy": busy})


@require_POST
@role_required(*JOB_ROLES)
def job_retry(request: HttpRequest, cooperative_slug: str, job_id: int) -> HttpResponse:
    job = jobs.job_get_for_member(job_id=job_id)
    if job.state == Job.State.FAILED:
        jobs.job_retry(job=job)
        messages.success(request, _("Le travail est relancé."))
    else:
        messages.info(request, _("Ce travail n'a pas échoué : il n'y a rien à relancer."))
    return redirect("job_list", cooperative_slug=cooperative_slug)
