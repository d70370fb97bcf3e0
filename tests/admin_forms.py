"""Posting an admin change form as a browser would: with whatever inlines other apps add."""

import re

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
