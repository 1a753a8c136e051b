"""Which firms count as problem firms, and which as watched, in the statistics.

The one statement of the definitions every figure, page, report and export
uses (plan 四(二)4: counts and ratios of problem firms per domain):

- A **confirmed finding** is one a verification check confirmed: when an
  inspector records a catalogue code as confirmed, `cases.verification.
  _verify_finding` writes it as a finding of source "verify". A dismissed one
  does not count.
- A **problem firm** of a domain (问题企业) has a confirmed finding of that
  domain, or a case of that domain classified as anything but compliant
  (rectify, shut down, refer: a `Classification` row). It stays one: a firm
  that rectified and was accepted was still found at fault in the campaign.
  It became one at its earliest such event (the finding's `first_seen`, the
  classification's `decided_at`); that moment puts it in a month and decides
  whether it counts as of a date.
- A **watched firm** of a domain (监测企业, the ratio's denominator) is one
  the work put in that domain by the date: a non-dismissed finding of the
  domain (REG-01 of registry screening — the watch-list rule of
  registry/watchlist.py —, a patrol finding, a confirmed one) or a case of
  the domain. A confirmed finding is a finding and a classification belongs
  to a case, so every problem firm is a watched firm and no ratio exceeds 1.
- Across all domains a firm counts once, however many domains it is in.
- A firm's place is its filed city and county (`Firm.city_code`,
  `county_code`), as for the users' scopes.

`firm_statuses` writes this as one SQL query: every event (finding, case,
classification) as a row, grouped per firm. It reads the findings and cases,
small next to the registry; the figures join its rows to the firm table once
per grouping, so nothing reads the three million registry rows one by one.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from finsentry.cases.models import Case, Classification
from finsentry.cases.verification import SOURCE as CONFIRMED_SOURCE
from finsentry.rules.catalogue import catalogue
from finsentry.rules.models import Finding

COMPLIANT = "compliant"
# The definitions above in the words the report and the page print (口径说明).
DEFINITIONS = (
    "问题企业：经核查核实存在违规行为（核查记录确认违规代码且未被排除），"
    "或在处置案件中被认定为限期整改、关闭取缔、移送司法机关的企业；"
    "整改到位并验收结案的仍计入。",
    "监测企业：经登记信息筛查、网上巡查或核查列入该领域（有未被排除的发现），"
    "或在该领域立案处置的企业。问题企业均为监测企业。",
    "问题企业占比＝问题企业户数÷监测企业户数；"
    "全部领域合计时同一企业只计一次，各领域之和可能大于合计。",
    "按月统计以企业首次被核实违规或首次被认定为违规处置的时间为准；"
    "地区按企业登记的市（州）、县（市、区）统计。",
)

SQL = tuple[str, list[Any]]


def problem_dispositions() -> list[str]:
    """Return the disposition codes that make a firm a problem firm."""
    return [code for code in catalogue().dispositions if code != COMPLIANT]


def day_end(as_of: date) -> datetime:
    """Return the first moment after `as_of` in the local time zone (Asia/Shanghai)."""
    start = datetime.combine(as_of + timedelta(days=1), time.min)
    return timezone.make_aware(start)


def confirmed_findings() -> QuerySet[Finding]:
    """Return the findings a verification check confirmed and nobody dismissed."""
    return Finding.objects.filter(source=CONFIRMED_SOURCE, dismissed_at__isnull=True)


def problem_classifications() -> QuerySet[Classification]:
    """Return the classifications that make their case's firm a problem firm."""
    return Classification.objects.filter(disposition__in=problem_dispositions())


def _events(domain: str | None) -> SQL:
    """Return the SQL of every event as (firm_id, domain, problem, at) rows."""
    finding = Finding._meta.db_table
    case = Case._meta.db_table
    decision = Classification._meta.db_table
    kinds = problem_dispositions()
    marks = ", ".join(["%s"] * len(kinds))
    only = " AND {}.domain = %s" if domain else ""
    parts = [
        "SELECT f.firm_id AS firm_id, f.domain AS domain, "
        "CASE WHEN f.source = %s THEN 1 ELSE 0 END AS problem, f.first_seen AS at "
        f"FROM {finding} f WHERE f.firm_id IS NOT NULL AND f.dismissed_at IS NULL"
        + only.format("f"),
        f"SELECT c.firm_id, c.domain, 0, c.opened_at FROM {case} c WHERE 1 = 1"
        + only.format("c"),
        f"SELECT c.firm_id, c.domain, 1, k.decided_at FROM {decision} k "
        f"JOIN {case} c ON c.id = k.case_id WHERE k.disposition IN ({marks})"
        + only.format("c"),
    ]
    picked = [domain] if domain else []
    params = [CONFIRMED_SOURCE, *picked, *picked, *kinds, *picked]
    return " UNION ALL ".join(parts), params


def firm_statuses(domain: str | None, end: datetime, per_domain: bool = False) -> SQL:
    """Return the SQL of one row per watched firm of `domain` (None: any) before
    `end`: firm_id, (domain when `per_domain`,) problem (1 or 0) and became,
    the moment it became a problem firm (NULL if it did not)."""
    events, params = _events(domain)
    keys = "firm_id, domain" if per_domain else "firm_id"
    sql = (
        f"SELECT {keys}, MAX(problem) AS problem, "
        "MIN(CASE WHEN problem = 1 THEN at END) AS became "
        f"FROM ({events}) e WHERE at < %s GROUP BY {keys}"
    )
    return sql, [*params, connection.ops.adapt_datetimefield_value(end)]
