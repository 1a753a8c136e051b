"""Rule packs: the packaged ones load, and broken ones are refused clearly."""

import pytest

from finsentry.rules.catalogue import catalogue
from finsentry.rules.errors import RulePackError
from finsentry.rules.packs import merge_packs, packaged_packs, parse_pack
from finsentry.rules.ruleset import compile_packs

REQUIRED = (
    "P2P-01 P2P-05 P2P-07 P2P-08 P2P-10 P2P-13 P2P-14 P2P-15 P2P-16 P2P-17 "
    "EC-03 EC-04 EC-07 INS-01 INS-05 AM-01 AM-04 PAY-04 RE-01 RE-02 AD-01 AD-02 "
    "MKT-01 MKT-02"
).split()

GOOD = """
pack: demo
version: "1.0"
scope: [p2p]
rules:
  - id: demo-pool
    code: P2P-01
    phrases: [资金池]
    exclude:
      - before: 4
        phrases: [不设]
"""


def test_packaged_packs_cover_every_required_code() -> None:
    covered = {rule.code for pack in packaged_packs() for rule in pack.rules}
    assert set(REQUIRED) <= covered
    assert covered <= set(catalogue().violations)


def test_every_packaged_rule_names_its_pack_version() -> None:
    for pack in packaged_packs():
        assert pack.version
        for rule in pack.rules:
            assert rule.rule_version == f"{pack.name}@{pack.version}"


def test_a_valid_pack_parses_with_inherited_defaults() -> None:
    pack = parse_pack(GOOD, "demo.yaml")
    (rule,) = pack.rules
    assert (pack.name, pack.version, rule.scope) == ("demo", "1.0", ("p2p",))
    assert rule.exclude[0].phrases == ("不设",)


@pytest.mark.parametrize(
    ("broken", "rule", "field", "words"),
    [
        (GOOD.replace('"1.0"', "1.0"), None, "version", "字符串"),
        (GOOD.replace("code: P2P-01", "code: P2P-99"), "demo-pool", "code", "P2P-99"),
        (
            GOOD.replace("phrases: [资金池]", "phrase: [资金池]"),
            "demo-pool",
            "phrase",
            "未知字段",
        ),
        (
            GOOD.replace("phrases: [资金池]", "patterns: ['资金(?=池)']"),
            "demo-pool",
            "patterns[0]",
            "hyperscan",
        ),
        (
            GOOD.replace("phrases: [资金池]", "patterns: ['(资金)\\1']"),
            "demo-pool",
            "patterns[0]",
            "hyperscan",
        ),
        (GOOD.replace("scope: [p2p]", "scope: [lending]"), None, "scope", "lending"),
        (
            GOOD.replace("before: 4", "before: 0"),
            "demo-pool",
            "exclude[0].before",
            "1 到",
        ),
        (
            GOOD.replace(
                "      - before: 4\n", "      - before: 4\n        after: 2\n"
            ),
            "demo-pool",
            "exclude[0]",
            "之一",
        ),
        (
            GOOD.replace(
                "    phrases: [资金池]\n", "    phrases: [资金池]\n    yield_above: 2\n"
            ),
            "demo-pool",
            "yield_above",
            "不能",
        ),
        (
            GOOD.replace(
                "    phrases: [资金池]\n",
                "    phrases: [资金池]\n    unless_licensed: [casino]\n",
            ),
            "demo-pool",
            "unless_licensed",
            "casino",
        ),
        (GOOD.replace("    phrases: [资金池]\n", ""), "demo-pool", "phrases", "至少"),
    ],
)
def test_broken_packs_are_refused_naming_rule_and_field(
    broken: str, rule: str | None, field: str, words: str
) -> None:
    with pytest.raises(RulePackError) as caught:
        parse_pack(broken, "demo.yaml")
    error = caught.value
    assert (error.source, error.rule, error.field) == ("demo.yaml", rule, field)
    assert "demo.yaml" in error.message and words in error.message


def test_yaml_syntax_errors_name_the_source() -> None:
    with pytest.raises(RulePackError, match="edited.yaml.*YAML"):
        parse_pack("pack: [unclosed", "edited.yaml")


def test_duplicate_rule_ids_are_refused() -> None:
    twice = GOOD + GOOD.split("rules:\n")[1]
    with pytest.raises(RulePackError, match="重复"):
        parse_pack(twice, "demo.yaml")


def test_rule_ids_must_be_unique_across_packs() -> None:
    pack = parse_pack(GOOD.replace("demo-pool", "p2p-fund-pool-word"), "db:demo")
    with pytest.raises(RulePackError, match="p2p-fund-pool-word"):
        compile_packs([*packaged_packs(), pack])


def test_an_override_replaces_the_packaged_pack_of_its_name() -> None:
    override = parse_pack(GOOD.replace("pack: demo", "pack: p2p"), "db:p2p")
    merged = merge_packs(packaged_packs(), [override])
    assert [p for p in merged if p.name == "p2p"] == [override]
    assert len(merged) == len(packaged_packs())


def test_every_packaged_pattern_compiles_alone() -> None:
    from finsentry.rules.packs import packaged_pack_texts

    for name, text in packaged_pack_texts().items():
        parse_pack(text, name, check_patterns=True)
