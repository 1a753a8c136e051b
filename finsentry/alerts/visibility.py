"""Which alerts a user sees: their firm's region and domain, or routed to them.

An alert follows its firm's scope (`accounts.scoping`), and within a domain
office's scope, its domain; an alert routed to the user's office is seen
there too (a BIG-01 alert is "cross" but goes to the P2P office as well).
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404

from finsentry.accounts import scoping
from finsentry.alerts.models import Alert

UserLike = AbstractBaseUser | AnonymousUser


def alerts_in_domain(domain: str) -> QuerySet[Alert]:
    """Return the alerts of `domain`: their firms are in that domain's scope."""
    return Alert.objects.filter(domain=domain)


def visible_alerts(
    user: UserLike, alerts: QuerySet[Alert] | None = None
) -> QuerySet[Alert]:
    """Return the alerts (default: all) `user` sees."""
    alerts = Alert.objects.all() if alerts is None else alerts
    scope = scoping.scope_of(user)
    narrowed = scoping.visible_records(user, alerts)
    if scope.domain is not None:
        routed = Alert.offices.through.objects.filter(office__domain=scope.domain)
        narrowed = narrowed.filter(
            Q(domain=scope.domain) | Q(pk__in=routed.values("alert_id"))
        )
    return narrowed


def alert_or_404(user: UserLike, pk: int) -> Alert:
    """Return the alert if `user` sees it, else 404 as if it did not exist."""
    found = visible_alerts(user).select_related("firm", "office").filter(pk=pk).first()
    if found is None:
        raise Http404("没有该预警，或该预警不在您的工作范围内")
    return found
