"""A 延吉 county inspector never sees a 长春 firm: lists, search, exports, admin.

Plan 一(二)5 (内紧外松): every view that lists, shows, searches or exports
firms, or records hanging off them, keeps to the user's region and domain;
an object outside it answers 404 as if it did not exist.
"""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from finsentry.accounts.roles import Role
from finsentry.accounts.services import place_user
from finsentry.registry import services
from finsentry.registry.models import Firm
from finsentry.registry.uscc import make_code
from tests.accounts.matrix import COUNTY, DOMAIN, INSPECTOR, LEADER
from tests.accounts.matrix.world import World, build_world, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(settings: Any, tmp_path: Any) -> Any:
    settings.EVIDENCE_DIR = tmp_path / "evidence"
    settings.DATA_DIR = tmp_path
    services._index = None
    yield build_world()
    services._index = None


def _page(client: Client, name: str, *args: Any, **query: Any) -> str:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    return response.content.decode()


def _sees(text: str, world: World) -> tuple[bool, bool]:
    """Return whether `text` names the 延吉 firm and the 长春 firm."""
    yanji = world.yanji.uscc in text or world.yanji.name in text
    changchun = world.changchun.uscc in text or world.changchun.name in text
    return yanji, changchun


@pytest.mark.parametrize("persona", [INSPECTOR, COUNTY])
def test_yanji_lists_and_search_hold_no_changchun_firm(
    world: World, persona: str
) -> None:
    client = world.client(persona)

    assert _sees(_page(client, "registry:watchlist"), world) == (True, False)
    searched = _page(client, "registry:watchlist", q="汇财")
    assert _sees(searched, world) == (False, False)
    by_code = _page(client, "registry:watchlist", q=world.changchun.uscc[:12])
    assert _sees(by_code, world) == (False, False)
    matched = _page(client, "registry:match", q="汇财网贷")
    assert _sees(matched, world) == (False, False)
    assert world.yanji.uscc in _page(client, "registry:match", q="鑫融网贷")


def test_yanji_dashboard_counts_only_yanji(world: World) -> None:
    response = world.client(INSPECTOR).get(reverse("registry:dashboard"))

    board = response.context["board"]
    assert board.totals["firms"] == 1
    assert board.totals["flagged"] == 1
    assert dict(board.by_domain)["P2P 网络借贷"] == 1
    assert sum(n for _, n in board.by_city) == 1
    assert board.last_import is None


def test_changchun_firm_page_is_not_found_in_yanji(world: World) -> None:
    client = world.client(INSPECTOR)

    missing = client.get(reverse("registry:firm", args=[world.changchun.uscc]))
    found = client.get(reverse("registry:firm", args=[world.yanji.uscc]))

    assert missing.status_code == 404
    assert world.changchun.name not in missing.content.decode()
    assert found.status_code == 200


def test_yanji_exports_hold_no_changchun_firm(world: World) -> None:
    client = world.client(COUNTY)

    csv_text = b"".join(
        client.get(reverse("registry:export_csv"), {"include_all": "on"})
    ).decode("utf-8-sig")
    xlsx = client.get(reverse("registry:export_xlsx"), {"include_all": "on"})
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    cells = " ".join(
        str(value) for row in book.active.iter_rows(values_only=True) for value in row
    )

    assert _sees(csv_text, world) == (True, False)
    assert _sees(cells, world) == (True, False)
    refused = world.client(INSPECTOR).get(reverse("registry:export_csv"))
    assert refused.status_code == 403
    assert "核查人员无权执行此操作" in refused.content.decode()


def test_yanji_patrol_pages_hold_no_changchun_site(world: World) -> None:
    client = world.client(INSPECTOR)
    hidden = (world.changchun_site.host, world.unlinked_site.host)

    listed = _page(client, "patrol:sites")
    round_page = _page(client, "patrol:round", world.patrol_round.pk)

    assert world.yanji_site.host in listed
    assert world.yanji_site.host in round_page
    for text in (listed, round_page):
        assert not any(host in text for host in hidden)
    assert "changchun page missing" not in round_page
    assert "changchun went dark" not in round_page


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("patrol:site", "changchun_site"),
        ("patrol:site", "unlinked_site"),
        ("patrol:snapshot", "changchun_shot"),
        ("patrol:snapshot_render", "changchun_shot"),
        ("patrol:snapshot_raw", "changchun_shot"),
        ("patrol:snapshot", "unlinked_shot"),
    ],
)
def test_changchun_and_unlinked_patrol_records_are_not_found_in_yanji(
    world: World, name: str, target: str
) -> None:
    pk = getattr(world, target).pk

    response = world.client(INSPECTOR).get(reverse(name, args=[pk]))

    assert response.status_code == 404


def test_unlinked_queue_is_refused_to_a_region_with_a_reason(world: World) -> None:
    response = world.client(INSPECTOR).get(reverse("patrol:unlinked"))

    assert response.status_code == 403
    assert "仅省级和分领域办公室可以查看" in response.content.decode()


def test_a_domain_office_cannot_link_a_site_to_a_firm_of_another_domain(
    world: World,
) -> None:
    insurer = Firm.objects.create(
        uscc=make_code("91", "220102", "MA000099"),
        name="长春市保通互联网保险代理有限公司",
        city_code="2201",
        county_code="220102",
        domains="insurance",
    )
    url = reverse("patrol:link", args=[world.unlinked_site.pk])

    world.client(DOMAIN).post(url, {"uscc": insurer.uscc})
    world.unlinked_site.refresh_from_db()
    assert world.unlinked_site.firm is None

    world.client(DOMAIN).post(url, {"uscc": world.changchun.uscc})
    world.unlinked_site.refresh_from_db()
    assert world.unlinked_site.firm == world.changchun


def test_domain_office_sees_only_its_domain(world: World) -> None:
    insurance_user = make_user("ins")
    place_user(insurance_user, "domain-insurance", Role.DOMAIN_OFFICER)
    insurance = Client()
    insurance.force_login(insurance_user)

    assert _sees(_page(world.client(DOMAIN), "registry:watchlist"), world) == (
        True,
        True,
    )
    assert _sees(_page(insurance, "registry:watchlist"), world) == (False, False)
    denied = insurance.get(reverse("registry:firm", args=[world.yanji.uscc]))
    assert denied.status_code == 404


@pytest.mark.parametrize("persona", [INSPECTOR, LEADER])
def test_admin_refuses_everyone_but_administrators_even_with_the_staff_flag(
    world: World, persona: str
) -> None:
    user = world.users[persona]
    user.is_staff = True
    user.save()
    client = world.client(persona)

    response = client.get("/admin/registry/firm/", {"q": "长春"}, follow=True)

    assert response.status_code == 403
    assert world.changchun.name not in response.content.decode()
    assert "仅系统管理员可以进入系统管理" in response.content.decode()


def test_every_admin_url_refuses_a_non_admin_and_sends_visitors_to_login(
    world: World,
) -> None:
    inspector = world.users[INSPECTOR]
    inspector.is_staff = True
    inspector.save()
    urls = ["/admin/", "/admin/password_change/", "/admin/jsi18n/"]
    for model in admin.site._registry:
        base = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        urls += [base, f"{base}add/", f"{base}1/change/", f"{base}1/delete/"]
        urls += [f"/admin/{model._meta.app_label}/"]
    outcomes = {}
    for url in sorted(set(urls)):
        inside = world.client(INSPECTOR).get(url, follow=True)
        outside = world.client("anonymous").get(url, follow=True)
        outcomes[url] = (inside.status_code, outside.request["PATH_INFO"])

    assert {v for v in outcomes.values()} == {(403, reverse("login"))}
