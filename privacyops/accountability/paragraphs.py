"""Splitting a policy's full text into numbered paragraphs (pure: no Django)."""

import re

HEADING_WORDS = 8
_BREAK = re.compile(r"\r\n|\r|\n")


def split_paragraphs(text: str) -> list[str]:
    """One paragraph per non-empty line, with runs of spaces inside a line collapsed.

    The stored policy keeps a paragraph per line (as published); blank lines separate nothing
    more. Legal corrects a split that is wrong (two paragraphs on one line) in the admin.
    """
    lines = (" ".join(line.split()) for line in _BREAK.split(text or ""))
    return [line for line in lines if line]


def default_heading(text: str) -> str:
    """The first words of a paragraph, for a heading Legal has not written yet."""
    words = text.split()
    heading = " ".join(words[:HEADING_WORDS]).rstrip(",;:.")
    return heading + ("…" if len(words) > HEADING_WORDS else "")
