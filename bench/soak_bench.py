"""Memory over a long soak: does a gunicorn worker need recycling? (gunicorn.conf.py: no.)

The city of bench/city_bench.py on SQLite (or PostgreSQL), Sinergi under gunicorn with
production settings, loaded for ``--minutes`` from separate wrk processes over loopback: four
devices scanning one pass a request, and one connection each on agenda.ics, the agenda page,
the action-item list and the pimpinan dashboard. Every 15 s the resident memory (VmRSS) of each
worker is read from /proc; a worker whose pid changes was restarted. Written to
bench/RESULTS.md (section ``<!-- soak_bench -->``).

    .venv/bin/python bench/soak_bench.py [--minutes 10] [--workers 2] [--postgres URL]
"""

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.city_bench import (  # noqa: E402
    RESULTS,
    clients,
    get_script,
    production_env,
    scan_script,
    seed,
)
from bench.common import bench_database, sinergi_and_bare, write_section  # noqa: E402

MARK = "<!-- soak_bench -->"
SAMPLE_EVERY = 15  # seconds


def _status(pid: int) -> dict:
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return {}
    return dict(line.split(":", 1) for line in lines if ":" in line)


def gunicorn_workers(port: int) -> list[int]:
    """The worker pids of the gunicorn bound to ``port`` (children of its master)."""
    bound = f"127.0.0.1:{port}"
    ours = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if bound.encode() in cmdline and b"wsgi:app" in cmdline:
                ours.append(int(entry.name))
    parents = {pid: int(_status(pid).get("PPid", "0")) for pid in ours}
    masters = {pid for pid, parent in parents.items() if parent not in parents}
    return sorted(pid for pid, parent in parents.items() if parent in masters)


def rss_mb(pid: int) -> float:
    value = _status(pid).get("VmRSS", "0 kB").split()[0]
    return int(value) / 1024


def soak(database: str, url: str, workers: int, minutes: float, work: Path) -> dict:
    data = seed(url)
    env = production_env(url, work)
    seconds = int(minutes * 60)
    scan = scan_script(work, data, 1)
    slug = data["slug"]
    with sinergi_and_bare(env, work, workers) as (base, _bare):
        scripts = {
            who: get_script(work / f"get-{n}.lua", sent)
            for n, (who, sent) in enumerate(clients(base, data).items())
        }
        port = int(base.rsplit(":", 1)[1])
        load = [
            ("check-in, one scan (4 devices)", base, 4, scan),
            ("agenda.ics", f"{base}/events/{slug}/agenda.ics", 1, scripts["visitor"]),
            ("agenda page", f"{base}/events/{slug}/", 1, scripts["viewer"]),
            ("action-item list", f"{base}/tindak-lanjut/", 1, scripts["organiser"]),
            ("pimpinan dashboard", f"{base}/tindak-lanjut/dasbor", 1, scripts["viewer"]),
        ]
        processes = [
            (
                name,
                subprocess.Popen(  # noqa: S603 (fixed program, our own scripts)
                    [
                        shutil.which("wrk") or "wrk",
                        "-t1",
                        f"-c{connections}",
                        f"-d{seconds}s",
                        "-s",
                        str(script),
                        target,
                    ],
                    stdout=subprocess.PIPE,
                    text=True,
                ),
            )
            for name, target, connections, script in load
        ]
        started = time.monotonic()
        first = gunicorn_workers(port)
        samples = []
        while time.monotonic() - started < seconds:
            time.sleep(SAMPLE_EVERY)
            pids = gunicorn_workers(port)
            samples.append((time.monotonic() - started, pids, [rss_mb(pid) for pid in pids]))
        served = {}
        for name, process in processes:
            out, _ = process.communicate()
            line = next(line for line in out.splitlines() if line.startswith("RESULT"))
            fields = line.split()
            served[name] = {"requests": int(fields[1]), "errors": int(fields[5])}
    return {
        "database": database,
        "workers": workers,
        "seconds": seconds,
        "first": first,
        "samples": samples,
        "served": served,
    }


def section(result: dict) -> str:
    samples = result["samples"]
    restarts = sorted({pid for _, pids, _ in samples for pid in pids} - set(result["first"]))
    after_warmup = next((s for s in samples if s[0] >= 60), samples[0])
    last = samples[-1]
    lines = [
        MARK,
        "## Memory over a soak (bench/soak_bench.py)",
        "",
        f"{date.today().isoformat()}, {result['database']}, gunicorn with {result['workers']} sync workers and"
        f" gunicorn.conf.py (no recycling), {result['seconds'] // 60} minutes of load from separate wrk",
        "processes: 4 devices scanning plus one connection each on agenda.ics, the agenda page,",
        "the action-item list and the pimpinan dashboard. Resident memory of each worker (MB):",
        "",
        "| minute | " + " | ".join(f"worker {n + 1}" for n in range(len(last[2]))) + " |",
        "|---|" + "---|" * len(last[2]),
    ]
    for at, _pids, sizes in samples:
        if round(at) % 60 < SAMPLE_EVERY or (at, _pids, sizes) == last:
            lines.append(f"| {at / 60:.1f} | " + " | ".join(f"{mb:.1f}" for mb in sizes) + " |")
    growth = [end - begin for begin, end in zip(after_warmup[2], last[2], strict=False)]
    lines += [
        "",
        "Growth from the first minute to the end: "
        + ", ".join(f"{mb:+.1f} MB" for mb in growth)
        + f"; workers restarted: {len(restarts)}.",
        "Requests served (failed): "
        + "; ".join(
            f"{name} {r['requests']:,} ({r['errors']})" for name, r in result["served"].items()
        )
        + ".",
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--postgres", default=None, help="a PostgreSQL server URL (default: SQLite)"
    )
    args = parser.parse_args()
    database = "PostgreSQL" if args.postgres else "SQLite"
    with (
        bench_database(args.postgres, "sinergi_bench_soak") as url,
        tempfile.TemporaryDirectory() as work,
    ):
        result = soak(database, url, args.workers, args.minutes, Path(work))
    text = section(result)
    write_section(RESULTS, MARK, text)
    print(text)


if __name__ == "__main__":
    main()
