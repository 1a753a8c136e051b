"""The evidence store: fetched page bodies kept exactly as they arrived.

A body is stored once under its SHA-256 (content addressing), so the same
page fetched in a hundred rounds costs one file, and a snapshot row proves
which bytes it saw by naming their hash. Layout under the root
(``settings.DATA_DIR / "evidence"`` unless a root is passed)::

    ab/cd/abcd…(64 hex).zst      zstandard frame of the raw bytes, mode 0444

Objects are written to a temporary file and moved into place with
os.replace, so a reader never sees half an object, and are never rewritten:
storing bytes that are already there changes nothing. Every read checks the
hash again; `verify_all` checks the whole store (tampering, disk faults).

EvidenceError            base: a stable `code`
├── EvidenceMissing      no object under that hash (also a FileNotFoundError)
└── EvidenceCorrupt      the object no longer holds the bytes its name promises
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import zstandard

log = logging.getLogger(__name__)

COMPRESSION_LEVEL = 3
READ_ONLY = 0o444
_SUFFIX = ".zst"
_HEX64 = re.compile(r"[0-9a-f]{64}")

# Compressors and decompressors are not thread-safe; one each per thread.
_local = threading.local()


class EvidenceError(Exception):
    """Base of evidence-store failures; `code` is stable and machine-readable."""

    code = "evidence_error"


class EvidenceMissing(EvidenceError, FileNotFoundError):
    """No stored object has this hash: the store was moved, pruned or never written."""

    code = "evidence_missing"


class EvidenceCorrupt(EvidenceError):
    """A stored object does not decompress to bytes with the hash it is filed under."""

    code = "evidence_corrupt"


@dataclass(frozen=True)
class StoredBody:
    """Where a body was stored: its SHA-256 (hex), the object's path, its raw size."""

    sha256: str
    path: Path
    size: int


@dataclass(frozen=True)
class CorruptObject:
    """An object that failed verification, and why."""

    sha256: str
    path: Path
    reason: str


def default_root() -> Path:
    """Return the configured evidence folder (settings.EVIDENCE_DIR)."""
    from django.conf import settings

    return Path(settings.EVIDENCE_DIR)


def object_path(sha256: str, root: Path | None = None) -> Path:
    """Return where the object for a hash lives; raises ValueError for a bad hash."""
    if not _HEX64.fullmatch(sha256):
        raise ValueError(f"not a lower-case hex SHA-256: {sha256!r}")
    base = root if root is not None else default_root()
    return base / sha256[:2] / sha256[2:4] / f"{sha256}{_SUFFIX}"


def _compressor() -> zstandard.ZstdCompressor:
    """Return this thread's compressor."""
    if not hasattr(_local, "compressor"):
        _local.compressor = zstandard.ZstdCompressor(level=COMPRESSION_LEVEL)
    return _local.compressor


def _decompressor() -> zstandard.ZstdDecompressor:
    """Return this thread's decompressor."""
    if not hasattr(_local, "decompressor"):
        _local.decompressor = zstandard.ZstdDecompressor()
    return _local.decompressor


def store(body: bytes, root: Path | None = None) -> StoredBody:
    """Store raw bytes under their SHA-256 unless already there; return where."""
    sha256 = hashlib.sha256(body).hexdigest()
    path = object_path(sha256, root)
    if path.exists():
        return StoredBody(sha256, path, len(body))

    path.parent.mkdir(parents=True, exist_ok=True)
    compressed = _compressor().compress(body)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(compressed)
        os.chmod(tmp_name, READ_ONLY)
        # Two workers storing the same page race benignly: both files hold
        # the same bytes, and whichever replace lands last leaves them intact.
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return StoredBody(sha256, path, len(body))


def load(sha256: str, root: Path | None = None) -> bytes:
    """Return the stored bytes for a hash after checking they still have that hash."""
    path = object_path(sha256, root)
    try:
        compressed = path.read_bytes()
    except FileNotFoundError as exc:
        raise EvidenceMissing(f"证据文件不存在：{sha256}（{path}）") from exc
    return _checked(sha256, path, compressed)


def _checked(sha256: str, path: Path, compressed: bytes) -> bytes:
    """Return decompressed bytes, raising EvidenceCorrupt unless they hash to sha256."""
    try:
        body = _decompressor().decompress(compressed)
    except zstandard.ZstdError as exc:
        log.error("evidence unreadable sha256=%s path=%s", sha256, path)
        raise EvidenceCorrupt(f"证据文件已损坏，无法解压：{path}（{exc}）") from exc
    actual = hashlib.sha256(body).hexdigest()
    if actual != sha256:
        log.error("evidence hash mismatch sha256=%s actual=%s", sha256, actual)
        raise EvidenceCorrupt(
            f"证据文件内容与其 SHA-256 不符，可能被篡改：{path}"
            f"（应为 {sha256}，实为 {actual}）"
        )
    return body


def objects(root: Path) -> Iterator[tuple[str, Path]]:
    """Yield (hash, path) for every object in a store, in path order."""
    if not root.exists():
        return
    for path in sorted(root.glob(f"??/??/*{_SUFFIX}")):
        name = path.name[: -len(_SUFFIX)]
        if _HEX64.fullmatch(name):
            yield name, path


def verify_all(root: Path | None = None) -> list[CorruptObject]:
    """Return every object of a store whose bytes do not match its name."""
    base = root if root is not None else default_root()
    corrupt: list[CorruptObject] = []
    checked = 0
    for sha256, path in objects(base):
        checked += 1
        if path != object_path(sha256, base):
            corrupt.append(CorruptObject(sha256, path, "文件所在目录与其 SHA-256 不符"))
            continue
        try:
            _checked(sha256, path, path.read_bytes())
        except EvidenceCorrupt as exc:
            corrupt.append(CorruptObject(sha256, path, str(exc)))
        except OSError as exc:
            corrupt.append(CorruptObject(sha256, path, f"无法读取：{exc}"))
    log.info("evidence verified objects=%d corrupt=%d", checked, len(corrupt))
    return corrupt
