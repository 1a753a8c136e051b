"""In-app notices: idempotent keys, e-mail copies after commit, the inbox."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from finsentry.accounts.roles import Role
from finsentry.accounts.services import create_staff
from finsentry.notices import services
from finsentry.notices.models import Notice

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people() -> dict[str, User]:
    made = {}
    for name, office, role in [
        ("officer", "city-2201", Role.LOCAL_OFFICER),
        ("inspector", "city-2201", Role.INSPECTOR),
        ("other", "county-222401", Role.INSPECTOR),
    ]:
        user = create_staff(name, "jilin-2016-test-pass", office, role)
        user.email = f"{name}@jrb.jl.example"
        user.save()
        made[name] = user
    return made


def test_notify_writes_one_notice_per_person_and_key(people) -> None:
    first = services.notify(
        [people["officer"], people["officer"], people["inspector"]],
        "整改期限提醒",
        kind="order_due",
        key="reminder:order:1:3",
    )
    again = services.notify(
        [people["officer"]], "整改期限提醒", kind="order_due", key="reminder:order:1:3"
    )
    assert len(first) == 2 and again == []
    assert Notice.objects.count() == 2


def test_inactive_people_get_no_notice(people) -> None:
    people["officer"].is_active = False
    people["officer"].save()
    assert services.notify([people["officer"]], "t", kind="k") == []


def test_notify_office_reaches_members_of_the_roles_asked(people) -> None:
    from finsentry.accounts.models import Office

    city = Office.objects.get(code="city-2201")
    sent = services.notify_office([city.pk], "新任务", kind="task", roles=["inspector"])
    assert [n.recipient.username for n in sent] == ["inspector"]


def test_email_copy_goes_after_commit_when_enabled(
    people, settings, mailoutbox, django_capture_on_commit_callbacks
) -> None:
    settings.NOTICE_EMAIL = True
    settings.FINSENTRY_SITE_URL = "http://10.22.0.5"
    with django_capture_on_commit_callbacks(execute=True):
        services.notify([people["officer"]], "核查任务逾期", kind="t", url="/cases/1/")
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.subject.endswith("核查任务逾期") and mail.to == [
        "officer@jrb.jl.example"
    ]
    assert "http://10.22.0.5/cases/1/" in mail.body
    assert Notice.objects.get().emailed_at is not None


def test_no_email_without_a_mail_relay(people, settings, mailoutbox) -> None:
    settings.NOTICE_EMAIL = False
    services.notify([people["officer"]], "t", kind="k")
    assert mailoutbox == []


def test_failed_email_is_kept_on_the_notice(people, settings) -> None:
    settings.NOTICE_EMAIL = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    notice = services.notify([people["officer"]], "t", kind="k")[0]
    assert services.send_emails([notice.pk]) == 0
    notice.refresh_from_db()
    assert notice.emailed_at is None and notice.email_error


def test_inbox_lists_own_notices_and_marks_them_read(people) -> None:
    mine = services.notify([people["officer"]], "我的通知", kind="k", url="/cases/")[0]
    services.notify([people["other"]], "别人的通知", kind="k")
    client = Client()
    client.force_login(people["officer"])

    page = client.get(reverse("notices:inbox")).content.decode()
    assert "我的通知" in page and "别人的通知" not in page
    assert services.unread_count(people["officer"]) == 1
    opened = client.get(reverse("notices:open", args=[mine.pk]))
    assert opened.status_code == 302 and opened.url == "/cases/"
    assert services.unread_count(people["officer"]) == 0

    other = Notice.objects.get(recipient=people["other"])
    refused = client.get(reverse("notices:open", args=[other.pk]))
    assert refused.url == reverse("notices:inbox")
    other.refresh_from_db()
    assert other.read_at is None


def test_notice_never_redirects_off_site(people) -> None:
    notice = services.notify(
        [people["officer"]], "t", kind="k", url="http://evil.example/"
    )[0]
    client = Client()
    client.force_login(people["officer"])
    response = client.get(reverse("notices:open", args=[notice.pk]))
    assert response.url == reverse("notices:inbox")


def test_read_all(people) -> None:
    services.notify([people["officer"]], "a", kind="k")
    services.notify([people["officer"]], "b", kind="k")
    client = Client()
    client.force_login(people["officer"])
    client.post(reverse("notices:read_all"))
    assert services.unread_count(people["officer"]) == 0
