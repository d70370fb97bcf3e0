"""The transition table: one place, clear errors, the admin's list of next steps."""

import pytest

from privacyops.dsr import lifecycle
from privacyops.dsr.lifecycle import State, check_transition, next_states


def test_every_state_has_a_row_and_a_label():
    assert set(lifecycle.TRANSITIONS) == set(State)
    assert all(state.label for state in State)
    assert {
        State.COMPLETED,
        State.REFUSED,
        State.REDIRECTED,
        State.WITHDRAWN,
        State.CLOSED_UNCONFIRMED,
        State.DUPLICATE,
    } == lifecycle.FINAL


def test_legal_path_through_the_table():
    path = [
        State.RECEIVED,
        State.AWAITING_IDENTITY,
        State.IN_PROGRESS,
        State.AWAITING_APPROVAL,
        State.COMPLETED,
    ]
    for current, target in zip(path, path[1:], strict=False):
        check_transition(current, target)


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (State.COMPLETED, State.IN_PROGRESS),
        (State.RECEIVED, State.COMPLETED),
        (State.IN_PROGRESS, State.COMPLETED),  # a response needs approval first
        (State.WITHDRAWN, State.RECEIVED),
        (State.REFUSED, State.IN_PROGRESS),
    ],
)
def test_illegal_transitions_raise_a_clear_error(current, target):
    with pytest.raises(lifecycle.IllegalTransition) as error:
        check_transition(current, target)
    assert current.label.lower() in str(error.value)
    assert "Allowed next steps" in str(error.value)


def test_refusal_and_redirection_need_a_reason():
    with pytest.raises(lifecycle.ReasonRequired):
        check_transition(State.IN_PROGRESS, State.REFUSED, reason="   ")
    with pytest.raises(lifecycle.ReasonRequired):
        check_transition(State.RECEIVED, State.REDIRECTED)
    check_transition(State.IN_PROGRESS, State.REFUSED, reason="manifestly excessive")


def test_automatic_close_is_for_the_system_only():
    assert State.CLOSED_UNCONFIRMED not in next_states(State.AWAITING_IDENTITY)
    assert State.CLOSED_UNCONFIRMED in next_states(State.AWAITING_IDENTITY, include_system=True)
    with pytest.raises(lifecycle.IllegalTransition):
        check_transition(State.AWAITING_IDENTITY, State.CLOSED_UNCONFIRMED)
    check_transition(State.AWAITING_IDENTITY, State.CLOSED_UNCONFIRMED, by_system=True)


def test_final_states_offer_nothing():
    for state in lifecycle.FINAL:
        assert next_states(state) == []
        assert not lifecycle.is_open(state)


def test_every_state_is_reachable_from_received_and_every_open_state_can_close():
    reachable, frontier = {State.RECEIVED}, [State.RECEIVED]
    while frontier:
        for target in next_states(frontier.pop(), include_system=True):
            if target not in reachable:
                reachable.add(target)
                frontier.append(target)
    assert reachable == set(State)
    for state in lifecycle.OPEN:
        assert any(t in lifecycle.FINAL for t in next_states(state, include_system=True)) or any(
            t in lifecycle.OPEN for t in next_states(state)
        )
        assert State.WITHDRAWN in next_states(state)  # a requester may always withdraw
