"""The API's JSON parser: a body nested too deeply is refused with a 400, not a RecursionError.

Python's JSON decoder recurses once per level: a body of a few thousand `[` exhausts the stack
and DRF's parser lets the RecursionError through (a 500). No endpoint takes more than a few
levels, so MAX_DEPTH is far above any real body and far below the interpreter's limit."""

from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import IO, Any

from django.utils.translation import gettext as _
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

MAX_DEPTH = 64


def _too_deep(data: bytes, limit: int) -> bool:
    """Whether the brackets outside strings nest deeper than `limit` (one pass, no recursion;
    skipped when the body has too few brackets to get there)."""
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    depth = 0
    in_string = escaped = False
    for byte in data:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # "
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return False


class BoundedJSONParser(JSONParser):
    def parse(
        self,
        stream: IO[Any],
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        body = stream.read() if stream is not None else b""
        if _too_deep(body, MAX_DEPTH):
            raise ParseError(
                _("Le corps JSON est imbriqué sur plus de %(n)s niveaux.") % {"n": MAX_DEPTH}
            )
        try:
            return super().parse(BytesIO(body), media_type, parser_context)
        except RecursionError as error:  # the check above should make this unreachable
            raise ParseError(_("Le corps JSON est trop imbriqué.")) from error
