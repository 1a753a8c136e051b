"""The area a figure counts: a domain and a region, within a user's scope.

`area_for` turns a user's scope (accounts.roles.Scope) and the filters they
asked for into the `Area` counted: a county officer's area is always their
county, a domain office's always its domain; asking for anything outside the
scope raises `OutsideScope`, which the pages answer with 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from finsentry.accounts.roles import Scope
from finsentry.registry import divisions
from finsentry.rules.catalogue import catalogue
from finsentry.stats.errors import OutsideScope


@dataclass(frozen=True)
class Area:
    """What is counted: one domain (None: all) in one region (None: province)."""

    domain: str | None = None
    city: str | None = None
    county: str | None = None

    @property
    def domain_label(self) -> str:
        """Return the domain's Chinese name, or 全部领域."""
        return catalogue().domain_label(self.domain) if self.domain else "全部领域"

    @property
    def region_label(self) -> str:
        """Return the region's full Chinese name, e.g. 吉林省延边朝鲜族自治州延吉市."""
        if self.county:
            return divisions.full_name(self.county) or self.county
        if self.city:
            return divisions.full_name(self.city + "00") or self.city
        return "吉林省"


def area_for(scope: Scope, domain: str = "", city: str = "", county: str = "") -> Area:
    """Return the area a user of `scope` asked for; raise OutsideScope when the
    domain or region asked for lies outside it."""
    if scope.nothing:
        raise OutsideScope("您的账号未分配机构，无权查看统计。")
    if domain and domain not in catalogue().domains:
        raise OutsideScope(f"未知的领域：{domain}")
    if scope.domain and domain and domain != scope.domain:
        raise OutsideScope("所选领域不在您的工作范围内。")
    county = county or scope.county or ""
    city = city or (scope.city or "") or county[:4]
    if scope.county and county != scope.county:
        raise OutsideScope("所选地区不在您的工作范围内。")
    if scope.city and city != scope.city:
        raise OutsideScope("所选地区不在您的工作范围内。")
    if county and county[:4] != city:
        raise OutsideScope("所选县（市、区）不属于所选市（州）。")
    if city and city not in {c.code[:4] for c in divisions.jilin_cities()}:
        raise OutsideScope(f"未知的市（州）代码：{city}")
    if county and county not in {c.code for c in divisions.counties_of(city)}:
        raise OutsideScope(f"未知的县（市、区）代码：{county}")
    return Area(domain or scope.domain or None, city or None, county or None)
