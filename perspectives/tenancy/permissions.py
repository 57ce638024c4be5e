"""Role checks for views and APIs inside a cooperative (membership is checked by the middleware)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from perspectives.tenancy.models import Membership, Role

ViewFunc = Callable[..., HttpResponseBase]

MEMBER_ADMIN_ROLES = (Role.ADMIN, Role.MANAGER)
# Who follows the work handed to the workers (and may hand a failed job out again).
JOB_ROLES = (Role.MANAGER, Role.ADMIN, Role.ACCOUNTANT, Role.PAYROLL)


def current_membership(request: HttpRequest) -> Membership:
    membership: Membership | None = getattr(request, "membership", None)
    if membership is None:
        # A tenant view reached outside /c/<slug>/: a wiring error, never a user's doing.
        raise RuntimeError("This view must be mounted under the cooperative URL prefix.")
    return membership


def role_required(*roles: str) -> Callable[[ViewFunc], ViewFunc]:
    """403 for a member without one of `roles` (non-members never get here: they get a 404)."""

    def decorator(view: ViewFunc) -> ViewFunc:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if not current_membership(request).has_role(*roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


class HasRole(BasePermission):
    """DRF permission: `permission_classes = [HasRole.of(Role.MANAGER)]`."""

    roles: tuple[str, ...] = ()

    @classmethod
    def of(cls, *roles: str) -> type[HasRole]:
        return type("HasRole", (cls,), {"roles": roles})

    def has_permission(self, request: Request, view: APIView) -> bool:
        membership = getattr(request._request, "membership", None)
        return membership is not None and membership.has_role(*self.roles)
