"""The filters of the statistics page, offering only what the user's scope holds."""

from __future__ import annotations

from typing import Any

from django import forms

from finsentry.accounts.roles import Scope
from finsentry.registry import divisions
from finsentry.rules.catalogue import domain_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _cities(scope: Scope) -> list[tuple[str, str]]:
    cities = [(d.code[:4], d.name) for d in divisions.jilin_cities()]
    mine = scope.city or (scope.county or "")[:4]
    if mine:
        return [(code, name) for code, name in cities if code == mine]
    return [("", "全省"), *cities]


def _counties(scope: Scope) -> list[tuple[str, str]]:
    if scope.county:
        division = divisions.lookup(scope.county)
        return [(scope.county, division.name if division else scope.county)]
    cities = [d for d in divisions.jilin_cities() if scope.city in (None, d.code[:4])]
    counties = [
        (county.code, f"{city.name}{county.name}")
        for city in cities
        for county in divisions.counties_of(city.code)
    ]
    return [("", "全部"), *counties]


class StatsFilterForm(forms.Form):
    """Domain, city, county and date of the figures; choices follow the scope."""

    domain = forms.ChoiceField(label="领域", required=False)
    city = forms.ChoiceField(label="市（州）", required=False)
    county = forms.ChoiceField(label="县（市、区）", required=False)
    as_of = forms.DateField(label="统计截至", required=False, widget=DATE)

    def __init__(self, *args: Any, scope: Scope, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        domains = domain_choices()
        if scope.domain:
            domains = [(c, n) for c, n in domains if c == scope.domain]
        else:
            domains = [("", "全部领域"), *domains]
        self.fields["domain"].choices = domains  # type: ignore[attr-defined]
        self.fields["city"].choices = _cities(scope)  # type: ignore[attr-defined]
        self.fields["county"].choices = _counties(scope)  # type: ignore[attr-defined]
