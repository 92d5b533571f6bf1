"""Load mode: many simulated school staff, each signed in from an address of their own, browsing the case
list, case pages, the pupil search and the concerns inbox with think time; afterwards the audit chain must
verify and every case page answered must have its read entry."""
from __future__ import annotations

import random
import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg

from bench import httpsetup
from bench.httpclient import Client, Secrets, SignInFailed, sign_in

CASE_RE = re.compile(r'href="/cases/(\d+)"')
NEXT_RE = re.compile(r'href="(/cases/\?[^"]*after=[^"]+)"')
ROLES = ("social_pedagogue", "school_head", "support_specialist")
SYLLABLES = ("An", "Be", "Ka", "Li", "Ma", "Ozo", "Pe", "Ro", "Sa", "Vi", "Ze", "Ja")


def _accounts(name: str, users: int) -> list[str]:
    with psycopg.connect(httpsetup.owner_url(name)) as conn:
        rows = conn.execute(
            "SELECT DISTINCT ON (u.id) u.username, m.role FROM users u JOIN memberships m ON m.user_id = u.id "
            "WHERE m.role = ANY(%s) AND u.is_active_account ORDER BY u.id", (list(ROLES),)).fetchall()
    ordered = sorted(rows, key=lambda row: (ROLES.index(row[1]), row[0]))
    return [username for username, _role in ordered[:users]]


class Person(threading.Thread):
    """One simulated member of staff: list, open a case, search, look at the inbox, think, repeat."""

    def __init__(self, client: Client, until: float, think: float, log: list, seed: int):
        super().__init__(daemon=True)
        self.client, self.until, self.think, self.log = client, until, think, log
        self.random = random.Random(seed)

    def _ask(self, kind: str, path: str) -> str:
        try:
            answer = self.client.get(path)
            self.log.append((kind, answer.status, answer.seconds))
            return answer.text if answer.status == 200 else ""
        except OSError as exc:
            self.log.append((kind, f"connection: {type(exc).__name__}", 0.0))
            return ""

    def _pause(self) -> None:
        time.sleep(min(self.random.expovariate(1 / self.think), self.think * 5))

    def run(self) -> None:
        time.sleep(self.random.uniform(0, self.think * 2))  # people do not start in step
        while time.time() < self.until:
            listing = self._ask("case_list", self.random.choice(("/cases/", "/cases/?status=")))
            self._pause()
            ids = CASE_RE.findall(listing)
            if ids and time.time() < self.until:
                self._ask("case_page", f"/cases/{self.random.choice(ids)}")
                self._pause()
            roll = self.random.random()
            if roll < 0.3 and (found := NEXT_RE.search(listing)):
                self._ask("case_list", found.group(1).replace("&amp;", "&"))
            elif roll < 0.55:
                self._ask("pupil_search", f"/pupils/?name={self.random.choice(SYLLABLES)}")
            elif roll < 0.7:
                self._ask("concerns_inbox", "/concerns/")
            self._pause()


def _audit_seq(name: str) -> int:
    with psycopg.connect(httpsetup.owner_url(name)) as conn:
        return conn.execute("SELECT coalesce(max(seq), 0) FROM audit_log").fetchone()[0]


def _reads_since(name: str, seq: int) -> int:
    with psycopg.connect(httpsetup.owner_url(name)) as conn:
        return conn.execute("SELECT count(*) FROM audit_log WHERE seq > %s AND action = 'case.read'",
                            (seq,)).fetchone()[0]


def _summary(log: list, seconds: float) -> dict:
    kinds: dict[str, dict] = {}
    for kind, status, took in log:
        row = kinds.setdefault(kind, {"requests": 0, "times": [], "statuses": {}})
        row["requests"] += 1
        row["statuses"][str(status)] = row["statuses"].get(str(status), 0) + 1
        if status == 200:
            row["times"].append(took * 1000)
    for row in kinds.values():
        times = sorted(row.pop("times")) or [0.0]
        row["p50_ms"] = round(statistics.median(times), 1)
        row["p95_ms"] = round(times[min(len(times) - 1, int(len(times) * 0.95))], 1)
    return {"requests": len(log), "rps": round(len(log) / seconds, 1), "by_page": kinds,
            "server_errors": sum(1 for _k, s, _t in log if isinstance(s, int) and s >= 500),
            "connection_errors": sum(1 for _k, s, _t in log if not isinstance(s, int)),
            "rate_limited": sum(1 for _k, s, _t in log if s == 429)}


def run(name: str, *, users: int, minutes: float, think: float, secrets: Secrets, work: Path) -> dict:
    """Sign the people in, let them browse for `minutes`, then check the audit trail."""
    accounts = _accounts(name, users)
    server = httpsetup.Server(name, work, per_user_limit=None, log=work / "gunicorn-load.log")
    try:
        clients = [Client(server.port, address=f"10.{8 + n // 65000}.{n // 250 % 250}.{n % 250 + 1}")
                   for n in range(len(accounts))]
        started = time.perf_counter()
        failures = []

        def enter(pair):
            client, username = pair
            try:
                sign_in(client, username, secrets)
            except (SignInFailed, OSError) as exc:
                failures.append(str(exc))

        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(enter, zip(clients, accounts, strict=True)))
        secrets.save()
        signed_in = time.perf_counter() - started
        print(f"load: {len(accounts) - len(failures)} of {len(accounts)} people signed in in {signed_in:.0f} s",
              flush=True)
        first_seq = _audit_seq(name)
        log: list = []
        until = time.time() + minutes * 60
        people = [Person(client, until, think, log, seed=n) for n, client in enumerate(clients)]
        began = time.perf_counter()
        for person in people:
            person.start()
        for person in people:
            person.join(timeout=max(1, until - time.time() + 180))
        seconds = time.perf_counter() - began
    finally:
        server.stop()
    summary = _summary(log, seconds)
    case_pages = summary["by_page"].get("case_page", {}).get("statuses", {}).get("200", 0)
    verify_started = time.perf_counter()
    verify = httpsetup.flask(name, "audit", "verify", capture=True, check=False).strip().splitlines()
    summary.update(users=len(accounts) - len(failures), requested_users=users, minutes=minutes, think_mean_s=think,
                   sign_in_seconds=round(signed_in, 1), sign_in_failures=failures[:5],
                   case_pages_ok=case_pages, case_read_entries=_reads_since(name, first_seq),
                   audit_verify=verify[-1] if verify else "", audit_verify_seconds=round(
                       time.perf_counter() - verify_started, 1))
    summary["audit_reads_match"] = summary["case_pages_ok"] == summary["case_read_entries"]
    print(f"load: {summary['requests']} requests ({summary['rps']}/s), 5xx {summary['server_errors']}, "
          f"case pages {case_pages}, case.read entries {summary['case_read_entries']}, "
          f"audit verify: {summary['audit_verify']}", flush=True)
    return summary
