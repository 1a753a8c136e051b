"""Who may see and act on which cases and tasks: region, domain and office.

The role check is the state machine's (`transitions.check`); this module adds
the scope of plan 一(二)5: a user acts only on firms of their region and, in
a domain office, on cases of their domain; an inspector records results only
for tasks given to their office. Lists, exports and dashboards all narrow
through `visible_cases` and `visible_tasks`, so a county inspector in 延吉
never sees a 长春 case anywhere.
"""

from __future__ import annotations

from typing import cast

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.db.models import Q, QuerySet
from django.http import HttpRequest

from finsentry.accounts import scoping
from finsentry.accounts.models import Office, StaffProfile
from finsentry.accounts.offices import PROVINCIAL_CODE
from finsentry.accounts.roles import OfficeKind, Role
from finsentry.cases.errors import OutOfScope, PreconditionFailed
from finsentry.cases.models import Case, VerificationTask
from finsentry.registry.models import Firm
from finsentry.rules.catalogue import catalogue

UserLike = AbstractBaseUser | AnonymousUser


def cases_in_domain(domain: str) -> QuerySet[Case]:
    """Return the cases of `domain`: their firms are in that domain's scope."""
    return Case.objects.filter(domain=domain)


def tasks_in_domain(domain: str) -> QuerySet[VerificationTask]:
    """Return the verification tasks of `domain`, for the same reason."""
    return VerificationTask.objects.filter(domain=domain)


def visible_cases(
    user: UserLike, cases: QuerySet[Case] | None = None
) -> QuerySet[Case]:
    """Return the cases (default: all) whose firm and domain `user` sees."""
    cases = Case.objects.all() if cases is None else cases
    scope = scoping.scope_of(user)
    narrowed = scoping.visible_records(user, cases)
    if scope.domain is not None:
        narrowed = narrowed.filter(domain=scope.domain)
    return narrowed


def visible_tasks(
    user: UserLike, tasks: QuerySet[VerificationTask] | None = None
) -> QuerySet[VerificationTask]:
    """Return the tasks (default: all) whose firm and domain `user` sees."""
    tasks = VerificationTask.objects.all() if tasks is None else tasks
    scope = scoping.scope_of(user)
    narrowed = scoping.visible_records(user, tasks)
    if scope.domain is not None:
        narrowed = narrowed.filter(domain=scope.domain)
    return narrowed


def profile_of(user: UserLike) -> StaffProfile | None:
    """Return the user's staff placement, or None (a superuser may have none)."""
    return getattr(user, "staff_profile", None) if user.is_authenticated else None


def staff_user(request: HttpRequest) -> User:
    """Return the logged-in user of a request that passed `scoping.requires`."""
    return cast(User, request.user)


def display_name(user: UserLike) -> str:
    """Return the name a person signs with: full name, else login name."""
    full = getattr(user, "get_full_name", lambda: "")()
    return str(full or user.get_username())


def office_of(user: UserLike) -> Office:
    """Return the office a user acts for; a superuser with no placement acts for
    the provincial office."""
    profile = profile_of(user)
    if profile is not None:
        return profile.office
    return Office.objects.get(code=PROVINCIAL_CODE)


def in_scope(user: UserLike, firm: Firm, domain: str) -> bool:
    """Return whether `user` sees `firm` and works in `domain` (`check_scope`)."""
    return scoping.firm_visible(user, firm) and (
        scoping.scope_of(user).allows_domain(domain)
    )


def check_scope(user: UserLike, firm: Firm, domain: str) -> None:
    """Raise OutOfScope unless `user` sees `firm` and works in `domain`."""
    scope = scoping.scope_of(user)
    if not scoping.firm_visible(user, firm):
        raise OutOfScope("该企业不在您的工作范围内，不能办理。")
    if not scope.allows_domain(domain):
        label = catalogue().domain_label(domain)
        mine = catalogue().domain_label(scope.domain or "")
        raise OutOfScope(f"该案件属于“{label}”领域，您所在机构只办理“{mine}”领域。")


def office_covers(office: Office, firm: Firm) -> bool:
    """Return whether a city or county office's area includes the firm's place."""
    if office.kind == OfficeKind.COUNTY:
        return firm.county_code == office.region_code
    if office.kind == OfficeKind.CITY:
        return firm.city_code == office.region_code[:4]
    return False


def check_assignee(user: UserLike, firm: Firm, office: Office) -> None:
    """Raise unless `office` is a city or county group over the firm that `user`
    may give work to: a city or county officer only to their own office or one
    below it."""
    if office.kind not in (OfficeKind.CITY, OfficeKind.COUNTY):
        raise PreconditionFailed(
            f"核查任务只能交给市（州）或县（市、区）工作机构，“{office.name}”不是。"
        )
    if not office_covers(office, firm):
        raise PreconditionFailed(
            f"“{office.name}”不管辖该企业所在地区，请交给企业所在地的工作机构。"
        )
    profile = profile_of(user)
    if profile is None or profile.role_enum is not Role.LOCAL_OFFICER:
        return
    own = profile.office
    if office.pk != own.pk and office.parent_id != own.pk:
        raise OutOfScope(
            f"您只能向本机构或下级机构交办核查任务，不能交给“{office.name}”。"
        )


def can_record(user: UserLike, task: VerificationTask) -> bool:
    """Return whether `user` belongs to the office the task was given to (or is
    its inspector); administrators always may."""
    if scoping.role_of(user) is Role.ADMIN:
        return True
    profile = profile_of(user)
    if profile is None:
        return False
    return profile.office_id == task.assignee_office_id or user.pk == task.assignee_id


def check_recorder(user: UserLike, task: VerificationTask) -> None:
    """Raise OutOfScope unless `user` may record results of `task`."""
    if not can_record(user, task):
        raise OutOfScope(
            f"该任务交由“{task.assignee_office.name}”办理，只有该机构人员可以填报结果。"
        )


def task_inbox(user: UserLike) -> Q:
    """Return the condition for the tasks that are the user's own work ("我的任务"):
    given to them or their office, or given by them or their office."""
    profile = profile_of(user)
    mine = Q(assignee_id=user.pk) | Q(assigned_by_id=user.pk)
    if profile is None:
        return mine
    return (
        mine
        | Q(assignee_office_id=profile.office_id)
        | Q(assigned_by_office_id=profile.office_id)
    )
