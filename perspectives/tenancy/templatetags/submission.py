"""`{% submission_token %}`: the hidden one-time token of a form (perspectives.tenancy.idempotency).

`_form_fields.html` renders it in every form it lays out; a form written by hand adds it next to
`{% csrf_token %}`. Each rendering draws a new token, so a form shown again after an error may be
sent again."""

from __future__ import annotations

import uuid

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from perspectives.tenancy.idempotency import TOKEN_FIELD

register = template.Library()


@register.simple_tag
def submission_token() -> SafeString:
    return format_html('<input type="hidden" name="{}" value="{}">', TOKEN_FIELD, uuid.uuid4())
