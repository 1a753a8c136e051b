"""Linking a watched site to the registered firm that runs it.

Plan 三(一) asks for the platforms behind the sites; a site nobody can tie to
a registered firm is itself a lead. The signals, strongest first:

1. ``uscc``: a unified social credit code on the pages is a registered firm;
2. ``icp``: an ICP filing number on the pages is, in the imported filing
   list, held by a registered firm (and filed for this domain, if the list
   names one: a number filed for another domain is borrowed, and noted);
3. ``website``: the site's host is a registered firm's website;
4. ``name``: a company name on the pages finds one firm through the registry
   matcher, by exact normalised name or as a clear winner (score of at least
   90 and ahead of the next by a margin).

The strongest signal present decides. Two different credit codes, or a
credit code and an ICP holder that disagree, make the site ambiguous: no firm
is linked and the candidates are kept for a person to choose, as when one
level names several firms. `choose_firm` is the pure decision over gathered
signals; `link_site` gathers them from the database and records the result
on the site, leaving a manual link alone.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from finsentry.patrol.facts import PageFacts, icp_base
from finsentry.patrol.models import IcpFiling, Site
from finsentry.registry import services
from finsentry.registry.matching import NameMatch
from finsentry.registry.models import Firm
from finsentry.registry.normalize import normalize_name

log = logging.getLogger(__name__)

NAME_MIN_SCORE = 90.0
NAME_MARGIN = 5.0
# Matcher answers asked for each page name; the second is needed for the margin.
NAME_MATCHES = 3
# Names looked up per site: the ones on most pages (footers) come first.
MAX_NAMES = 5

USCC, ICP, WEBSITE, NAME = "uscc", "icp", "website", "name"
LEVELS = (USCC, ICP, WEBSITE, NAME)
LEVEL_LABELS = {
    USCC: "页面信用代码",
    ICP: "ICP备案号",
    WEBSITE: "登记网址",
    NAME: "企业名称",
}


@dataclass(frozen=True)
class Candidate:
    """A registered firm one signal points at: how, and by what on the page.

    `detail` is the credit code, the filing number, the host or the page name
    that points at the firm; `name` is the firm's registered name.
    """

    uscc: str
    via: str
    detail: str
    name: str = ""
    score: float = 100.0

    def as_dict(self) -> dict[str, Any]:
        """Return the candidate as JSON-ready data, for Site.link_evidence."""
        return {
            "uscc": self.uscc,
            "name": self.name,
            "via": self.via,
            "detail": self.detail,
            "score": round(self.score, 1),
        }


@dataclass(frozen=True)
class LinkSignals:
    """Everything found for one site, already resolved against the registry.

    `name_matches` pairs each page name with the matcher's answers, best
    first; `notes` carries findings that link nothing but matter to a person
    (codes of no registered firm, filing numbers absent from the list or
    filed for another domain).
    """

    code_firms: tuple[Candidate, ...] = ()
    icp_firms: tuple[Candidate, ...] = ()
    website_firms: tuple[Candidate, ...] = ()
    name_matches: tuple[tuple[str, tuple[NameMatch, ...]], ...] = ()
    notes: Mapping[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class LinkDecision:
    """Which firm runs a site, by what method and evidence; None when unknown.

    `method` is a Site.LinkMethod value ('' when unlinked); `candidates`
    lists every firm any signal pointed at, strongest signal first, so an
    ambiguous site shows a person the choice.
    """

    firm_uscc: str | None
    method: str
    evidence: dict[str, Any]
    candidates: list[dict[str, Any]]

    @property
    def outcome(self) -> str:
        """Return 'linked', 'ambiguous' or 'unknown'."""
        return str(self.evidence.get("outcome", "unknown"))


def accept_name(page_name: str, matches: Sequence[NameMatch]) -> tuple[NameMatch, ...]:
    """Return the matches a page name clearly names: one, several equal, or none."""
    if not matches:
        return ()
    wanted = normalize_name(page_name)
    exact = tuple(m for m in matches if normalize_name(m.name) == wanted)
    if exact:
        return exact

    ranked = sorted(matches, key=lambda m: -m.score)
    best = ranked[0]
    runner_up = ranked[1].score if len(ranked) > 1 else 0.0
    if best.score >= NAME_MIN_SCORE and best.score - runner_up >= NAME_MARGIN:
        return (best,)
    return ()


def _name_candidates(signals: LinkSignals) -> tuple[Candidate, ...]:
    """Return a candidate for each firm a page name clearly names."""
    found = []
    for page_name, matches in signals.name_matches:
        for match in accept_name(page_name, matches):
            found.append(Candidate(match.key, NAME, page_name, match.name, match.score))
    return tuple(found)


def _firms(candidates: Iterable[Candidate]) -> list[str]:
    """Return the distinct credit codes of candidates, in order."""
    return list(dict.fromkeys(c.uscc for c in candidates))


def choose_firm(signals: LinkSignals) -> LinkDecision:
    """Return the firm the strongest signal names, or no firm when signals conflict."""
    by_level = {
        USCC: signals.code_firms,
        ICP: signals.icp_firms,
        WEBSITE: signals.website_firms,
        NAME: _name_candidates(signals),
    }
    every = [c for level in LEVELS for c in by_level[level]]
    codes, icps = _firms(by_level[USCC]), _firms(by_level[ICP])

    if len(codes) > 1:
        reason = "页面出现多个不同的登记企业信用代码"
        return _decision(None, USCC, reason, every, signals)
    if codes and icps and icps != codes:
        reason = "页面信用代码与ICP备案主办单位不一致"
        return _decision(None, USCC, reason, every, signals)
    for level in LEVELS:
        firms = _firms(by_level[level])
        if len(firms) == 1:
            return _decision(firms[0], level, "", every, signals)
        if len(firms) > 1:
            reason = f"{LEVEL_LABELS[level]}指向多个登记企业"
            return _decision(None, level, reason, every, signals)
    return _decision(None, "", "未找到可关联的登记企业", every, signals)


def _decision(
    uscc: str | None,
    level: str,
    reason: str,
    every: list[Candidate],
    signals: LinkSignals,
) -> LinkDecision:
    """Return a decision with its evidence, as Site.link_evidence stores it."""
    outcome = "linked" if uscc else "ambiguous" if level else "unknown"
    evidence: dict[str, Any] = {"outcome": outcome, "method": level if uscc else ""}
    if uscc:
        support = [c for c in every if c.uscc == uscc]
        evidence["uscc"] = uscc
        evidence["name"] = next((c.name for c in support if c.name), "")
        evidence["basis"] = [c.as_dict() for c in support]
        # Weaker signals naming another firm are worth a person's look.
        others = [c.as_dict() for c in every if c.uscc != uscc]
        if others:
            evidence["disagreeing"] = others
    else:
        evidence["reason"] = reason
    evidence.update({k: list(v) for k, v in signals.notes.items() if v})
    candidates = [c.as_dict() for c in every]
    return LinkDecision(uscc, level if uscc else "", evidence, candidates)


# ---- gathering signals from pages -----------------------------------------


def site_wide(values_per_page: Iterable[Iterable[str]], limit: int) -> list[str]:
    """Return values by the number of pages they are on, most first, then page order."""
    counts: Counter[str] = Counter()
    for values in values_per_page:
        counts.update(list(dict.fromkeys(values)))
    return [value for value, _ in counts.most_common(limit)]


def normalize_host(value: str) -> str:
    """Return the host of a URL or host name as sites are compared: lower case,
    without scheme, path, 'www.' or a default port."""
    text = value.strip().lower()
    if not text:
        return ""
    if "://" not in text:
        text = "http://" + text
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        return ""
    host = (parts.hostname or "").rstrip(".")
    host = host.removeprefix("www.")
    if host and not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            pass
    if port is not None and port not in (80, 443):
        return f"{host}:{port}"
    return host


def host_in_domain(host: str, domains: str) -> bool:
    """Return True when a site's host is one of a filing's domains (space-separated)
    or a sub-domain of one."""
    site = normalize_host(host)
    for domain in domains.split():
        filed = normalize_host(domain)
        if filed and (site == filed or site.endswith("." + filed)):
            return True
    return False


def merged_facts(pages: Sequence[PageFacts]) -> tuple[list[str], list[str], list[str]]:
    """Return the credit codes, ICP numbers and most site-wide names of a site."""
    codes = list(dict.fromkeys(c for page in pages for c in page.usccs))
    icps = list(dict.fromkeys(n for page in pages for n in page.icps))
    names = site_wide((page.company_names for page in pages), MAX_NAMES)
    return codes, icps, names


def icp_bases(numbers: Iterable[str]) -> list[str]:
    """Return the distinct filing numbers without site suffixes."""
    return list(dict.fromkeys(icp_base(n) for n in numbers))


# ---- database --------------------------------------------------------------

Websites = Mapping[str, Sequence[tuple[str, str]]]


def website_index() -> dict[str, list[tuple[str, str]]]:
    """Return registered websites as host -> [(credit code, name)], for many sites."""
    index: dict[str, list[tuple[str, str]]] = {}
    rows = Firm.objects.exclude(website="").values_list("uscc", "name", "website")
    for uscc, name, website in rows.iterator(chunk_size=20_000):
        host = normalize_host(website)
        if host:
            index.setdefault(host, []).append((uscc, name))
    return index


def gather_signals(
    host: str, pages: Sequence[PageFacts], websites: Websites | None = None
) -> LinkSignals:
    """Return a site's signals resolved against the registry and the ICP list."""
    codes, icps, names = merged_facts(pages)
    notes: dict[str, list[str]] = {}
    code_firms = _code_firms(codes, notes)
    icp_firms = _icp_firms(host, icps, notes)
    website_firms = _website_firms(host, websites)

    name_matches: tuple[tuple[str, tuple[NameMatch, ...]], ...] = ()
    # The matcher costs milliseconds a name: ask it only when nothing stronger
    # has spoken.
    if not (code_firms or icp_firms or website_firms):
        name_matches = tuple(
            (name, tuple(services.match_firms(name, NAME_MATCHES))) for name in names
        )
    return LinkSignals(code_firms, icp_firms, website_firms, name_matches, notes)


def _code_firms(codes: list[str], notes: dict[str, list[str]]) -> tuple[Candidate, ...]:
    """Return the registered firms among the codes; note the others."""
    registered = dict(Firm.objects.filter(uscc__in=codes).values_list("uscc", "name"))
    unregistered = [c for c in codes if c not in registered]
    if unregistered:
        notes["usccs_unregistered"] = unregistered
    return tuple(Candidate(c, USCC, c, registered[c]) for c in codes if c in registered)


def _icp_firms(
    host: str, numbers: list[str], notes: dict[str, list[str]]
) -> tuple[Candidate, ...]:
    """Return the registered holders of the filings on the pages; note the misfits."""
    bases = icp_bases(numbers)
    filings: dict[str, list[IcpFiling]] = {}
    for filing in IcpFiling.objects.filter(base__in=bases).order_by("number"):
        filings.setdefault(filing.base, []).append(filing)
    unfiled = [b for b in bases if b not in filings]
    if unfiled:
        notes["icps_unfiled"] = unfiled

    usable: list[IcpFiling] = []
    for base, rows in filings.items():
        fitting = [r for r in rows if r.domain and host_in_domain(host, r.domain)]
        undomained = [r for r in rows if not r.domain]
        if fitting or undomained:
            usable += fitting or undomained
        else:
            # A number filed for another domain: borrowed or faked (a lead).
            domains = "、".join(sorted({r.domain for r in rows}))
            notes.setdefault("icps_other_domain", []).append(f"{base}（{domains}）")
    return _holders(usable, notes)


def _holders(
    filings: list[IcpFiling], notes: dict[str, list[str]]
) -> tuple[Candidate, ...]:
    """Return the registered firm holding each filing, by credit code or exact name."""
    codes = [f.holder_uscc for f in filings if f.holder_uscc]
    registered = dict(Firm.objects.filter(uscc__in=codes).values_list("uscc", "name"))
    found = []
    for filing in filings:
        if filing.holder_uscc in registered:
            name = registered[filing.holder_uscc]
            found.append(Candidate(filing.holder_uscc, ICP, filing.number, name))
            continue
        if not filing.holder_uscc and filing.holder_name:
            wanted = normalize_name(filing.holder_name)
            for match in services.match_firms(filing.holder_name, NAME_MATCHES):
                if normalize_name(match.name) == wanted:
                    found.append(Candidate(match.key, ICP, filing.number, match.name))
                    break
            else:
                notes.setdefault("icp_holders_unregistered", []).append(
                    filing.holder_name
                )
            continue
        holder = filing.holder_uscc or filing.holder_name
        notes.setdefault("icp_holders_unregistered", []).append(holder)
    return tuple(found)


def _website_firms(host: str, websites: Websites | None) -> tuple[Candidate, ...]:
    """Return the firms whose registered website is this host."""
    target = normalize_host(host)
    if not target:
        return ()
    if websites is not None:
        owners = list(websites.get(target, ()))
    else:
        bare = target.split(":", 1)[0]
        rows = Firm.objects.filter(website__icontains=bare).values_list(
            "uscc", "name", "website"
        )
        owners = [(u, n) for u, n, w in rows if normalize_host(w) == target]
    return tuple(Candidate(uscc, WEBSITE, target, name) for uscc, name in owners)


def link_site(
    site: Site, pages_facts: Sequence[PageFacts], websites: Websites | None = None
) -> LinkDecision:
    """Decide which firm runs a site from its pages and record it on the site,
    unless a person linked it by hand; return the decision either way."""
    decision = choose_firm(gather_signals(site.host, pages_facts, websites))
    if site.link_method == Site.LinkMethod.MANUAL:
        log.info("site link manual kept site=%s", site.pk)
        return decision
    if decision.outcome == "unknown" and site.firm_id is not None:
        # A site that went dark, or scrubbed its footer, shows nothing: that
        # unsays no earlier link. Only a conflicting or different signal does.
        log.info("site link kept without signals site=%s", site.pk)
        return decision

    firm = None
    if decision.firm_uscc is not None:
        firm = Firm.objects.filter(uscc=decision.firm_uscc).first()
    site.firm = firm
    site.link_method = decision.method if firm is not None else ""
    site.link_evidence = {**decision.evidence, "candidates": decision.candidates}
    site.save(update_fields=["firm", "link_method", "link_evidence"])
    log.info(
        "site linked site=%s outcome=%s method=%s firm=%s",
        site.pk,
        decision.outcome,
        decision.method,
        decision.firm_uscc,
    )
    return decision
