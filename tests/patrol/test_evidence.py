"""The evidence store: content-addressed, compressed, immutable, checked on read."""

import hashlib
import os
import stat
from pathlib import Path

import pytest
import zstandard

from finsentry.patrol import evidence
from finsentry.patrol.evidence import EvidenceCorrupt, EvidenceMissing

BODY = "<html><body>年化收益率18%，保本保息</body></html>".encode("gbk") * 50


def test_store_names_object_by_hash_and_compresses(tmp_path: Path) -> None:
    stored = evidence.store(BODY, root=tmp_path)

    assert stored.sha256 == hashlib.sha256(BODY).hexdigest()
    assert stored.size == len(BODY)
    assert stored.path == tmp_path / stored.sha256[:2] / stored.sha256[2:4] / (
        stored.sha256 + ".zst"
    )
    assert stored.path.stat().st_size < len(BODY) / 5
    assert zstandard.ZstdDecompressor().decompress(stored.path.read_bytes()) == BODY


def test_stored_object_is_read_only_and_loads_back(tmp_path: Path) -> None:
    stored = evidence.store(BODY, root=tmp_path)

    mode = stat.S_IMODE(stored.path.stat().st_mode)
    assert mode == 0o444
    assert evidence.load(stored.sha256, root=tmp_path) == BODY


def test_storing_again_does_not_rewrite(tmp_path: Path) -> None:
    first = evidence.store(BODY, root=tmp_path)
    before = first.path.stat()

    second = evidence.store(BODY, root=tmp_path)

    after = second.path.stat()
    assert second == first
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert [p.name for p in first.path.parent.iterdir()] == [first.path.name]


def test_empty_body_is_stored(tmp_path: Path) -> None:
    stored = evidence.store(b"", root=tmp_path)

    assert evidence.load(stored.sha256, root=tmp_path) == b""


def test_tampered_object_is_refused_on_read(tmp_path: Path) -> None:
    stored = evidence.store(BODY, root=tmp_path)
    forged = zstandard.ZstdCompressor().compress(BODY.replace(b"18%", b"08%"))
    os.chmod(stored.path, 0o644)
    stored.path.write_bytes(forged)

    with pytest.raises(EvidenceCorrupt, match="篡改"):
        evidence.load(stored.sha256, root=tmp_path)


def test_damaged_object_is_refused_on_read(tmp_path: Path) -> None:
    stored = evidence.store(BODY, root=tmp_path)
    os.chmod(stored.path, 0o644)
    stored.path.write_bytes(stored.path.read_bytes()[:20])

    with pytest.raises(EvidenceCorrupt, match="无法解压"):
        evidence.load(stored.sha256, root=tmp_path)


def test_missing_object_is_a_file_not_found(tmp_path: Path) -> None:
    absent = hashlib.sha256(b"never stored").hexdigest()

    with pytest.raises(EvidenceMissing) as caught:
        evidence.load(absent, root=tmp_path)
    assert isinstance(caught.value, FileNotFoundError)
    assert caught.value.code == "evidence_missing"


@pytest.mark.parametrize("name", ["../../etc/passwd", "ABC", "0" * 63, "G" * 64])
def test_malformed_hash_is_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError):
        evidence.load(name, root=tmp_path)


def test_verify_all_lists_only_corrupt_objects(tmp_path: Path) -> None:
    good = evidence.store(b"good page", root=tmp_path)
    tampered = evidence.store(b"tampered page", root=tmp_path)
    moved = evidence.store(b"moved page", root=tmp_path)
    os.chmod(tampered.path, 0o644)
    tampered.path.write_bytes(zstandard.ZstdCompressor().compress(b"other"))
    elsewhere = tmp_path / "00" / "00" / moved.path.name
    elsewhere.parent.mkdir(parents=True)
    moved.path.rename(elsewhere)

    corrupt = evidence.verify_all(tmp_path)

    assert {(c.sha256, c.path) for c in corrupt} == {
        (tampered.sha256, tampered.path),
        (moved.sha256, elsewhere),
    }
    assert good.sha256 not in {c.sha256 for c in corrupt}


def test_verify_all_on_an_absent_store_is_empty(tmp_path: Path) -> None:
    assert evidence.verify_all(tmp_path / "nothing") == []


def test_default_root_is_the_configured_evidence_dir(tmp_path: Path, settings) -> None:
    settings.EVIDENCE_DIR = tmp_path / "evidence"

    stored = evidence.store(BODY)

    assert stored.path.is_relative_to(tmp_path / "evidence")
    assert evidence.load(stored.sha256) == BODY
