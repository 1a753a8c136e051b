"""Recording screening hits as REG-01 findings, one per firm and classified domain."""

import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING

from finsentry.registry.models import Firm
from finsentry.registry.screening import Screening
from finsentry.rules.models import Finding

if TYPE_CHECKING:
    from finsentry.registry.pipeline import Screened

RULE = "registry.keyword_screening"
CODE = "REG-01"


def finding_rows(uscc: str, result: Screening, version: str) -> list[dict]:
    """Return the REG-01 finding fields for one flagged firm, one per domain."""
    words = sorted({(h.word, h.field) for h in result.hits})
    evidence = {
        "words": [{"word": w, "field": f} for w, f in words],
        "hits": [
            {"word": h.word, "field": h.field, "start": h.start, "end": h.end}
            for h in result.hits
        ],
        "reasons": list(result.reasons),
    }
    first = result.hits[0] if result.hits else None
    rows = []
    for domain in result.domains:
        key = json.dumps([CODE, uscc, domain, words], ensure_ascii=False)
        rows.append(
            {
                "code": CODE,
                "domain": domain,
                "source": "registry",
                "summary": "；".join(result.reasons)[:500],
                "evidence": evidence,
                "snippet": first.word if first else "",
                "start": first.start if first else None,
                "end": first.end if first else None,
                "rule": RULE,
                "rule_version": version,
                "fingerprint": hashlib.sha256(key.encode()).hexdigest(),
            }
        )
    return rows


def record_screening_findings(part: "Screened", version: str, now: datetime) -> int:
    """Create or re-see the REG-01 findings of a screened batch; return the count."""
    flagged = {i: r for i, r in part.results.items() if r.flagged}
    if not flagged:
        return 0
    codes = part.table["uscc"].take(list(flagged)).to_pylist()
    ids = dict(Firm.objects.filter(uscc__in=codes).values_list("uscc", "id"))

    findings = []
    for code, result in zip(codes, flagged.values(), strict=True):
        for row in finding_rows(code, result, version):
            findings.append(
                Finding(firm_id=ids[code], first_seen=now, last_seen=now, **row)
            )
    Finding.objects.bulk_create(
        findings,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["fingerprint"],
        update_fields=["last_seen"],
    )
    return len(findings)
