"""What the API says about firms and findings, and the filters their lists take.

Codes (region, domain, catalogue code) travel with the Chinese names staff
read, so another system can both match and display them.
"""

from __future__ import annotations

import re
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from finsentry.registry import divisions, watchlist
from finsentry.registry.models import Firm
from finsentry.risk.models import FirmScore
from finsentry.rules.catalogue import catalogue
from finsentry.rules.models import Finding

CITY = re.compile(r"^\d{4}$")
COUNTY = re.compile(r"^\d{6}$")


def domain_field(**kwargs: Any) -> serializers.ChoiceField:
    """Return a filter on one domain of the catalogue."""
    choices = list(catalogue().domains.items())
    return serializers.ChoiceField(choices=choices, required=False, **kwargs)


def flag_field(help_text: str) -> serializers.BooleanField:
    """Return an optional true/false filter that is absent when not given."""
    return serializers.BooleanField(
        required=False, allow_null=True, default=None, help_text=help_text
    )


class FirmQuery(serializers.Serializer):
    """Filters of the firm list."""

    city = serializers.RegexField(
        CITY, required=False, help_text="市（州）代码，4 位，如 2201（长春市）"
    )
    county = serializers.RegexField(
        COUNTY, required=False, help_text="县（市、区）代码，6 位，如 222401（延吉市）"
    )
    domain = domain_field(help_text="领域代码：该领域重点监管名单中的企业")
    flagged = flag_field("true 只列重点监管对象，false 只列非重点企业；不填为全部")
    q = serializers.CharField(
        required=False, max_length=100, help_text="企业名称关键字或信用代码前几位"
    )


class FindingQuery(serializers.Serializer):
    """Filters of the finding list."""

    firm = serializers.CharField(
        required=False, max_length=18, help_text="企业统一社会信用代码"
    )
    code = serializers.ChoiceField(
        choices=sorted(catalogue().violations),
        required=False,
        help_text="违规代码（violations.yaml），如 P2P-05",
    )
    domain = domain_field(help_text="领域代码")
    # The metaclass takes declared fields off the class, so this "source" does
    # not replace Field.source at run time.
    source = serializers.CharField(  # type: ignore[assignment]
        required=False, max_length=16, help_text="来源：registry、patrol、verify 等"
    )
    dismissed = flag_field("true 只列已排除的发现，false 只列有效发现")


class FirmSerializer(serializers.ModelSerializer):
    """One firm as the list shows it."""

    city_name = serializers.SerializerMethodField(help_text="市（州）名称")
    county_name = serializers.SerializerMethodField(help_text="县（市、区）名称")
    domains = serializers.ListField(
        source="domain_list", child=serializers.CharField(), help_text="筛查领域代码"
    )
    status_label = serializers.CharField(help_text="登记状态（中文）")

    class Meta:
        model = Firm
        fields = [
            "uscc",
            "name",
            "city_code",
            "city_name",
            "county_code",
            "county_name",
            "domains",
            "status",
            "status_label",
            "flagged",
            "licensed",
            "licence_kind",
            "screened_at",
            "updated_at",
        ]

    def get_city_name(self, firm: Firm) -> str:
        return watchlist.city_names().get(firm.city_code, firm.city_code)

    def get_county_name(self, firm: Firm) -> str:
        division = divisions.lookup(firm.county_code) if firm.county_code else None
        return division.name if division else firm.county_code


class FindingCountSerializer(serializers.Serializer):
    """A firm's findings of one catalogue code in one domain."""

    code = serializers.CharField(help_text="违规代码")
    name = serializers.CharField(help_text="违规行为名称")
    domain = serializers.CharField(help_text="领域代码")
    domain_label = serializers.CharField(help_text="领域名称")
    total = serializers.IntegerField(help_text="发现总数（含已排除）")
    open = serializers.IntegerField(help_text="未排除的发现数")
    last_seen = serializers.DateTimeField(help_text="最近发现时间")


class RiskSerializer(serializers.ModelSerializer):
    """A firm's current risk score, its level and what gave each point."""

    level_label = serializers.CharField(
        source="get_level_display", help_text="风险等级（中文）"
    )

    class Meta:
        model = FirmScore
        fields = [
            "score",
            "level",
            "level_label",
            "weights_version",
            "operating_month",
            "computed_at",
            "breakdown",
        ]


class FirmDetailSerializer(FirmSerializer):
    """One firm's dossier head: registry data, findings by code, risk score."""

    keywords = serializers.SerializerMethodField(help_text="命中的金融字样")
    findings = serializers.SerializerMethodField(help_text="按违规代码汇总的发现")
    risk = serializers.SerializerMethodField(help_text="风险评分；尚未评分时为 null")

    class Meta(FirmSerializer.Meta):
        fields = [
            *FirmSerializer.Meta.fields,
            "scope",
            "region_code",
            "established",
            "capital_wan",
            "capital_currency",
            "legal_rep",
            "address",
            "phone",
            "website",
            "keywords",
            "reasons",
            "findings",
            "risk",
        ]

    def get_keywords(self, firm: Firm) -> list[str]:
        return [k for k in firm.keywords.split(";") if k]

    @extend_schema_field(FindingCountSerializer(many=True))
    def get_findings(self, firm: Firm) -> list[dict[str, Any]]:
        rows = self.context.get("findings", [])
        return list(FindingCountSerializer(rows, many=True).data)

    @extend_schema_field(RiskSerializer(allow_null=True))
    def get_risk(self, firm: Firm) -> dict[str, Any] | None:
        score = self.context.get("risk")
        return RiskSerializer(score).data if score is not None else None


class FindingSerializer(serializers.ModelSerializer):
    """One finding as the list shows it."""

    firm = serializers.CharField(
        source="firm.uscc", allow_null=True, help_text="企业统一社会信用代码"
    )
    firm_name = serializers.CharField(
        source="firm.name", allow_null=True, help_text="企业名称"
    )
    code_name = serializers.SerializerMethodField(help_text="违规行为名称")
    domain_label = serializers.SerializerMethodField(help_text="领域名称")
    dismissed = serializers.SerializerMethodField(help_text="是否已排除")

    class Meta:
        model = Finding
        fields = [
            "id",
            "firm",
            "firm_name",
            "code",
            "code_name",
            "domain",
            "domain_label",
            "source",
            "summary",
            "first_seen",
            "last_seen",
            "dismissed",
        ]

    def get_code_name(self, finding: Finding) -> str:
        violation = catalogue().violations.get(finding.code)
        return violation.name if violation else ""

    def get_domain_label(self, finding: Finding) -> str:
        return catalogue().domain_label(finding.domain)

    def get_dismissed(self, finding: Finding) -> bool:
        return finding.dismissed_at is not None


class FindingDetailSerializer(FindingSerializer):
    """One finding with its evidence: the words, page, snippet and rule that made it."""

    class Meta(FindingSerializer.Meta):
        fields = [
            *FindingSerializer.Meta.fields,
            "evidence",
            "snippet",
            "start",
            "end",
            "rule",
            "rule_version",
            "dismissed_at",
            "dismissed_reason",
        ]
