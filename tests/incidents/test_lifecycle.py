"""The transition table and what the law requires before each step (no database)."""

import pytest

from privacyops.incidents import lifecycle
from privacyops.incidents.lifecycle import Facts, State

ALL_DONE = Facts(
    aware_recorded=True,
    risk=lifecycle.HIGH_RISK,
    authority_notified=True,
    subjects_informed=True,
)


def test_every_state_is_reachable_from_reported_and_closed_is_final():
    seen, todo = {State.REPORTED}, [State.REPORTED]
    while todo:
        for target in lifecycle.TRANSITIONS[todo.pop()]:
            if target not in seen:
                seen.add(target)
                todo.append(target)
    assert seen == set(State)
    assert {State.CLOSED} == lifecycle.FINAL


def test_notified_is_entered_only_by_the_system():
    with pytest.raises(lifecycle.IllegalTransition, match="Allowed next steps"):
        lifecycle.check_transition("breach_confirmed", "notified", facts=ALL_DONE)
    lifecycle.check_transition("breach_confirmed", "notified", facts=ALL_DONE, by_system=True)
    assert State.NOTIFIED not in lifecycle.next_states("contained")


def test_a_breach_needs_awareness_recorded():
    with pytest.raises(lifecycle.StepBlocked, match="aware"):
        lifecycle.check_transition("triage", "breach_confirmed", facts=Facts())


def test_not_a_breach_needs_a_reason():
    with pytest.raises(lifecycle.StepBlocked, match="why"):
        lifecycle.check_transition("triage", "not_a_breach", facts=Facts())
    lifecycle.check_transition("triage", "not_a_breach", facts=Facts(), reason="Test system")


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (Facts(aware_recorded=True), "Assess the risk"),
        (Facts(aware_recorded=True, risk="risk"), "Notify the supervisory authority"),
        (Facts(aware_recorded=True, risk="no_risk", customers_to_notify=2), "2 affected"),
        (Facts(aware_recorded=True, risk="high_risk", authority_notified=True), "Art. 34"),
    ],
)
def test_closing_a_breach_waits_for_what_the_law_requires(facts, expected):
    with pytest.raises(lifecycle.StepBlocked, match=expected):
        lifecycle.check_transition("contained", "closed", facts=facts)


def test_closing_is_allowed_once_done_or_excepted():
    lifecycle.check_transition("notified", "closed", facts=ALL_DONE)
    excepted = Facts(
        aware_recorded=True, risk="high_risk", authority_notified=True, art34_exception=True
    )
    lifecycle.check_transition("notified", "closed", facts=excepted)
    # Only Customer-Generated Data: the customer notifies its authority, not us.
    processor_only = Facts(aware_recorded=True, risk="risk", clock_applies=False)
    lifecycle.check_transition("contained", "closed", facts=processor_only)
    # Not a breach: no risk assessment is needed to close.
    lifecycle.check_transition("not_a_breach", "closed", facts=Facts())
