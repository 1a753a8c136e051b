"""Dossier exports: the Word document, the evidence package, stored files.

Each export is written to the audit trail with the mark it carries, and
carries the exporting user and time itself (the Word footer on every page,
the package's manifest).
"""

from __future__ import annotations

import io
import logging

from django.http import FileResponse, Http404, HttpRequest
from django.utils import timezone

from finsentry.accounts import audit, scoping
from finsentry.cases import access, documents, package, word
from finsentry.cases.models import Document, VerificationTask
from finsentry.patrol.evidence import EvidenceError

log = logging.getLogger(__name__)
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@scoping.requires("dossier.export")
def dossier_word(request: HttpRequest, uscc: str) -> FileResponse:
    """Return the firm's dossier as a Word document marked with the user and time."""
    firm = scoping.firm_or_404(request.user, uscc=uscc.upper())
    now = timezone.localtime()
    body = word.dossier_docx(firm, access.staff_user(request), now=now)
    audit.record(
        request,
        "dossier.export_word",
        firm,
        exported_at=now.isoformat(),
        size=len(body),
    )
    log.info("dossier exported firm=%s user=%s", firm.uscc, request.user.get_username())
    name = f"企业档案-{firm.name}-{now:%Y%m%d-%H%M}.docx"
    return FileResponse(
        io.BytesIO(body), as_attachment=True, filename=name, content_type=DOCX_MIME
    )


@scoping.requires("dossier.export")
def evidence_package(request: HttpRequest, uscc: str) -> FileResponse:
    """Return the firm's evidence package (zip with a SHA-256 manifest)."""
    firm = scoping.firm_or_404(request.user, uscc=uscc.upper())
    try:
        built = package.build(firm, access.staff_user(request))
    except EvidenceError as exc:
        log.error("evidence package failed firm=%s code=%s", firm.uscc, exc.code)
        raise
    audit.record(
        request,
        "dossier.export_package",
        firm,
        sha256=built.sha256,
        files=len(built.manifest["files"]),
    )
    return FileResponse(
        io.BytesIO(built.body),
        as_attachment=True,
        filename=built.filename,
        content_type="application/zip",
    )


@scoping.requires("case.view")
def download_document(request: HttpRequest, pk: int) -> FileResponse:
    """Return a stored file of a case or task the user sees, its hash checked."""
    doc = Document.objects.select_related("firm").filter(pk=pk).first()
    if doc is None or not _document_visible(request, doc):
        raise Http404("没有该文件，或该文件不在您的工作范围内")
    body = documents.document_bytes(doc)
    audit.record(request, "document.download", doc, firm=doc.firm, sha256=doc.sha256)
    return FileResponse(
        io.BytesIO(body),
        as_attachment=True,
        filename=doc.name,
        content_type=doc.content_type or "application/octet-stream",
    )


def _document_visible(request: HttpRequest, doc: Document) -> bool:
    """Return whether the user sees the case or task the document belongs to."""
    user = request.user
    if doc.case_id is not None:
        return access.visible_cases(user).filter(pk=doc.case_id).exists()
    if doc.task_id is not None:
        tasks = access.visible_tasks(user, VerificationTask.objects.all())
        return tasks.filter(pk=doc.task_id).exists()
    return scoping.firm_visible(user, doc.firm)
