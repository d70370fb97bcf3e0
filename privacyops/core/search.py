"""One search box: a reference, an e-mail address, a telephone number, an account number or a
name finds the person, the accounts, the requests and the incidents it belongs to.

Each app contributes a searcher from a `search.py` module of its own (imported on first use by
`discover`; core imports no app). Searchers run in `order` and share a `SearchQuery`: the people
and accounts found by the earlier ones (`subject_ids`, `account_ids`) let the later ones find
what belongs to them (a person's requests, an account's incidents). Each searcher answers only
what the user may see (the rules are its app's selectors), so a representative never finds a
request or somebody else's account.

Contact details are encrypted at rest: e-mail addresses and telephone numbers are matched on
their keyed hash (the blind index), never by scanning plain text. The view that calls `search`
writes the access log, with the term as a keyed hash (admin_site.py).
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _

MAX_HITS = 25  # per searcher

REFERENCE = "reference"
EMAIL = "email"
PHONE = "phone"
NUMBER = "number"  # an account number, or any other code
NAME = "name"

_REFERENCE = re.compile(r"^(?P<prefix>[A-Za-z]{2,4})-?(?P<number>\d{1,9})$")
_PHONE = re.compile(r"^\+?[\d\s().\-/]{6,}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def classify(term: str) -> str:
    """What kind of key a search term is (pure: no database)."""
    if _EMAIL.match(term):
        return EMAIL
    if _REFERENCE.match(term):
        return REFERENCE
    if _PHONE.match(term) and sum(ch.isdigit() for ch in term) >= 6:
        return PHONE
    if any(ch.isdigit() for ch in term):
        return NUMBER
    return NAME


def phone_variants(term: str) -> list[str]:
    """The ways one telephone number may have been recorded: as typed, and without spaces,
    dots, dashes, slashes and brackets (each is then matched on its keyed hash)."""
    compact = re.sub(r"[\s().\-/]", "", term)
    return list(dict.fromkeys([term, compact]))


@dataclass
class SearchQuery:
    term: str
    kind: str
    user: object
    subject_ids: set[int] = field(default_factory=set)
    account_ids: set[int] = field(default_factory=set)

    def reference(self, prefix: str) -> int | None:
        """The number of a reference with this prefix ("PR" for PR-00012), or None."""
        match = _REFERENCE.match(self.term)
        if self.kind == REFERENCE and match and match["prefix"].upper() == prefix.upper():
            return int(match["number"])
        return None


@dataclass
class Hit:
    title: str  # a reference or a name the user may see; contact details only masked
    url: str
    detail: str = ""
    subject: object | None = None  # whose data it is (a data subject), for the access log


@dataclass
class HitGroup:
    title: str
    hits: list[Hit]
    order: int = 100


Searcher = Callable[[SearchQuery], HitGroup | None]
Recorder = Callable[..., None]
_searchers: list[tuple[int, Searcher]] = []
_recorders: list[Recorder] = []


def register_searcher(order: int) -> Callable[[Searcher], Searcher]:
    """Register a searcher; people (10) and accounts (20) run before what belongs to them."""

    def decorator(searcher: Searcher) -> Searcher:
        if all(existing is not searcher for _order, existing in _searchers):
            _searchers.append((order, searcher))
            _searchers.sort(key=lambda pair: pair[0])
        return searcher

    return decorator


@functools.cache
def discover() -> None:
    """Import every app's search.py once (as the admin imports each app's admin.py)."""
    autodiscover_modules("search")


def search(*, user, term: str) -> list[HitGroup]:
    """Everything the user may see that this term finds, grouped by kind of record."""
    discover()
    term = " ".join(term.split())
    if len(term) < 2 or not (user.is_active and user.is_staff):
        return []
    query = SearchQuery(term=term, kind=classify(term), user=user)
    groups = []
    for order, searcher in _searchers:
        group = searcher(query)
        if group is not None and group.hits:
            group.order = order
            groups.append(group)
    return groups


def register_recorder(recorder: Recorder) -> Recorder:
    """Register what records a search (the access log, security/search.py): it is called
    with `user`, `term`, `kind`, `groups` and `request` after every search."""
    if recorder not in _recorders:
        _recorders.append(recorder)
    return recorder


def search_and_record(*, user, term: str, request=None) -> list[HitGroup]:
    """`search`, then every recorder is told who searched, for what, and what was found."""
    groups = search(user=user, term=term)
    if term.strip():
        for recorder in _recorders:
            recorder(user=user, term=term, kind=classify(term), groups=groups, request=request)
    return groups


NOTHING_FOUND = _("Nothing found that you may see.")
