"""A request's history: the one writer of its entries, and the row lock every writer takes.

Every service that changes a request writes a typed entry (`RequestEvent.Kind`) here, in the
same transaction as the change. Business state is read back by kind (`request.events.filter(
kind=...)`), never by looking for a key in the details. Entries are append-only.
"""

from django.conf import settings

from privacyops.core.erasure import masked_contacts_in_text

from ..models import PrivacyRequest, RequestEvent

# Details that are columns of their own (the state before and after), not JSON.
STATE_FIELDS = ("from_state", "to_state")


def organisation_addresses() -> frozenset[str]:
    """The organisation's addresses, which its letters print: not personal, never masked."""
    own = (
        settings.DEFAULT_FROM_EMAIL,
        settings.PRIVACYOPS_CONTROLLER.get("email", ""),
        settings.PRIVACYOPS_UNSUBSCRIBE_EMAIL,
    )
    return frozenset(address.strip().lower() for address in own if address)


def request_locked(request: PrivacyRequest) -> PrivacyRequest:
    """The request read again under a row lock held until the transaction ends.

    Every service that changes a request takes it first, so two changes of the same request
    happen one after the other, each seeing what the other did.
    """
    return PrivacyRequest.objects.select_for_update().get(pk=request.pk)


def request_event_new(*, request: PrivacyRequest, kind: str, by, note: str = "", **data):
    """An entry not yet saved (for `request_events_record`); `from_state`/`to_state` go to
    their columns, every other keyword into the entry's details (JSON: counts, references,
    never a personal value that the note does not already show). E-mail addresses and
    telephone numbers in the note and the details are masked here."""
    if kind not in RequestEvent.Kind.values:
        raise ValueError(f"Unknown kind of request history entry {kind!r}.")
    states = {name: data.pop(name) for name in STATE_FIELDS if name in data}
    # The history is read by more people than the request: any e-mail address or telephone
    # number quoted in the note or the details is kept masked (m•••@example.com).
    return RequestEvent(
        request=request,
        kind=kind,
        by=by,
        note=masked_contacts_in_text(note, keep=organisation_addresses()),
        data=masked_contacts_in_text(data, keep=organisation_addresses()),
        **states,
    )


def request_event_record(
    *, request: PrivacyRequest, kind: str, by, note: str = "", **data
) -> RequestEvent:
    """Write one entry of the request's history: what happened (`kind`), who did it (`by`,
    None for the system or the requester), a readable note and the details."""
    event = request_event_new(request=request, kind=kind, by=by, note=note, **data)
    event.save()
    return event


def request_events_record(events: list[RequestEvent]) -> list[RequestEvent]:
    """Write many entries made by `request_event_new` in one statement (the batched jobs)."""
    return RequestEvent.objects.bulk_create(events)
