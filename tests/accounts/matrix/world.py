"""The objects every matrix row may need: two firms, their sites, a round, users.

One firm sits in 延吉 (county 222401 of 延边州) and is a P2P firm, so that
every placed persona sees it: the P2P office, the 延边 city group, the 延吉
county group and its inspector, the provincial office. The other sits in
长春 and is what the 延吉 personas must never see.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import UTC, datetime

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.test import Client

from finsentry.accounts import audit
from finsentry.accounts.roles import Role
from finsentry.accounts.services import place_user
from finsentry.patrol import evidence
from finsentry.patrol.models import FetchFailure, PatrolRound, Site, SiteEvent, Snapshot
from finsentry.registry.models import Firm
from finsentry.registry.normalize import normalize_name
from finsentry.registry.uscc import make_code
from finsentry.rules.models import Finding
from tests.accounts.matrix import (
    ADMIN,
    ANALYST,
    ANONYMOUS,
    CITY,
    COUNTY,
    DOMAIN,
    INSPECTOR,
    LEADER,
    NO_OFFICE,
)

PASSWORD = "jilin-2016-matrix"
AT = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)
PAGE = "<html><body><p>鑫融贷承诺保本保息，年化收益率18%。</p></body></html>".encode()

# Persona → (office code, role); the no-office persona has a login only.
PLACEMENTS = {
    ADMIN: ("province", Role.ADMIN),
    ANALYST: ("province", Role.ANALYST),
    DOMAIN: ("domain-p2p", Role.DOMAIN_OFFICER),
    CITY: ("city-2224", Role.LOCAL_OFFICER),
    COUNTY: ("county-222401", Role.LOCAL_OFFICER),
    INSPECTOR: ("county-222401", Role.INSPECTOR),
    LEADER: ("province", Role.LEADER),
}


@functools.cache
def password_hash() -> str:
    """Return one real (Argon2) hash of PASSWORD, made once for the whole run."""
    return make_password(PASSWORD)


def make_user(persona: str) -> User:
    """Create the login of `persona`, placed in its office."""
    user = User.objects.create(username=f"m-{persona}", password=password_hash())
    if persona in PLACEMENTS:
        office, role = PLACEMENTS[persona]
        place_user(user, office, role)
    return user


def firm(index: int, county: str, name: str) -> Firm:
    """Create a flagged P2P firm in `county` with its REG-01 finding."""
    code = make_code("91", county, f"MA{index:06d}")
    planted = Firm.objects.create(
        uscc=code,
        name=name,
        name_normalized=normalize_name(name),
        scope="网络借贷信息中介服务",
        region_code=county,
        city_code=county[:4],
        county_code=county,
        flagged=True,
        domains="p2p",
        keywords="网贷",
        website=f"http://site{index}.example/",
    )
    Finding.objects.create(
        firm=planted,
        code="REG-01",
        domain="p2p",
        source="registry",
        summary="名称含金融字样“网贷”",
        evidence={"words": [{"word": "网贷", "field": "name"}]},
        rule="registry.keyword_screening",
        rule_version="test-1",
        fingerprint=f"{code}-p2p",
        first_seen=AT,
        last_seen=AT,
    )
    return planted


def site(host: str, owner: Firm | None, patrol_round: PatrolRound) -> Site:
    """Create a watched site (inactive, so no test ever crawls it)."""
    return Site.objects.create(
        root_url=f"http://{host}/",
        host=host,
        firm=owner,
        source=Site.Source.REGISTRY if owner else Site.Source.TIP,
        status=Site.Status.OK,
        active=False,
        last_round=patrol_round,
        last_crawled_at=AT,
    )


def snapshot(watched: Site, patrol_round: PatrolRound) -> Snapshot:
    """Create a stored page of `watched` with its bytes in the evidence store."""
    stored = evidence.store(PAGE)
    return Snapshot.objects.create(
        site=watched,
        round=patrol_round,
        url=watched.root_url,
        final_url=watched.root_url,
        status_code=200,
        fetched_at=AT,
        sha256=stored.sha256,
        size=len(PAGE),
        content_type="text/html; charset=utf-8",
        encoding="utf-8",
        text="鑫融贷承诺保本保息，年化收益率18%。",
    )


@dataclass
class World:
    """Everything the rows point at, and one client per persona."""

    yanji: Firm
    changchun: Firm
    patrol_round: PatrolRound
    yanji_site: Site
    changchun_site: Site
    unlinked_site: Site
    yanji_shot: Snapshot
    changchun_shot: Snapshot
    unlinked_shot: Snapshot
    users: dict[str, User] = field(default_factory=dict)

    def client(self, persona: str) -> Client:
        """Return a client logged in as `persona` (anonymous: not logged in)."""
        client = Client()
        if persona != ANONYMOUS:
            client.force_login(self.users[persona])
        return client


def build_world() -> World:
    """Create the firms, sites, snapshots and personas of the matrix."""
    yanji = firm(1, "222401", "延吉市鑫融网络借贷信息中介有限公司")
    changchun = firm(2, "220102", "长春市汇财网贷服务有限公司")
    patrol_round = PatrolRound.objects.create(
        state=PatrolRound.State.DONE,
        trigger=PatrolRound.Trigger.CONSOLE,
        started_at=AT,
        finished_at=AT,
        sites_total=3,
        sites_done=3,
    )
    sites = {
        "yanji": site("yanji-p2p.example", yanji, patrol_round),
        "changchun": site("changchun-p2p.example", changchun, patrol_round),
        "unlinked": site("lonely-caifu.example", None, patrol_round),
    }
    for key, watched in sites.items():
        FetchFailure.objects.create(
            site=watched,
            round=patrol_round,
            url=f"{watched.root_url}{key}-missing",
            kind=FetchFailure.Kind.HTTP_4XX,
            status_code=404,
            message=f"{key} page missing",
            at=AT,
        )
        SiteEvent.objects.create(
            site=watched,
            firm=watched.firm,
            round=patrol_round,
            kind=SiteEvent.Kind.WENT_DARK,
            detail={"summary": f"{key} went dark"},
            at=AT,
        )
    users = {persona: make_user(persona) for persona in PLACEMENTS}
    users[NO_OFFICE] = make_user(NO_OFFICE)
    audit.record(users[ANALYST], "firm.view", changchun)
    return World(
        yanji=yanji,
        changchun=changchun,
        patrol_round=patrol_round,
        yanji_site=sites["yanji"],
        changchun_site=sites["changchun"],
        unlinked_site=sites["unlinked"],
        yanji_shot=snapshot(sites["yanji"], patrol_round),
        changchun_shot=snapshot(sites["changchun"], patrol_round),
        unlinked_shot=snapshot(sites["unlinked"], patrol_round),
        users=users,
    )
