"""Insert new rows of one model in one statement, for the writes every intake makes.

Django's `save(force_insert=True)` and `bulk_create` build their INSERT anew on every call,
and for the few rows an intake writes that costs more CPU than the database spends storing
them (docs/benchmarks.md, session 6). `insert_rows` writes the same values (each field's own
`pre_save` and `get_db_prep_save`, so defaults, `auto_now_add`, encrypted and JSON fields
behave as in `save()`), with a statement built once per model and row count, and reads the
primary keys back with RETURNING. Where the database cannot return them from a multi-row
insert it is `bulk_create`; where the model has save signals or what this does not cover,
`save()`.

It is not a way around the actions: it is called inside them, like `save()`.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import connections, models, router, transaction
from django.db.models.signals import post_save, pre_save

M = TypeVar("M", bound=models.Model)


def insert_rows(objs: Sequence[M]) -> None:
    """INSERT unsaved instances of one model (their primary keys unset) and set the keys.

    Raises what the database raises (IntegrityError on a unique clash), with nothing written.
    A model with receivers for the save signals, or with what this does not cover, goes
    through `save()` row by row.
    """
    if not objs:
        return
    model = type(objs[0])
    if any(type(obj) is not model for obj in objs):
        raise TypeError("insert_rows takes instances of one model")
    if any(obj.pk is not None for obj in objs):
        raise ValueError(f"insert_rows: a {model.__name__} given already has a primary key")
    alias = router.db_for_write(model)
    connection = connections[alias]
    if pre_save.has_listeners(model) or post_save.has_listeners(model) or not _plain(model):
        with transaction.atomic(using=alias):  # all or none, as the one statement below
            for obj in objs:  # save() sends the signals and handles what this does not
                obj.save(force_insert=True, using=alias)
        return
    if not connection.features.can_return_rows_from_bulk_insert:
        model._default_manager.using(alias).bulk_create(objs)
        return
    fields, sql = _statement(model, len(objs), alias)
    params: list[Any] = []
    for obj in objs:
        # Takes the key of a related object saved since it was assigned, as save() does.
        prepare: Any = obj._prepare_related_fields_for_save  # type: ignore[attr-defined]
        prepare(operation_name="insert_rows")
        params.extend(field.get_db_prep_save(field.pre_save(obj, True), connection)
                      for field in fields)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        keys = cursor.fetchall()
    pk_name = model._meta.pk.attname
    for obj, (key,) in zip(objs, keys, strict=True):
        setattr(obj, pk_name, key)
        obj._state.adding = False
        obj._state.db = alias


@functools.cache
def _plain(model: type[models.Model]) -> bool:
    """A model whose key the database makes, with no column computed by the database
    (`db_default`, generated fields) and no multi-table inheritance."""
    meta = model._meta
    if meta.parents or not isinstance(meta.pk, models.AutoField | models.BigAutoField):
        return False
    return all(
        not field.generated and field.db_default is models.NOT_PROVIDED
        for field in meta.concrete_fields
    )


@functools.lru_cache(maxsize=64)
def _statement(model: type[models.Model], count: int, alias: str) -> tuple[list[models.Field], str]:
    """The columns and the INSERT ... VALUES (...), ... RETURNING pk for `count` rows."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = model._meta
    fields = [field for field in meta.concrete_fields if field is not meta.pk]
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Table and column names are the model's own, quoted; the values travel as parameters.
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join([row] * count)
    table, key = quote(meta.db_table), quote(meta.pk.column)
    sql = f"INSERT INTO {table} ({columns}) VALUES {values} RETURNING {key}"  # noqa: S608
    return fields, sql
