"""Notices other apps send: `notify` people, `notify_office` an office's members.

A notice is written in the caller's transaction; its e-mail copy goes out
through Django's mail backend only after that transaction commits, so a
refused change never mails anyone. E-mail is sent when settings.NOTICE_EMAIL
is true (FINSENTRY_EMAIL_HOST set) and the recipient has an address; a
failed send is logged and kept on the notice, never raised to the caller.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from finsentry.notices.models import Notice

log = logging.getLogger(__name__)
SUBJECT_PREFIX = "【吉林省互联网金融风险监测平台】"


def notify(
    recipients: Iterable[User],
    title: str,
    *,
    kind: str,
    body: str = "",
    url: str = "",
    firm_id: int | None = None,
    key: str = "",
) -> list[Notice]:
    """Write a notice to each distinct active recipient and return the new ones.

    With a `key`, a recipient who already holds a notice of that key gets no
    second one, which makes repeated runs of a scheduled job harmless.
    """
    people = {u.pk: u for u in recipients if u.is_active}
    now = timezone.now()
    created: list[Notice] = []
    for person in people.values():
        fields = {
            "kind": kind,
            "title": title[:200],
            "body": body,
            "url": url,
            "firm_id": firm_id,
            "created_at": now,
        }
        if key:
            notice, new = Notice.objects.get_or_create(
                recipient=person, key=key, defaults=fields
            )
            if not new:
                continue
        else:
            notice = Notice.objects.create(recipient=person, **fields)
        created.append(notice)

    if created and getattr(settings, "NOTICE_EMAIL", False):
        ids = [n.pk for n in created]
        transaction.on_commit(lambda: send_emails(ids))
    return created


def office_members(
    office_ids: Iterable[int], roles: Sequence[str] | None = None
) -> QuerySet[User]:
    """Return the active staff placed in the offices, optionally of some roles."""
    from django.contrib.auth import get_user_model

    users = get_user_model().objects.filter(
        is_active=True, staff_profile__office_id__in=list(office_ids)
    )
    if roles is not None:
        users = users.filter(staff_profile__role__in=list(roles))
    return users


def notify_office(
    office_ids: Iterable[int],
    title: str,
    *,
    kind: str,
    roles: Sequence[str] | None = None,
    extra: Iterable[User] = (),
    body: str = "",
    url: str = "",
    firm_id: int | None = None,
    key: str = "",
) -> list[Notice]:
    """Notify every member of the offices (of `roles`, when given) and `extra`."""
    people = [*office_members(office_ids, roles), *extra]
    return notify(
        people, title, kind=kind, body=body, url=url, firm_id=firm_id, key=key
    )


def send_emails(notice_ids: Sequence[int]) -> int:
    """E-mail the copies of the given notices not sent yet; return how many went."""
    sent = 0
    notices = Notice.objects.filter(pk__in=notice_ids, emailed_at__isnull=True)
    for notice in notices.select_related("recipient"):
        address = getattr(notice.recipient, "email", "")
        if not address:
            continue
        text = notice.body
        if notice.url:
            base = getattr(settings, "FINSENTRY_SITE_URL", "")
            text = f"{text}\n\n请登录平台查看：{base}{notice.url}".strip()
        try:
            send_mail(
                SUBJECT_PREFIX + notice.title,
                text,
                None,
                [address],
            )
        except Exception as exc:  # any backend failure leaves the in-app notice
            log.warning("notice email failed notice=%s error=%s", notice.pk, exc)
            notice.email_error = str(exc)[:500]
            notice.save(update_fields=["email_error"])
            continue
        notice.emailed_at = timezone.now()
        notice.save(update_fields=["emailed_at"])
        sent += 1
    return sent


def unread_count(user: User) -> int:
    """Return how many notices `user` has not read."""
    if not user.is_authenticated:
        return 0
    return Notice.objects.filter(recipient_id=user.pk, read_at__isnull=True).count()


def notices_for(user: User, unread_only: bool = False) -> QuerySet[Notice]:
    """Return `user`'s notices, newest first."""
    notices = Notice.objects.filter(recipient_id=user.pk)
    return notices.filter(read_at__isnull=True) if unread_only else notices


def mark_read(user: User, notice_ids: Iterable[int] | None = None) -> int:
    """Mark `user`'s notices read (all of them when no ids are given); return count."""
    notices = Notice.objects.filter(recipient_id=user.pk, read_at__isnull=True)
    if notice_ids is not None:
        notices = notices.filter(pk__in=list(notice_ids))
    return notices.update(read_at=timezone.now())
