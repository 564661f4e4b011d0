"""Announcements from a lower app to the higher apps that care.

A lower app (cases) must not import a higher one (routing, the new domain apps); it declares a
`Hook` for what happened and calls it, and each higher app subscribes in its AppConfig.ready().
Subscribers run in the caller's transaction, in the order they subscribed; one that has slow or
fallible work to do puts a task on the background queue (`sanfu.cases.queue.enqueue`, in the
same transaction), as routing does, rather than doing it in the request.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec

P = ParamSpec("P")


class Hook(Generic[P]):
    def __init__(self, name: str) -> None:
        self.name = name
        self._subscribers: dict[str, Callable[P, None]] = {}

    def subscribe(self, key: str, subscriber: Callable[P, None]) -> None:
        """Subscribe under a key; the same key again replaces (ready() may run twice)."""
        self._subscribers[key] = subscriber

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> None:
        for subscriber in list(self._subscribers.values()):
            subscriber(*args, **kwargs)
