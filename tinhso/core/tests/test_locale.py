"""The English catalogue: complete, compiled from the current .po file, and used by Django.

Source strings are Vietnamese; English comes from ``tinhso/locale/en/LC_MESSAGES/django.po``.
When you add or change a translatable string, refresh and compile the catalogue::

    cd tinhso && django-admin makemessages -l en --settings=tinhso.settings --pythonpath=..
    # translate every new or fuzzy entry in locale/en/LC_MESSAGES/django.po
    django-admin compilemessages -l en --settings=tinhso.settings --pythonpath=..
"""

from __future__ import annotations

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client
from django.utils import translation
from django.utils.html import escape

LC_MESSAGES = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"

HOW_TO_FIX = (
    "Run `django-admin makemessages -l en`, translate the entries in "
    "tinhso/locale/en/LC_MESSAGES/django.po, then run `django-admin compilemessages -l en` "
    "(both from tinhso/ with --settings=tinhso.settings --pythonpath=..)."
)


@dataclass
class Entry:
    """One message of a .po file."""

    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)


def _unquote(line: str) -> str:
    """The value of one quoted PO string; PO escapes are a subset of Python's."""
    return ast.literal_eval(line)


def parse_po(path: Path) -> list[Entry]:
    """The active entries of a .po file, header included (``msgid == ""``)."""
    entries: list[Entry] = []
    entry = Entry()
    key: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal entry, key, started
        if started:
            entries.append(entry)
        entry, key, started = Entry(), None, False

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#,"):
            if started:
                finish()
            entry.flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith("#"):  # comments, references, obsolete (#~) entries
            continue
        elif match := re.match(
            r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$", line
        ):
            keyword, index, value = match.groups()
            if keyword in ("msgctxt", "msgid") and started and entry.msgstr:
                finish()
            started = True
            if keyword == "msgctxt":
                key, entry.msgctxt = ("msgctxt", 0), _unquote(value)
            elif keyword == "msgid":
                key, entry.msgid = ("msgid", 0), _unquote(value)
            elif keyword == "msgid_plural":
                key, entry.msgid_plural = ("msgid_plural", 0), _unquote(value)
            else:
                key = ("msgstr", int(index or 0))
                entry.msgstr[key[1]] = _unquote(value)
        elif line.startswith('"') and key is not None:
            name, index = key
            if name == "msgctxt":
                entry.msgctxt = (entry.msgctxt or "") + _unquote(line)
            elif name == "msgid":
                entry.msgid += _unquote(line)
            elif name == "msgid_plural":
                entry.msgid_plural = (entry.msgid_plural or "") + _unquote(line)
            else:
                entry.msgstr[index] += _unquote(line)
        else:
            raise AssertionError(f"{path}: cannot parse line {raw!r}")
    finish()
    return entries


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return [entry for entry in parse_po(PO_FILE) if entry.msgid]


@pytest.fixture(scope="module")
def catalogue(entries: list[Entry]) -> dict[str, str]:
    return {entry.msgid: entry.msgstr[0] for entry in entries if entry.msgctxt is None}


def test_catalogue_is_parsed(entries: list[Entry]) -> None:
    assert len(entries) > 100, "the parser found too few entries; is django.po intact?"
    header = next(e for e in parse_po(PO_FILE) if not e.msgid)
    assert "Language: en\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]


def test_every_entry_is_translated_and_none_is_fuzzy(entries: list[Entry]) -> None:
    untranslated = [
        e.msgid
        for e in entries
        if "fuzzy" in e.flags
        or sorted(e.msgstr) != ([0] if e.msgid_plural is None else [0, 1])
        or not all(e.msgstr.values())
    ]
    assert not untranslated, (
        f"{len(untranslated)} untranslated or fuzzy entries in {PO_FILE.name}:\n  "
        + "\n  ".join(repr(m) for m in untranslated)
        + "\n"
        + HOW_TO_FIX
    )


PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}|</?[a-zA-Z][^>]*>")


def test_translations_keep_placeholders_markup_and_edge_whitespace(
    entries: list[Entry],
) -> None:
    broken = []
    for e in entries:
        sources = [e.msgid] if e.msgid_plural is None else [e.msgid, e.msgid_plural]
        for index, translated in e.msgstr.items():
            if not translated:
                continue  # reported by the completeness test
            source = sources[min(index, len(sources) - 1)]
            same_tokens = sorted(PLACEHOLDER.findall(source)) == sorted(
                PLACEHOLDER.findall(translated)
            )
            lead = source[: len(source) - len(source.lstrip())]
            trail = source[len(source.rstrip()) :]
            same_edges = translated.startswith(lead) and translated.endswith(trail)
            if not (same_tokens and same_edges):
                broken.append(f"{e.msgid!r} -> {translated!r}")
    assert not broken, "placeholders, HTML or edge whitespace differ:\n  " + "\n  ".join(broken)


def test_compiled_catalogue_matches_the_po_file(entries: list[Entry]) -> None:
    assert MO_FILE.exists(), f"{MO_FILE} is missing. {HOW_TO_FIX}"
    with MO_FILE.open("rb") as fp:
        compiled = gettext.GNUTranslations(fp)
    stale = []
    for e in entries:
        if not e.msgstr or "fuzzy" in e.flags or not all(e.msgstr.values()):
            continue
        if e.msgctxt is not None:
            if compiled.pgettext(e.msgctxt, e.msgid) != e.msgstr[0]:
                stale.append(e.msgid)
        elif e.msgid_plural is None:
            if compiled.gettext(e.msgid) != e.msgstr[0]:
                stale.append(e.msgid)
        elif (
            compiled.ngettext(e.msgid, e.msgid_plural, 1) != e.msgstr[0]
            or compiled.ngettext(e.msgid, e.msgid_plural, 2) != e.msgstr[1]
        ):
            stale.append(e.msgid)
    assert not stale, (
        f"{MO_FILE.name} is out of date with {PO_FILE.name} for {len(stale)} entries:\n  "
        + "\n  ".join(repr(m) for m in stale)
        + "\nRun `django-admin compilemessages -l en` and commit django.mo."
    )


def test_django_translates_to_english(catalogue: dict[str, str]) -> None:
    expected = catalogue["Đơn vị hành chính"]
    assert expected != "Đơn vị hành chính"
    with translation.override("en"):
        assert translation.gettext("Đơn vị hành chính") == expected
    with translation.override("vi"):
        assert translation.gettext("Đơn vị hành chính") == "Đơn vị hành chính"


@pytest.mark.django_db
def test_language_switch_renders_the_home_page_in_english(
    client: Client, catalogue: dict[str, str]
) -> None:
    source = "Các hệ thống của Nghị quyết 111-NQ/TU"
    expected = catalogue[source]
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert expected in html or escape(expected) in html
    assert source not in html
