"""Benchmark (not a test): caseflow's pages over HTTP under gunicorn against PostgreSQL holding generated data,
beside their SQL floor; optionally many simulated people for minutes (`make bench`, docs/benchmarks.md).

    .venv/bin/python -m bench.http --scale 0.02                                  # quick, scratch database
    .venv/bin/python -m bench.http --database caseflow_bench_riga --reuse        # Riga scale, kept database
    .venv/bin/python -m bench.http --database caseflow_bench_riga --reuse --users 300 --minutes 5
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import signal
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import quote

import psycopg

from bench import httpload, httpreport, httpsetup
from bench.httpclient import Client, Secrets, sign_in
from bench.httpmeasure import CpuWatch, Endpoint, capture, floor, machine, wrk

NEXT_RE = re.compile(r'href="(/cases/\?[^"]*after=[^"]+)"')
TOO_SLOW_SECONDS = 5
MIX = {"case_list": 6, "case_list_filtered": 2, "case_page": 3, "case_page_no_plan": 3, "pupil_search": 2, "concerns_inbox": 2,
       "agenda": 1, "action_queue": 2, "control_board": 1, "dashboard": 1}


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", help="database to use and keep (default: a scratch one, dropped after)")
    parser.add_argument("--reuse", action="store_true", help="measure the data the database already holds")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--today", default="2026-12-03", help="the generator's --today")
    parser.add_argument("--seconds", type=float, default=15, help="measured seconds per page")
    parser.add_argument("--warmup", type=float, default=3, help="warm-up seconds per page")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--users", type=int, default=0, help="then simulate this many people (0: skip)")
    parser.add_argument("--minutes", type=float, default=5)
    parser.add_argument("--think", type=float, default=3.0, help="mean think time of a simulated person (s)")
    parser.add_argument("--quiet-wait", type=float, default=60,
                        help="before each page wait up to this many seconds for other people's CPU use to drop")
    parser.add_argument("--json", default="docs/benchmarks.json")
    parser.add_argument("--markdown", default="docs/benchmarks.md")
    parser.add_argument("--no-docs", action="store_true", help="print the results only")
    return parser.parse_args()


def _absence_file(pupils: list[tuple[str, str]], registration: str, today: str) -> bytes:
    """A small absence file (the e-klase shape bench/imports.py uses) for a few of the school's pupils."""
    day, days = date.fromisoformat(today) - timedelta(days=1), []
    while len(days) < 4:
        if day.weekday() < 5:
            days.append(day)
        day -= timedelta(days=1)
    lines = ["Personas kods;Skolas reģistrācijas numurs;Klase;Datums;Stunda;Veids;Avots;Ieraksta ID"]
    for n, (code, class_name) in enumerate(pupils):
        for m, when in enumerate(days):
            lines.append(f"{code};{registration};{class_name};{when:%d.%m.%Y.};{1 + m};n;eklase;B{n:04d}{m}")
    return ("\r\n".join(lines) + "\r\n").encode("cp1257")


def _deep_page(client: Client, start: str, pages: int) -> tuple[str, int]:
    """Follow a list's "next" links; return the deepest address reached and its page number."""
    path, reached = start, 1
    for _ in range(pages - 1):
        found = NEXT_RE.search(client.get(path).text)
        if not found:
            break
        path, reached = unescape(found.group(1)), reached + 1
    return path, reached


def _endpoints(world: dict, people: dict[str, Client], body: bytes, boundary_type: str, deep: dict) -> list:
    def page(key: str, label: str, person: str, path: str, **kwargs) -> Endpoint:
        client = people[person]
        headers = {"Cookie": client.cookie_header(), "X-Forwarded-For": client.address, "Accept-Language": "lv"}
        if kwargs.get("method") == "POST":
            headers["Content-Type"] = boundary_type
        return Endpoint(key, label, [(path, headers)], person=person, **kwargs)

    return [
        page("case_list", "case list (school, open)", "pedagogue", "/cases/", target_p95_ms=40),
        page("case_list_filtered", "case list (all statuses, name filter, by name)", "pedagogue",
             f"/cases/?status=&search={quote(world['name_prefix'][:2])}&sort=name", target_p95_ms=40),
        page("case_list_deep", f"case list, page {deep['school'][1]} (school, all statuses)", "pedagogue",
             deep["school"][0], target_p95_ms=40),
        page("case_list_coordinator_deep", f"case list, page {deep['all'][1]} (coordinator, all in sight)",
             "coordinator", deep["all"][0], target_p95_ms=40),
        page("case_page", "case page (the school's open case with the most notes; it has support plans)",
             "pedagogue", f"/cases/{world['case_id']}", target_p95_ms=60),
        page("case_page_no_plan", "case page (open case without a support plan)", "pedagogue",
             f"/cases/{world['case_without_plan']}", target_p95_ms=60),
        page("pupil_search", "pupil search (name prefix)", "pedagogue", f"/pupils/?name={quote(world['name_prefix'])}"),
        page("concerns_inbox", "concerns inbox (school)", "pedagogue", "/concerns/"),
        page("agenda", f"agenda page ({world['agenda_items']} items)", "coordinator",
             f"/meetings/sessions/{world['session_id']}/agenda", target_p95_ms=80),
        page("action_queue", f"action queue ({world['officer_open_actions']} open)", "officer", "/actions/"),
        page("control_board", "control board (chair)", "coordinator", "/actions/board"),
        page("dashboard", "monitoring dashboard", "analyst", "/monitoring/", target_p95_ms=300),
        page("import", "absence import upload (20 rows, validated)", "pedagogue", "/imports/", method="POST",
             body=body, expect=302),
    ]


def _report_pdf(coordinator: Client, year: int) -> dict:
    """Start (or find) the annual report and render its PDF once; return the time."""
    page = coordinator.get("/monitoring/reports")
    found = re.search(r'href="/monitoring/reports/(\d+)"', page.text)
    if not found:
        coordinator.post_form("/monitoring/reports", {"csrf_token": page.csrf(), "year": str(year)})
        found = re.search(r'href="/monitoring/reports/(\d+)"', coordinator.get("/monitoring/reports").text)
    if not found:
        return {"status": "no report could be started"}
    answer = coordinator.get(f"/monitoring/reports/{found.group(1)}/pdf")
    return {"status": answer.status, "seconds": round(answer.seconds, 2), "bytes": len(answer.text),
            "type": answer.headers.get("content-type", "")}


def _import_confirm(pedagogue: Client, body: bytes, boundary_type: str) -> dict:
    """Upload the file once more and confirm it: the time of writing the rows."""
    upload = pedagogue.request("POST", "/imports/", body=body, content_type=boundary_type)
    preview = pedagogue.get(upload.headers.get("location", "/imports/").replace(f"http://127.0.0.1:{pedagogue.port}", ""))
    found = re.search(r'action="(/imports/\d+/confirm)"', preview.text)
    if not found:
        return {"status": "the preview offered no confirmation", "upload_status": upload.status}
    done = pedagogue.post_form(found.group(1), {"csrf_token": preview.csrf()})
    return {"upload_seconds": round(upload.seconds, 3), "confirm_status": done.status,
            "confirm_seconds": round(done.seconds, 3)}


def _too_slow(endpoint: Endpoint, client: Client, captured: dict) -> dict:
    """A page slower than the load tool's patience: three requests one after another instead."""
    times = sorted([captured["seconds"]] + [client.request(endpoint.method, endpoint.entries[0][0]).seconds
                                            for _ in range(2)])
    return {"too_slow": True, "requests": 3, "seconds": round(sum(times), 1), "rps": round(3 / sum(times), 2),
            "p50_ms": round(times[1] * 1000, 1), "p95_ms": round(times[2] * 1000, 1),
            "p99_ms": round(times[2] * 1000, 1), "max_ms": round(times[2] * 1000, 1),
            "errors": {"connect": 0, "read": 0, "write": 0, "status": 0, "timeout": 0}}


def _wait_for_quiet(server, name: str, most_seconds: float, cores: float = 0.4) -> None:
    """The machine is shared: wait (a while, not forever) until other people's work uses little CPU."""
    ends = time.monotonic() + most_seconds
    while time.monotonic() < ends:
        with CpuWatch(server.process.pid, httpsetup.owner_url(name), name) as cpu:
            time.sleep(3)
        if cpu.result["cpu_others_cores"] < cores:
            return


def measure(args, name: str, world: dict, secrets: Secrets, work: Path) -> dict:
    """Sign the people in, find the deep pages, then measure every page, the mix, the import and the PDF."""
    server = httpsetup.Server(name, work, per_user_limit="1000000 per minute", log=work / "gunicorn.log")
    try:
        people = {}
        for n, person in enumerate(("pedagogue", "coordinator", "analyst", "officer")):
            people[person] = Client(server.port, address=f"10.9.0.{n + 1}")
            sign_in(people[person], world[person], secrets)
        secrets.save()
        deep = {"school": _deep_page(people["pedagogue"], "/cases/?status=", 20),
                "all": _deep_page(people["coordinator"], "/cases/?status=", 20)}
        from bench.httpclient import multipart

        pupils = httpsetup.school_pupils(name, world["school_id"], 5)
        body, boundary_type = multipart({"csrf_token": people["pedagogue"].get("/imports/").csrf(), "kind": ""},
                                        {"file": ("kavejumi.csv", _absence_file(pupils, world["school_registration"],
                                                                                 args.today))})
        endpoints = _endpoints(world, people, body, boundary_type, deep)
        web = httpsetup.web_url(name)
        for endpoint in endpoints:
            captured = capture(people[endpoint.person], endpoint, work, endpoint.key)
            if captured["seconds"] > TOO_SLOW_SECONDS:
                endpoint.result = _too_slow(endpoint, people[endpoint.person], captured)
            else:
                wrk(endpoint, port=server.port, seconds=args.warmup, connections=args.concurrency)
                _wait_for_quiet(server, name, args.quiet_wait)
                load_before = os.getloadavg()[0]
                with CpuWatch(server.process.pid, httpsetup.owner_url(name), name) as cpu:
                    endpoint.result = wrk(endpoint, port=server.port, seconds=args.seconds,
                                          connections=args.concurrency)
                endpoint.result.update(load_before=round(load_before, 2), load_after=round(os.getloadavg()[0], 2),
                                       **cpu.result)
            endpoint.result.update(statements=len(captured["statements"]), path=endpoint.entries[0][0])
            endpoint.result.update(floor(web, list(captured["statements"])))
            endpoint.result["ratio"] = round(endpoint.result["p50_ms"] / endpoint.result["floor_p50_ms"], 1)
            print(f"{endpoint.key:28} p50 {endpoint.result['p50_ms']:7.1f}  p95 {endpoint.result['p95_ms']:7.1f}  "
                  f"p99 {endpoint.result['p99_ms']:7.1f} ms  {endpoint.result['rps']:6.1f}/s  "
                  f"{endpoint.result['statements']:3} stmts  floor {endpoint.result['floor_p50_ms']:6.2f} ms  "
                  f"×{endpoint.result['ratio']}  errors {endpoint.result['errors']['status']}  "
                  f"cpu others {endpoint.result.get('cpu_others_cores')}", flush=True)
        pages = [e for e in endpoints if e.key in MIX and not e.result.get("too_slow")]
        mixed = Endpoint("mixed", "mixed load", [entry for e in pages for entry in e.entries * MIX[e.key]])
        _wait_for_quiet(server, name, args.quiet_wait)
        load_before = os.getloadavg()[0]
        with CpuWatch(server.process.pid, httpsetup.owner_url(name), name) as cpu:
            mix = wrk(mixed, port=server.port, seconds=max(args.seconds * 2, 20), connections=args.concurrency)
        mix.update(load_before=round(load_before, 2), load_after=round(os.getloadavg()[0], 2), weights=MIX,
                   **cpu.result)
        print(f"mixed: {mix['rps']} requests/s, p95 {mix['p95_ms']} ms, errors {mix['errors']}", flush=True)
        extras = {"import_confirm": _import_confirm(people["pedagogue"], body, boundary_type),
                  "report_pdf": _report_pdf(people["coordinator"], date.fromisoformat(args.today).year)}
        print(f"extras: {extras}", flush=True)
    finally:
        server.stop()
    return {"endpoints": [{"key": e.key, "label": e.label, "target_p95_ms": e.target_p95_ms, **e.result}
                          for e in endpoints], "mixed": mix, **extras}


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop gunicorn and drop a scratch database
    args = _arguments()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: sudo apt-get install wrk")
    name = args.database or f"caseflow_bench_{uuid.uuid4().hex[:8]}"
    work = Path(tempfile.mkdtemp(prefix="caseflow-http-bench-"))
    started = time.time()
    try:
        generated = httpsetup.prepare_database(name, scale=args.scale, reuse=args.reuse, today=args.today)
        world = httpsetup.pick_world(name)
        print(f"{name}: {world['rows']}; generation {generated:.0f} s", flush=True)
        if world["generated_scale"] is not None:
            args.scale = float(world["generated_scale"])  # a reused database has its own scale
        secrets = Secrets(httpsetup.WORK / f"{name}.totp.json")
        results = {"command": " ".join(shlex.quote(a) for a in [".venv/bin/python", "-m", "bench.http", *sys.argv[1:]]),
                   "database": name, "scale": args.scale, "concurrency": args.concurrency,
                   "seconds_per_page": args.seconds, "generation_seconds": round(generated),
                   "machine": machine(httpsetup.owner_url(name)), "world": world,
                   "started_at": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))}
        results.update(measure(args, name, world, secrets, work))
        if args.users:
            results["load"] = httpload.run(name, users=args.users, minutes=args.minutes, think=args.think,
                                           secrets=secrets, work=work)
        results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
        httpreport.publish(results, json_path=None if args.no_docs else Path(args.json),
                           markdown_path=None if args.no_docs else Path(args.markdown))
    finally:
        if not args.database:
            with psycopg.connect(httpsetup.owner_url("postgres"), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            for suffix in ("keys.json", "totp.json"):
                (httpsetup.WORK / f"{name}.{suffix}").unlink(missing_ok=True)


if __name__ == "__main__":
    main()
