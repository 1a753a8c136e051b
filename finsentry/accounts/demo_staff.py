"""One demo login per role, in realistic offices, for `finsentry demo`."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from finsentry.accounts.models import Office
from finsentry.accounts.roles import Role
from finsentry.accounts.scopetext import scope_text
from finsentry.accounts.services import ensure_offices, place_user

DEMO_PASSWORD = "jilin-demo-2016"


@dataclass(frozen=True)
class DemoLogin:
    """A demo account: login, name, office code and role."""

    username: str
    full_name: str
    office: str
    role: Role


DEMO_LOGINS = [
    DemoLogin("demo", "演示管理员", "province", Role.ADMIN),
    DemoLogin("analyst", "王丽", "province", Role.ANALYST),
    DemoLogin("p2p", "李娜", "domain-p2p", Role.DOMAIN_OFFICER),
    DemoLogin("changchun", "张伟", "city-2201", Role.LOCAL_OFFICER),
    DemoLogin("yanji", "金哲", "county-222401", Role.INSPECTOR),
    DemoLogin("leader", "刘强", "province", Role.LEADER),
]


@transaction.atomic
def ensure_demo_staff(password: str = DEMO_PASSWORD) -> list[tuple[DemoLogin, str]]:
    """Create (or re-place) every demo login with `password`; return each with
    a line saying where it sits and what it sees."""
    ensure_offices()
    lines = []
    for login in DEMO_LOGINS:
        user: User
        user, created = get_user_model().objects.get_or_create(username=login.username)
        if created:
            user.set_password(password)
        user.first_name = login.full_name
        user.is_superuser = login.role is Role.ADMIN
        user.save()
        profile = place_user(user, login.office, login.role)
        office = Office.objects.get(code=login.office)
        where = f"{office.name} · {login.role.label} · {scope_text(profile.scope())}"
        lines.append((login, where))
    return lines
