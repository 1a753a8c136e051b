"""Staff pages via the test client: login, filters, paging, firm page, exports."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from finsentry.registry import services, watchlist
from finsentry.registry.models import Firm
from finsentry.reports.excel import write_list
from tests.web.conftest import PASSWORD, SAMPLES, Sample, plant_firm

FLAGGED = {s.name for s in SAMPLES if s.flagged}
P2P = {s.name for s in SAMPLES if "p2p" in s.domains}


def listed_names(response) -> set[str]:
    """Return the firm names on a rendered watch-list page."""
    return {row.name for row in response.context["page"].rows}


@pytest.mark.parametrize(
    "name", ["registry:dashboard", "registry:watchlist", "registry:match"]
)
def test_pages_redirect_anonymous_users_to_login(client: Client, db: None, name: str):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_login_page_is_chinese_and_logs_in(client: Client, staff: User):
    page = client.get(reverse("login"))
    assert "用户登录" in page.content.decode()

    response = client.post(
        reverse("login"), {"username": "wangli", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.url == reverse("registry:dashboard")


def test_login_rejects_wrong_password_in_chinese(client: Client, staff: User):
    response = client.post(reverse("login"), {"username": "wangli", "password": "x"})
    assert "用户名或密码不正确" in response.content.decode()


def test_watchlist_shows_only_flagged_firms_by_default(staff_client, firms):
    response = staff_client.get(reverse("registry:watchlist"))
    assert listed_names(response) == FLAGGED
    assert response.context["page"].total == len(FLAGGED)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"city": "2202"}, {SAMPLES[2].name, SAMPLES[3].name}),
        ({"city": "2201", "domain": "p2p"}, {SAMPLES[0].name, SAMPLES[1].name}),
        ({"county": "220102"}, {SAMPLES[0].name, SAMPLES[4].name}),
        ({"domain": "p2p"}, P2P),
        ({"domain": "insurance"}, {SAMPLES[3].name}),
        ({"q": "汇财"}, {SAMPLES[2].name}),
        (
            {"q": "", "include_all": "on", "city": "2201", "county": "220103"},
            {SAMPLES[5].name},
        ),
    ],
)
def test_watchlist_filters(staff_client, firms, params, expected):
    response = staff_client.get(reverse("registry:watchlist"), params)
    assert listed_names(response) == expected


def test_dismissed_finding_takes_firm_off_domain_list(staff_client, firms):
    response = staff_client.get(reverse("registry:watchlist"), {"domain": "p2p"})
    assert SAMPLES[4].name not in listed_names(response)


def test_county_outside_chosen_city_is_ignored(staff_client, firms):
    params = {"city": "2202", "county": "220102"}
    response = staff_client.get(reverse("registry:watchlist"), params)
    assert listed_names(response) == {SAMPLES[2].name, SAMPLES[3].name}


def test_code_prefix_finds_firm(staff_client, firms):
    code = firms[SAMPLES[3].name].uscc
    response = staff_client.get(reverse("registry:watchlist"), {"q": code[:12].lower()})
    assert listed_names(response) == {SAMPLES[3].name}


def test_watchlist_rows_show_chinese_region_and_domain_names(staff_client, firms):
    html = staff_client.get(reverse("registry:watchlist")).content.decode()
    assert "长春市" in html and "朝阳区" in html and "股权众筹" in html


def test_keyset_pages_cover_every_firm_once(db: None):
    for i in range(7):
        plant_firm(
            100 + i, Sample(f"长春市第{i}网贷有限公司", "220102", domains=("p2p",))
        )
    filters = watchlist.WatchFilters()
    seen: list[str] = []
    page = watchlist.watch_page(filters, size=3)
    pages = 1
    while page.next_after is not None:
        seen += [r.uscc for r in page.rows]
        page = watchlist.watch_page(filters, after=page.next_after, size=3)
        pages += 1
    seen += [r.uscc for r in page.rows]

    assert pages == 3
    assert sorted(seen) == sorted(Firm.objects.values_list("uscc", flat=True))


def test_previous_page_returns_rows_before(db: None):
    for i in range(5):
        plant_firm(
            200 + i, Sample(f"吉林市第{i}网贷有限公司", "220202", domains=("p2p",))
        )
    ids = list(Firm.objects.order_by("id").values_list("id", flat=True))
    page = watchlist.watch_page(watchlist.WatchFilters(), before=ids[4], size=2)
    assert [r.uscc for r in page.rows] == list(
        Firm.objects.filter(id__in=ids[2:4])
        .order_by("id")
        .values_list("uscc", flat=True)
    )
    assert page.prev_before == ids[2]
    assert page.next_after == ids[3]


def test_capped_count_stops_at_cap(firms):
    assert watchlist.capped_count(Firm.objects.all(), cap=3) == (3, True)
    assert watchlist.capped_count(Firm.objects.all(), cap=100) == (len(SAMPLES), False)


def test_watchlist_next_link_keeps_filters(staff_client, db: None):
    for i in range(watchlist.PAGE_SIZE + 2):
        plant_firm(
            300 + i, Sample(f"长春市第{i}财富有限公司", "220102", domains=("p2p",))
        )
    first = staff_client.get(reverse("registry:watchlist"), {"city": "2201"})
    after = first.context["page"].next_after
    html = first.content.decode()
    assert f"city=2201&amp;after={after}" in html

    second = staff_client.get(
        reverse("registry:watchlist"), {"city": "2201", "after": after}
    )
    assert len(second.context["page"].rows) == 2


def test_firm_page_shows_dossier_start(staff_client, firms):
    firm = firms[SAMPLES[0].name]
    response = staff_client.get(reverse("registry:firm", args=[firm.uscc]))
    html = response.content.decode()
    assert response.status_code == 200
    for text in [
        "吉林省长春市南关区",
        "5,000 万元人民币",
        "名称或经营范围使用金融类字样",
        "P2P 网络借贷",
        "registry.keyword_screening",
        "见于企业名称",
        "长春市鑫融投资咨询有限公司",
    ]:
        assert text in html


def test_firm_page_marks_dismissed_finding(staff_client, firms):
    firm = firms[SAMPLES[4].name]
    html = staff_client.get(reverse("registry:firm", args=[firm.uscc])).content.decode()
    assert "已排除" in html and "人工核实为餐饮" in html


def test_unknown_firm_is_404(staff_client, db: None):
    response = staff_client.get(reverse("registry:firm", args=["91220102MA00000000"]))
    assert response.status_code == 404


def test_dashboard_counts_watch_list_by_domain_and_city(staff_client, firms):
    response = staff_client.get(reverse("registry:dashboard"))
    board = response.context["board"]
    assert board.totals == {"firms": 7, "market": 7, "flagged": 5, "licensed": 1}
    assert dict(board.by_domain)["P2P 网络借贷"] == 3
    assert dict(board.by_domain)["互联网保险"] == 1
    assert dict(board.by_city)["长春市"] == 3
    assert dict(board.by_city)["吉林市"] == 2
    assert "registry/vendor/chartjs/chart.umd.js" in response.content.decode()


def test_excel_export_holds_filtered_rows_and_header_line(staff_client, firms):
    params = {"city": "2201", "domain": "p2p"}
    response = staff_client.get(reverse("registry:export_xlsx"), params)
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))

    assert "导出人：王丽" in rows[0][0] and "领域：P2P 网络借贷" in rows[0][0]
    assert rows[1][0] == "企业名称"
    assert {r[0] for r in rows[2:]} == {SAMPLES[0].name, SAMPLES[1].name}
    assert "attachment" in response["Content-Disposition"]


def test_csv_export_holds_filtered_rows(staff_client, firms):
    response = staff_client.get(reverse("registry:export_csv"), {"city": "2202"})
    text = b"".join(response.streaming_content).decode("utf-8")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))

    assert rows[0][0].startswith("导出人：王丽")
    assert {r[0] for r in rows[2:]} == {SAMPLES[2].name, SAMPLES[3].name}


def test_excel_list_continues_on_further_sheets(tmp_path):
    rows = ([f"企业{i}", i] for i in range(7))
    path = tmp_path / "list.xlsx"
    with path.open("wb") as out:
        written = write_list(out, "名单", ["名称", "序号"], rows, "导出人：测试", 3)
    book = load_workbook(path, read_only=True)

    assert written == 7
    assert book.sheetnames == ["名单", "名单2", "名单3"]
    counts = [len(list(sheet.iter_rows(min_row=3, values_only=True))) for sheet in book]
    assert counts == [3, 3, 1]
    assert all(sheet["A1"].value == "导出人：测试" for sheet in book)


def test_match_page_ranks_the_firm_a_loose_name_means_first(
    staff_client, firms, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    services._index = None

    response = staff_client.get(reverse("registry:match"), {"q": "鑫融网贷"})

    assert response.status_code == 200
    results = response.context["results"]
    assert results and results[0].key == firms[SAMPLES[0].name].uscc
    assert reverse("registry:firm", args=[results[0].key]) in response.content.decode()
    services._index = None


def test_export_header_carries_export_time(staff_client, firms):
    response = staff_client.get(reverse("registry:export_csv"))
    text = b"".join(response.streaming_content).decode("utf-8")
    stamp = text.split("导出时间：")[1][:19]
    assert datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S")


@pytest.mark.parametrize(
    "url",
    [
        "/admin/registry/firm/?q=长春",
        "/admin/registry/screeningword/",
        "/admin/registry/importrun/",
        "/admin/registry/licenceentry/",
        "/admin/registry/firmchange/",
        "/admin/rules/finding/",
    ],
)
def test_admin_lists_open(admin_client: Client, firms, url: str):
    assert admin_client.get(url).status_code == 200


def test_admin_records_who_dismissed_a_finding(admin_client: Client, firms):
    finding = firms[SAMPLES[0].name].findings.get()
    url = f"/admin/rules/finding/{finding.pk}/change/"
    response = admin_client.post(url, {"dismissed_reason": "持牌机构分支"})
    finding.refresh_from_db()

    assert response.status_code == 302
    assert finding.dismissed_at is not None
    assert finding.dismissed_by.get_username() == "admin"
