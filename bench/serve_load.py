#!/usr/bin/env python3
"""Load test of `dflab serve` on loopback: requests/s and p50/p99 latency per client count, and a
check that every request is answered exactly once.

    bench/serve_load.py --url http://127.0.0.1:8080 --video clip.mp4 [--clients 1,4] [--requests 40]

Each client thread POSTs the video as a raw body (Content-Type video/mp4) with its own name
(?name=c<k>-r<i>.mp4); the server echoes the name in "video", so a lost, duplicated or swapped
answer shows as a mismatch. Bounded: --requests per client count (split among the clients), each
with --timeout seconds. Prints one markdown table row per client count and exits 1 when any
request was lost, answered twice, or got anything but 200 or 503. Standard library only.
"""
import argparse
import json
import statistics
import threading
import time
import urllib.error
import urllib.request


def post(url, body, name, timeout):
    req = urllib.request.Request(f"{url}/score?name={name}", data=body, headers={"Content-Type": "video/mp4"}, method="POST")
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            code, text = r.status, r.read()
    except urllib.error.HTTPError as e:
        code, text = e.code, e.read()
    return code, json.loads(text), (time.perf_counter() - t0) * 1000.0


def percentile(values, q):
    if not values:
        return float("nan")
    s = sorted(values)
    k = min(len(s) - 1, max(0, int(round(q / 100.0 * (len(s) - 1)))))
    return s[k]


def run(url, body, clients, requests, timeout):
    per_client = [requests // clients + (1 if k < requests % clients else 0) for k in range(clients)]
    answers = {}          # name -> list of (code, doc, ms)
    lock = threading.Lock()
    errors = []

    def client(k):
        for i in range(per_client[k]):
            name = f"c{k}-r{i}.mp4"
            try:
                code, doc, ms = post(url, body, name, timeout)
            except Exception as e:  # a dropped connection or a timeout: a lost request
                with lock:
                    errors.append(f"{name}: {e}")
                continue
            with lock:
                answers.setdefault(name, []).append((code, doc, ms))

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    sent = {f"c{k}-r{i}.mp4" for k in range(clients) for i in range(per_client[k])}
    lost = sorted(sent - set(answers))
    twice = sorted(n for n, a in answers.items() if len(a) != 1)
    swapped = sorted(n for n, a in answers.items() if a[0][0] == 200 and a[0][1].get("video") != n)
    ok = [a[0] for a in answers.values() if a[0][0] == 200]
    busy = sum(1 for a in answers.values() if a[0][0] == 503)
    other = sorted({a[0][0] for a in answers.values()} - {200, 503})
    scores = {round(doc["score"], 9) for _, doc, _ in ok}
    lat = [ms for _, _, ms in ok]
    return {
        "clients": clients, "requests": len(sent), "ok": len(ok), "busy_503": busy, "other_codes": other,
        "lost": lost + errors, "answered_twice": twice, "swapped": swapped, "distinct_scores": len(scores),
        "wall_s": wall, "rps": len(ok) / wall if wall > 0 else 0.0,
        "p50_ms": percentile(lat, 50), "p99_ms": percentile(lat, 99), "mean_ms": statistics.mean(lat) if lat else float("nan"),
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--url", required=True)
    ap.add_argument("--video", required=True)
    ap.add_argument("--clients", default="1,4", help="comma-separated client counts")
    ap.add_argument("--requests", type=int, default=40, help="requests per client count")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds per request")
    ap.add_argument("--json", action="store_true", help="one JSON line per client count instead of the table")
    a = ap.parse_args()
    with open(a.video, "rb") as f:
        body = f.read()
    code, doc, _ = post(a.url, body, "warmup.mp4", a.timeout)   # first request: caches, allocator
    if code != 200:
        raise SystemExit(f"warm-up request got {code}: {doc}")
    failed = False
    if not a.json:
        print("| clients | requests | 200 | 503 | lost | twice | req/s | p50 ms | p99 ms |")
        print("|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    for c in [int(x) for x in a.clients.split(",")]:
        r = run(a.url, body, c, a.requests, a.timeout)
        failed |= bool(r["lost"] or r["answered_twice"] or r["swapped"] or r["other_codes"] or r["distinct_scores"] > 1)
        if a.json:
            print(json.dumps(r))
        else:
            print(f"| {c} | {r['requests']} | {r['ok']} | {r['busy_503']} | {len(r['lost'])} | {len(r['answered_twice'])} | "
                  f"{r['rps']:.2f} | {r['p50_ms']:.0f} | {r['p99_ms']:.0f} |")
        for key in ("lost", "answered_twice", "swapped", "other_codes"):
            if r[key]:
                print(f"  {key}: {r[key][:5]}")
        if r["distinct_scores"] > 1:
            print(f"  the same video got {r['distinct_scores']} different scores")
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
