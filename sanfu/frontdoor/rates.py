"""Online rates (Deqing's figures): the share of services doable online, on a phone and with
zero visits — as declared in each service's guide, and as measured from the requests the
system received for it.

Measured, per service, over a period: of its requests, the share that came online (website,
mobile, Open311), on a phone (mobile) and without a visit (any channel but a visit or a
reception day). A service counts as measured doable one way when at least half its requests
came that way; a service with no requests in the period is "not measured". A gap is a service
whose declaration and measurement disagree: declared but not seen (people still come in
person), or seen but not declared (the guide undersells it).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from sanfu.cases.models import Case, Channel
from sanfu.frontdoor.models import ServiceEntry

ONLINE = frozenset({Channel.WEB, Channel.MOBILE, Channel.OPEN311})
MOBILE = frozenset({Channel.MOBILE})
VISITS = frozenset({Channel.VISIT, Channel.RECEPTION_DAY})
THRESHOLD = Fraction(1, 2)
WAYS: dict[str, object] = {
    "online": _("online"),
    "mobile": _("on a phone"),
    "zero_visit": _("zero visits"),
}


@dataclass
class ServiceRate:
    service: ServiceEntry
    requests: int
    shares: dict[str, Fraction | None]  # per way: share of the requests that came that way

    def declared(self, way: str) -> bool:
        return bool(getattr(self.service, way))

    def measured(self, way: str) -> bool | None:
        share = self.shares[way]
        return None if share is None else share >= THRESHOLD


@dataclass
class Gap:
    rate: ServiceRate
    way: str
    declared: bool
    share: Fraction


@dataclass
class RateSummary:
    services: int
    measured_services: int
    declared: dict[str, Fraction | None] = field(default_factory=dict)
    measured: dict[str, Fraction | None] = field(default_factory=dict)


def _share(part: int, whole: int) -> Fraction | None:
    return Fraction(part, whole) if whole else None


def service_rates(
    services: Sequence[ServiceEntry], *, start: datetime, end: datetime
) -> list[ServiceRate]:
    by_category = {service.category_id: service for service in services}
    channels: dict[int, dict[str, int]] = defaultdict(dict)
    rows = (
        Case.objects.filter(
            category_id__in=list(by_category), received_at__gte=start, received_at__lt=end
        )
        .values("category_id", "channel")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        channels[row["category_id"]][row["channel"]] = row["n"]
    rates = []
    for service in services:
        seen = channels.get(service.category_id, {})
        total = sum(seen.values())
        rates.append(
            ServiceRate(
                service=service,
                requests=total,
                shares={
                    "online": _share(sum(seen.get(c, 0) for c in ONLINE), total),
                    "mobile": _share(sum(seen.get(c, 0) for c in MOBILE), total),
                    "zero_visit": _share(total - sum(seen.get(c, 0) for c in VISITS), total),
                },
            )
        )
    return rates


def summarise(rates: Sequence[ServiceRate]) -> RateSummary:
    measured_rates = [rate for rate in rates if rate.requests]
    summary = RateSummary(services=len(rates), measured_services=len(measured_rates))
    for way in WAYS:
        summary.declared[way] = _share(sum(rate.declared(way) for rate in rates), len(rates))
        summary.measured[way] = _share(
            sum(bool(rate.measured(way)) for rate in measured_rates), len(measured_rates)
        )
    return summary


def gaps(rates: Sequence[ServiceRate]) -> list[Gap]:
    found = []
    for rate in rates:
        for way in WAYS:
            measured = rate.measured(way)
            share = rate.shares[way]
            if measured is None or share is None or measured == rate.declared(way):
                continue
            found.append(Gap(rate=rate, way=way, declared=rate.declared(way), share=share))
    return found
