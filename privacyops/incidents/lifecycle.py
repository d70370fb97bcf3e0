"""The lifecycle of a security incident, as one transition table (no Django here).

reported → triage → not a breach (documented, closed) / breach confirmed → contained →
authority notified → closed. `TRANSITIONS` is the only place that says which state may follow
which; services call `check_transition`, the admin asks `next_states` which steps to offer.
What the law requires before a step (awareness recorded, the risk assessed, the authority,
the customers and the people told) is `blockers`, a function of the incident's facts.
"""

from dataclasses import dataclass
from enum import StrEnum


def gettext_noop(message: str) -> str:
    """Marks a label for `makemessages` (this module imports no Django); the models translate
    it (gettext_lazy) where it is shown."""
    return message


class State(StrEnum):
    REPORTED = "reported"
    TRIAGE = "triage"
    NOT_A_BREACH = "not_a_breach"
    BREACH_CONFIRMED = "breach_confirmed"
    CONTAINED = "contained"
    NOTIFIED = "notified"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    State.REPORTED: gettext_noop("Reported (not yet triaged)"),
    State.TRIAGE: gettext_noop("In triage"),
    State.NOT_A_BREACH: gettext_noop("Not a personal-data breach"),
    State.BREACH_CONFIRMED: gettext_noop("Personal-data breach confirmed"),
    State.CONTAINED: gettext_noop("Breach contained"),
    State.NOTIFIED: gettext_noop("Supervisory authority notified"),
    State.CLOSED: gettext_noop("Closed"),
}

S = State
TRANSITIONS: dict[State, frozenset[State]] = {
    S.REPORTED: frozenset({S.TRIAGE}),
    S.TRIAGE: frozenset({S.NOT_A_BREACH, S.BREACH_CONFIRMED}),
    # New facts may show that what looked harmless was a breach after all.
    S.NOT_A_BREACH: frozenset({S.TRIAGE, S.CLOSED}),
    S.BREACH_CONFIRMED: frozenset({S.CONTAINED, S.NOTIFIED, S.CLOSED}),
    S.CONTAINED: frozenset({S.NOTIFIED, S.CLOSED}),
    S.NOTIFIED: frozenset({S.CONTAINED, S.CLOSED}),
    S.CLOSED: frozenset(),
}
# Entered only by the service that records the authority's initial notification.
SYSTEM_ONLY = frozenset({S.NOTIFIED})
# A breach (for the Art. 33(5) register and the clock): every state after confirmation.
BREACH_STATES = frozenset({S.BREACH_CONFIRMED, S.CONTAINED, S.NOTIFIED})
FINAL = frozenset(state for state, targets in TRANSITIONS.items() if not targets)
OPEN = frozenset(State) - FINAL
REASON_REQUIRED = frozenset({S.NOT_A_BREACH})

NO_RISK, RISK, HIGH_RISK = "no_risk", "risk", "high_risk"


@dataclass(frozen=True)
class Facts:
    """What the register says about an incident, as far as the next step depends on it."""

    aware_recorded: bool = False
    risk: str = ""  # "", NO_RISK, RISK or HIGH_RISK
    authority_notified: bool = False
    customers_to_notify: int = 0  # processor notices not yet sent
    subjects_informed: bool = False  # Art. 34 communication finished
    art34_exception: bool = False  # Art. 34(3) exception recorded with its reason
    clock_applies: bool = True  # False when every affected dataset is Customer-Generated Data


class LifecycleError(ValueError):
    """A change of state that the transition table, or the law, does not allow now."""


class IllegalTransition(LifecycleError):
    def __init__(self, current: State, target: State):
        self.current, self.target = State(current), State(target)
        allowed = ", ".join(s.label for s in next_states(self.current)) or "none"
        super().__init__(
            f"An incident that is {self.current.label.lower()!r} cannot become "
            f"{self.target.label.lower()!r}. Allowed next steps: {allowed}."
        )


class StepBlocked(LifecycleError):
    def __init__(self, target: State, reasons: list[str]):
        self.target, self.reasons = State(target), reasons
        super().__init__(f"Not yet {State(target).label.lower()!r}: " + " ".join(reasons))


def blockers(target: str, facts: Facts) -> list[str]:
    """What must be done before an incident may enter `target` (empty: nothing)."""
    target = State(target)
    missing = []
    if target in BREACH_STATES and not facts.aware_recorded:
        missing.append("Record when the company became aware (the clock's start) first.")
    if target == S.CLOSED:
        if facts.risk == "" and facts.aware_recorded:
            missing.append("Assess the risk to the people affected (with reasoning).")
        needs_authority = facts.risk in (RISK, HIGH_RISK) and facts.clock_applies
        if needs_authority and not facts.authority_notified:
            missing.append("Notify the supervisory authority (Art. 33(1)).")
        if facts.customers_to_notify:
            missing.append(
                f"Notify the {facts.customers_to_notify} affected customer(s) as processor "
                "(Art. 33(2))."
            )
        if facts.risk == HIGH_RISK and not (facts.subjects_informed or facts.art34_exception):
            missing.append(
                "Tell the people affected (Art. 34(1)) or record the Art. 34(3) exception."
            )
    return missing


def check_transition(
    current: str, target: str, *, facts: Facts, reason: str = "", by_system: bool = False
) -> None:
    """Raise unless `current` may become `target` now."""
    current, target = State(current), State(target)
    if target not in TRANSITIONS[current] or (target in SYSTEM_ONLY and not by_system):
        raise IllegalTransition(current, target)
    if target in REASON_REQUIRED and not reason.strip():
        raise StepBlocked(target, ["Say why (it goes into the Art. 33(5) register)."])
    missing = blockers(target, facts)
    if missing:
        raise StepBlocked(target, missing)


def next_states(current: str, *, include_system: bool = False) -> list[State]:
    """The states a person may move an incident to next, in table order."""
    targets = TRANSITIONS[State(current)]
    return [s for s in State if s in targets and (include_system or s not in SYSTEM_ONLY)]


def is_open(state: str) -> bool:
    return State(state) in OPEN
