"""Submitting platforms' monthly operating data (网站对接) through the API.

The body is a JSON list of row objects in the docking format (the columns of
`docking.columns`; Chinese header names are understood too), or an object
``{"rows": [...]}``. Rows are checked and stored by the docking app exactly
as a file import is (`docking.services.submit_reports`): a row with any bad
value is refused whole and nothing of it is stored, the others are upserted
by platform and month. The answer counts what was accepted and names every
refusal by row index (0-based), field and reason.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from finsentry.accounts import scoping
from finsentry.api import auditing
from finsentry.api.errors import SubmissionMalformed
from finsentry.api.permissions import Grant
from finsentry.docking import services as docking
from finsentry.docking.columns import CANONICAL, INTEGERS, LABELS, NUMERIC, REQUIRED

log = logging.getLogger(__name__)

# The domain whose platforms send monthly operating reports.
REPORTS_DOMAIN = "p2p"

MAX_ROWS = 10_000


def _column(name: str) -> serializers.Field:
    """Return the schema field of one docking column, with its Chinese label."""
    required = name in REQUIRED
    if name in INTEGERS:
        return serializers.IntegerField(required=required, help_text=LABELS[name])
    if name in NUMERIC:
        return serializers.FloatField(required=required, help_text=LABELS[name])
    return serializers.CharField(required=required, help_text=LABELS[name])


# One platform's operating data for one month; documents the format only, the
# docking app's validation is what checks it.
ReportRow = type(
    "ReportRow",
    (serializers.Serializer,),
    {name: _column(name) for name in CANONICAL},
)


class RejectSerializer(serializers.Serializer):
    """One refused value: the row, the field and why."""

    row = serializers.IntegerField(help_text="被拒收行在提交列表中的下标（从 0 起）")
    platform = serializers.CharField(help_text="该行的平台编号")
    field = serializers.CharField(help_text="出错的字段")
    reason = serializers.CharField(help_text="拒收理由")


class SubmissionResult(serializers.Serializer):
    """What a submission stored and what it refused."""

    run = serializers.IntegerField(help_text="导入批次编号")
    received = serializers.IntegerField(help_text="收到的行数")
    accepted = serializers.IntegerField(help_text="接收的行数")
    rejected = serializers.IntegerField(help_text="拒收的行数")
    inserted = serializers.IntegerField(help_text="新增的平台月份")
    updated = serializers.IntegerField(help_text="更新的平台月份")
    unchanged = serializers.IntegerField(help_text="与已存数据相同的平台月份")
    rejects = RejectSerializer(many=True, help_text="拒收明细，每个出错的值一条")


def submitted_rows(body: Any) -> list[dict[str, Any]]:
    """Return the rows of a submission body; raise SubmissionMalformed otherwise."""
    rows = body.get("rows") if isinstance(body, dict) else body
    if not isinstance(rows, list):
        raise SubmissionMalformed(
            '请提交 JSON 数组（每个元素为一行），或 {"rows": [...]}。'
        )
    if not rows:
        raise SubmissionMalformed("提交的数据为空。")
    if len(rows) > MAX_ROWS:
        raise SubmissionMalformed(
            f"一次最多提交 {MAX_ROWS} 行，本次 {len(rows)} 行，请分批提交。"
        )
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            raise SubmissionMalformed(f"第 {index} 个元素（从 0 起）不是 JSON 对象。")
    return rows


@extend_schema(
    tags=["网站对接"],
    request=ReportRow(many=True),
    responses={200: SubmissionResult},
    examples=[
        OpenApiExample(
            "一个平台一个月",
            request_only=True,
            # One row; the schema shows it inside the list the body is.
            value={
                "platform": "91220101MA0000001X",
                "month": "2018-03",
                "volume": 1200.5,
                "balance": 8800,
                "lenders": 3200,
                "borrowers": 410,
                "avg_yield": 12.5,
                "avg_term": 6,
                "avg_lend_amount": 2.75,
                "avg_borrow_amount": 21.5,
                "fill_minutes": 35,
                "net_inflow_30d": -120,
                "top10_lender_share": 8.5,
                "top10_borrower_share": 22,
            },
        )
    ],
)
class ReportSubmission(generics.GenericAPIView):
    """报送平台月度运营数据：每行一个平台一个月，格式与文件导入相同。

    有任一字段不合格的行整行拒收、不存储；其余行按平台和月份新增或更新。
    答复接收行数和逐项拒收明细（行下标从 0 起、字段、理由）。同一请求最多 10000 行。
    """

    permission_classes = [Grant]
    grants = {"POST": "docking.submit"}
    serializer_class = ReportRow

    def post(self, request: Request) -> Response:
        if not scoping.scope_of(request.user).allows_domain(REPORTS_DOMAIN):
            # Operating reports are lending platforms' (网站对接, 三(一)): another
            # domain's office holds the grant for its own work, not for these.
            raise PermissionDenied(
                "平台运营数据属网络借贷领域，只能由省级办公室或 P2P 网络借贷专项整治"
                "联合办公室报送。"
            )
        rows = submitted_rows(request.data)
        user = request.user.get_username()

        submitted = docking.submit_reports(rows, source=f"api:{user}")
        run = submitted.run
        accepted = run.rows_inserted + run.rows_updated + run.rows_unchanged
        rejects = [
            {
                "row": r.line - 1,
                "platform": r.uscc,
                "field": r.column,
                "reason": r.reason,
            }
            for r in submitted.rejects
        ]
        result = {
            "run": run.pk,
            "received": len(rows),
            "accepted": accepted,
            "rejected": run.rows_rejected,
            "inserted": run.rows_inserted,
            "updated": run.rows_updated,
            "unchanged": run.rows_unchanged,
            "rejects": rejects,
        }
        auditing.record(
            request,
            "docking.submit",
            run,
            rows=len(rows),
            accepted=accepted,
            rejected=run.rows_rejected,
        )
        log.info(
            "api reports submitted run=%d rows=%d rejected=%d",
            run.pk,
            len(rows),
            run.rows_rejected,
        )
        return Response(SubmissionResult(result).data)
