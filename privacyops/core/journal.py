"""The erasure journal: what was erased, kept outside the database so a restore cannot undo it.

Restoring last week's backup would bring back everyone erased since. So every erasure, every
retention purge and every suppression is also appended, after its transaction commits, to a
JSON-lines file in private storage (`PRIVATE_STORAGE_ROOT/erasure-journal/journal-YYYY-MM.jsonl`,
one file a month, append-only, mode 0600): when, why (which request or rule), and the keyed
identifiers of what went (ids, salted hashes), never a value. After a restore,
`manage.py erasure_journal_replay --backup-taken-at …` re-applies every line written after the
backup was taken (docs/operations.md).

Apps above core say how their kind of line is re-applied (`register_replayer`), so core imports
nobody; the registry re-applies its own erasures (`registry.erase_replayed`). Re-applying is
idempotent: an erasure erases nothing more the second time, a suppression is already listed.
"""

import contextlib
import contextvars
import datetime
import json
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

log = logging.getLogger(__name__)

ERASURE = "erasure"  # registry.erase of one data subject
SUPPRESSION = "suppression"  # an address put on the marketing suppression list (salted hash)
PURGE = "purge"  # a retention rule's run: what it disposes of, by rule, action and cutoff
FOLDER = "erasure-journal"

_reason: contextvars.ContextVar[str] = contextvars.ContextVar("journal_reason", default="")
_replaying: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "journal_replaying", default=False
)
Replayer = Callable[[dict], str]
_replayers: dict[str, Replayer] = {}


def directory() -> Path:
    """Where the journal lies: private storage unless a setting puts it elsewhere (e.g. a
    volume of its own that backups of the database do not overwrite)."""
    configured = getattr(settings, "PRIVACYOPS_ERASURE_JOURNAL_DIR", "")
    return Path(configured) if configured else Path(settings.PRIVATE_STORAGE_ROOT) / FOLDER


@contextlib.contextmanager
def because(text: str) -> Iterator[None]:
    """Name why the erasures inside the block happen ("request DSR-2026-0042"): the journal
    line says it, the registry's erase need not know about requests."""
    token = _reason.set(text)
    try:
        yield
    finally:
        _reason.reset(token)


def record(kind: str, **keys) -> dict | None:
    """Append a line once the current transaction commits (nothing if it rolls back).

    `keys` are identifiers only (ids, salted hashes, a rule's code): never a personal value.
    Lines are not written while the journal itself is being replayed.
    """
    if _replaying.get():
        return None
    entry = {"at": timezone.now().astimezone(datetime.UTC).isoformat(), "kind": kind}
    entry["because"] = _reason.get()
    entry.update(keys)
    transaction.on_commit(lambda: append(entry))
    return entry


def append(entry: dict) -> Path:
    """Write one line at the end of the month's file, flushed to disk before returning."""
    folder = directory()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / f"journal-{entry['at'][:7]}.jsonl"
    line = json.dumps(entry, sort_keys=True, separators=(",", ":")) + "\n"
    # One write() with O_APPEND: concurrent writers (web, workers) never interleave a line.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line.encode())
        os.fsync(fd)
    finally:
        os.close(fd)
    return path


def files() -> list[Path]:
    folder = directory()
    return sorted(folder.glob("journal-*.jsonl")) if folder.is_dir() else []


def entries(*, since: datetime.datetime | None = None) -> list[dict]:
    """Every line (in the order written), or those written at or after `since`."""
    found = []
    for path in files():
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if not line.strip():
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                # A line cut short by a crash mid-write: say where, keep reading.
                log.error("Unreadable erasure-journal line %s:%s", path.name, number)
                continue
            if since is None or datetime.datetime.fromisoformat(entry["at"]) >= since:
                found.append(entry)
    return sorted(found, key=lambda entry: entry["at"])


def register_replayer(kind: str, replayer: Replayer) -> None:
    """How a kind of line is re-applied: a function of the entry returning what it did."""
    _replayers[kind] = replayer


@dataclass
class Replay:
    since: str
    applied: list[dict] = field(default_factory=list)  # {"at", "kind", "outcome"} per line
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def replay(*, since: datetime.datetime) -> Replay:
    """Re-apply every line written at or after `since`, oldest first, each in its own
    transaction. A line no app knows how to apply, or one that fails, is a problem reported
    (the others are still applied); running it twice changes nothing more."""
    result = Replay(since=since.isoformat())
    token = _replaying.set(True)
    try:
        for entry in entries(since=since):
            replayer = _replayers.get(entry["kind"])
            if replayer is None:
                result.problems.append(f"{entry['at']}: no replayer for {entry['kind']!r}")
                continue
            try:
                with transaction.atomic():
                    outcome = replayer(entry)
            except Exception as error:  # reported; the next lines still apply
                log.exception("Replaying the erasure journal failed at %s", entry["at"])
                result.problems.append(f"{entry['at']} {entry['kind']}: {error!r}")
                continue
            if outcome.startswith("problem:"):
                result.problems.append(f"{entry['at']} {entry['kind']}: {outcome[8:].strip()}")
            result.applied.append({"at": entry["at"], "kind": entry["kind"], "outcome": outcome})
    finally:
        _replaying.reset(token)
    return result
