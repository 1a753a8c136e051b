"""Files of the dossier: stored once by SHA-256 in the evidence store.

An uploaded attachment or a built evidence package goes into the same
content-addressed store as page snapshots (patrol/evidence.py): written once,
read-only on disk, its hash checked again on every read. A `Document` row
names the bytes; a second upload of a changed file is a second row.
"""

from __future__ import annotations

import mimetypes
from typing import Protocol

from django.contrib.auth.models import User
from django.utils import timezone

from finsentry.cases.errors import PreconditionFailed
from finsentry.cases.models import Case, Document, VerificationRecord, VerificationTask
from finsentry.patrol import evidence
from finsentry.registry.models import Firm

MAX_BYTES = 50 * 1024 * 1024


class Upload(Protocol):
    """What a stored file is made from: Django's UploadedFile fits."""

    name: str | None
    size: int | None

    def read(self) -> bytes: ...


def store_document(
    user: User,
    firm: Firm,
    name: str,
    body: bytes,
    kind: str,
    *,
    case: Case | None = None,
    task: VerificationTask | None = None,
    record: VerificationRecord | None = None,
    content_type: str = "",
) -> Document:
    """Store `body` in the evidence store and return the new row naming it."""
    if len(body) > MAX_BYTES:
        raise PreconditionFailed(
            f"文件“{name}”超过 {MAX_BYTES // (1024 * 1024)} MB，请压缩或拆分后上传。"
        )
    stored = evidence.store(body)
    guessed = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return Document.objects.create(
        firm=firm,
        case=case,
        task=task,
        record=record,
        kind=kind,
        name=name[:255],
        content_type=(content_type or guessed)[:100],
        size=stored.size,
        sha256=stored.sha256,
        uploaded_by=user,
        uploaded_at=timezone.now(),
    )


def store_upload(
    user: User, firm: Firm, upload: Upload, kind: str, **links: object
) -> Document:
    """Store an uploaded file, refusing one over the size limit before reading it."""
    name = upload.name or "附件"
    if upload.size is not None and upload.size > MAX_BYTES:
        raise PreconditionFailed(
            f"文件“{name}”超过 {MAX_BYTES // (1024 * 1024)} MB，请压缩或拆分后上传。"
        )
    content_type = str(getattr(upload, "content_type", "") or "")
    return store_document(
        user,
        firm,
        name,
        upload.read(),
        kind,
        content_type=content_type,
        **links,  # type: ignore[arg-type]
    )


def document_bytes(document: Document) -> bytes:
    """Return a document's bytes after checking they still hash to its SHA-256."""
    return evidence.load(document.sha256)
