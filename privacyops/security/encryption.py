"""Encryption at rest for contact details, searchable through a keyed hash ("blind index").

- `EncryptedSearchableCharField` / `EncryptedTextField` / `EncryptedEmailField` store Fernet
  ciphertext (django-fernet-encrypted-fields): a raw look at the table shows no plain value.
  The data key is derived from SECRET_KEY (+ SECRET_KEY_FALLBACKS) and the SALT_KEY list; the
  first combination encrypts, every one decrypts, so keys rotate by putting the new one first
  and running `manage.py rotate_field_keys`, then removing the old one.
- `BlindIndexField` holds HMAC-SHA256(normalised value) under BLIND_INDEX_KEYS[0]. Lookups
  `field=value`, `field__iexact=value` and `field__in=[...]` on the encrypted field are rewritten
  to the index column (matching the digest under every configured key, so a lookup keeps
  working during rotation); uniqueness is a constraint on the index column.
- `EncryptedJSONDocumentField` holds a JSON document (e.g. the before and after of a change)
  as one ciphertext: the library's EncryptedJSONField encrypts leaf by leaf, leaves the shape
  readable and turns None and numbers into strings.
- Anything else (contains, startswith, ordering by value) cannot work on ciphertext: by design.
"""

import hashlib
import hmac
import json

from cryptography.fernet import InvalidToken
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Lookup
from encrypted_fields.fields import EncryptedCharField, EncryptedEmailField, EncryptedTextField


def _keys() -> list[bytes]:
    configured = list(settings.BLIND_INDEX_KEYS)
    if not configured:
        # Laptop default: a key derived from SECRET_KEY (production sets BLIND_INDEX_KEYS).
        configured = [
            hmac.new(settings.SECRET_KEY.encode(), b"privacyops blind index", "sha256").hexdigest()
        ]
    return [key.encode() for key in configured]


def normalise(value: str) -> str:
    """What counts as "the same" contact detail: case and surrounding spaces do not matter."""
    return " ".join(str(value).split()).casefold()


def blind_index(value: str | None, *, key: bytes | None = None) -> str:
    if value is None or value == "":
        return ""
    key = key or _keys()[0]
    return hmac.new(key, normalise(value).encode(), hashlib.sha256).hexdigest()


def blind_indexes(value: str | None) -> list[str]:
    """The digest of a value under every configured key (current first)."""
    return list(dict.fromkeys(blind_index(value, key=key) for key in _keys()))


class _EmptyStaysEmpty:
    """Two corrections to the library's fields.

    - It stores "" as NULL; our columns are NOT NULL and blank means "none".
    - Its `clean` sets a "do not decrypt" flag on the field, which is shared by every thread,
      and leaves it set when validation fails, after which reads return ciphertext. Here
      `clean` validates the plain value with Django's own field logic and sets no flag.
    """

    def get_prep_value(self, value):
        if value == "":
            return ""
        return super().get_prep_value(value)

    def clean(self, value, model_instance):
        django_field = next(
            cls for cls in type(self).__mro__ if cls.__module__.startswith("django.db.models")
        )
        value = django_field.to_python(self, value)
        self.validate(value, model_instance)
        self.run_validators(value)
        return value


class EncryptedSearchableCharField(_EmptyStaysEmpty, EncryptedCharField):
    def __init__(self, *args, blind_index_field: str = "", **kwargs):
        self.blind_index_field = blind_index_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["blind_index_field"] = self.blind_index_field
        return name, path, args, kwargs


class EncryptedContactTextField(_EmptyStaysEmpty, EncryptedTextField):
    pass


class EncryptedContactEmailField(_EmptyStaysEmpty, EncryptedEmailField):
    pass


class EncryptedContactCharField(_EmptyStaysEmpty, EncryptedCharField):
    pass


class EncryptedJSONDocumentField(EncryptedTextField):
    """A JSON value (dict, list, …) stored as one Fernet ciphertext of its JSON text.

    Read back as the value; a row written before the column was encrypted (plain JSON text)
    still reads, and is encrypted the next time it is saved (`rotate_field_keys`, migrations).
    """

    def get_prep_value(self, value):
        if value is None:
            return None
        text = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
        return self.f.encrypt(text.encode("utf-8")).decode("utf-8")

    def from_db_value(self, value, expression, connection):
        if value is None or not isinstance(value, str):
            return value
        try:
            text = self.f.decrypt(value.encode("utf-8")).decode("utf-8")
        except InvalidToken:
            text = value
        try:
            return json.loads(text)
        except ValueError:
            return text

    def to_python(self, value):
        if isinstance(value, str):
            return self.from_db_value(value, None, None)
        return value

    def clean(self, value, model_instance):
        self.validate(value, model_instance)
        self.run_validators(value)
        return value

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder, ensure_ascii=False)


class BlindIndexField(models.CharField):
    """The keyed hash of another field of the same row, kept up to date on every save."""

    def __init__(self, *args, source: str = "", **kwargs):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        for key, default in (("max_length", 64), ("editable", False), ("blank", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        digest = blind_index(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, digest)
        return digest


class _BlindLookup(Lookup):
    prepare_rhs = False
    can_use_none_as_rhs = False

    def _digests(self) -> list[str]:
        raise NotImplementedError

    def as_sql(self, compiler, connection):
        field = self.lhs.output_field
        index_field = field.model._meta.get_field(field.blind_index_field)
        column_sql, params = compiler.compile(index_field.get_col(self.lhs.alias))
        digests = self._digests() or [""]
        placeholders = ", ".join(["%s"] * len(digests))
        return f"{column_sql} IN ({placeholders})", [*params, *digests]


@EncryptedSearchableCharField.register_lookup
class BlindExact(_BlindLookup):
    lookup_name = "exact"

    def _digests(self):
        return blind_indexes(self.rhs)


@EncryptedSearchableCharField.register_lookup
class BlindIExact(BlindExact):
    lookup_name = "iexact"


@EncryptedSearchableCharField.register_lookup
class BlindIn(_BlindLookup):
    lookup_name = "in"

    def _digests(self):
        return [digest for value in self.rhs for digest in blind_indexes(value)]
