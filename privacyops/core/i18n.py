"""Reading gettext catalogs (no Django here): what tests/core/test_translations.py checks.

`read_po` understands what `makemessages` writes: comments and flags (`#, fuzzy`), `msgctxt`,
`msgid`, `msgid_plural`, `msgstr` / `msgstr[n]`, strings continued over several lines, and
obsolete entries (`#~`), which it skips.
"""

import ast
import re
from dataclasses import dataclass, field

_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*")\s*$')


@dataclass
class PoEntry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr.values()) and "fuzzy" not in self.flags

    @property
    def key(self) -> str:
        # How a compiled catalog keys the entry: context EOT msgid (GNU gettext).
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


def _unquote(literal: str) -> str:
    return ast.literal_eval(literal)


def read_po(text: str) -> list[PoEntry]:
    """The entries of a .po file's text, in order (the header first)."""
    entries: list[PoEntry] = []
    entry, current, index = PoEntry(), None, 0
    started = False

    def finish():
        nonlocal entry, started
        if started:
            entries.append(entry)
        entry, started = PoEntry(), False

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            current = None
            continue
        if line.startswith("#~"):
            continue  # obsolete
        if line.startswith("#,"):
            if started and current is not None:
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",") if flag.strip()}
            continue
        if line.startswith("#"):
            continue
        if line.startswith('"'):
            value = _unquote(line)
            if current == "msgstr":
                entry.msgstr[index] += value
            else:
                setattr(entry, current, getattr(entry, current) + value)
            continue
        match = _KEYWORD.match(line)
        if not match:
            raise ValueError(f"Not a .po line: {raw!r}")
        keyword, number, literal = match.groups()
        if keyword in ("msgctxt", "msgid") and started and current == "msgstr":
            finish()
        started = True
        value = _unquote(literal)
        if keyword.startswith("msgstr"):
            current, index = "msgstr", int(number or 0)
            entry.msgstr[index] = value
        else:
            current = keyword
            setattr(entry, keyword, value)
    finish()
    return entries
