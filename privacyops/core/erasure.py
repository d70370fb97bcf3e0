"""How a personal-data field is erased. Pure: no Django import, tested in milliseconds."""

import enum
import hashlib
import hmac
import re


class Strategy(enum.StrEnum):
    DELETE_ROW = "delete row"
    BLANK = "blank"
    MASK = "mask"
    HASH = "salted hash"


MASK_TEXT = "[erased]"
HASH_PREFIX = "sha256:"


def salted_hash(value: str, salt: str) -> str:
    """A keyed, one-way fingerprint: the same value gives the same hash under the same salt,
    so an erased e-mail can still be recognised (suppression) but never read back."""
    normalised = value.strip().lower()
    digest = hmac.new(salt.encode(), normalised.encode(), hashlib.sha256).hexdigest()
    return HASH_PREFIX + digest


def is_erased(value, strategy: Strategy) -> bool:
    """Whether a stored value already carries the strategy's result (so re-running is a no-op)."""
    if strategy is Strategy.BLANK:
        return value in ("", None)
    if strategy is Strategy.MASK:
        return value == MASK_TEXT or value in ("", None)
    if strategy is Strategy.HASH:
        return value in ("", None) or str(value).startswith(HASH_PREFIX)
    return False


def erased_value(value, strategy: Strategy, *, salt: str, nullable: bool):
    if strategy is Strategy.BLANK:
        return None if nullable else ""
    if strategy is Strategy.MASK:
        return MASK_TEXT
    if strategy is Strategy.HASH:
        return None if value in ("", None) else salted_hash(str(value), salt)
    raise ValueError(f"{strategy} is not a field strategy")


MASK_DOT = "•"


def masked(value, *, empty: str = "—") -> str:
    """A value as a reader who may not see it is shown it: enough to tell two apart, not to
    read it. `m•••@example.com` for an e-mail, the first character and the last two of
    anything else (`I•••••va`, `+•••••••••56`); short values keep only their first character."""
    text = "" if value is None else str(value)
    if not text:
        return empty
    name, at, domain = text.partition("@")
    if at and domain:
        return f"{name[:1]}{MASK_DOT * max(len(name) - 1, 2)}@{domain}"
    if len(text) <= 4:
        return text[:1] + MASK_DOT * 3
    return text[:1] + MASK_DOT * (len(text) - 3) + text[-2:]


_EMAIL_IN_TEXT = re.compile(r"[^\s@<>()\[\]\"',;:]+@[^\s@<>()\[\]\"',;:]+\.[^\s@<>()\[\]\"',;:.]+")
# A telephone number: at least 7 digits, optionally "+", spaces, dots, dashes, slashes, brackets.
_PHONE_IN_TEXT = re.compile(r"(?<![\w+])\+?\(?\d[\d ()./-]{5,}\d(?!\w)")
_DATE_OR_TIME = re.compile(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}")


def _masked_phone(match: re.Match) -> str:
    text = match.group(0)
    if sum(c.isdigit() for c in text) < 7 or _DATE_OR_TIME.search(text):
        return text  # a count, a reference, a date: not a telephone number
    return masked(text)


def masked_contacts_in_text(value, *, keep: frozenset[str] = frozenset()):
    """Free text (or JSON made of it) with every e-mail address and telephone number in it
    masked (`masked`), everything else unchanged: for notes and details that are read by
    more people than the contact details they might quote. Addresses in `keep` (lower case:
    the organisation's own, printed in every letter) stay as they are."""
    if isinstance(value, str):

        def email(match: re.Match) -> str:
            return match[0] if match[0].lower() in keep else masked(match[0])

        return _PHONE_IN_TEXT.sub(_masked_phone, _EMAIL_IN_TEXT.sub(email, value))
    if isinstance(value, dict):
        return {key: masked_contacts_in_text(item, keep=keep) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [masked_contacts_in_text(item, keep=keep) for item in value]
    return value
