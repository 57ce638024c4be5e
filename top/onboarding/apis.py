"""REST API of the onboarding app (under /api/v1/c/<cooperative_slug>/)."""

from __future__ import annotations

from typing import cast

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.request import Request

from entrepreneurs.selectors import entrepreneur_get_for_member
from perspectives.accounts.models import User
from perspectives.tenancy.apis import TenantApiView
from perspectives.tenancy.models import Role
from top.onboarding.gdpr import personal_data_export


class PersonalDataExportApi(TenantApiView):
    @extend_schema(
        summary="Everything the platform holds about a person (ZIP: JSON and documents)",
        responses={(200, "application/zip"): OpenApiResponse(OpenApiTypes.BINARY)},
    )
    def get(self, request: Request, cooperative_slug: str, entrepreneur_id: int) -> HttpResponse:
        entrepreneur = entrepreneur_get_for_member(
            membership=self.membership, entrepreneur_id=entrepreneur_id
        )
        if entrepreneur.user_id != self.membership.user_id and not self.membership.has_role(
            Role.MANAGER, Role.ADMIN
        ):
            raise PermissionDenied
        content = personal_data_export(entrepreneur=entrepreneur, by=cast(User, request.user))
        response = HttpResponse(content, content_type="application/zip")
        response["Content-Disposition"] = (
            f'attachment; filename="donnees-personnelles-{entrepreneur.pk}.zip"'
        )
        return response
