"""Nothing is created twice: one mechanism for the pages' forms and for the API.

Forms: every form rendered through `_form_fields.html` (or with `{% submission_token %}`) carries
a one-time token. A create view decorated with `@submitted_once` records (user, token, path)
before it runs, in the request's transaction; a second submission of the same token (a double
click, a replay) waits for the first on the unique constraint, then is redirected to where the
first one went, with a message, and creates nothing. A submission that created nothing (the form
is shown again with its errors, or the view reports an error) releases its token.

API: a POST to a tenant endpoint with an `Idempotency-Key` header is recorded the same way with
a fingerprint of its data; a replay answers the first response again (status and body, with
`Idempotent-Replayed: true`); the same key with other data answers 422. Only successful (2xx)
responses are kept: an error leaves nothing behind, so the request may be sent again.

Records are kept RETENTION days; a user's older ones are removed when they submit again."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response

from perspectives.accounts.models import User
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import IdempotencyRecord

TOKEN_FIELD = "submission_token"  # noqa: S105 - a form field name, not a secret
HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
RETENTION = dt.timedelta(days=7)
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_KEY = re.compile(r"^[\x21-\x7e]{1,255}$")  # printable ASCII, no space

ViewFunc = Callable[..., HttpResponseBase]

# The views decorated with @submitted_once, so that a test can check each of them.
SUBMITTED_ONCE_VIEWS: set[str] = set()


# --- Services --------------------------------------------------------------------------------


def idempotency_claim(
    *, user: User, key: str, path: str, fingerprint: str = ""
) -> tuple[IdempotencyRecord, bool]:
    """Record (user, key, path) in the current transaction, or return the record already there
    (True). A claim made concurrently by another transaction waits until that one ends."""
    cooperative_id = require_cooperative_id()
    IdempotencyRecord.objects.filter(user=user, created_at__lt=timezone.now() - RETENTION).delete()
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                cooperative_id=cooperative_id,
                user=user,
                key=key,
                path=path,
                fingerprint=fingerprint,
            )
    except IntegrityError:
        return IdempotencyRecord.objects.get(user=user, key=key, path=path), True
    return record, False


def idempotency_records_purge(*, now: dt.datetime | None = None) -> int:
    """The active cooperative's records past RETENTION (daily housekeeping); returns how many."""
    cutoff = (now or timezone.now()) - RETENTION
    deleted, _by_model = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted


def idempotency_release(*, record: IdempotencyRecord) -> None:
    """Nothing was created: the key may be used again."""
    record.delete()


def idempotency_complete(
    *,
    record: IdempotencyRecord,
    location: str = "",
    status: int | None = None,
    body: Any = None,
) -> None:
    record.location = location
    record.response_status = status
    record.response_body = body
    record.save(update_fields=["location", "response_status", "response_body"])


# --- Pages -----------------------------------------------------------------------------------


def _reported_an_error(request: HttpRequest) -> bool:
    """Whether the view queued an error message (views that redirect either way say so)."""
    queued = getattr(messages.get_messages(request), "_queued_messages", [])
    return any(message.level >= messages.ERROR for message in queued)


def submitted_once(view: ViewFunc) -> ViewFunc:
    """A create view that a double click or a replay of its form runs once (see the module)."""
    SUBMITTED_ONCE_VIEWS.add(f"{view.__module__}.{view.__name__}")

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        token = request.POST.get(TOKEN_FIELD, "") if request.method == "POST" else ""
        if not _TOKEN.match(token):
            return view(request, *args, **kwargs)
        record, replay = idempotency_claim(
            user=request.user,  # type: ignore[arg-type]
            key=token,
            path=request.path,
        )
        if replay:
            messages.info(
                request,
                _(
                    "Ce formulaire avait déjà été envoyé : il n'a pas été enregistré une seconde "
                    "fois."
                ),
            )
            return redirect(record.location or request.path)
        response = view(request, *args, **kwargs)
        location = response.get("Location", "") if 300 <= response.status_code < 400 else ""
        if location and not _reported_an_error(request):
            idempotency_complete(record=record, location=location)
        else:
            idempotency_release(record=record)
        return response

    return wrapper


# --- API -------------------------------------------------------------------------------------


class IdempotentReplay(APIException):
    """Raised before the handler runs: the stored response is the answer."""

    def __init__(self, response: Response) -> None:
        super().__init__()
        self.response = response


class KeyReused(APIException):
    status_code = 422
    default_code = "idempotency_key_reused"


def _fingerprint(request: Request) -> str:
    data = request.data
    payload = (
        sorted((key, [str(value) for value in values]) for key, values in data.lists())
        if hasattr(data, "lists")
        else data
    )
    canonical = json.dumps(payload, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def api_claim(request: Request) -> IdempotencyRecord | None:
    """For a POST with an Idempotency-Key: the new record, or raise the stored answer."""
    key = request.headers.get(HEADER)
    if request.method != "POST" or key is None:
        return None
    if not _KEY.match(key):
        raise ValidationError(
            {
                HEADER: [
                    _(
                        "L'en-tête Idempotency-Key doit compter de 1 à 255 caractères ASCII "
                        "imprimables, sans espace."
                    )
                ]
            }
        )
    fingerprint = _fingerprint(request)
    record, replay = idempotency_claim(
        user=request.user,  # type: ignore[arg-type]
        key=key,
        path=request.path,
        fingerprint=fingerprint,
    )
    if not replay:
        return record
    if record.fingerprint != fingerprint:
        raise KeyReused(
            _(
                "Cette clé d'idempotence a déjà servi pour une autre requête : utilisez-en une "
                "autre."
            )
        )
    response = Response(record.response_body, status=record.response_status)
    response[REPLAYED_HEADER] = "true"
    raise IdempotentReplay(response)


def api_finish(record: IdempotencyRecord, response: HttpResponseBase) -> None:
    if 200 <= response.status_code < 300 and isinstance(response, Response):
        body = None if response.data is None else json.loads(JSONRenderer().render(response.data))
        idempotency_complete(record=record, status=response.status_code, body=body)
    else:
        idempotency_release(record=record)
