"""The HTTP part of bench/run.py: Kabinet and its plain-Flask peer (bench/peer.py) served side
by side by gunicorn (sync workers, as README deploys it) and loaded by wrk in turns, page by
page, for several rounds: a busy machine then slows both alike, and the median of the rounds
is reported. Needs wrk (`apt-get install wrk`). Not part of the test suite."""
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from seed import client_for, pick

BENCH = Path(__file__).resolve().parent
#: the signed-in page with the portal's layout and menu and no content of its own
FLOOR = "пустая страница портала (вход выполнен)"
#: the plain-Flask peer's pages (bench/peer.py): Kabinet's page name → the peer's path
PEER_PAGES = {"hello-world": "/peer/hello", FLOOR: "/peer/layout", "Мои заявки": "/peer/my/applications/"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def session_cookie(client, url: str) -> str:
    client.get(url)
    return client.get_cookie("session").value


def wrk_run(url: str, cookie: str | None, seconds: int, connections: int) -> dict:
    """One wrk run: requests/s and the p50/p99 latencies it reports (--latency)."""
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command[1:1] = ["-H", f"Cookie: session={cookie}"]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx or 3xx responses" in out:
        raise RuntimeError(f"{url}: wrk saw error responses\n{out}")

    def millis(label: str) -> float:
        value, unit = re.search(rf"^\s*{label}\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return round(float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit], 2)

    return {"rps": round(float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)), 1),
            "p50_ms": millis("50%"), "p99_ms": millis("99%")}


def serve(module: str, url: str, workers: int) -> tuple[subprocess.Popen, str]:
    """gunicorn serving bench/<module>.py's `app` with --workers sync workers; (process, base URL)."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
         "--chdir", str(BENCH), "--log-level", "warning", f"{module}:app"],
        env={**os.environ, "KABINET_BENCH_DATABASE_URL": url})
    base = f"http://127.0.0.1:{port}"
    for _ in range(120):
        try:
            urllib.request.urlopen(base + ("/bench/hello" if module == "wsgi" else "/peer/hello"), timeout=1).read()
            break
        except OSError:
            time.sleep(0.5)
    return server, base


def check(base: str, path: str, cookie: str | None) -> None:
    """The page answers 200 itself (no redirect to the login page) with this cookie."""
    request = urllib.request.Request(base + path, headers={"Cookie": f"session={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200 and response.url == base + path, (path, response.url)


def run_http(app, url: str, staff_key, pages: dict, *, workers: int, seconds: int, rounds: int) -> dict | None:
    """Every page of `pages` (name → (who, path)) from Kabinet, each followed by its peer page
    (PEER_PAGES) with the same consumer cookie, `rounds` times; the median of the rounds."""
    if not shutil.which("wrk"):
        print("wrk not found (apt-get install wrk): the HTTP part is skipped", file=sys.stderr)
        return None
    consumer_key, _, _ = pick(app)
    cookies = {"anonymous": None, "consumer": session_cookie(client_for(app, consumer_key), "/my/applications/"),
               "staff": session_cookie(client_for(app, staff_key), "/staff/queue/")}
    targets = {}  # name → (base, path, cookie), served below
    servers = [serve("wsgi", url, workers), serve("peer", url, workers)]
    (_, kabinet), (_, peer) = servers
    try:
        for name, (who, path) in pages.items():
            targets[name] = (kabinet, path, cookies[who])
            if name in PEER_PAGES:
                targets[f"peer: {name}"] = (peer, PEER_PAGES[name], cookies[who])
        for base, path, cookie in targets.values():
            check(base, path, cookie)
            wrk_run(base + path, cookie, 2, 2 * workers)  # warm-up
        runs = {name: [] for name in targets}
        for _ in range(rounds):
            for name, (base, path, cookie) in targets.items():
                runs[name].append(wrk_run(base + path, cookie, seconds, 2 * workers))
    finally:
        for server, _ in servers:
            server.terminate()
            server.wait(timeout=30)
    return {name: {key: round(statistics.median(run[key] for run in samples), 2) for key in samples[0]}
            for name, samples in runs.items()}


def http_table(results: dict) -> str:
    """Kabinet's pages with their peer's beside them; peer rows are not repeated."""
    hello = results["hello-world"]["rps"]
    lines = ["| страница | запросов/с | p50, мс | p99, мс | p99/p50 | пир: запросов/с | пир: p50, мс | доля от пира "
             "| доля от hello-world |", "|---|---|---|---|---|---|---|---|---|"]
    for name, r in results.items():
        if name.startswith("peer: "):
            continue
        peer = results.get(f"peer: {name}")
        versus = (f"{peer['rps']} | {peer['p50_ms']} | **{r['rps'] / peer['rps']:.2f}**" if peer else "— | — | —")
        lines.append(f"| {name} | {r['rps']} | {r['p50_ms']} | {r['p99_ms']} | {r['p99_ms'] / r['p50_ms']:.1f} | "
                     f"{versus} | {r['rps'] / hello:.2f} |")
    return "\n".join(lines)


def peer_lines(results: dict) -> list[str]:
    """Issue 11's targets: each page ≥ 0.8 of its plain-Flask peer's requests/s, p99/p50 ≤ 3."""
    lines = []
    for name in PEER_PAGES:
        ours, peer = results[name], results[f"peer: {name}"]
        lines.append(f"- {name}: {ours['rps']} vs peer {peer['rps']} requests/s = {ours['rps'] / peer['rps']:.2f} "
                     f"of the peer (target ≥ 0.8 for the pages); p99/p50 {ours['p99_ms'] / ours['p50_ms']:.1f} "
                     f"(peer {peer['p99_ms'] / peer['p50_ms']:.1f}; target ≤ 3)")
    return lines
