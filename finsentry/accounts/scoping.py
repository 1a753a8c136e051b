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
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponseBase

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
View = TypeVar("View", bound=Callable[..., HttpResponseBase])
M = TypeVar("M", bound=Model)


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


def domain_membership(domain: str, via: str = "") -> Q:
    """Return the condition that puts a firm in `domain`, on Firm or on a model
    whose foreign key `via` points at Firm."""
    prefix = f"{via}__" if via else ""
    outer = OuterRef(via or "pk")
    listed = (
        Q(**{f"{prefix}domains": domain})
        | Q(**{f"{prefix}domains__startswith": f"{domain};"})
        | Q(**{f"{prefix}domains__endswith": f";{domain}"})
        | Q(**{f"{prefix}domains__contains": f";{domain};"})
    )
    for source in _DOMAIN_SOURCES:
        listed |= Q(Exists(source(domain).filter(firm_id=outer)))
    return listed


def scope_condition(scope: Scope, via: str = "") -> Q | None:
    """Return the condition for `scope` on Firm (or through the foreign key `via`
    of another model), or None when it sees everything."""
    if scope.nothing:
        return Q(pk__in=[])
    prefix = f"{via}__" if via else ""
    condition = Q()
    if scope.county is not None:
        condition &= Q(**{f"{prefix}county_code": scope.county})
    elif scope.city is not None:
        condition &= Q(**{f"{prefix}city_code": scope.city})
    if scope.domain is not None:
        condition &= domain_membership(scope.domain, via)
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


def visible_records(
    user: UserLike, records: QuerySet[M], via: str = "firm", unlinked: bool = False
) -> QuerySet[M]:
    """Return `records` (rows with a foreign key `via` to Firm) narrowed to those
    whose firm `user` sees; rows with no firm stay only when `unlinked` is asked
    and the user `sees_unlinked`."""
    scope = scope_of(user)
    condition = scope_condition(scope, via)
    keep_unlinked = unlinked and sees_unlinked(user)
    if condition is None:
        return records if keep_unlinked else records.filter(**{f"{via}__isnull": False})
    if keep_unlinked:
        condition |= Q(**{f"{via}__isnull": True})
    return records.filter(condition)


def sees_unlinked(user: UserLike) -> bool:
    """Return whether `user` sees leads no firm is linked to yet (sites, tips).

    Such a lead has no region until someone links it, so only offices without
    a region limit (the provincial office and the domain offices) see them:
    a county group's scope cannot tell whether an unlinked lead is its own.
    """
    scope = scope_of(user)
    return not scope.nothing and scope.region_free


def firm_or_404(user: UserLike, **lookup: Any) -> Firm:
    """Return the firm matching `lookup` if `user` sees it; else 404, never telling
    whether it exists."""
    firm = visible_firms(user).filter(**lookup).first()
    if firm is None:
        raise Http404("没有该企业，或该企业不在您的工作范围内")
    return firm


def record_or_404(
    user: UserLike,
    records: QuerySet[M],
    via: str = "firm",
    unlinked: bool = False,
    **lookup: Any,
) -> M:
    """Return the one record of `records` matching `lookup` that `user` sees, or
    answer 404 as if it did not exist."""
    found = visible_records(user, records, via, unlinked).filter(**lookup).first()
    if found is None:
        raise Http404("没有该记录，或该记录不在您的工作范围内")
    return found


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
    """Decorate a view so that an anonymous user is sent to log in and a user who
    may not take `action` gets 403 with the reason."""

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def checked(
            request: HttpRequest, *args: Any, **kwargs: Any
        ) -> HttpResponseBase:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            require(request.user, action)
            return view(request, *args, **kwargs)

        return checked  # type: ignore[return-value]

    return decorate
