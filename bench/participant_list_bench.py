"""Time the organiser's registration list of an event with 1,000 participants.

Builds the same event as bench/badges_bench.py (1,000 people expected plus a hundred who
declined, cancelled or sent a delegate) in a throw-away database, logs in as an organiser and
requests ``/manage/events/<slug>/registrations/`` (first page, a later page, a status filter)
N times each through the Flask test client, printing the median, 95th percentile and SQL
statements per request. If the list page is missing or fails, it times the participant
XLSX instead and says that the list page must be measured again. See bench/README.md.

    .venv/bin/python bench/participant_list_bench.py
    .venv/bin/python bench/participant_list_bench.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres
"""

import argparse
import gc
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import flask_migrate  # noqa: E402  (badges_bench sets up the path and environment first)
from badges_bench import build_event, login, make_app  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.common import bench_database, measure  # noqa: E402


def works(client, url: str) -> bool:
    try:
        response = client.get(url)
    except Exception as exc:  # the page is still being built: report it, time the XLSX
        print(f"  {url} failed: {exc!r}")
        return False
    if response.status_code != 200:
        print(f"  {url} answered HTTP {response.status_code}")
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server URL (postgresql+psycopg://user@host:port/any); "
        "default: a temporary SQLite file",
    )
    parser.add_argument(
        "--bench-database",
        default="sinergi_bench_participant_list",
        help="name of the throw-away PostgreSQL database (created and dropped)",
    )
    parser.add_argument("-p", "--participants", type=int, default=1000)
    parser.add_argument("-n", "--requests", type=int, default=100)
    parser.add_argument(
        "--gc-freeze", action="store_true", help="gc.freeze() after start-up, as wsgi.py does"
    )
    args = parser.parse_args()

    with bench_database(args.database_url, args.bench_database) as url:
        from app.extensions import db

        app = make_app(url)
        with app.app_context():
            flask_migrate.upgrade()
            slug = build_event(args.participants)
            engine = db.engine
        client = login(app)
        if args.gc_freeze:
            gc.collect()
            gc.freeze()
        page = f"/manage/events/{slug}/registrations/"
        print(
            f"{make_url(url).get_backend_name()}: {args.participants:,} participants, "
            f"{args.requests} requests each" + (", gc.freeze()" if args.gc_freeze else "")
        )
        if works(client, page):
            targets = [
                ("list page 1", page),
                ("list page 10", f"{page}?page=10"),
                ("list confirmed", f"{page}?status=confirmed"),
            ]
        else:
            print("  THE LIST PAGE IS NOT READY: timing the XLSX instead; run this bench again.")
            targets = [("registrations.xlsx", f"/events/{slug}/registrations.xlsx")]
        for label, path in targets:
            timings, status, queries = measure(client, engine, path, args.requests)
            p95 = statistics.quantiles(timings, n=20)[18]
            print(
                f"  {label:<18} median {statistics.median(timings):6.1f} ms   "
                f"p95 {p95:6.1f} ms   (HTTP {status}, {queries} queries/request)"
            )
        engine.dispose()


if __name__ == "__main__":
    main()
