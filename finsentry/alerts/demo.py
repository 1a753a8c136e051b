"""Demo alerts: what the sweep raises over the demo province after scoring.

`finsentry demo` calls `load_demo_alerts` after the platforms are imported and
every firm is scored: the demo's planted platforms that grow fast and promise
guaranteed returns raise BIG-01, critical findings raise their alerts, and
firms scored high raise level alerts, all through the real triggers.
"""

from __future__ import annotations

from io import TextIOBase

from finsentry.alerts.models import Alert
from finsentry.alerts.services import CheckResult, check_alerts


def load_demo_alerts(out: TextIOBase | None = None) -> CheckResult:
    """Sweep every trigger and escalate what is overdue; report the counts."""
    result = check_alerts()
    if out is not None:
        big = Alert.objects.filter(kind="big01").count()
        out.write(
            f"已产生预警 {Alert.objects.count()} 条（其中重大平台 BIG-01 {big} 条），"
            f"本次新增 {result.sweep.raised} 条、补充依据 {result.sweep.merged} 条\n"
        )
    return result
