"""Insert new rows of one model in one statement, for the writes every intake makes.

Django's `save(force_insert=True)` and `bulk_create` build their INSERT anew on every call,
and for the few rows an intake writes that costs more CPU than the database spends storing
them (docs/benchmarks.md, sessions 6 and 7). `insert_rows` writes the same values (each
field's own `pre_save` and `get_db_prep_save`, so defaults, `auto_now_add`, encrypted and
JSON fields behave as in `save()`; a None, or a str in a CharField, that Django would pass
through unchanged is passed without the calls), with a statement built once per model, row
count and set of columns, and reads the primary keys back with RETURNING.

A column that is NULL in every row is left out of the statement: the database writes NULL
there all the same (none of these models has a database default), and psycopg keeps its
parsed form of a statement only up to 50 parameters, which a concern's 56 columns exceeded.
Where the database cannot return keys from a multi-row insert it is `bulk_create`; where the
model has save signals or what this does not cover, `save()`.

It is not a way around the actions: it is called inside them, like `save()`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connections, models, router, transaction
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=models.Model)


def insert_rows(
    objs: Sequence[M], *, signals: bool = True, along: tuple[str, list[Any]] | None = None
) -> None:
    """INSERT unsaved instances of one model and set their keys.

    A key the database makes (an auto field) must be unset; any other key (a UUID, say) is
    written as the instance has it, from its default or from the caller.

    `signals=False` is for a caller that has itself done what the model's save receivers
    would do (they are then not sent, and the rows go in one statement all the same).

    `along=(sql, params)`: another write of the same transaction that returns nothing (an
    UPDATE). PostgreSQL runs it in the same statement, as a data-modifying WITH, which saves
    a round trip; other databases run it just before the INSERT.

    Raises what the database raises (IntegrityError on a unique clash), with nothing written.
    A model with receivers for the save signals, or with what this does not cover, goes
    through `save()` row by row.
    """
    if not objs:
        if along is not None:
            raise ValueError("insert_rows: `along` needs rows to go with")
        return
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise TypeError("insert_rows takes instances of one model")
    made_by_database = isinstance(model._meta.pk, models.AutoField | models.BigAutoField)
    if any(not obj._state.adding or (made_by_database and obj.pk is not None) for obj in objs):
        raise ValueError(f"insert_rows: a {model.__name__} given already has a primary key")
    alias = router.db_for_write(model)
    connection = connections[alias]
    heard = signals and (pre_save.has_listeners(model) or post_save.has_listeners(model))
    by_statement = _plain(model) and not heard
    by_statement &= connection.features.can_return_rows_from_bulk_insert
    with_along = along is not None and by_statement and connection.vendor == "postgresql"
    if along is not None and not with_along:
        with connection.cursor() as cursor:
            cursor.execute(*along)
    if not by_statement:
        if _plain(model) and not heard:  # a database that cannot return the keys of many
            model._default_manager.using(alias).bulk_create(objs)
            return
        with transaction.atomic(using=alias):  # all or none, as the one statement below
            for obj in objs:  # save() sends the signals and handles what this does not
                obj.save(force_insert=True, using=alias)
        return
    fields = _fields(model)
    columns = _columns(model)
    rows = []
    for obj in objs:
        # Takes the key of a related object saved since it was assigned, as save() does.
        prepare: Any = obj._prepare_related_fields_for_save  # type: ignore[attr-defined]
        prepare(operation_name="insert_rows")
        row = []
        for field, attname, as_is in columns:
            value = getattr(obj, attname) if as_is else field.pre_save(obj, True)
            if as_is and (value is None or type(value) is as_is):
                row.append(value)  # what get_db_prep_save returns for it, unchanged
            else:
                row.append(field.get_db_prep_save(value, connection))
        rows.append(row)
    written = tuple(i for i in range(len(fields)) if any(row[i] is not None for row in rows))
    sql = _statement(model, len(objs), alias, written or (0,))
    params = [row[i] for row in rows for i in written or (0,)]
    if with_along and along is not None:
        # Table and column names in `along` are the caller's own, never input.
        sql, params = f"WITH along AS ({along[0]}) {sql}", [*along[1], *params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchall()
    pk_name = model._meta.pk.attname
    for obj, (key,) in zip(objs, keys, strict=True):
        if made_by_database:  # a key of the caller's stays as given (not as stored: SQLite hex)
            setattr(obj, pk_name, key)
        obj._state.adding = False
        obj._state.db = alias


@functools.cache
def _plain(model: type[models.Model]) -> bool:
    """A model with no column computed by the database (`db_default`, generated fields) and
    no multi-table inheritance."""
    meta = model._meta
    return not meta.parents and all(
        not field.generated and field.db_default is models.NOT_PROVIDED
        for field in meta.concrete_fields
    )


@functools.cache
def _fields(model: type[models.Model]) -> list[models.Field]:
    """The columns an INSERT writes: all but a key the database makes."""
    meta = model._meta
    made_by_database = isinstance(meta.pk, models.AutoField | models.BigAutoField)
    return [f for f in meta.concrete_fields if not (made_by_database and f is meta.pk)]


# Django's own fields that write None, and a value of the given type, unchanged (their
# pre_save reads the attribute; get_db_prep_save converts only other values). Others (dates,
# integers, which psycopg is told the width of, JSON, sealed fields) take Django's path.
_AS_IS: dict[type[models.Field], type | None] = {
    models.CharField: str,
    models.TextField: str,
    models.BooleanField: bool,
    models.DateTimeField: None,  # None only, and only without auto_now(_add)
    models.ForeignKey: None,
}


@functools.cache
def _columns(model: type[models.Model]) -> list[tuple[models.Field, str, type | bool]]:
    """(field, attname, what it writes as is) per column: a type (that type and None),
    True (None only), False (nothing: always Django's path)."""
    columns: list[tuple[models.Field, str, type | bool]] = []
    for field in _fields(model):
        kind = type(field)
        as_is: type | bool = False
        if (
            kind in _AS_IS
            and not getattr(field, "auto_now", False)
            and not getattr(field, "auto_now_add", False)
        ):
            as_is = _AS_IS[kind] or True
        columns.append((field, field.attname, as_is))
    return columns


@functools.lru_cache(maxsize=256)
def _statement(model: type[models.Model], count: int, alias: str, written: tuple[int, ...]) -> str:
    """INSERT ... VALUES (...), ... RETURNING pk for `count` rows of the `written` columns
    (positions in `_fields(model)`)."""
    quote = connections[alias].ops.quote_name
    meta = model._meta
    fields = _fields(model)
    row = "(" + ", ".join(["%s"] * len(written)) + ")"
    # Table and column names are the model's own, quoted; the values travel as parameters.
    columns = ", ".join(quote(fields[i].column) for i in written)
    values = ", ".join([row] * count)
    table, key = quote(meta.db_table), quote(meta.pk.column)
    return f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {key}"  # noqa: S608
