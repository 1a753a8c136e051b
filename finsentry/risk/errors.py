"""Failures of the risk app.

RiskError                base: a stable `code`, a Chinese message for people
├── WeightsError         a weights YAML is not valid or breaks the schema
└── LabelsError          an evaluation labels file cannot be read
"""


class RiskError(Exception):
    """Base of risk failures; `code` is stable and machine-readable."""

    code = "risk_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class WeightsError(RiskError):
    """A weights document failed validation; names its source and the field."""

    code = "weights_invalid"

    def __init__(self, source: str, message: str, field: str | None = None) -> None:
        where = f"{source}，字段 {field}" if field else source
        super().__init__(f"{where}：{message}")
        self.source = source
        self.field = field


class LabelsError(RiskError):
    """A labels file is missing a column or holds a value that cannot be read."""

    code = "labels_invalid"
