"""What the request services refuse, and why: the errors views and the admin show as they are."""

from ..lifecycle import LifecycleError


class RequestError(ValueError):
    """A request operation that the rules do not allow; the message says why."""


class ConfirmationInvalid(RequestError):
    """The confirmation link is not genuine, has expired, or was already used."""


class FulfilmentError(RequestError):
    """A fulfilment step the rules do not allow now; the message says why."""


class PackageUnavailable(FulfilmentError):
    """The download link is not genuine, has expired, or its package is gone."""


class CompletionBlocked(LifecycleError):
    """The request cannot be completed yet; the message lists what is missing."""
