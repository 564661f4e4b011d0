"""Load test of the Open311 endpoint: N concurrent clients on the loopback, bounded in size.

    .venv/bin/python scripts/bench_api.py --base-url http://127.0.0.1:8000 --scenario post \\
        --api-key o311_… [--clients 16] [--requests 2000] [--seconds 60]
    .venv/bin/python scripts/bench_api.py --base-url http://127.0.0.1:8000 --scenario get \\
        [--page-size 1000]

`post` sends POST requests.json (a new case each, at a random place of the county); `get`
sends GET requests.json for the last 90 days, 1,000 results a page, pages 1 to 5 in turn.
Prints one JSON line: requests, seconds, requests per second, median and 99th-percentile
latency in milliseconds (seen by the client, and the server's own where it sends a
Server-Timing header: SANFU_SERVER_TIMING=true), and the statuses seen. Refuses any host
but the loopback: it is a load generator, and must never be pointed at someone else's server.

`--transport raw` (for `post`) sends each request over its own keep-alive connection written by
hand instead of through httpx: on this 2-core machine httpx spent ~4.7 ms of CPU per POST, a
third of the machine the server under test needs, and it then measured its own cost as much
as the server's. Both sides of a comparison must use the same transport.
"""

from __future__ import annotations

import argparse
import asyncio
import ipaddress
import json
import random
import re
import socket
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

DESCRIPTIONS = [
    "村口的路灯坏了两周，晚上出行很不方便。",
    "小区门口的下水道堵了，一下雨就积水。",
    "路面有个大坑，电动车经过很危险。",
    "河道里漂着很多垃圾，气味很大。",
    "公交站的遮雨棚破了，需要修一下。",
]


SERVER_TIME = re.compile(r"app;dur=([\d.]+)")


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    # The server's own time (its Server-Timing header, when SANFU_SERVER_TIMING is on), in ms.
    server_ms: list[float] = field(default_factory=list)
    statuses: Counter[str] = field(default_factory=Counter)
    bad_bodies: int = 0


def loopback_only(base_url: str) -> None:
    host = urlsplit(base_url).hostname or ""
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(ipaddress.ip_address(a).is_loopback for a in addresses):
        raise SystemExit(f"bench_api: {host!r} is not the loopback; refusing to load it")


def post_form(args: argparse.Namespace) -> dict[str, str]:
    form = {
        "api_key": args.api_key,
        "service_code": random.choice(args.service_codes),  # noqa: S311 - load, not security
        "description": random.choice(DESCRIPTIONS),  # noqa: S311
        "first_name": "测试",
        "last_name": "压",
        "phone": "13800000000",
    }
    if args.address_ids:
        form["address_id"] = random.choice(args.address_ids)  # noqa: S311
    else:
        form["lat"], form["long"] = "28.12", "120.75"
    if args.jurisdiction:
        form["jurisdiction_id"] = args.jurisdiction
    return form


class RawConnection:
    """One keep-alive HTTP/1.1 connection on the loopback: a request written, its answer read
    (by Content-Length or chunked), reconnecting after the server closed it."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post(self, path: str, body: bytes, headers: dict[str, str]) -> RawResponse:
        if self.streams is None:
            self.streams = await asyncio.open_connection(self.host, self.port)
        reader, writer = self.streams
        lines = [
            f"POST {path} HTTP/1.1",
            f"Host: {self.host}:{self.port}",
            "Content-Type: application/x-www-form-urlencoded",
            f"Content-Length: {len(body)}",
            *(f"{name}: {value}" for name, value in headers.items()),
        ]
        try:
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)
            status = int((await reader.readline()).split(b" ", 2)[1])
            answer: dict[str, str] = {}
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode("latin-1").partition(":")
                answer[name.strip().lower()] = value.strip()
            if "content-length" in answer:
                content = await reader.readexactly(int(answer["content-length"]))
            else:
                content = await self._chunked(reader)
        except (OSError, IndexError, ValueError, asyncio.IncompleteReadError):
            await self.close()
            raise
        if answer.get("connection", "").lower() == "close":
            await self.close()
        return RawResponse(status, answer, content)

    @staticmethod
    async def _chunked(reader: asyncio.StreamReader) -> bytes:
        content = b""
        while size := int((await reader.readline()).split(b";")[0], 16):
            content += await reader.readexactly(size)
            await reader.readline()
        await reader.readline()
        return content

    async def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()
            self.streams = None


@dataclass
class RawResponse:
    status_code: int
    headers: dict[str, str]
    content: bytes

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", "replace")


async def one(client: Any, args: argparse.Namespace, n: int, tally: Tally) -> None:
    started = time.perf_counter()
    if args.scenario == "post" and isinstance(client, RawConnection):
        headers = {"Idempotency-Key": uuid.uuid4().hex} if args.idempotency else {}
        try:
            body = urlencode(post_form(args)).encode("ascii")
            response: Any = await client.post("/open311/v2/requests.json", body, headers)
        except (OSError, IndexError, ValueError, asyncio.IncompleteReadError) as error:
            tally.statuses[type(error).__name__] += 1
            return
        ok = response.status_code == 201
    elif args.scenario == "post":
        headers = {"Idempotency-Key": uuid.uuid4().hex} if args.idempotency else {}
        try:
            response = await client.post(
                "/open311/v2/requests.json", data=post_form(args), headers=headers
            )
        except httpx.TransportError as error:
            # Counted as what it is (a dropped connection), not a crash of the whole run.
            tally.statuses[type(error).__name__] += 1
            return
        ok = response.status_code == 201
    else:
        params = {"page_size": str(args.page_size), "page": str(n % 5 + 1)}
        if args.jurisdiction:
            params["jurisdiction_id"] = args.jurisdiction
        response = await client.get("/open311/v2/requests.json", params=params)
        ok = response.status_code == 200
        # Counted, not parsed: decoding a megabyte of JSON would take the server's CPU.
        if ok and response.content.count(b'"service_request_id"') != args.page_size:
            tally.bad_bodies += 1
    tally.latencies.append(time.perf_counter() - started)
    if match := SERVER_TIME.search(response.headers.get("server-timing", "")):
        tally.server_ms.append(float(match.group(1)))
    tally.statuses[str(response.status_code)] += 1
    if not ok and tally.statuses[str(response.status_code)] == 1:
        print(f"bench_api: {response.status_code} {response.text[:300]}", file=sys.stderr)


async def run(args: argparse.Namespace) -> dict[str, object]:
    tally = Tally()
    counter = iter(range(args.requests))
    deadline = time.perf_counter() + args.seconds
    limits = httpx.Limits(max_connections=args.clients, max_keepalive_connections=args.clients)

    async def client_loop(client: Any) -> None:
        for n in counter:
            if time.perf_counter() > deadline:
                return
            await one(client, args, n, tally)

    if args.transport == "raw":
        connections = [RawConnection(args.base_url) for _ in range(args.clients)]
        for n in range(args.warmup):  # connections and caches warm, not counted
            await one(connections[n % args.clients], args, n, Tally())
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(c) for c in connections))
        elapsed = time.perf_counter() - started
        for connection in connections:
            await connection.close()
        return summary(args, tally, elapsed)
    async with httpx.AsyncClient(base_url=args.base_url, limits=limits, timeout=120) as client:
        for n in range(args.warmup):  # connections and caches warm, not counted
            await one(client, args, n, Tally())
        started = time.perf_counter()
        await asyncio.gather(*(client_loop(client) for _ in range(args.clients)))
        elapsed = time.perf_counter() - started
    return summary(args, tally, elapsed)


def percentile(sorted_values: list[float], share: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(share * (len(sorted_values) - 1))))
    return sorted_values[index]


def summary(args: argparse.Namespace, tally: Tally, elapsed: float) -> dict[str, object]:
    latencies = sorted(tally.latencies)
    server = sorted(tally.server_ms)
    return {
        **({"label": args.label} if args.label else {}),
        "scenario": args.scenario,
        "clients": args.clients,
        "requests": len(latencies),
        "seconds": round(elapsed, 2),
        "requests_per_second": round(len(latencies) / elapsed, 1) if elapsed else None,
        "median_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "server_median_ms": round(percentile(server, 0.5), 2) if server else None,
        "server_p99_ms": round(percentile(server, 0.99), 2) if server else None,
        "statuses": dict(tally.statuses),
        "short_pages": tally.bad_bodies,
    }


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--scenario", choices=["post", "get"], required=True)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--requests", type=int, default=2000, help="at most this many")
    parser.add_argument("--seconds", type=float, default=60, help="and at most this long")
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--api-key", default="")
    parser.add_argument("--jurisdiction", default="")
    parser.add_argument("--service-codes", nargs="+", default=["C010101"])
    parser.add_argument("--address-ids", nargs="*", default=[])
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--idempotency", action="store_true", help="send an Idempotency-Key")
    parser.add_argument("--label", default="", help="a name to print with the figures")
    parser.add_argument(
        "--transport",
        choices=["httpx", "raw"],
        default="httpx",
        help="raw: hand-written keep-alive connections, a tenth of httpx's CPU (post only)",
    )
    args = parser.parse_args(argv)
    if args.scenario == "post" and not args.api_key:
        parser.error("--api-key is required for the post scenario")
    if args.transport == "raw" and args.scenario != "post":
        parser.error("--transport raw is for the post scenario")
    if not 1 <= args.clients <= 256 or args.requests < 1 or args.seconds <= 0:
        parser.error("--clients 1..256, --requests and --seconds positive")
    return args


def main(argv: list[str] | None = None) -> None:
    args = arguments(argv)
    loopback_only(args.base_url)
    print(json.dumps(asyncio.run(run(args)), ensure_ascii=False))


if __name__ == "__main__":
    main()
