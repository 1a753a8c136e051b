"""Writes other apps may call: the offices of the province and staff accounts."""

from __future__ import annotations

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.db import transaction

from finsentry.accounts.models import Office, StaffProfile
from finsentry.accounts.offices import office_specs
from finsentry.accounts.roles import Role, role_fits_office

log = logging.getLogger(__name__)


@transaction.atomic
def ensure_offices() -> int:
    """Create or update every office of `offices.office_specs`; return how many
    were created."""
    existing = {office.code: office for office in Office.objects.all()}
    created = 0
    for spec in office_specs():
        parent = existing.get(spec.parent) if spec.parent else None
        office = existing.get(spec.code)
        values = {
            "name": spec.name,
            "kind": spec.kind.value,
            "domain": spec.domain,
            "region_code": spec.region_code,
            "parent": parent,
        }
        if office is None:
            office = Office.objects.create(code=spec.code, **values)
            created += 1
        elif any(getattr(office, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(office, key, value)
            office.save()
        existing[spec.code] = office
    if created:
        log.info("offices created count=%s", created)
    return created


@transaction.atomic
def place_user(user: User, office_code: str, role: Role) -> StaffProfile:
    """Put `user` in the office `office_code` with `role`, replacing any earlier
    placement; refuse a role that does not fit the office. Only the admin role
    (or a superuser) keeps the admin site's staff flag."""
    office = Office.objects.get(code=office_code)
    if not role_fits_office(role, office.office_kind):
        raise ValueError(f"role {role.value} cannot belong to office {office_code}")
    profile, _ = StaffProfile.objects.update_or_create(
        user=user, defaults={"office": office, "role": role.value}
    )
    is_staff = role is Role.ADMIN or user.is_superuser
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    return profile


def create_staff(
    username: str, password: str, office_code: str, role: Role, full_name: str = ""
) -> User:
    """Create an active staff login placed in an office; the admin role also gets
    the admin site."""
    user: User = get_user_model().objects.create_user(
        username=username, password=password
    )
    user.first_name = full_name
    user.is_staff = role is Role.ADMIN
    user.save()
    place_user(user, office_code, role)
    return user
