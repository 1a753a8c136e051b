"""Region and domain scoping of firms for a logged-in user (plan 一(二)5).

Every view, export and API endpoint that lists or shows firms (or records
hanging off a firm: findings, sites, cases, tasks, alerts) filters through
`visible_firms` or checks `firm_visible`, so that a county inspector in 延吉
never sees a 长春 dossier anywhere.

A firm belongs to a domain when its screening put it there (`Firm.domains`),
or when any record of that domain hangs off it: a finding, and whatever
other apps register with `register_domain_source` (cases, alerts), so that a
domain office keeps seeing the firms it works on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse

from finsentry.accounts.roles import EVERYTHING, NOTHING, Role, Scope, allowed
from finsentry.registry.models import Firm
from finsentry.rules.models import Finding

UserLike = AbstractBaseUser | AnonymousUser
# A domain source takes a domain code and returns a queryset of rows with a
# `firm_id`, filtered to that domain; `Exists` over it is joined to the firm.
DomainSource = Callable[[str], QuerySet[Any]]
_DOMAIN_SOURCES: list[DomainSource] = [
    lambda domain: Finding.objects.filter(domain=domain),
]
View = TypeVar("View", bound=Callable[..., HttpResponse])


def register_domain_source(source: DomainSource) -> None:
    """Add a kind of record whose domain puts its firm in that domain's scope."""
    if source not in _DOMAIN_SOURCES:
        _DOMAIN_SOURCES.append(source)


def role_of(user: UserLike) -> Role | None:
    """Return the user's role: admin for a superuser, else the profile's, or None."""
    if not user.is_authenticated or not user.is_active:
        return None
    if getattr(user, "is_superuser", False):
        return Role.ADMIN
    profile = getattr(user, "staff_profile", None)
    return profile.role_enum if profile is not None else None


def scope_of(user: UserLike) -> Scope:
    """Return the scope of firms `user` sees; a user with no office sees nothing."""
    if not user.is_authenticated or not user.is_active:
        return NOTHING
    if getattr(user, "is_superuser", False):
        return EVERYTHING
    profile = getattr(user, "staff_profile", None)
    return profile.scope() if profile is not None else NOTHING


def domain_membership(domain: str) -> Q:
    """Return the condition on Firm that puts a firm in `domain`."""
    listed = (
        Q(domains=domain)
        | Q(domains__startswith=f"{domain};")
        | Q(domains__endswith=f";{domain}")
        | Q(domains__contains=f";{domain};")
    )
    for source in _DOMAIN_SOURCES:
        listed |= Q(Exists(source(domain).filter(firm_id=OuterRef("pk"))))
    return listed


def scope_condition(scope: Scope) -> Q | None:
    """Return the condition on Firm for `scope`, or None when it sees everything."""
    if scope.nothing:
        return Q(pk__in=[])
    condition = Q()
    if scope.county is not None:
        condition &= Q(county_code=scope.county)
    elif scope.city is not None:
        condition &= Q(city_code=scope.city)
    if scope.domain is not None:
        condition &= domain_membership(scope.domain)
    return condition if condition else None


def visible_firms(
    user: UserLike, firms: QuerySet[Firm] | None = None
) -> QuerySet[Firm]:
    """Return `firms` (default: all) narrowed to those `user` may see."""
    firms = Firm.objects.all() if firms is None else firms
    condition = scope_condition(scope_of(user))
    return firms if condition is None else firms.filter(condition)


def firm_visible(user: UserLike, firm: Firm) -> bool:
    """Return whether `user` may see `firm` at all."""
    scope = scope_of(user)
    if scope.everything:
        return True
    if not scope.allows_region(firm.city_code, firm.county_code):
        return False
    if scope.domain is None:
        return True
    return visible_firms(user, Firm.objects.filter(pk=firm.pk)).exists()


def may(user: UserLike, action: str) -> bool:
    """Return whether `user` may take `action` (roles.ACTIONS); leaders only read."""
    return allowed(role_of(user), action)


def require(user: UserLike, action: str) -> None:
    """Raise PermissionDenied with a reason staff can read unless `user` may act."""
    if not may(user, action):
        role = role_of(user)
        who = role.label if role is not None else "未分配机构和角色的账号"
        raise PermissionDenied(f"{who}无权执行此操作（{action}）")


def requires(action: str) -> Callable[[View], View]:
    """Decorate a view so that it answers 403 unless the user may take `action`."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            require(request.user, action)
            return view(request, *args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate
