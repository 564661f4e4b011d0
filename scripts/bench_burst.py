"""A typhoon night on the Open311 endpoint: 2,000 POSTs from 64 clients, then the database read.

    .venv/bin/python scripts/bench_burst.py --base-url http://127.0.0.1:8000 \\
        --database-url postgres://…/db --api-key o311_A --api-key o311_B … --greedy-key o311_G \\
        --service-codes … --address-ids …

(`scripts/bench_intake.sh` runs it with BURST=1, on a seeded copy with the server and worker.)

Every POST carries an Idempotency-Key and a tag in its description. The ordinary keys stay under
their rate limit; the greedy key sends more than its limit allows, and its 429s are the
deliberate ones (a refused request is not retried: it must leave no case behind). Deliberate
retries: every 10th request is sent again with its key after its answer (a client that lost the
answer), every 25th is sent twice at once (a double tap) — a 409 "still running" is followed by
a retry shortly after, as a client should. Afterwards the database is read: every request that
got a 201 is there exactly once under the number it was given, no refused one is there.

Prints one JSON line; exits 1 if any check fails. Refuses any host but the loopback.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import re
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field

import httpx
from bench_api import DESCRIPTIONS, loopback_only, percentile

TAG = re.compile(r"\[burst (\w+) #(\d+)\]")


@dataclass
class Tally:
    numbers: dict[int, str] = field(default_factory=dict)  # request -> case number given
    refused: set[int] = field(default_factory=set)  # deliberate 429s (the greedy key)
    statuses: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    replays: int = 0
    double_taps: int = 0
    in_progress: int = 0
    latencies: list[float] = field(default_factory=list)
    server_ms: list[float] = field(default_factory=list)


def form(args: argparse.Namespace, key: str, run: str, n: int) -> dict[str, str]:
    return {
        "api_key": key,
        "service_code": random.choice(args.service_codes),  # noqa: S311 - load, not security
        "address_id": random.choice(args.address_ids),  # noqa: S311
        "description": f"[burst {run} #{n}] {random.choice(DESCRIPTIONS)}",  # noqa: S311
        "first_name": "台风",
        "last_name": "夜",
        "phone": "13800000000",
    }


def server_time(response: httpx.Response) -> float | None:
    match = re.search(r"app;dur=([\d.]+)", response.headers.get("server-timing", ""))
    return float(match.group(1)) if match else None


async def send(
    client: httpx.AsyncClient, data: dict[str, str], key: str, tally: Tally
) -> httpx.Response:
    """POST until the answer is final: a 409 (the same key still running) is retried shortly."""
    while True:
        started = time.perf_counter()
        response = await client.post(
            "/open311/v2/requests.json", data=data, headers={"Idempotency-Key": key}
        )
        tally.latencies.append(time.perf_counter() - started)
        if (ms := server_time(response)) is not None:
            tally.server_ms.append(ms)
        tally.statuses[str(response.status_code)] += 1
        if response.status_code != 409:
            return response
        tally.in_progress += 1
        await asyncio.sleep(0.05)


def number_of(response: httpx.Response) -> str | None:
    if response.status_code != 201:
        return None
    return str(response.json()[0]["service_request_id"])


async def one(
    client: httpx.AsyncClient, args: argparse.Namespace, run: str, n: int, key: str, tally: Tally
) -> None:
    data = form(args, key, run, n)
    idem = uuid.uuid4().hex
    if n % 25 == 0:  # a double tap: the same request twice at once
        tally.double_taps += 1
        answers = await asyncio.gather(
            send(client, data, idem, tally), send(client, data, idem, tally)
        )
    else:
        answers = (await send(client, data, idem, tally),)
    greedy = key == args.greedy_key
    numbers = {number_of(a) for a in answers}
    if len(numbers) != 1:
        statuses = [a.status_code for a in answers]
        tally.errors.append(f"#{n}: one key, different answers {statuses} {numbers}")
        return
    (number,) = numbers
    if number is None:
        status = answers[0].status_code
        if status == 429 and greedy:
            tally.refused.add(n)
        else:
            tally.errors.append(f"#{n}: {status} {answers[0].text[:200]}")
        return
    tally.numbers[n] = number
    if n % 10 == 0:  # the client lost the answer and sends the request again
        again = await send(client, data, idem, tally)
        tally.replays += 1
        if number_of(again) != number:
            tally.errors.append(f"#{n}: replay gave {again.status_code} {number_of(again)}")


async def load(args: argparse.Namespace, run: str) -> tuple[Tally, float]:
    tally = Tally()
    # Who sends what: the greedy key every 4th request, the ordinary keys the others in turn.
    # The greedy key's go first, so they pass its limit within its window (and draw the
    # deliberate 429s) even on a machine too busy to send all 2,000 within the minute.
    # (The ordinary keys are taken in turn by a count of their own: `n % len(keys)` over the
    # requests left by the greedy key's every 4th skipped one of four keys, so three keys sent
    # ~500 each, over their limit, and their 429s were counted as errors.)
    ordinary = itertools.cycle(args.api_key)
    plan = [
        (n, args.greedy_key if args.greedy_key and n % 4 == 0 else next(ordinary))
        for n in range(1, args.requests + 1)
    ]
    plan.sort(key=lambda item: item[1] != args.greedy_key)
    work = iter(plan)
    limits = httpx.Limits(max_connections=args.clients * 2, max_keepalive_connections=args.clients)

    async def client_loop(client: httpx.AsyncClient) -> None:
        for n, key in work:
            try:
                await one(client, args, run, n, key, tally)
            except httpx.HTTPError as error:
                tally.errors.append(f"#{n}: {type(error).__name__} {error}")

    async with httpx.AsyncClient(base_url=args.base_url, limits=limits, timeout=60) as client:
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(args.clients)))
        return tally, time.perf_counter() - started


def stored(database_url: str, run: str) -> dict[int, list[str]]:
    """The cases the run left, by request: request -> the case numbers holding its tag."""
    like = f"[burst {run} #%"
    sql = "SELECT number, text FROM cases_case WHERE text LIKE %s"
    rows: list[tuple[str, str]]
    if database_url.startswith("postgres"):
        import psycopg

        with psycopg.connect(database_url) as conn:
            rows = conn.execute(sql, [like]).fetchall()
    else:
        import sqlite3

        with sqlite3.connect(database_url.removeprefix("sqlite:///")) as conn:
            rows = conn.execute(sql.replace("%s", "?"), [like]).fetchall()
    found: dict[int, list[str]] = {}
    for number, text in rows:
        match = TAG.search(text)
        if match and match.group(1) == run:
            found.setdefault(int(match.group(2)), []).append(number)
    return found


def check(tally: Tally, found: dict[int, list[str]]) -> dict[str, int]:
    lost = [n for n, number in tally.numbers.items() if found.get(n) != [number]]
    return {
        "lost_or_wrong": len(lost),
        "duplicated": sum(1 for numbers in found.values() if len(numbers) > 1),
        "refused_but_stored": sum(1 for n in tally.refused if n in found),
        "stored_without_answer": sum(1 for n in found if n not in tally.numbers),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--api-key", action="append", required=True, help="an ordinary client")
    parser.add_argument("--greedy-key", default="", help="a client over its rate limit")
    parser.add_argument("--service-codes", nargs="+", required=True)
    parser.add_argument("--address-ids", nargs="+", required=True)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--label", default="")
    args = parser.parse_args(argv)
    loopback_only(args.base_url)
    run = uuid.uuid4().hex[:8]
    tally, elapsed = asyncio.run(load(args, run))
    checks = check(tally, stored(args.database_url, run))
    latencies = sorted(tally.latencies)
    server = sorted(tally.server_ms)
    failed = bool(tally.errors) or any(checks.values()) or elapsed > 60
    print(
        json.dumps(
            {
                **({"label": args.label} if args.label else {}),
                "scenario": "burst",
                "clients": args.clients,
                "requests": args.requests,
                "posts_sent": len(latencies),
                "seconds": round(elapsed, 2),
                "posts_per_second": round(len(latencies) / elapsed, 1),
                "median_ms": round(percentile(latencies, 0.5) * 1000, 1),
                "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
                "server_median_ms": round(percentile(server, 0.5), 1) if server else None,
                "server_p99_ms": round(percentile(server, 0.99), 1) if server else None,
                "statuses": dict(tally.statuses),
                "created": len(tally.numbers),
                "deliberate_429": len(tally.refused),
                "replays": tally.replays,
                "double_taps": tally.double_taps,
                "409_then_retried": tally.in_progress,
                "errors": len(tally.errors),
                **checks,
                "ok": not failed,
            }
        )
    )
    for error in tally.errors[:10]:
        print(f"bench_burst: {error}", file=sys.stderr)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
