"""Model fields that keep their values sealed in the database (see sanshi.core.crypto)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.core.exceptions import FieldError
from django.db import models
from django.db.models import Lookup
from django.db.models.lookups import Exact

from sanshi.core.crypto import sealer

if TYPE_CHECKING:
    _JSONText = models.TextField[Any, Any]
else:
    _JSONText = models.TextField


class _EmptyOnly(Exact):
    """`field=""` works (an empty value is stored empty); any other value cannot match."""

    def get_prep_lookup(self) -> Any:
        if self.rhs not in ("", None):
            raise FieldError("an encrypted field can only be compared with the empty string")
        return self.rhs


class _Sealed:
    """Shared behaviour: seal on the way in, open on the way out, refuse content lookups."""

    allowed_lookups = frozenset({"isnull", "exact"})

    def aad(self) -> str:
        field: Any = self
        return f"{field.model._meta.label_lower}.{field.attname}"

    def get_lookup(self, lookup_name: str) -> type[Lookup[Any]] | None:
        if lookup_name not in self.allowed_lookups:
            raise FieldError(
                f"{self.aad()} is encrypted: it cannot be searched with '{lookup_name}'"
                " (use its blind index or search text)"
            )
        if lookup_name == "exact":
            return _EmptyOnly
        return super().get_lookup(lookup_name)  # type: ignore[misc]


class EncryptedTextField(_Sealed, models.TextField):
    """Text sealed with AES-256-GCM (or SM4-GCM); "" stays "" (it reveals nothing)."""

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        if not value:
            return value
        return sealer().open(value, self.aad())

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if not value:
            return value
        return sealer().seal(str(value), self.aad())


class SerializedJSON(str):
    """A value already written as JSON text, for an `EncryptedJSONField` to seal as it is
    (instead of reading it and writing it again); it reads back as the value."""

    __slots__ = ()


class EncryptedJSONField(_Sealed, _JSONText):
    """A JSON value, sealed as a whole (a `SerializedJSON` as written)."""

    if TYPE_CHECKING:
        _pyi_private_set_type: Any
        _pyi_private_get_type: Any

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return json.loads(sealer().open(value, self.aad())) if value else {}

    def to_python(self, value: Any) -> Any:
        return value

    def get_prep_value(self, value: Any) -> Any:
        if value is None:
            return None
        text = (
            value
            if type(value) is SerializedJSON
            else json.dumps(value, ensure_ascii=False, sort_keys=True)
        )
        return sealer().seal(text, self.aad())

    def value_to_string(self, obj: models.Model) -> str:
        return json.dumps(self.value_from_object(obj), ensure_ascii=False)
