"""Forms of the staff pages: watch-list filters and the loose-name search."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from finsentry.registry import watchlist
from finsentry.rules.catalogue import domain_choices


class CountySelect(forms.Select):
    """A county drop-down whose options name their city, so a script can filter them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.city_of = {code: city for code, _, city in watchlist.county_options()}

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict:
        """Return the option dict with a data-city attribute added."""
        option = super().create_option(name, value, *args, **kwargs)
        city = self.city_of.get(str(value))
        if city:
            option["attrs"]["data-city"] = city
        return option


class WatchFilterForm(forms.Form):
    """Watch-list filters, all optional, read from the query string."""

    city = forms.ChoiceField(label="市（州）", required=False)
    county = forms.ChoiceField(
        label="县（市、区）", required=False, widget=CountySelect
    )
    domain = forms.ChoiceField(label="领域", required=False)
    q = forms.CharField(
        label="名称或代码",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "企业名称关键字或信用代码前几位"}),
    )
    include_all = forms.BooleanField(label="含持牌及非重点企业", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        cities = watchlist.city_names()
        counties = [(code, name) for code, name, _ in watchlist.county_options()]
        choices = {
            "city": list(cities.items()),
            "county": counties,
            "domain": domain_choices(),
        }
        for field, options in choices.items():
            choice_field = cast(forms.ChoiceField, self.fields[field])
            choice_field.choices = [("", "全部"), *options]

    def clean(self) -> dict[str, Any]:
        """Return the cleaned filters, dropping a county that lies outside the city."""
        data = super().clean() or {}
        city, county = data.get("city"), data.get("county")
        if city and county and not county.startswith(city):
            data["county"] = ""
        return data

    def filters(self) -> watchlist.WatchFilters:
        """Return the valid filters; an invalid form gives the unfiltered list."""
        if not self.is_valid():
            return watchlist.WatchFilters()
        data = self.cleaned_data
        return watchlist.WatchFilters(
            city=data.get("city") or "",
            county=data.get("county") or "",
            domain=data.get("domain") or "",
            q=(data.get("q") or "").strip(),
            include_all=bool(data.get("include_all")),
        )


class MatchForm(forms.Form):
    """A loose firm name as a tipster or an advert writes it."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    q = forms.CharField(
        label="名称",
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "输入企业简称、俗称或不完整名称"}),
    )
