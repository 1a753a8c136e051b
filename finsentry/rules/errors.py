"""Failures of the rules app.

RulesError               base: a stable `code`, a Chinese message for people
└── RulePackError        a rule pack is not valid YAML, breaks the schema, or
                         holds a pattern the scanner cannot compile
"""


class RulesError(Exception):
    """Base of rules failures; `code` is stable and machine-readable."""

    code = "rules_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class RulePackError(RulesError):
    """A rule pack failed validation; names the pack source, rule id and field."""

    code = "rule_pack_invalid"

    def __init__(
        self,
        source: str,
        message: str,
        rule: str | None = None,
        field: str | None = None,
    ) -> None:
        where = [source]
        if rule:
            where.append(f"规则 {rule}")
        if field:
            where.append(f"字段 {field}")
        super().__init__(f"{'，'.join(where)}：{message}")
        self.source = source
        self.rule = rule
        self.field = field
