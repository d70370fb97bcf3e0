"""Reading the payload of a signed link: a valid signature alone does not make a valid payload.

A link's payload is signed with SECRET_KEY, but a payload of another shape can still arrive
signed (a link made under the same salt by an older release, or by a key that signed something
else): a page that indexed into it would answer 500. Every signed-link reader checks the shape
here and treats a wrong one exactly like a bad signature.
"""

import datetime

from django.core import signing


def signed_payload(
    token: str, *, salt: str, max_age: datetime.timedelta | int | None, shape: dict[str, type]
) -> dict:
    """The payload of `token`, a dict whose `shape` keys hold values of the given types.

    Raises `signing.SignatureExpired` for an expired link and `signing.BadSignature` for
    anything else that is wrong, the shape included.
    """
    payload = signing.loads(token, salt=salt, max_age=max_age)
    if not isinstance(payload, dict):
        raise signing.BadSignature("The link's payload is not a mapping.")
    for key, kind in shape.items():
        value = payload.get(key)
        # bool is an int to Python, never an id to us
        if not isinstance(value, kind) or isinstance(value, bool):
            raise signing.BadSignature(f"The link's payload has no valid {key!r}.")
    return payload
