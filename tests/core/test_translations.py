"""The English catalogue is complete: every French message has its English, none left fuzzy
(a guess `makemessages` made from a neighbouring message), and the compiled catalogue that
Django reads matches the .po file (`make messages` compiles it)."""

from __future__ import annotations

import ast
import gettext
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"


@dataclass
class Entry:
    line: int
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields.get("msgid", "")


def _entries(path: Path) -> list[Entry]:
    """The entries of a .po file (blocks between blank lines), obsolete `#~` ones left out,
    strings unquoted."""
    entries: list[Entry] = []
    number = 1
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = Entry(number)
        number += block.count("\n") + 2
        key = ""
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith('"'):
                entry.fields[key] += ast.literal_eval(line)
            elif not line.startswith("#"):
                key, _, value = line.partition(" ")
                entry.fields[key] = ast.literal_eval(value)
        if entry.fields:
            entries.append(entry)
    return entries


def test_every_message_has_its_english_translation() -> None:
    entries = [e for e in _entries(CATALOGUE / "django.po") if e.msgid]
    untranslated = [
        (e.line, e.msgid)
        for e in entries
        if any(not value for name, value in e.fields.items() if name.startswith("msgstr"))
    ]
    fuzzy = [(e.line, e.msgid) for e in entries if "fuzzy" in e.flags]
    assert len(entries) > 1000
    assert untranslated == []
    assert fuzzy == []


def test_the_compiled_catalogue_is_up_to_date() -> None:
    with (CATALOGUE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    catalog: dict[object, str] = compiled._catalog  # type: ignore[attr-defined]
    stale = []
    for entry in _entries(CATALOGUE / "django.po"):
        if not entry.msgid or "msgid_plural" in entry.fields:
            continue
        key: object = entry.msgid
        if "msgctxt" in entry.fields:
            key = f"{entry.fields['msgctxt']}\x04{entry.msgid}"
        if catalog.get(key) != entry.fields["msgstr"]:
            stale.append((entry.line, entry.msgid))
    assert stale == []
