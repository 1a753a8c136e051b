"""Roles, what each may do, and the scope of firms each sees (plan 四(一), 一(二)5).

Pure logic over plain values: `scope_for` turns a role and an office into a
`Scope` (which regions and which domain a user sees), `allowed` answers
whether a role may take an action. The database side, which reads a user's
office and filters querysets, is `scoping.py`; the table is documented in
docs/roles.md.

Confidentiality (一(二)5, 内紧外松): every user sees only firms of their own
region and domain. Provincial offices see the whole province; a domain joint
office sees its domain everywhere; a city or county group sees every domain in
its own area; a leader sees what their office sees and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """The roles of campaign staff; the value is stored on the user's profile."""

    ADMIN = "admin"
    ANALYST = "analyst"
    DOMAIN_OFFICER = "domain_officer"
    LOCAL_OFFICER = "local_officer"
    INSPECTOR = "inspector"
    LEADER = "leader"

    @property
    def label(self) -> str:
        """Return the Chinese name staff read."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    Role.ADMIN: "系统管理员",
    Role.ANALYST: "省级分析员",
    Role.DOMAIN_OFFICER: "分领域办公室工作人员",
    Role.LOCAL_OFFICER: "市县工作人员",
    Role.INSPECTOR: "核查人员",
    Role.LEADER: "领导（只读）",
}


class OfficeKind(StrEnum):
    """The four kinds of office of plan 四(一)1."""

    PROVINCIAL = "provincial"
    DOMAIN = "domain"
    CITY = "city"
    COUNTY = "county"


OFFICE_KIND_LABELS = {
    OfficeKind.PROVINCIAL: "省领导小组办公室",
    OfficeKind.DOMAIN: "分领域专项整治联合办公室",
    OfficeKind.CITY: "市（州）领导小组办公室",
    OfficeKind.COUNTY: "县（市、区）领导小组办公室",
}

# Which kinds of office each role may belong to: a provincial analyst sits in
# the provincial office, an inspector in a city or county group, and so on.
ROLE_OFFICES: dict[Role, frozenset[OfficeKind]] = {
    Role.ADMIN: frozenset(OfficeKind),
    Role.ANALYST: frozenset({OfficeKind.PROVINCIAL}),
    Role.DOMAIN_OFFICER: frozenset({OfficeKind.DOMAIN}),
    Role.LOCAL_OFFICER: frozenset({OfficeKind.CITY, OfficeKind.COUNTY}),
    Role.INSPECTOR: frozenset({OfficeKind.CITY, OfficeKind.COUNTY}),
    Role.LEADER: frozenset(OfficeKind),
}

# Who works cases: the provincial office, the domain offices and the city and
# county groups (plan 四(二)3, 四(三)); closure, referral and acceptance are
# decided by the domain offices and the provincial office (四(三), 四(五)).
_CASE_WORKERS = frozenset(
    {Role.ADMIN, Role.ANALYST, Role.DOMAIN_OFFICER, Role.LOCAL_OFFICER}
)
_CASE_DECIDERS = frozenset({Role.ADMIN, Role.ANALYST, Role.DOMAIN_OFFICER})

# Actions by role. Reading (view) is governed by the scope; these are the
# actions beyond it. Apps name their actions here so that one table holds
# every grant (docs/roles.md shows it).
ACTIONS: dict[str, frozenset[Role]] = {
    "firm.view": frozenset(Role),
    "firm.export": frozenset(
        {Role.ADMIN, Role.ANALYST, Role.DOMAIN_OFFICER, Role.LOCAL_OFFICER}
    ),
    "finding.dismiss": frozenset({Role.ADMIN, Role.ANALYST, Role.DOMAIN_OFFICER}),
    "patrol.view": frozenset(Role),
    "patrol.manage": frozenset({Role.ADMIN, Role.ANALYST, Role.DOMAIN_OFFICER}),
    "rules.edit": frozenset({Role.ADMIN}),
    "evidence.download": frozenset(Role) - {Role.LEADER},
    "audit.view": frozenset({Role.ADMIN}),
    "audit.export": frozenset({Role.ADMIN}),
    "account.otp": frozenset({Role.ADMIN}),
    "admin.site": frozenset({Role.ADMIN}),
    # Cases and verification (finsentry/cases, docs/cases.md): the workflow's
    # states and steps are cases/transitions.py; these are who takes each step.
    "case.view": frozenset(Role),
    "case.open": _CASE_WORKERS,
    "case.classify": _CASE_WORKERS,
    "case.recheck": _CASE_WORKERS | {Role.INSPECTOR},
    "case.shut_down": _CASE_DECIDERS,
    "case.refer": _CASE_DECIDERS,
    "case.accept": _CASE_DECIDERS,
    "case.reopen": _CASE_DECIDERS,
    "case.note": _CASE_WORKERS | {Role.INSPECTOR},
    "task.assign": _CASE_WORKERS,
    "task.record": frozenset({Role.ADMIN, Role.LOCAL_OFFICER, Role.INSPECTOR}),
    "task.cancel": _CASE_WORKERS,
    "dossier.export": _CASE_WORKERS,
    # Alerts (finsentry/alerts): reading follows the scope; handling an alert
    # (verify, confirm, dismiss, hand to a case) is case work.
    "alert.view": frozenset(Role),
    "alert.handle": _CASE_WORKERS,
    # Statistics and special reports (finsentry/stats).
    "stats.view": frozenset(Role),
    "stats.export": frozenset(Role) - {Role.INSPECTOR, Role.LEADER},
    # The JSON API (finsentry/api): reading follows the same grants as the
    # pages; submitting operating reports is the docking offices' work.
    # A token carries its holder's grants and nothing more: a leader's reads.
    "api.token": frozenset(Role),
    "docking.submit": frozenset({Role.ADMIN, Role.ANALYST, Role.DOMAIN_OFFICER}),
}


def allowed(role: Role | None, action: str) -> bool:
    """Return whether `role` may take `action`; unknown actions are refused."""
    if role is None:
        return False
    return role in ACTIONS.get(action, frozenset())


def role_fits_office(role: Role, kind: OfficeKind) -> bool:
    """Return whether a user of `role` may belong to an office of `kind`."""
    return kind in ROLE_OFFICES[role]


@dataclass(frozen=True)
class Scope:
    """Which firms a user sees: a region (None = the whole province) and a domain.

    `city` is a four-digit city code, `county` a six-digit county code; a
    firm is in the region when its filed city (or county) equals it. `domain`
    None means every domain. `nothing` is the scope of a user with no office:
    they see no firm at all. `read_only` marks a leader's scope.
    """

    city: str | None = None
    county: str | None = None
    domain: str | None = None
    read_only: bool = False
    nothing: bool = False

    @property
    def everything(self) -> bool:
        """Return whether this scope sees every firm of the province."""
        return not self.nothing and self.region_free and self.domain is None

    @property
    def region_free(self) -> bool:
        """Return whether this scope is not limited to a city or county."""
        return self.city is None and self.county is None

    def allows_region(self, city_code: str, county_code: str) -> bool:
        """Return whether a firm filed under these codes lies in the scope's region."""
        if self.nothing:
            return False
        if self.county is not None:
            return county_code == self.county
        if self.city is not None:
            return city_code == self.city
        return True

    def allows_domain(self, domain: str) -> bool:
        """Return whether a record of `domain` lies in the scope's domain."""
        return not self.nothing and (self.domain is None or domain == self.domain)


NOTHING = Scope(nothing=True)
EVERYTHING = Scope()


def scope_for(
    role: Role | None,
    kind: OfficeKind | None,
    region_code: str = "",
    domain: str = "",
) -> Scope:
    """Return the scope of a user of `role` in an office of `kind`.

    A role outside the offices it may belong to sees nothing, so that a
    misconfigured account fails closed.
    """
    if role is None or kind is None:
        return NOTHING
    if role is Role.ADMIN:
        return EVERYTHING
    if not role_fits_office(role, kind):
        return NOTHING

    read_only = role is Role.LEADER
    if kind is OfficeKind.PROVINCIAL:
        return Scope(read_only=read_only)
    if kind is OfficeKind.DOMAIN:
        return Scope(domain=domain or None, read_only=read_only, nothing=not domain)
    if kind is OfficeKind.CITY and len(region_code) >= 4:
        return Scope(city=region_code[:4], read_only=read_only)
    if kind is OfficeKind.COUNTY and len(region_code) == 6:
        return Scope(county=region_code, read_only=read_only)
    return NOTHING
