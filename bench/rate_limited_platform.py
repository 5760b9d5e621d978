"""A local chat platform that enforces Slack-like posting limits, for the fan-out benchmark.

It refuses with 429 and ``Retry-After`` (whole seconds, as Slack sends them) whenever a post would
exceed 1 post/s per channel (burst 3) or the per-workspace cap (20 posts/s, burst 20), and counts
every accepted post per idempotency key so the benchmark can prove nothing was lost or repeated.
Run it as ``python -m bench.rate_limited_platform``: it prints ``PORT <n>`` once it listens.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import time
from collections import Counter
from typing import Any

from aiohttp import web

from bot.delivery_pacing import PlatformLimits, Rate, TokenBucket

LIMITS = PlatformLimits(per_channel=Rate(1.0, 3), per_workspace=Rate(20.0, 20))


class Platform:
    def __init__(self, limits: PlatformLimits = LIMITS) -> None:
        self.limits = limits
        self.buckets: dict[str, TokenBucket] = {}
        self.accepted: Counter[str] = Counter()
        self.message_of: dict[str, str] = {}
        self.refused = 0
        self.first_at: float | None = None
        self.last_at: float | None = None
        self.arrivals: dict[str, list[float]] = {}

    def _bucket(self, key: str, rate: Rate) -> TokenBucket:
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = TokenBucket(rate)
        return bucket

    def admit(self, workspace: str, channel: str, now: float) -> float:
        """0 if the post conforms (and is counted against the limits), else the seconds until it would."""
        buckets = []
        if self.limits.per_channel:
            buckets.append(self._bucket(f"c|{workspace}|{channel}", self.limits.per_channel))
        if self.limits.per_workspace:
            buckets.append(self._bucket(f"w|{workspace}", self.limits.per_workspace))
        wait = max((b.earliest(now) - now for b in buckets), default=0.0)
        if wait > 0:
            return wait
        for bucket in buckets:
            bucket.take(now)
        return 0.0

    async def post(self, request: web.Request) -> web.Response:
        body = await request.json()
        now = time.monotonic()
        wait = self.admit(body["workspace"], body["channel"], now)
        if wait > 0:
            self.refused += 1
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429, headers={"Retry-After": str(max(1, math.ceil(wait)))})
        key = body["key"]
        self.accepted[key] += 1
        message_id = f"{now:.6f}"
        self.message_of.setdefault(key, message_id)
        self.first_at = self.first_at if self.first_at is not None else now
        self.last_at = now
        self.arrivals.setdefault(body["workspace"], []).append(now)
        return web.json_response({"ok": True, "ts": message_id})

    async def find(self, request: web.Request) -> web.Response:
        return web.json_response({"ts": self.message_of.get(request.query["key"])})

    async def stats(self, request: web.Request) -> web.Response:
        summary: dict[str, Any] = {
            "accepted": sum(self.accepted.values()), "keys": len(self.accepted), "refused_429": self.refused,
            "repeated": sorted(k for k, n in self.accepted.items() if n > 1),
            "span_s": (self.last_at - self.first_at) if self.first_at is not None and self.last_at is not None else 0.0,
        }
        if self.arrivals and self.first_at is not None:
            busiest, times = max(self.arrivals.items(), key=lambda item: len(item[1]))
            summary["busiest_workspace"] = {
                "id": busiest, "posts": len(times), "first_s": round(times[0] - self.first_at, 3), "last_s": round(times[-1] - self.first_at, 3),
                "per_second": [sum(1 for t in times if int(t - self.first_at) == s) for s in range(int(times[-1] - self.first_at) + 1)],
            }
        if request.query.get("keys"):
            summary["all_keys"] = sorted(self.accepted)
        return web.json_response(summary)


def build_app(platform: Platform | None = None) -> web.Application:
    platform = platform or Platform()
    app = web.Application()
    app.router.add_post("/post", platform.post)
    app.router.add_get("/find", platform.find)
    app.router.add_get("/stats", platform.stats)
    return app


async def serve(host: str, port: int) -> None:
    runner = web.AppRunner(build_app(), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    port_bound = runner.addresses[0][1]  # the real port when asked for 0
    print(f"PORT {port_bound}", flush=True)
    await asyncio.Event().wait()  # serve until the benchmark terminates us


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    asyncio.run(serve(args.host, args.port))


if __name__ == "__main__":
    main()
