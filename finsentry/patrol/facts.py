"""Facts on a page that tell who runs the site: codes, filings, phones, names.

Chinese sites put them in the footer: 版权所有：某某有限公司, 统一社会信用代码,
吉ICP备…号, 客服电话, 地址. `find_facts` reads them from the visible text in the
forms sites write them (full-width digits, lower-case codes, spaces inside
phone numbers) and gives each in one normal form, so that pages and registry
records compare by equality:

* credit codes upper-cased and checked (GB 32100-2015, `registry.uscc`);
* ICP numbers as ``吉ICP备12345678号`` or ``吉ICP备12345678号-1`` (the suffix
  numbers the sites under one filing), licences as ``京ICP证030173号``;
* phones as digits: ``13912345678``, ``0431-88888888``, ``4008001234``;
* company names with full-width brackets, as registries write them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from finsentry.registry.uscc import CODE_LENGTH, code_problem

# Province abbreviations used in ICP filing numbers (MIIT assigns by province).
ICP_PROVINCES = (
    "京津冀晋蒙辽吉黑沪苏浙皖闽赣鲁豫鄂湘粤桂琼渝川蜀黔贵滇云藏陕秦甘陇青宁新"
)

# Searched as one range (faster), folded only where a digit or letter is hit.
_FULLWIDTH_RANGE = re.compile("[\uff10-\uff5a]")
_FULLWIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]+")
_FULLWIDTH_SHIFT = 0xFEE0

# Runs longer than 18 are order numbers and the like; filtered after the scan.
_USCC = re.compile(r"[0-9A-Za-z]{18,}")
_ICP = re.compile(
    rf"([{ICP_PROVINCES}])\s*ICP\s*([备证])\s*(?:字\s*)?(?:第\s*)?([0-9]{{5,12}})\s*号?"
    r"(?:\s*[-－]\s*([0-9]{1,3})(?![0-9]))?",
    re.IGNORECASE,
)

# One scan finds every phone-shaped run, the exact forms below then classify
# it: a pattern that opens with one character class lets the regex engine
# skip ahead, five times faster here than opening with the alternatives.
_PHONE_RUN = re.compile(
    r"[0-9(（][0-9]{2,4}[)）]?[-－ ]?[0-9]{3,4}[-－ ]?[0-9]{4}(?![0-9])"
)
_MOBILE = re.compile(r"(1[3-9][0-9])[-－ ]?([0-9]{4})[-－ ]?([0-9]{4})")
_SERVICE = re.compile(r"([48]00)[-－ ]?([0-9]{3})[-－ ]?([0-9]{4})")
# Area codes: 010 and 02x have three digits, the rest four (GB/T 13999).
_AREA_CODE = r"0(?:10|2[0-9]|[3-9][0-9]{2})"
_LANDLINE = re.compile(
    rf"[(（]?({_AREA_CODE})[)）]?[-－ ]?([2-9][0-9]{{2,3}})[-－ ]?([0-9]{{4}})"
)

_NAME_CHAR = r"[\u4e00-\u9fff()（）A-Za-z0-9·]"
_NAME_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "合伙企业（有限合伙）",
    "合伙企业（普通合伙）",
    "合伙企业",
    "专业合作社",
    "合作社",
    "事务所",
    "分公司",
    "分行",
    "支行",
    "营业部",
)
_MAX_NAME_BODY = 40
# Forms are found first and names read backwards from them: a scan for
# "name characters then a form" would backtrack at every character.
_FORM = re.compile("|".join(_NAME_FORMS).replace("（", "[(（]").replace("）", "[)）]"))
_BODY_BEFORE_FORM = re.compile(f"{_NAME_CHAR}{{2,{_MAX_NAME_BODY}}}\\Z")
# A branch's name holds its parent's: 某某有限公司长春分公司 is one name.
_BRANCH_FORMS = frozenset({"分公司", "分行", "支行", "营业部"})
# Words that run into a name on a page without punctuation between them.
_NAME_NOISE = (
    "版权所有",
    "版权归",
    "版权",
    "所有",
    "主办单位",
    "主办",
    "承办单位",
    "运营单位",
    "运营主体",
    "运营方",
    "运营",
    "公司名称",
    "单位名称",
    "企业名称",
    "名称",
    "开户名称",
    "开户名",
    "户名",
    "收款单位",
    "以下简称",
    "简称",
    "欢迎访问",
    "欢迎光临",
    "欢迎来到",
    "本网站由",
    "本站由",
    "关于",
    "copyright",
    "Copyright",
    "COPYRIGHT",
)
# Function words that never sit inside a registered name (在, 向, 对 do:
# 百度在线, 向阳, 对外贸易).
_NAME_BREAKS = "的是由与及被请"
# The firm that built the site is named in footers too; it does not run it.
_BUILDER_WORDS = "技术支持|网站建设|网站设计|网站制作|建站|设计制作|网站维护"
_BUILDER_BEFORE = re.compile(rf"(?:{_BUILDER_WORDS})\W{{0,3}}$")
_BUILDER_START = re.compile(rf"^(?:{_BUILDER_WORDS})")
_GENERIC_BODIES = frozenset({"有限", "股份", "本", "该", "贵", "子", "母", "控股"})
_MIN_NAME_BODY = 4

_PROVINCE = (
    "北京|天津|上海|重庆|河北|山西|辽宁|吉林|黑龙江|江苏|浙江|安徽|福建|江西|山东|"
    "河南|湖北|湖南|广东|海南|四川|贵州|云南|陕西|甘肃|青海|台湾|内蒙古|广西|西藏|"
    "宁夏|新疆"
)
_ADDRESS = re.compile(
    rf"(?:(?:{_PROVINCE})(?:省|市|自治区|壮族自治区|回族自治区|维吾尔自治区)"
    r"(?:[\u4e00-\u9fff]{1,8}?(?:市|州|盟|地区))?"
    r"|[\u4e00-\u9fff]{2,4}?(?:市|自治州))"
    r"[\u4e00-\u9fff0-9A-Za-z（）()#·\-]{2,50}?[0-9]+[号號]"
    r"(?:[\u4e00-\u9fff0-9A-Za-z\-]{0,20}[0-9]+(?:室|层|楼|号|座|单元))?"
)
# 地址 and its kin run into a city name when the page omits the colon.
_ADDRESS_LABEL = re.compile("地址|住所地?|所在地")
# A street address names a district, county, road, town or village.
_ADDRESS_PLACE = re.compile("[区县旗路街道巷镇乡村]")
_MIN_ADDRESS, _MAX_ADDRESS = 8, 80


FACT_KINDS = ("usccs", "icps", "phones", "company_names", "addresses")


@dataclass(frozen=True)
class PageFacts:
    """What a page says about who runs it, each kind de-duplicated in page order."""

    usccs: tuple[str, ...] = ()
    icps: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    company_names: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, list[str]]:
        """Return the facts as JSON-ready lists, for Snapshot.facts."""
        return {kind: list(getattr(self, kind)) for kind in FACT_KINDS}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PageFacts:
        """Return the facts stored by `as_dict`; unknown keys are ignored."""
        values = {k: tuple(str(v) for v in data.get(k) or ()) for k in FACT_KINDS}
        return cls(**values)


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    """Return the values without repeats, in first-seen order."""
    return tuple(dict.fromkeys(v for v in values if v))


def find_facts(text: str) -> PageFacts:
    """Return the credit codes, ICP numbers, phones, names and addresses in a text."""
    text = fold_fullwidth(text)
    return PageFacts(
        usccs=_unique(find_usccs(text)),
        icps=_unique(find_icps(text)),
        phones=_unique(find_phones(text)),
        company_names=_unique(find_company_names(text)),
        addresses=_unique(find_addresses(text)),
    )


def fold_fullwidth(text: str) -> str:
    """Return a text with full-width digits and Latin letters made ASCII."""
    # Only these change what the patterns read; full NFKC would also fold
    # every ，and ：, costing a millisecond a page for nothing.
    if _FULLWIDTH_RANGE.search(text) is None:
        return text
    return _FULLWIDTH_ALNUM.sub(_to_ascii, text)


def _to_ascii(match: re.Match[str]) -> str:
    """Return a run of full-width digits and letters as ASCII."""
    return "".join(chr(ord(ch) - _FULLWIDTH_SHIFT) for ch in match.group())


def find_usccs(text: str) -> Iterator[str]:
    """Yield the valid unified social credit codes in a text, upper-cased."""
    for match in _USCC.finditer(text):
        code = match.group().upper()
        if len(code) == CODE_LENGTH and code_problem(code) is None:
            yield code


def normalize_icp(raw: str) -> str | None:
    """Return an ICP filing or licence number in normal form, None if it is none."""
    found = _ICP.search(fold_fullwidth(raw))
    return _icp_text(found) if found else None


def icp_base(number: str) -> str:
    """Return the filing number without the site suffix: 吉ICP备12345678号-2 -> …号."""
    return number.split("-", 1)[0]


def _icp_text(found: re.Match[str]) -> str:
    """Return the normal form of one ICP match."""
    province, kind, digits, site = found.groups()
    base = f"{province}ICP{kind}{digits}号"
    return f"{base}-{int(site)}" if site else base


def find_icps(text: str) -> Iterator[str]:
    """Yield the ICP filing and licence numbers in a text, in normal form."""
    for found in _ICP.finditer(text):
        yield _icp_text(found)


def find_phones(text: str) -> Iterator[str]:
    """Yield mobile, landline and 400/800 numbers in a text, in page order."""
    for run in _PHONE_RUN.finditer(text):
        start = run.start()
        if start and text[start - 1] in "0123456789-－":
            continue  # the tail of a longer number
        digits = run.group()
        if found := _SERVICE.fullmatch(digits):
            yield "".join(found.groups())
        elif found := _MOBILE.fullmatch(digits):
            yield "".join(found.groups())
        elif found := _LANDLINE.fullmatch(digits):
            area, head, tail = found.groups()
            yield f"{area}-{head}{tail}"


def find_company_names(text: str) -> Iterator[str]:
    """Yield the company names in a text, trimmed of the words that run into them."""
    previous_end = 0
    for form in _FORM.finditer(text):
        start, end = form.span()
        # 甲有限公司乙有限公司 are two names; a branch reaches back over its parent.
        floor = 0 if form.group() in _BRANCH_FORMS else previous_end
        previous_end = end
        body = _BODY_BEFORE_FORM.search(text, max(floor, start - _MAX_NAME_BODY), start)
        if body is None:
            continue
        before = max(0, body.start() - 12)
        if _BUILDER_BEFORE.search(text, before, body.start()):
            continue
        if _BUILDER_START.match(body.group()):
            continue
        name = _trim_name(body.group(), form.group())
        if name is not None:
            yield name


def _trim_name(body: str, form: str) -> str | None:
    """Return a name without leading noise and stray brackets, None if none is left."""
    # Years run into names: ©2016长春某某有限公司.
    body = _balance_brackets(body).lstrip("()（）·0123456789")
    body = _strip_noise(body)
    cut = max(body.rfind(ch) for ch in _NAME_BREAKS)
    if cut >= 0:
        body = _strip_noise(body[cut + 1 :])
    if len(body) < _MIN_NAME_BODY or body in _GENERIC_BODIES:
        return None
    return (body + form).replace("(", "（").replace(")", "）")


def _strip_noise(body: str) -> str:
    """Return a name body without the page words that run into its start."""
    changed = True
    while changed:
        changed = False
        for noise in _NAME_NOISE:
            if body.startswith(noise):
                body = body[len(noise) :]
                changed = True
    return body


def _balance_brackets(body: str) -> str:
    """Return a name body cut after an opening bracket that is never closed."""
    depth = 0
    last_open = -1
    for i, ch in enumerate(body):
        if ch in "(（":
            depth += 1
            last_open = i
        elif ch in ")）":
            if depth == 0:
                return _balance_brackets(body[i + 1 :])
            depth -= 1
    return body[last_open + 1 :] if depth else body


def find_addresses(text: str) -> Iterator[str]:
    """Yield street addresses (…省…市…号, …市…区…路…号) of reasonable length."""
    for line in text.splitlines():
        if "号" not in line and "號" not in line:
            continue
        for match in _ADDRESS.finditer(line):
            address = match.group()
            label = _ADDRESS_LABEL.search(address, 0, 8)
            if label:
                address = address[label.end() :]
            if not _MIN_ADDRESS <= len(address) <= _MAX_ADDRESS:
                continue
            if _ADDRESS_PLACE.search(address):
                yield address
