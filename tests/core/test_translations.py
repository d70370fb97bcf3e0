"""Our Bulgarian catalog: every string translated, nothing fuzzy, the committed .mo current, and
the admin in Bulgarian for a staff member who chose it."""

import gettext
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from privacyops.core import roles
from privacyops.core.i18n import read_po
from tests.factories import UserFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
PO = LOCALE / "bg" / "LC_MESSAGES" / "django.po"
MO = LOCALE / "bg" / "LC_MESSAGES" / "django.mo"


def entries():
    return [e for e in read_po(PO.read_text(encoding="utf-8")) if not e.is_header]


def test_two_languages_and_our_catalog_is_where_django_looks():
    assert [code for code, _ in settings.LANGUAGES] == ["en", "bg"]
    assert LOCALE in [Path(p) for p in settings.LOCALE_PATHS]
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE


def test_no_string_is_left_untranslated_or_fuzzy():
    catalog = entries()
    assert len(catalog) > 100
    untranslated = [e.msgid for e in catalog if not e.translated]
    assert untranslated == [], "Run `make messages` and translate these in django.po"


def test_the_header_is_final_not_a_template():
    header = read_po(PO.read_text(encoding="utf-8"))[0]
    assert header.is_header and "fuzzy" not in header.flags
    assert "Language: bg" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]


def test_placeholders_survive_translation():
    for entry in entries():
        for text in entry.msgstr.values():
            for source in filter(None, (entry.msgid, entry.msgid_plural)):
                assert sorted(_placeholders(text)) == sorted(_placeholders(source)), entry.msgid


def _placeholders(text: str) -> list[str]:
    import re

    return re.findall(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}", text)


def test_the_committed_mo_is_the_compiled_po():
    """A fresh clone runs on the committed .mo with no gettext installed; it must be current."""
    with MO.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    expected = {}
    for entry in entries():
        if entry.msgid_plural is None:
            expected[entry.key] = entry.msgstr[0]
        else:
            for index, text in entry.msgstr.items():
                expected[(entry.key, index)] = text
    actual = {key: value for key, value in compiled._catalog.items() if key != ""}
    assert actual == expected, "Run `make messages` (compilemessages) and commit django.mo"


def test_translations_are_what_django_serves():
    with translation.override("bg"):
        assert translation.gettext("Send request") == "Изпрати искането"
        # Django's own Bulgarian admin translation still answers for its strings.
        assert translation.gettext("Log out") == "Изход"


@pytest.mark.django_db
def test_the_admin_renders_in_bulgarian_for_a_staff_member_who_chose_it(client):
    client.force_login(UserFactory(username="lena", role=roles.LEGAL))
    english = client.get(reverse("admin:index"))
    assert english.status_code == 200 and b"Log out" in english.content
    chosen = client.post("/i18n/setlang/", {"language": "bg", "next": "/admin/"})
    assert chosen.status_code == 302
    page = client.get(reverse("admin:index")).content.decode()
    assert '<html lang="bg"' in page
    assert "Изход" in page  # Django's own Bulgarian
    assert "Състояние на защитата на личните данни" in page  # ours
    changelist = client.get(reverse("admin:dsr_privacyrequest_changelist")).content.decode()
    assert "Искания относно лични данни" in changelist  # the model's name, ours
    assert "Филтър" in changelist  # Django's
