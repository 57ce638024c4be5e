"""Platform staff manage cooperatives and who belongs to them; never a cooperative's data."""

from __future__ import annotations

from django.contrib import admin

from perspectives.tenancy.models import Cooperative, Invitation, Membership


class MembershipInline(admin.TabularInline):  # type: ignore[type-arg]
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Cooperative)
class CooperativeAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("name", "slug", "siren", "legal_form", "created_at")
    search_fields = ("name", "slug", "siren")
    prepopulated_fields = {"slug": ("name",)}
    inlines = (MembershipInline,)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("user", "cooperative", "roles", "created_at")
    list_filter = ("cooperative",)
    search_fields = ("user__email", "cooperative__name")
    autocomplete_fields = ("user",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("email", "cooperative", "roles", "created_at", "expires_at", "accepted_at")
    list_filter = ("cooperative",)
    readonly_fields = ("token_hash",)
