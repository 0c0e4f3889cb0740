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
parsed form of a statement only up to 50 parameters by default, which a concern's 56 columns
exceeded (sanshi.core.postgresql raises that limit for a concern with its timeline rows).
Where the database cannot return keys from a multi-row insert it is `bulk_create`; where the
model has save signals or what this does not cover, `save()`.

It is not a way around the actions: it is called inside them, like `save()`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connections, models, router, transaction
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Along:
    """A write that returns nothing, to run with an `insert_rows` of other rows: on
    PostgreSQL in the same statement (a data-modifying WITH: one round trip instead of two),
    elsewhere just before it. `objs`: the unsaved instances it inserts (from `rows_along`),
    marked saved once it has run; their keys are not read back."""

    sql: str
    params: list[Any]
    objs: Sequence[models.Model] = ()


def insert_rows(objs: Sequence[M], *, signals: bool = True, along: Sequence[Along] = ()) -> None:
    """INSERT unsaved instances of one model and set their keys.

    A key the database makes (an auto field) must be unset; any other key (a UUID, say) is
    written as the instance has it, from its default or from the caller.

    `signals=False` is for a caller that has itself done what the model's save receivers
    would do (they are then not sent, and the rows go in one statement all the same).
    `along`: other writes of the same transaction to run with this one (see `Along`).

    Raises what the database raises (IntegrityError on a unique clash), with nothing written.
    A model with receivers for the save signals, or with what this does not cover, goes
    through `save()` row by row.
    """
    if not objs:
        if along:
            raise ValueError("insert_rows: `along` needs rows to go with")
        return
    model = type(objs[0])
    alias = router.db_for_write(model)
    connection = connections[alias]
    statement = _insert(objs, signals=signals, alias=alias)
    # PostgreSQL runs the writes along in the INSERT's own statement; elsewhere, first.
    together = statement is not None and connection.vendor == "postgresql"
    if not together:
        for write in along:
            run(connection, write.sql, write.params, returns=False)
            saved(write.objs, alias)
    if statement is None:
        _insert_by_django(objs, alias, signals=signals)
        return
    sql, params = statement
    if along and together:
        sql = f"WITH {', '.join(with_along([write.sql for write in along]))} {sql}"
        params = [*(p for write in along for p in write.params), *params]
    keys = run(connection, sql, params)
    if _key_by_database(model):
        # A key of the caller's stays as given (not as stored: SQLite's hex for a UUID).
        pk_name = model._meta.pk.attname
        for obj, (key,) in zip(objs, keys, strict=True):
            setattr(obj, pk_name, key)
    saved([*objs, *(obj for write in along if together for obj in write.objs)], alias)


def insert_with_children(parent: models.Model, children: Sequence[models.Model], *,
                         link: str) -> None:  # fmt: skip
    """INSERT an unsaved `parent` and its unsaved `children` (of one model, whose ForeignKey
    with attname `link` is set to `parent`), and set their keys.

    On PostgreSQL one statement writes both (the parent's INSERT a WITH item whose key the
    children's rows take): one round trip instead of two. Elsewhere, or where either goes
    through Django, `insert_rows` for each. Raises what the database raises, with nothing
    written.
    """
    model = type(parent)
    alias = router.db_for_write(model)
    connection = connections[alias]
    first = second = None
    if children and connection.vendor == "postgresql" and _key_by_database(model):
        first = _insert([parent], signals=True, alias=alias)
        if first is not None:
            second = _insert(children, signals=True, alias=alias, link=link)
    if first is None or second is None:
        insert_rows([parent])
        insert_rows(children)
        return
    # The parent's statement returns its key only: the children's rows read it from there.
    keys = run(connection, f"WITH parent AS ({first[0]}) {second[0]}", [*first[1], *second[1]])
    setattr(parent, model._meta.pk.attname, keys[0][1])
    child_key = type(children[0])._meta.pk.attname
    for child, (key, parent_key) in zip(children, keys, strict=True):
        setattr(child, child_key, key)
        setattr(child, link, parent_key)
    saved([parent, *children], alias)


def rows_along(objs: Sequence[M], *, signals: bool = True) -> Along | None:
    """`objs` (unsaved, of one model) as a write to run along another `insert_rows`, or None
    where they cannot go that way (save receivers, a model this does not cover, a database
    without RETURNING): then insert them with `insert_rows`. Keys the database makes stay
    unset on them."""
    if not objs:
        return None
    alias = router.db_for_write(type(objs[0]))
    statement = _insert(objs, signals=signals, alias=alias)
    return None if statement is None else Along(statement[0], statement[1], tuple(objs))


def with_along(sqls: Sequence[str]) -> list[str]:
    """The WITH items that run writes along (their SQL): along0 AS (...), along1 AS (...)."""
    # Table and column names in the writes along are the callers' own, never input.
    return [f"along{i} AS ({sql})" for i, sql in enumerate(sqls)]


def run(connection: Any, sql: str, params: list[Any], *, returns: bool = True) -> list[Any]:
    """Execute one statement; the rows it returns (`returns=False`: none are read)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall()) if returns else []


def saved(objs: Sequence[models.Model], alias: str) -> None:
    for obj in objs:
        obj._state.adding = False
        obj._state.db = alias


def _insert(
    objs: Sequence[M], *, signals: bool, alias: str, link: str | None = None
) -> tuple[str, list[Any]] | None:
    """The INSERT ... RETURNING pk for `objs`, or None where Django must write them.

    `link`: the attname of a ForeignKey whose value is the key of the row a `parent` WITH
    item inserts (see `insert_with_children`); the statement then also returns it."""
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise TypeError("insert_rows takes instances of one model")
    by_database = _key_by_database(model)
    if any(not obj._state.adding or (by_database and obj.pk is not None) for obj in objs):
        raise ValueError(f"insert_rows: a {model.__name__} given already has a primary key")
    connection = connections[alias]
    if not connection.features.can_return_rows_from_bulk_insert:
        return None
    if _heard(model, signals) or not _plain(model):
        return None
    fields = _fields(model)
    columns = _columns(model)
    linked = -1 if link is None else _position(model, link)
    # The related objects to check, as save() does: all but the parent not inserted yet.
    checked = None if link is None else _related_but(model, link)
    rows = []
    for obj in objs:
        # Takes the key of a related object saved since it was assigned, as save() does.
        prepare: Any = obj._prepare_related_fields_for_save  # type: ignore[attr-defined]
        if checked != []:  # (an empty list would check them all)
            prepare(operation_name="insert_rows", fields=checked)
        row = []
        for field, attname, as_is in columns:
            value = getattr(obj, attname) if as_is else field.pre_save(obj, True)
            if as_is and (value is None or type(value) is as_is):
                row.append(value)  # what get_db_prep_save returns for it, unchanged
            else:
                row.append(field.get_db_prep_save(value, connection))
        rows.append(row)
    written = tuple(
        i for i in range(len(fields)) if i == linked or any(row[i] is not None for row in rows)
    )
    sql = _statement(model, len(objs), alias, written or (0,), linked)
    return sql, [row[i] for row in rows for i in written or (0,) if i != linked]


@functools.cache
def _position(model: type[models.Model], attname: str) -> int:
    """Where the field with this attname stands in `_fields(model)`."""
    return [f.attname for f in _fields(model)].index(attname)


@functools.cache
def _related_but(model: type[models.Model], link: str) -> list[models.Field]:
    """The model's relation fields other than `link` (to check before an insert)."""
    return [f for f in model._meta.concrete_fields if f.is_relation and f.attname != link]


def _heard(model: type[models.Model], signals: bool) -> bool:
    """Whether saving `model` must send the save signals to receivers."""
    return signals and (pre_save.has_listeners(model) or post_save.has_listeners(model))


def _insert_by_django(objs: Sequence[M], alias: str, *, signals: bool) -> None:
    model = type(objs[0])
    if _plain(model) and not _heard(model, signals):  # a database that cannot return keys
        model._default_manager.using(alias).bulk_create(objs)
        return
    with transaction.atomic(using=alias):  # all or none, as the one statement otherwise
        for obj in objs:  # save() sends the signals and handles what this does not
            obj.save(force_insert=True, using=alias)


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
def _key_by_database(model: type[models.Model]) -> bool:
    """Whether the database makes the model's key (an auto field)."""
    return isinstance(model._meta.pk, models.AutoField | models.BigAutoField)


@functools.cache
def _fields(model: type[models.Model]) -> list[models.Field]:
    """The columns an INSERT writes: all but a key the database makes."""
    meta = model._meta
    by_database = _key_by_database(model)
    return [f for f in meta.concrete_fields if not (by_database and f is meta.pk)]


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
def _statement(
    model: type[models.Model], count: int, alias: str, written: tuple[int, ...], linked: int = -1
) -> str:
    """INSERT ... VALUES (...), ... RETURNING pk for `count` rows of the `written` columns
    (positions in `_fields(model)`). Column `linked` (if any) takes the key the `parent` WITH
    item returns, and is returned too."""
    quote = connections[alias].ops.quote_name
    meta = model._meta
    fields = _fields(model)
    parent = "(SELECT * FROM parent)"  # the one column, the key, that the parent returns
    row = "(" + ", ".join(parent if i == linked else "%s" for i in written) + ")"
    # Table and column names are the model's own, quoted; the values travel as parameters.
    columns = ", ".join(quote(fields[i].column) for i in written)
    values = ", ".join([row] * count)
    table, key = quote(meta.db_table), quote(meta.pk.column)
    returning = key if linked < 0 else f"{key}, {quote(fields[linked].column)}"
    return f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {returning}"  # noqa: S608
