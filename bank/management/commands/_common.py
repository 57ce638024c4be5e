"""Shared argument handling of the bank's commands."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from perspectives.tenancy.models import Cooperative


def cooperative_from(options: dict[str, Any]) -> Cooperative:
    slug = options.get("cooperative")
    cooperative = Cooperative.objects.filter(slug=slug).first()
    if cooperative is None:
        raise CommandError(f"Coopérative « {slug} » inconnue.")
    return cooperative
