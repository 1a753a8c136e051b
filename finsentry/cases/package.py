"""The evidence package of a firm: one zip to hand over with a referral.

Inside::

    manifest.json     firm, exporting user and time, every other file with
                      its SHA-256 and size
    SHA256SUMS        the same hashes in the format `sha256sum -c` reads
    dossier.docx      the dossier as a Word document
    findings.json     every finding with its evidence; findings.csv the same
                      as a table (UTF-8 with BOM, for Excel)
    cases.json        cases, classifications, orders, re-checks, referrals,
                      verification tasks and records, timelines
    snapshots/<sha256>.html   page bodies exactly as fetched, from the
                      evidence store; snapshots.csv says what each one is
    documents/<sha256>/<name> attachments and case files

Every byte read from the evidence store has its hash checked first, so a
package never carries a tampered snapshot silently.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from finsentry.cases import access, word
from finsentry.cases.dossier import case_dossier
from finsentry.cases.models import Case, Document
from finsentry.cases.records import case_record, finding_record, task_record
from finsentry.patrol import evidence
from finsentry.patrol.models import Observation, Snapshot
from finsentry.registry.models import Firm

# TODO: stream very large packages to disk; a firm's evidence is megabytes today.
MAX_SNAPSHOTS = 500
FINDING_COLUMNS = [
    "id",
    "code",
    "name",
    "domain",
    "source",
    "summary",
    "snippet",
    "rule",
    "rule_version",
    "first_seen",
    "last_seen",
    "dismissed_at",
    "dismissed_reason",
    "snapshot",
    "url",
]


@dataclass(frozen=True)
class Package:
    """A built package: its file name, bytes, SHA-256 and manifest."""

    filename: str
    body: bytes
    sha256: str
    manifest: dict[str, Any]


def _json(value: Any) -> bytes:
    text = json.dumps(value, ensure_ascii=False, indent=2, cls=DjangoJSONEncoder)
    return text.encode("utf-8")


def _findings_csv(rows: list[dict[str, Any]]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, FINDING_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: "" if row.get(k) is None else str(row.get(k)) for k in FINDING_COLUMNS}
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _snapshots(firm: Firm) -> list[Snapshot]:
    """Return the snapshots the firm's findings were seen on, newest first."""
    ids = set(
        Observation.objects.filter(finding__firm=firm).values_list(
            "snapshot_id", flat=True
        )
    )
    for value in firm.findings.values_list("evidence", flat=True):
        if isinstance(value, dict) and isinstance(value.get("snapshot"), int):
            ids.add(value["snapshot"])
    shots = Snapshot.objects.filter(pk__in=ids).order_by("-fetched_at")
    return list(shots[:MAX_SNAPSHOTS])


def _snapshot_index(shots: list[Snapshot]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["file", "snapshot", "url", "final_url", "status", "fetched_at"])
    for shot in shots:
        fetched = timezone.localtime(shot.fetched_at).isoformat()
        writer.writerow(
            [
                f"snapshots/{shot.sha256}.html",
                shot.pk,
                shot.url,
                shot.final_url,
                shot.status_code,
                fetched,
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def build(
    firm: Firm,
    user: User,
    *,
    cases: list[Case] | None = None,
    now: datetime | None = None,
) -> Package:
    """Build the evidence package of `firm` as `user` may see it and return it."""
    now = timezone.localtime(now)
    dossier = case_dossier(firm, user)
    if cases is not None:
        wanted = {c.pk for c in cases}
        dossier.cases = [v for v in dossier.cases if v.case.pk in wanted]
    findings = [finding_record(f) for g in dossier.finding_groups for f in g.findings]
    files: dict[str, bytes] = {
        "dossier.docx": word.dossier_docx(firm, user, now=now),
        "findings.json": _json(findings),
        "findings.csv": _findings_csv(findings),
        "cases.json": _json(
            {
                "cases": [case_record(v) for v in dossier.cases],
                "tasks": [task_record(v.task) for v in dossier.tasks],
            }
        ),
    }
    shots = _snapshots(firm)
    for shot in shots:
        files[f"snapshots/{shot.sha256}.html"] = evidence.load(shot.sha256)
    files["snapshots.csv"] = _snapshot_index(shots)
    case_ids = [v.case.pk for v in dossier.cases]
    visible_docs = Document.objects.filter(firm=firm).exclude(
        kind=Document.Kind.EVIDENCE_PACKAGE
    )
    task_ids = [v.task.pk for v in dossier.tasks]
    for doc in visible_docs.filter(case_id__in=case_ids) | visible_docs.filter(
        task_id__in=task_ids
    ):
        files[f"documents/{doc.sha256}/{doc.name}"] = evidence.load(doc.sha256)

    manifest: dict[str, Any] = {
        "firm": {"uscc": firm.uscc, "name": firm.name},
        "exported_by": user.get_username(),
        "exported_by_name": access.display_name(user),
        "exported_at": now.isoformat(),
        "cases": [v.case.reference for v in dossier.cases],
        "files": [
            {
                "path": path,
                "sha256": hashlib.sha256(body).hexdigest(),
                "size": len(body),
            }
            for path, body in sorted(files.items())
        ],
    }
    sums = "".join(f"{f['sha256']}  {f['path']}\n" for f in manifest["files"])
    stamp = now.timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, body in [
            ("manifest.json", _json(manifest)),
            ("SHA256SUMS", sums.encode("utf-8")),
            *sorted(files.items()),
        ]:
            info = zipfile.ZipInfo(path, date_time=stamp)
            archive.writestr(info, body, compress_type=zipfile.ZIP_DEFLATED)
    body = out.getvalue()
    filename = f"证据包-{firm.uscc}-{now:%Y%m%d-%H%M%S}.zip"
    return Package(filename, body, hashlib.sha256(body).hexdigest(), manifest)
