"""What the firm page shows: registry facts, screening result, changes, findings.

This is the registry's part of a firm's dossier (一户一档, plan 四(二)); the
cases app adds verification and disposal later.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from finsentry.registry import divisions
from finsentry.registry.models import Firm, FirmChange
from finsentry.rules.catalogue import catalogue
from finsentry.rules.models import Finding

# ISO 4217 codes the registries write, in the words a Chinese registry uses.
CURRENCY_NAMES = {
    "CNY": "人民币",
    "USD": "美元",
    "HKD": "港币",
    "EUR": "欧元",
    "JPY": "日元",
    "GBP": "英镑",
    "TWD": "新台币",
}
# Field names FirmChange stores, in the registry's own words.
FIELD_NAMES = {
    "name": "企业名称",
    "scope": "经营范围",
    "status": "登记状态",
    "legal_rep": "法定代表人",
    "address": "住所",
    "capital_wan": "注册资本",
    "region_code": "登记地区划代码",
}
_PLACE_NAMES = {"name": "企业名称", "name_normalized": "企业名称", "scope": "经营范围"}


@dataclass
class FindingView:
    """One finding with its codes spelled out for reading."""

    finding: Finding
    code_name: str
    domain_label: str
    words: list[tuple[str, str]]
    reasons: list[str]


@dataclass
class FirmProfile:
    """Everything the firm page shows about one firm."""

    firm: Firm
    region_name: str
    capital_text: str
    domain_labels: list[str]
    keywords: list[str]
    changes: list[tuple[FirmChange, str]]
    findings: list[FindingView]


def capital_text(amount: Decimal | None, currency: str) -> str:
    """Return registered capital as Chinese text, e.g. "5,000 万元人民币"."""
    if amount is None:
        return ""
    number = f"{amount.normalize():,f}"
    return f"{number} 万元{CURRENCY_NAMES.get(currency or 'CNY', currency)}"


def finding_view(finding: Finding) -> FindingView:
    """Return a finding with the catalogue's names and its evidence words."""
    cat = catalogue()
    violation = cat.violations.get(finding.code)
    evidence: dict[str, Any] = (
        finding.evidence if isinstance(finding.evidence, dict) else {}
    )
    words = [
        (
            str(item.get("word", "")),
            str(_PLACE_NAMES.get(item.get("field", ""), item.get("field", ""))),
        )
        for item in evidence.get("words", [])
        if isinstance(item, dict)
    ]
    return FindingView(
        finding=finding,
        code_name=violation.name if violation else "",
        domain_label=cat.domain_label(finding.domain),
        words=words,
        reasons=[str(r) for r in evidence.get("reasons", [])],
    )


def firm_profile(uscc: str) -> FirmProfile | None:
    """Return the profile of the firm with this credit code, or None if unknown."""
    firm = Firm.objects.filter(uscc=uscc).first()
    if firm is None:
        return None

    region = firm.county_code or firm.region_code
    labels = catalogue().domains
    # TODO: page the change history; 200 covers years of monthly imports.
    recent = firm.changes.select_related("import_run")[:200]
    changes = [(c, FIELD_NAMES.get(c.field, c.field)) for c in recent]
    findings = firm.findings.order_by("dismissed_at", "-last_seen", "code")
    return FirmProfile(
        firm=firm,
        region_name=divisions.full_name(region) if region else "",
        capital_text=capital_text(firm.capital_wan, firm.capital_currency),
        domain_labels=[labels.get(d, d) for d in firm.domain_list],
        keywords=[k for k in firm.keywords.split(";") if k],
        changes=changes,
        findings=[finding_view(f) for f in findings],
    )
