"""How fast the main pages are, at 1× and N× the demo data, next to the floor. Not a test; run
it by hand, on a machine as quiet as you can get:

    .venv/bin/python benchmarks/pages.py --factor 1,10

For each factor it builds a fresh PostgreSQL database (`<name>_x1`: migrate, load_plan,
seed_demo; `<name>_xN`: a copy of that, then `seed_scale --factor N`; VACUUM ANALYZE after,
as a database in use has its statistics), serves it with gunicorn as production does (2 sync
workers, DEBUG off, no broker, persistent database connections and the Redis cache as
docker-compose.yml configures them; `--redis-url ""` for the local-memory cache), logs in
the users it needs (the demo users, password `demo`, one attempt each: django-axes locks a
name after 5 failures) and loads every main page side by side with the floor: the same stack
serving the cheapest full page, the base layout with an empty main (`/floor/`, in
`benchmarks.urls`, which only the benchmark's settings serve).

How it measures, and why:
- The load comes from wrk (Debian's `wrk`), one thread and as many connections as gunicorn
  has workers (2): every worker always busy, no request queued behind another. wrk is C and
  uses a fraction of a core, so on a small machine the client takes little from the server it
  measures, which a Python client at the same rate would not. `wrk_report.lua` prints each
  run's figures as JSON (p50/p95 from wrk's full latency histogram).
- Runs are interleaved A/B: floor, page 1, floor, page 2, …, floor, repeated `--rounds`
  times, so a page is compared with floor runs just before and after it, and a busy moment
  on a shared machine hits both. A page's share of the floor is its requests/s over the mean
  of its two neighbouring floor runs; requests/s, p50, p95 and that share are the median over
  the rounds (robust to one disturbed run).
- CPU per request is the server's: the gunicorn workers' user+system time from
  /proc/<pid>/stat before and after each run, divided by the requests wrk completed. The
  database's own CPU is not in it (PostgreSQL's backends come and go with each connection).
- HTML bytes and SQL queries per request come from one request per page before the runs
  (the benchmark's settings count queries only when asked by a request header).

Results: a table per factor, one comparing the first and last factor, and the same as JSON in
benchmarks/results/pages-<date>.json (git-ignored). Targets (issue 11): at 10× every page at
≥ 70 % of the floor's requests/s and p95 ≤ 50 ms.
"""

import argparse
import datetime as dt
import http.cookiejar
import json
import os
import re
import secrets
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import redis
from psycopg import sql

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
WRK_SCRIPT = ROOT / "benchmarks" / "wrk_report.lua"
PASSWORD = "demo"
QUERY_HEADER = "X-Benchmark-Queries"
WORKERS = 2
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# (label, path, user). "{initiative}" is the tiltag with the longest status history.
PAGES = [
    ("Overblik (BFU)", "/dashboard/", "bfu"),
    ("Overblik (chefgruppe)", "/dashboard/", "chefgruppe"),
    ("Planen", "/plan/", "bfu"),
    ("Tiltag, liste", "/plan/tiltag/", "bfu"),
    ("Et tiltag", "/plan/tiltag/{initiative}/", "bfu"),
    ("Nøgletal", "/noegletal/", "bfu"),
    ("Investeringer", "/investeringer/", "bfu"),
    ("Rapportarkiv", "/rapporter/", "bfu"),
    ("Hvem kan hjælpe", "/stoettesystem/hvem-kan-hjaelpe/", "bfu"),
    ("Visitation", "/visitation/", "visitation"),
]
FLOOR = ("Gulvet (tom side)", "/floor/", "bfu")


# --- databases --------------------------------------------------------------------------------


def database_url(base: str, factor: int) -> str:
    parts = urllib.parse.urlsplit(base)
    name = parts.path.lstrip("/")
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}_x{factor}"))


def _name(url: str) -> str:
    return urllib.parse.urlsplit(url).path.lstrip("/")


def _admin(base: str) -> psycopg.Connection:
    """A connection to the given database, from which its siblings are made and dropped."""
    return psycopg.connect(base, autocommit=True)


def database_exists(base: str, url: str) -> bool:
    with _admin(base) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [_name(url)]).fetchone()
    return row is not None


def recreate_database(base: str, url: str, *, template: str | None = None) -> None:
    name = sql.Identifier(_name(url))
    with _admin(base) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if template:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    name, sql.Identifier(_name(template))
                )
            )
        else:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def vacuum_analyze(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")


def _seed_env(url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "REDIS_URL")}
    env.update(
        DEBUG="1",
        DATABASE_URL=url,
        LOG_LEVEL="WARNING",
        DJANGO_SETTINGS_MODULE="omstilling.settings",
    )
    return env


def manage(url: str, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 - our own manage.py with fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=_seed_env(url),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def seed(base: str, factors: list[int], *, reuse: bool) -> dict[int, dict]:
    """A database per factor; returns how long seed_scale took and what it added."""
    seeded: dict[int, dict] = {}
    first = database_url(base, 1)
    fresh_base = not (reuse and database_exists(base, first))
    if fresh_base:
        log(f"Bygger {_name(first)}: migrate, load_plan, seed_demo …")
        recreate_database(base, first)
        manage(first, "migrate", "--noinput", "-v", "0")
        manage(first, "load_plan")
        manage(first, "seed_demo")
        vacuum_analyze(first)
    else:
        manage(first, "migrate", "--noinput", "-v", "0")  # a kept database follows the code
    for factor in factors:
        url = database_url(base, factor)
        kept = factor != 1 and reuse and not fresh_base and database_exists(base, url)
        if kept:
            manage(url, "migrate", "--noinput", "-v", "0")
        if factor == 1 or kept:
            seeded[factor] = {"seed_scale_seconds": None, "output": ""}
            continue
        log(f"Bygger {_name(url)}: kopi af {_name(first)}, seed_scale --factor {factor} …")
        recreate_database(base, url, template=first)
        started = time.perf_counter()
        output = manage(url, "seed_scale", "--factor", str(factor))
        seeded[factor] = {
            "seed_scale_seconds": round(time.perf_counter() - started, 1),
            "output": output,
        }
        vacuum_analyze(url)
    return seeded


def longest_history_initiative(url: str) -> int:
    code = (
        "from django.db.models import Count; from tracks.models import Initiative; "
        "print(Initiative.objects.annotate(n=Count('status_updates'))"
        ".order_by('-n', 'pk').values_list('pk', flat=True)[0])"
    )
    return int(manage(url, "shell", "-c", code).strip().splitlines()[-1])


# --- the server -------------------------------------------------------------------------------


class Server:
    """gunicorn with the benchmark's settings, as production runs it (DEBUG off)."""

    def __init__(self, url: str, port: int, redis_url: str = ""):
        self.url = url
        self.port = port
        self.redis_url = redis_url
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k not in ("CELERY_BROKER_URL", "REDIS_URL")}
        env.update(
            DJANGO_SETTINGS_MODULE="benchmarks.settings",
            DEBUG="0",
            SECRET_KEY=secrets.token_urlsafe(50),
            # The case keys were made with the development secret (seed_demo runs with DEBUG).
            CASE_KEY_SECRET="dev-only-case-key-secret",  # noqa: S106
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=self.url,
            # As production (docker-compose.yml): a worker keeps its database connection.
            DATABASE_CONN_MAX_AGE="60",
            # Plain HTTP on the loopback: no HTTPS redirect, cookies not marked secure.
            SECURE_SSL_REDIRECT="0",
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            SECURE_HSTS_SECONDS="0",
            USE_X_FORWARDED_PROTO="0",
            STATIC_MANIFEST="0",
            LOG_LEVEL="WARNING",
            # No static files are served or collected: the pages only link to them.
            PYTHONWARNINGS="ignore:No directory at",
        )
        if self.redis_url:
            # Production's cache, shared by the workers; emptied so a run starts cold.
            env["REDIS_URL"] = self.redis_url
            redis.Redis.from_url(self.redis_url).flushdb()
        return env

    def __enter__(self) -> "Server":
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "omstilling.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(WORKERS),
            "--worker-class",
            "sync",
            "--timeout",
            "300",
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(command, cwd=ROOT, env=self.env())  # noqa: S603
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"gunicorn stopped at start (exit code {self.process.returncode})")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz/", timeout=5) as response:  # noqa: S310
                    if response.status == 200 and len(self.workers()) == WORKERS:
                        return self
            except OSError:
                pass
            time.sleep(0.5)
        self.__exit__()
        sys.exit("gunicorn did not answer /healthz/ within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def workers(self) -> list[int]:
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        except OSError:
            return []
        return sorted(int(child) for child in children)

    def cpu_ticks(self) -> dict[int, int]:
        """user + system time of each worker, in clock ticks."""
        ticks = {}
        for pid in self.workers():
            stat = Path(f"/proc/{pid}/stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            ticks[pid] = int(fields[11]) + int(fields[12])  # utime, stime
        return ticks


# --- the client -------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def log_in(server: Server, username: str) -> str:
    """Log in once (never retried: django-axes counts failures) and return the Cookie header."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    with opener.open(f"{server.base}/log-ind/") as response:
        html = response.read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    if not token:
        sys.exit("The log-in page has no CSRF token.")
    data = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    try:
        opener.open(f"{server.base}/log-ind/", data=data)
        status = 200  # the form came back: the log-in failed
    except urllib.error.HTTPError as exc:
        status = exc.code
    if status != 302:
        sys.exit(f"Log-in as {username} failed (HTTP {status}); is the demo data there?")
    return "; ".join(f"{cookie.name}={cookie.value}" for cookie in jar)


def probe(server: Server, path: str, cookie: str) -> dict:
    """One request: status, HTML bytes and SQL queries."""
    request = urllib.request.Request(  # noqa: S310 - http to our own server
        f"{server.base}{path}", headers={"Cookie": cookie, QUERY_HEADER: "1"}
    )
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=300) as response:
            body = response.read()
            status, queries = response.status, response.headers.get(QUERY_HEADER)
    except urllib.error.HTTPError as exc:
        status, body, queries = exc.code, b"", None
    if status != 200:
        sys.exit(f"GET {path} answered HTTP {status}, not 200: the run would measure an error.")
    return {"html_bytes": len(body), "queries": int(queries) if queries else None}


def wrk(server: Server, path: str, cookie: str, seconds: int, connections: int) -> dict:
    command = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "300s",
        "-H",
        f"Cookie: {cookie}",
        "-s",
        str(WRK_SCRIPT),
        f"{server.base}{path}",
    ]
    before = server.cpu_ticks()
    result = subprocess.run(command, capture_output=True, text=True, check=True)  # noqa: S603
    after = server.cpu_ticks()
    if before.keys() != after.keys():
        log(f"  advarsel: en worker blev genstartet under {path}; CPU-tallet er ufuldstændigt")
    run = json.loads(result.stdout.strip().splitlines()[-1])
    cpu_seconds = sum(after[p] - before.get(p, 0) for p in after) / CLOCK_TICKS
    errors = sum(run[k] for k in run if k.startswith("errors_"))
    if errors:
        log(f"  advarsel: {errors} fejl under {path} ({result.stdout.strip().splitlines()[-1]})")
    return {
        "requests": run["requests"],
        "rps": run["requests"] / (run["duration_us"] / 1e6),
        # A run too short for even one answer has no latency to tell.
        "p50_ms": run["p50_us"] / 1000 if run["requests"] else None,
        "p95_ms": run["p95_us"] / 1000 if run["requests"] else None,
        "cpu_seconds": cpu_seconds,
        "errors": errors,
    }


# --- one factor -------------------------------------------------------------------------------


@dataclass
class PageResult:
    label: str
    path: str
    user: str
    html_bytes: int
    queries: int | None
    runs: list[dict] = field(default_factory=list)
    shares: list[float] = field(default_factory=list)

    def _median(self, key: str) -> float | None:
        values = [run[key] for run in self.runs if run[key] is not None]
        return statistics.median(values) if values else None

    def summary(self) -> dict:
        requests = sum(run["requests"] for run in self.runs)
        cpu = sum(run["cpu_seconds"] for run in self.runs)
        return {
            "label": self.label,
            "path": self.path,
            "user": self.user,
            "rps": self._median("rps"),
            "p50_ms": self._median("p50_ms"),
            "p95_ms": self._median("p95_ms"),
            "share_of_floor": statistics.median(self.shares) if self.shares else None,
            "cpu_ms_per_request": 1000 * cpu / requests if requests else None,
            "html_bytes": self.html_bytes,
            "queries": self.queries,
            "requests": requests,
        }


def measure(url: str, args) -> dict:
    initiative = longest_history_initiative(url)
    pages = [(label, path.format(initiative=initiative), user) for label, path, user in PAGES]
    with Server(url, args.port, args.redis_url) as server:
        cookies = {
            user: log_in(server, user) for user in sorted({u for _, _, u in [FLOOR, *pages]})
        }
        floor = PageResult(*FLOOR, **probe(server, FLOOR[1], cookies[FLOOR[2]]))
        results = [
            PageResult(label, path, user, **probe(server, path, cookies[user]))
            for label, path, user in pages
        ]
        log("Opvarmning …")
        for result in [floor, *results]:
            wrk(server, result.path, cookies[result.user], 1, args.connections)
        interleave(server, floor, results, cookies, args)
        for result in [floor, *results]:  # the sessions held: every page still answers 200
            probe(server, result.path, cookies[result.user])
    return {"floor": floor.summary(), "pages": [r.summary() for r in results]}


def interleave(server: Server, floor: PageResult, results: list[PageResult], cookies, args) -> None:
    """floor, page 1, floor, page 2, …, floor, for each round; each page's share of the floor
    is taken against the floor runs on either side of it."""

    def run(result: PageResult) -> dict:
        return wrk(server, result.path, cookies[result.user], args.duration, args.connections)

    previous = run(floor)
    floor.runs.append(previous)
    for round_ in range(1, args.rounds + 1):
        for result in results:
            log(f"Runde {round_}/{args.rounds}: {result.label} ({result.path})")
            page = run(result)
            following = run(floor)
            result.runs.append(page)
            floor.runs.append(following)
            result.shares.append(page["rps"] / ((previous["rps"] + following["rps"]) / 2))
            previous = following


# --- output -----------------------------------------------------------------------------------


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _num(value, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def print_factor(factor: int, result: dict) -> None:
    header = (
        f"{'Side':<24} {'bruger':<11} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} "
        f"{'af gulv':>8} {'CPU ms/req':>11} {'HTML KB':>8} {'SQL':>5}"
    )
    print(f"\n{factor} × demo-data")
    print(header)
    print("-" * len(header))
    for row in [result["floor"], *result["pages"]]:
        share = row["share_of_floor"]
        print(
            f"{row['label']:<24} {row['user']:<11} {_num(row['rps'], 1):>7} "
            f"{_num(row['p50_ms'], 1):>7} {_num(row['p95_ms'], 1):>7} "
            f"{'' if share is None else f'{100 * share:.1f} %':>8} "
            f"{_num(row['cpu_ms_per_request'], 1):>11} {row['html_bytes'] / 1024:>8.1f} "
            f"{_num(row['queries']):>5}"
        )


def print_comparison(low: int, high: int, results: dict) -> None:
    a, b = results[low], results[high]
    header = (
        f"{'Side':<24} {f'CPU ms/req {low}× → {high}×':>24} {'HTML KB':>17} {'SQL':>11} "
        f"{f'af gulv ved {high}×':>15} {f'p95 ms ved {high}×':>15}"
    )
    print(f"\n{low}× mod {high}× (mål ved 10×: ≥ 70 % af gulvets req/s, p95 ≤ 50 ms)")
    print(header)
    print("-" * len(header))
    for x, y in zip([a["floor"], *a["pages"]], [b["floor"], *b["pages"]], strict=True):
        share = y["share_of_floor"]
        cpu = f"{_num(x['cpu_ms_per_request'], 1)} → {_num(y['cpu_ms_per_request'], 1)}"
        html = f"{x['html_bytes'] / 1024:.0f} → {y['html_bytes'] / 1024:.0f}"
        sql = f"{_num(x['queries'])} → {_num(y['queries'])}"
        print(
            f"{x['label']:<24} {cpu:>24} {html:>17} {sql:>11} "
            f"{'' if share is None else f'{100 * share:.1f} %':>15} {_num(y['p95_ms'], 1):>15}"
        )


def _commit() -> str:
    result = subprocess.run(  # noqa: S603
        ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    return result.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--factor", default="1,10", help="kommasepareret, fx 1,10")
    parser.add_argument("--duration", type=int, default=5, help="sekunder pr. kørsel")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=WORKERS)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL", ""),
        help="en PostgreSQL-database, der findes (standard: BENCH_DATABASE_URL eller "
        "DATABASE_URL); faktorernes databaser hedder <navn>_x<N> og laves forfra",
    )
    parser.add_argument("--port", type=int, default=8711)
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/12"),
        help="Redis-database til serverens cache (den tømmes); tom: lokal hukommelse",
    )
    parser.add_argument(
        "--reuse", action="store_true", help="brug faktorernes databaser, hvis de findes"
    )
    parser.add_argument("--no-json", action="store_true", help="skriv ikke benchmarks/results/")
    args = parser.parse_args()
    factors = sorted({int(f) for f in args.factor.split(",")})
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        sys.exit("--database-url (or BENCH_DATABASE_URL) must point at a PostgreSQL database.")

    load_before = os.getloadavg()
    seeded = seed(args.database_url, factors, reuse=args.reuse)
    results = {}
    for factor in factors:
        log(f"\nMåler {factor} × …")
        results[factor] = measure(database_url(args.database_url, factor), args)
        print_factor(factor, results[factor])
    if len(factors) > 1:
        print_comparison(factors[0], factors[-1], results)
    report = {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "commit": _commit(),
        "machine": {
            "cpus": os.cpu_count(),
            "load_before": load_before,
            "load_after": os.getloadavg(),
        },
        "settings": {
            "duration": args.duration,
            "rounds": args.rounds,
            "connections": args.connections,
            "workers": WORKERS,
            "cache": "redis" if args.redis_url else "local memory",
        },
        "factors": {
            str(factor): {
                **results[factor],
                "seed_scale_seconds": seeded[factor]["seed_scale_seconds"],
            }
            for factor in factors
        },
    }
    print(f"\nBelastning (load average) før: {load_before[0]:.2f}, efter: {os.getloadavg()[0]:.2f}")
    if not args.no_json:
        RESULTS.mkdir(exist_ok=True)
        path = RESULTS / f"pages-{dt.date.today().isoformat()}.json"
        path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"Skrevet: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
