"""The lifecycle of a privacy request, as one transition table (no Django here).

`TRANSITIONS` is the only place that says which state may follow which. Services call
`check_transition` before every change of state; the admin asks `next_states` which actions
to offer. A request about Customer-Generated Data is *redirected*: the customer is the
controller, so the requester is told whom to ask and the customer is notified.
"""

from enum import StrEnum


def gettext_noop(message: str) -> str:
    """Marks a label for `makemessages` (this module imports no Django); the models translate
    it (gettext_lazy) where it is shown."""
    return message


class State(StrEnum):
    RECEIVED = "received"
    AWAITING_IDENTITY = "awaiting_identity"
    IN_PROGRESS = "in_progress"
    AWAITING_APPROVAL = "awaiting_approval"
    COMPLETED = "completed"
    REFUSED = "refused"
    REDIRECTED = "redirected"
    WITHDRAWN = "withdrawn"
    CLOSED_UNCONFIRMED = "closed_unconfirmed"
    DUPLICATE = "duplicate"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    State.RECEIVED: gettext_noop("Received"),
    State.AWAITING_IDENTITY: gettext_noop("Awaiting identity verification"),
    State.IN_PROGRESS: gettext_noop("In progress"),
    State.AWAITING_APPROVAL: gettext_noop("Awaiting approval"),
    State.COMPLETED: gettext_noop("Completed"),
    State.REFUSED: gettext_noop("Refused"),
    State.REDIRECTED: gettext_noop("Redirected to the controller (customer)"),
    State.WITHDRAWN: gettext_noop("Withdrawn by the requester"),
    State.CLOSED_UNCONFIRMED: gettext_noop("Closed: never confirmed"),
    State.DUPLICATE: gettext_noop("Repeat of an open request (linked to it)"),
}

S = State
TRANSITIONS: dict[State, frozenset[State]] = {
    # A repeat of an open request by the same person is linked to it (duplicate), not
    # processed twice.
    S.RECEIVED: frozenset(
        {S.AWAITING_IDENTITY, S.IN_PROGRESS, S.REFUSED, S.REDIRECTED, S.WITHDRAWN, S.DUPLICATE}
    ),
    # Refused from here means "identity not established"; closed_unconfirmed is the automatic
    # close of a web request whose confirmation link was never used.
    S.AWAITING_IDENTITY: frozenset(
        {S.IN_PROGRESS, S.REFUSED, S.WITHDRAWN, S.CLOSED_UNCONFIRMED, S.DUPLICATE}
    ),
    S.IN_PROGRESS: frozenset(
        {S.AWAITING_IDENTITY, S.AWAITING_APPROVAL, S.REFUSED, S.REDIRECTED, S.WITHDRAWN}
    ),
    # Legal approves the response (completed) or sends it back (in progress).
    S.AWAITING_APPROVAL: frozenset({S.IN_PROGRESS, S.COMPLETED, S.REFUSED, S.WITHDRAWN}),
    S.COMPLETED: frozenset(),
    S.REFUSED: frozenset(),
    S.REDIRECTED: frozenset(),
    S.WITHDRAWN: frozenset(),
    S.CLOSED_UNCONFIRMED: frozenset(),
    S.DUPLICATE: frozenset(),
}

# States a request enters only through the system, never as a staff action.
# (A duplicate is linked by its own service, which names the original.)
SYSTEM_ONLY = frozenset({S.CLOSED_UNCONFIRMED, S.DUPLICATE})
# States that need a reason written down (it goes into the letter to the requester).
REASON_REQUIRED = frozenset({S.REFUSED, S.REDIRECTED})
# States in which the legal clock stands still.
CLOCK_STOPPED = frozenset({S.AWAITING_IDENTITY})
FINAL = frozenset(state for state, targets in TRANSITIONS.items() if not targets)
OPEN = frozenset(State) - FINAL


class LifecycleError(ValueError):
    """A change of state that the transition table does not allow."""


class IllegalTransition(LifecycleError):
    def __init__(self, current: State, target: State):
        self.current, self.target = State(current), State(target)
        allowed = ", ".join(s.label for s in sorted(TRANSITIONS[self.current])) or "none"
        super().__init__(
            f"A request that is {self.current.label.lower()!r} cannot become "
            f"{self.target.label.lower()!r}. Allowed next steps: {allowed}."
        )


class ReasonRequired(LifecycleError):
    def __init__(self, target: State):
        self.target = State(target)
        super().__init__(f"A reason is required to mark a request {self.target.label.lower()!r}.")


def check_transition(current: str, target: str, *, reason: str = "", by_system=False) -> None:
    """Raise unless `current` may become `target` (with a reason where one is required)."""
    current, target = State(current), State(target)
    if target not in TRANSITIONS[current] or (target in SYSTEM_ONLY and not by_system):
        raise IllegalTransition(current, target)
    if target in REASON_REQUIRED and not reason.strip():
        raise ReasonRequired(target)


def next_states(current: str, *, include_system: bool = False) -> list[State]:
    """The states a person may move a request to next, in table order."""
    targets = TRANSITIONS[State(current)]
    return [s for s in State if s in targets and (include_system or s not in SYSTEM_ONLY)]


def is_open(state: str) -> bool:
    return State(state) in OPEN
