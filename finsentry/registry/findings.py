"""Recording screening hits as REG-01 findings, one per firm and classified domain."""

import hashlib
import json
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import connection

from finsentry.registry.screening import Screening

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


_STAGING_DDL = """
CREATE TEMPORARY TABLE IF NOT EXISTS finding_staging (
    uscc varchar(18), code text, domain text, source text, summary text,
    evidence text, snippet text, start_at integer, end_at integer, rule text,
    rule_version text, fingerprint varchar(64) PRIMARY KEY
)
"""
_STAGED = (
    "uscc",
    "code",
    "domain",
    "source",
    "summary",
    "evidence",
    "snippet",
    "start",
    "end",
    "rule",
    "rule_version",
    "fingerprint",
)


def record_screening_findings(part: "Screened", version: str, now: datetime) -> int:
    """Create or re-see the REG-01 findings of a screened batch; return the count.

    Written through a staging table in one statement rather than the ORM's
    bulk_create, whose per-value array encoding cost more than the import.
    """
    flagged = {i: r for i, r in part.results.items() if r.flagged}
    if not flagged:
        return 0
    codes = part.table["uscc"].take(list(flagged)).to_pylist()
    rows = []
    for code, result in zip(codes, flagged.values(), strict=True):
        for row in finding_rows(code, result, version):
            row["uscc"] = code
            row["evidence"] = json.dumps(row["evidence"], ensure_ascii=False)
            rows.append(tuple(row[c] for c in _STAGED))

    stamp = connection.ops.adapt_datetimefield_value(now)
    evidence = (
        "s.evidence::jsonb" if connection.vendor == "postgresql" else "s.evidence"
    )
    marks = ", ".join(["%s"] * len(_STAGED))
    with connection.cursor() as cursor:
        cursor.execute(_STAGING_DDL)
        cursor.execute("DELETE FROM finding_staging")
        cursor.executemany(f"INSERT INTO finding_staging VALUES ({marks})", rows)
        cursor.execute(
            "INSERT INTO rules_finding (firm_id, code, domain, source, summary, "
            'evidence, snippet, start, "end", rule, rule_version, fingerprint, '
            "first_seen, last_seen, dismissed_reason) "
            f"SELECT f.id, s.code, s.domain, s.source, s.summary, {evidence}, "
            "s.snippet, s.start_at, s.end_at, s.rule, s.rule_version, "
            "s.fingerprint, %s, %s, '' "
            "FROM finding_staging s JOIN registry_firm f ON f.uscc = s.uscc "
            "WHERE true "
            "ON CONFLICT (fingerprint) DO UPDATE SET last_seen = excluded.last_seen",
            [stamp, stamp],
        )
    return len(rows)
