"""API endpoints of firms and findings: lists with filters and one object each.

Views only check, call `queries` and serialise; the scope comes from
`accounts.scoping` through `queries`, so what a user cannot open in the staff
interface is 404 here too. Docstrings are the OpenAPI text users read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics
from rest_framework.request import Request
from rest_framework.response import Response

from finsentry.api import auditing, queries
from finsentry.api.listing import ScopedDetail, ScopedList
from finsentry.api.permissions import Grant
from finsentry.api.schema import ID, USCC
from finsentry.api.serializers import (
    FindingDetailSerializer,
    FindingQuery,
    FindingSerializer,
    FirmDetailSerializer,
    FirmQuery,
    FirmSerializer,
)
from finsentry.risk import services as risk


@extend_schema_view(get=extend_schema(parameters=[FirmQuery], tags=["企业"]))
class FirmList(ScopedList):
    """企业列表：您工作范围内的企业，可按地区、领域、是否重点监管和名称筛选。

    按内部编号升序分页（游标翻页）。每次查询记入审计日志。
    """

    serializer_class = FirmSerializer
    query_class = FirmQuery
    resource = "firms"

    def rows(self, user: Any, params: Mapping[str, Any]) -> Any:
        return queries.firm_list(user, params)


@extend_schema(tags=["企业"], parameters=[USCC])
class FirmDetail(generics.GenericAPIView):
    """企业档案：登记信息、按违规代码汇总的发现和风险评分。

    以统一社会信用代码查询；不在您工作范围内的企业与不存在的企业一样答复 404。
    每次查看记入审计日志。
    """

    permission_classes = [Grant]
    grants = {"GET": "firm.view"}
    serializer_class = FirmDetailSerializer

    def get(self, request: Request, uscc: str) -> Response:
        firm = queries.visible_firm(request.user, uscc)
        context = {
            "request": request,
            "findings": queries.findings_summary(firm),
            "risk": risk.current_score(firm),
        }
        auditing.record(request, "firm.view", firm)
        return Response(FirmDetailSerializer(firm, context=context).data)


@extend_schema_view(get=extend_schema(parameters=[FindingQuery], tags=["发现"]))
class FindingList(ScopedList):
    """发现列表：您工作范围内企业的违规线索，可按企业、违规代码、领域和来源筛选。

    省级和分领域办公室还能看到尚未关联企业的线索（firm 为 null）。
    每次查询记入审计日志。
    """

    serializer_class = FindingSerializer
    query_class = FindingQuery
    resource = "findings"

    def rows(self, user: Any, params: Mapping[str, Any]) -> Any:
        return queries.finding_list(user, params)


@extend_schema(tags=["发现"], parameters=[ID])
class FindingDetail(ScopedDetail):
    """一条发现及其证据：命中的字样、网页、片段和规则版本。

    不在您工作范围内的发现答复 404。每次查看记入审计日志。
    """

    grants = {"GET": "firm.view"}
    serializer_class = FindingDetailSerializer
    action = "finding.view"

    def lookup(self, user: Any, pk: int) -> Any:
        return queries.visible_finding(user, pk)

    def audit_detail(self, found: Any) -> dict[str, Any]:
        return {"code": found.code}
