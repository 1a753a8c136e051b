"""Registry queries and writes that other apps and the console commands call."""

import logging
import threading
from pathlib import Path

from django.conf import settings

from finsentry.registry.licensing import LicenceIndex
from finsentry.registry.matching import NameIndex, NameMatch
from finsentry.registry.models import Firm, LicenceEntry, ScreeningWord
from finsentry.registry.pipeline import Screener
from finsentry.registry.screening import WordList

log = logging.getLogger(__name__)

_index_lock = threading.Lock()
_index: NameIndex | None = None


def active_wordlist() -> WordList:
    """Return the staff-edited word list from the database, or the packaged default."""
    rows = list(
        ScreeningWord.objects.filter(active=True).values_list(
            "word", "domain", "lists", "role", "updated_at"
        )
    )
    if not rows:
        return WordList.default()
    newest = max(r[4] for r in rows)
    version = f"db-{newest:%Y%m%d%H%M%S}"
    finance = [
        (word, tuple(x for x in lists.split(";") if x) or ("staff",), domain)
        for word, domain, lists, role, _ in rows
        if role == "finance"
    ]
    context = [word for word, _, _, role, _ in rows if role == "real_estate"]
    return WordList.from_entries(finance, version, context)


def seed_words() -> int:
    """Copy the packaged words into the editable table when it is empty; return rows."""
    if ScreeningWord.objects.exists():
        return 0
    words = WordList.default()
    rows = [
        ScreeningWord(word=e.word, domain=e.domain, lists=";".join(e.lists))
        for e in words.entries
    ]
    rows += [
        ScreeningWord(
            word=w, domain="real_estate", lists="real_estate", role="real_estate"
        )
        for w in words.real_estate_words
    ]
    ScreeningWord.objects.bulk_create(rows)
    return len(rows)


def licence_index() -> LicenceIndex | None:
    """Return the imported licence list as an index, or None when none was imported."""
    entries = LicenceEntry.objects.values_list("uscc", "name", "kind")
    if not entries.exists():
        return None
    return LicenceIndex.from_entries(entries.iterator())


def screener() -> Screener:
    """Return the screener the database's word list and licence list define."""
    return Screener(active_wordlist(), licence_index())


def index_path() -> Path:
    """Return where the name-matching index is kept between runs."""
    return Path(settings.DATA_DIR) / "name-index.npz"


def name_index(rebuild: bool = False) -> NameIndex:
    """Return the name index, loading it from disk or building it from the firms."""
    global _index
    with _index_lock:
        if _index is not None and not rebuild:
            return _index
        path = index_path()
        if path.exists() and not rebuild:
            try:
                _index = NameIndex.load(path)
                return _index
            except (ValueError, OSError) as exc:
                # An index saved by another version is rebuilt, not trusted.
                log.warning("name index unreadable path=%s error=%s", path, exc)
        firms = Firm.objects.values_list("uscc", "name").iterator(chunk_size=20_000)
        _index = NameIndex.build(firms)
        _index.save(path)
        log.info("name index built firms=%d", len(_index))
        return _index


def refresh_name_index(changed: list[tuple[str, str]]) -> None:
    """Bring the saved name index up to date after an import changed these firms."""
    index = name_index()
    if len(changed) > max(10_000, len(index) // 10):
        name_index(rebuild=True)
        return
    with _index_lock:
        for key, name in changed:
            index.add(key, name)
        index.save(index_path())


def match_firms(query: str, limit: int = 10) -> list[NameMatch]:
    """Return the registered firms a loose name most likely refers to, best first."""
    index = name_index()
    # The index is not safe to read while an import adds to it.
    with _index_lock:
        return index.search(query, limit=limit)
