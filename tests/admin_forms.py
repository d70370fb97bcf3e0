"""Posting an admin form as a browser would: with whatever inlines other apps add."""

import re
from html.parser import HTMLParser

_INPUT = re.compile(r"<input\b[^>]*>", re.IGNORECASE)
_ATTR = re.compile(r'(\w[\w-]*)="([^"]*)"')


def hidden_inputs(html: str) -> dict[str, str]:
    """Every hidden input of a rendered admin form (inline management forms, inline row ids)."""
    data = {}
    for tag in _INPUT.findall(html):
        attrs = dict(_ATTR.findall(tag))
        if (
            attrs.get("type") == "hidden"
            and "name" in attrs
            and attrs["name"] != ("csrfmiddlewaretoken")
        ):
            data[attrs["name"]] = attrs.get("value", "")
    return data


class _FormFields(HTMLParser):
    """The values a browser would submit from the page's form with id `form_id`."""

    def __init__(self, form_id: str | None):
        super().__init__(convert_charrefs=True)
        self.form_id, self.in_form, self.depth = form_id, form_id is None, 0
        self.data: list[tuple[str, str]] = []
        self._select: str | None = None
        self._select_first: str | None = None
        self._select_chosen = False
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = {key: value or "" for key, value in attrs}
        if tag == "form" and self.form_id is not None:
            if attrs.get("id") == self.form_id:
                self.in_form, self.depth = True, 0
            elif self.in_form:
                self.depth += 1
            return
        if not self.in_form or "name" not in attrs or "disabled" in attrs:
            if tag == "option" and self._select is not None:
                self._option(attrs)
            return
        name = attrs["name"]
        if tag == "input":
            kind = attrs.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data.append((name, attrs.get("value", "on")))
                return
            self.data.append((name, attrs.get("value", "")))
        elif tag == "select":
            self._select, self._select_first, self._select_chosen = name, None, False
            self._multiple = "multiple" in attrs
        elif tag == "textarea":
            self._textarea, self._text = name, []

    def _option(self, attrs):
        value = attrs.get("value", "")
        if self._select_first is None:
            self._select_first = value
        if "selected" in attrs:
            self._select_chosen = True
            self.data.append((self._select, value))

    def handle_endtag(self, tag):
        if tag == "form" and self.form_id is not None and self.in_form:
            if self.depth:
                self.depth -= 1
            else:
                self.in_form = False
        elif tag == "select" and self._select is not None:
            if not self._select_chosen and not self._multiple and self._select_first is not None:
                self.data.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.data.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def form_data(html: str, form_id: str | None = None) -> dict[str, list[str]]:
    """What submitting the form (`form_id`, or every field of the page) would post, unchanged.

    Inputs, checked boxes, selected options (a single select without one posts its first),
    textareas; no file inputs, buttons or disabled fields. Values are lists, as `Client.post`
    accepts them for fields with several values.
    """
    parser = _FormFields(form_id)
    parser.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in parser.data:
        if name != "csrfmiddlewaretoken":
            data.setdefault(name, []).append(value)
    return data
