"""What the pages and the console command share: the report files and their names.

`report_file` computes the figures of an area and renders them as Word or
Excel; the callers write the audit entry (the page with its request, the
command as the system), under the actions named here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from finsentry.accounts import audit
from finsentry.stats import excel, word
from finsentry.stats.area import Area
from finsentry.stats.figures import Figures, figures

AUDIT_ACTIONS = {
    "stats.view": "查看统计",
    "stats.export": "导出专项报告",
}
for _action, _label in AUDIT_ACTIONS.items():
    audit.register_action(_action, _label)

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"docx": DOCX_MIME, "xlsx": XLSX_MIME}


@dataclass(frozen=True)
class ReportFile:
    """A rendered report: its bytes, file name, MIME type and the figures in it."""

    body: bytes
    filename: str
    content_type: str
    shown: Figures


def report_file(
    area: Area, as_of: date | None, fmt: str, exporter: str, now: datetime
) -> ReportFile:
    """Return the special report of `area` as of `as_of` in `fmt` ("docx" or
    "xlsx"), marked with `exporter` and `now`."""
    return render(figures(area, as_of), fmt, exporter, now)


def render(shown: Figures, fmt: str, exporter: str, now: datetime) -> ReportFile:
    """Return figures already computed as the report in `fmt`."""
    write = word.special_report_docx if fmt == "docx" else excel.special_report_xlsx
    body = write(shown, exporter, now)
    area = shown.area
    stem = f"{area.domain_label.replace(' ', '')}-{area.region_label}"
    name = f"专项报告-{stem}-{shown.as_of:%Y%m%d}.{fmt}"
    return ReportFile(body, name, FORMATS[fmt], shown)


def audit_detail(report: ReportFile, fmt: str) -> dict[str, Any]:
    """Return what the audit entry of an export records."""
    area = report.shown.area
    return {
        "format": fmt,
        "domain": area.domain or "",
        "city": area.city or "",
        "county": area.county or "",
        "as_of": report.shown.as_of.isoformat(),
        "size": len(report.body),
    }
