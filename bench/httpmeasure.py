"""Measure pages: wrk at a fixed concurrency (latency percentiles, requests per second), the statements a
page runs (captured in the gunicorn worker) and their floor: the same statements, with the same parameters
and the same row-security settings, run through bare psycopg."""
from __future__ import annotations

import json
import os
import pickle
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

LUA = r"""
local entries = {ENTRIES}
local body = nil
if BODY_FILE ~= "" then local f = io.open(BODY_FILE, "rb"); body = f:read("*a"); f:close() end
local counter = 0
request = function()
  counter = counter + 1
  local entry = entries[(counter %% #entries) + 1]
  return wrk.format(METHOD, entry[1], entry[2], body)
end
done = function(summary, latency, requests)
  local f = io.open(OUT, "w")
  f:write(string.format('{"requests": %%d, "duration_us": %%d, "p50": %%d, "p95": %%d, "p99": %%d, "max": %%d, '
    .. '"errors": {"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}}',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency:percentile(99),
    latency.max, summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status,
    summary.errors.timeout))
  f:close()
end
"""


@dataclass
class Endpoint:
    """One measured page: who asks (headers per entry), which paths, and the target it is held to."""

    key: str
    label: str
    entries: list[tuple[str, dict]]
    person: str = ""
    method: str = "GET"
    body: bytes = b""
    expect: int = 200
    target_p95_ms: float | None = None
    result: dict = field(default_factory=dict)


def _lua_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid Lua string literal for these ASCII values


def wrk(endpoint: Endpoint, *, port: int, seconds: float, connections: int) -> dict:
    """Run wrk against the endpoint; return its latency percentiles (ms), requests and errors."""
    with tempfile.TemporaryDirectory(prefix="caseflow-wrk-") as folder:
        out, script, body_file = Path(folder) / "out.json", Path(folder) / "run.lua", ""
        if endpoint.body:
            (Path(folder) / "body").write_bytes(endpoint.body)
            body_file = str(Path(folder) / "body")
        entries = ", ".join("{" + _lua_string(path) + ", {" + ", ".join(
            f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in headers.items()) + "}}"
            for path, headers in endpoint.entries)
        source = (f"local OUT = {_lua_string(str(out))}\nlocal BODY_FILE = {_lua_string(body_file)}\n"
                  f"local METHOD = {_lua_string(endpoint.method)}\n" + LUA.replace("%%", "%").replace(
                      "{ENTRIES}", "{" + entries + "}"))
        script.write_text(source)
        threads = min(2, connections)
        subprocess.run(["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{max(1, round(seconds))}s", "--timeout", "30s",
                        "-s", str(script), f"http://127.0.0.1:{port}"], check=True, stdout=subprocess.DEVNULL)
        raw = json.loads(out.read_text())
    seconds_run = raw["duration_us"] / 1e6
    return {"requests": raw["requests"], "seconds": round(seconds_run, 2),
            "rps": round(raw["requests"] / seconds_run, 1),
            "p50_ms": raw["p50"] / 1000, "p95_ms": raw["p95"] / 1000, "p99_ms": raw["p99"] / 1000,
            "max_ms": raw["max"] / 1000, "errors": raw["errors"]}


def capture(client, endpoint: Endpoint, capture_dir: Path, name: str) -> dict:
    """Ask the page once with the capture header; return its status and captured statements."""
    path, headers = endpoint.entries[0]
    file = capture_dir / f"{name}.pickle"
    file.unlink(missing_ok=True)
    client.get("/")  # touches the session now if it is due, so the captured request never does (1 a minute)
    extra = {"X-Bench-Capture": name, **{k: v for k, v in headers.items() if k.lower() == "content-type"}}
    answer = client.request(endpoint.method, path, body=endpoint.body or None, headers=extra)
    took = answer.seconds
    for _ in range(200):
        if file.exists():
            break
        time.sleep(0.02)
    time.sleep(0.05)
    data = pickle.loads(file.read_bytes())
    data["seconds"] = took
    if answer.status != endpoint.expect:
        raise SystemExit(f"{endpoint.key}: {path} answered {answer.status}, expected {endpoint.expect}")
    return data


def _run(cur, statement: str, parameters, many: bool) -> None:
    if many:
        cur.executemany(statement, parameters)
    else:
        cur.execute(statement, parameters)
        if cur.description is not None:
            cur.fetchall()


def floor(url: str, statements: list, *, seconds: float = 4.0, at_most: int = 300) -> dict:
    """p50 of running the captured statements as one transaction (rolled back) through bare psycopg.

    A statement that cannot be replayed (an INSERT whose key the real request already took) is found in a
    first pass with savepoints and left out of the timed runs; the report says how many."""
    skipped, first_pass = [], time.perf_counter()
    with psycopg.connect(url) as conn:
        with conn.cursor() as cur:
            for index, (statement, parameters, many) in enumerate(statements):
                cur.execute("SAVEPOINT replay")
                try:
                    _run(cur, statement, parameters, many)
                    cur.execute("RELEASE SAVEPOINT replay")
                except psycopg.Error as exc:
                    cur.execute("ROLLBACK TO SAVEPOINT replay")
                    skipped.append({"statement": statement[:120], "error": type(exc).__name__})
                    statements[index] = None
        conn.rollback()
        fewest = 3 if time.perf_counter() - first_pass < seconds else 1  # a page of many seconds: once
        runnable = [s for s in statements if s is not None]
        times, ends = [], time.perf_counter() + seconds
        with conn.cursor() as cur:
            while len(times) < at_most and (time.perf_counter() < ends or len(times) < fewest):
                started = time.perf_counter()
                for statement, parameters, many in runnable:
                    _run(cur, statement, parameters, many)
                conn.rollback()
                times.append(time.perf_counter() - started)
    return {"floor_p50_ms": round(statistics.median(times) * 1000, 2), "floor_runs": len(times),
            "floor_skipped": skipped}


def machine(pg_url: str) -> dict:
    """What the numbers were measured on."""
    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), "unknown")
    memory = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    with psycopg.connect(pg_url) as conn:
        version = conn.execute("SHOW server_version").fetchone()[0]
    wrk_version = subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("\n")[0].strip()
    return {"cpus": os.cpu_count(), "cpu_model": model, "ram_gb": round(memory / 1024 / 1024, 1),
            "postgresql": version, "load_tool": wrk_version or "wrk"}


def _ticks(pid: str) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])  # utime + stime


class CpuWatch:
    """CPU the machine spent during a run, split into ours (gunicorn, our PostgreSQL backends, wrk) and
    everybody else's: the machine is shared, and other people's work slows every number down."""

    def __init__(self, server_pid: int, pg_url: str, database: str):
        self.server_pid, self.pg_url, self.database = server_pid, pg_url, database

    def _ours(self) -> list[str]:
        workers = subprocess.run(["pgrep", "-P", str(self.server_pid)], capture_output=True, text=True).stdout.split()
        with psycopg.connect(self.pg_url, autocommit=True) as conn:
            backends = [str(r[0]) for r in conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()", (self.database,))]
        return [str(self.server_pid), *workers, *backends]

    def _snapshot(self) -> tuple[int, int, int, float]:
        values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        busy = sum(values) - values[3] - values[4]
        children = os.times()
        ours = sum(_ticks(pid) for pid in self._ours())
        return busy, ours, round((children.children_user + children.children_system) * os.sysconf("SC_CLK_TCK")), \
            time.monotonic()

    def __enter__(self):
        self.start = self._snapshot()
        return self

    def __exit__(self, *exc):
        end = self._snapshot()
        hz, seconds = os.sysconf("SC_CLK_TCK"), end[3] - self.start[3]
        busy = (end[0] - self.start[0]) / hz / seconds
        ours = ((end[1] - self.start[1]) + (end[2] - self.start[2])) / hz / seconds
        self.result = {"cpu_busy_cores": round(busy, 2), "cpu_ours_cores": round(ours, 2),
                       "cpu_others_cores": round(max(0.0, busy - ours), 2)}
        return False
