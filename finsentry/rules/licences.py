"""Whether a page's operator is a licensed institution, for licence-bound rules.

PAY-04 (unlicensed payment business) and AD-02 (advertising finance without
a licence) depend on who runs the page: a bank offering POS acquiring is
lawful, an information company offering it is not. `page_licences` applies
the registry's recognition (`recognise_licensed`: banks, rural credit
cooperatives, insurers, securities, futures and public fund companies by
their name forms) to the operator's names found on the page, and optionally
an imported licence list.

A page names other firms too (its custody bank, partners): when the text is
given, the operator is taken to be the firm named next to the copyright or
sponsor line (版权所有, ©, 主办, 运营), and only when there is no such line are
all names used. A payment institution is never recognisable by name, so a
page's own statement that it holds the 支付业务许可证 counts as its claim.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from finsentry.registry.licensing import (
    LICENCE_KINDS,
    LicenceIndex,
    LicenceMatch,
    recognise_licensed,
)
from finsentry.registry.normalize import normalize_name

_OPERATOR_CUES = re.compile(
    r"版权所有|©|\(c\)|Copyright|copyright|COPYRIGHT|主办单位|主办方|主办|运营主体|运营方|"
    r"运营单位|本网站由|网站所有者"
)
# How far from a cue the operator's name may sit, and how much text around
# a name stands in for its business scope in licence recognition.
_CUE_REACH = 40
_SCOPE_REACH = 200
_PAYMENT_LICENCE = re.compile(r"支付业务许可证")
_PAYMENT_DENIED = (
    "未取得",
    "未获得",
    "没有",
    "无",
    "未持有",
    "不具备",
    "尚未",
    "申请中",
)


def operator_names(text: str, company_names: Iterable[str]) -> list[str]:
    """Return the names of the page's operator: those next to a copyright line."""
    names = [n for n in dict.fromkeys(company_names) if n]
    if not text or len(names) <= 1:
        return names
    chosen: list[str] = []
    for cue in _OPERATOR_CUES.finditer(text):
        best: tuple[int, str] | None = None
        for name in names:
            distance = _distance(text, name, cue.start(), cue.end())
            if distance is not None and (best is None or distance < best[0]):
                best = (distance, name)
        if best is not None and best[1] not in chosen:
            chosen.append(best[1])
    return chosen or names


def _distance(text: str, name: str, cue_start: int, cue_end: int) -> int | None:
    """Return how close `name` sits to a cue (before or after), or None if far."""
    after = text.find(name, cue_end, cue_end + _CUE_REACH + len(name))
    before = text.rfind(name, max(0, cue_start - _CUE_REACH - len(name)), cue_start)
    gaps = []
    if after != -1:
        gaps.append(after - cue_end)
    if before != -1:
        gaps.append(cue_start - (before + len(name)))
    return min(gaps) if gaps else None


def page_licences(
    company_names: Iterable[str],
    *,
    text: str = "",
    index: LicenceIndex | None = None,
    codes: Iterable[str] = (),
) -> list[LicenceMatch]:
    """Return the licences the page's operator holds, as far as the page shows."""
    found: list[LicenceMatch] = []
    for name in operator_names(text, company_names):
        match = recognise_licensed(normalize_name(name), _scope_near(text, name))
        if match is not None:
            found.append(match)
        elif index is not None:
            entry = index.lookup("", name)
            if entry is not None:
                label = LICENCE_KINDS[entry.kind]
                found.append(LicenceMatch(entry.kind, label, entry.name, "list"))
    if index is not None:
        for code in codes:
            entry = index.lookup(code, "")
            if entry is not None:
                label = LICENCE_KINDS[entry.kind]
                found.append(LicenceMatch(entry.kind, label, entry.name, "list"))
    claim = _payment_claim(text)
    if claim is not None:
        found.append(claim)
    return found


def _scope_near(text: str, name: str) -> str:
    """Return the page text around the first mention of `name`, as scope evidence."""
    at = text.find(name) if text else -1
    if at == -1:
        return ""
    return text[max(0, at - _SCOPE_REACH) : at + len(name) + _SCOPE_REACH]


def _payment_claim(text: str) -> LicenceMatch | None:
    """Return a payment licence the page says its operator holds, or None."""
    for match in _PAYMENT_LICENCE.finditer(text):
        before = text[max(0, match.start() - 8) : match.start()]
        if any(word in before for word in _PAYMENT_DENIED):
            continue
        evidence = text[max(0, match.start() - 20) : match.end() + 20]
        return LicenceMatch("payment", LICENCE_KINDS["payment"], evidence, "page")
    return None
