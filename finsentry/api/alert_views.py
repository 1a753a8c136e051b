"""API endpoints of alerts (预警): the list with its filters and one alert.

Read-only: handling an alert (verify, confirm, dismiss, hand to a case) is
done on the alert page. The scope is the pages' (`alerts.visibility`), so an
alert the user cannot open there is 404 here too.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema, extend_schema_view

from finsentry.api import queries
from finsentry.api.alert_serializers import (
    AlertDetailSerializer,
    AlertQuery,
    AlertSerializer,
)
from finsentry.api.listing import ScopedDetail, ScopedList
from finsentry.api.schema import ID


@extend_schema_view(get=extend_schema(parameters=[AlertQuery], tags=["预警"]))
class AlertList(ScopedList):
    """预警列表：您工作范围内企业的预警，可按状态、领域、级别、企业和逾期筛选。

    不填 state 列出全部预警，state=open 只列未办结的。分领域办公室看到本领域的
    预警和发给本机构的跨领域预警。每次查询记入审计日志。
    """

    grants = {"GET": "alert.view"}
    serializer_class = AlertSerializer
    query_class = AlertQuery
    resource = "alerts"

    def rows(self, user: Any, params: Mapping[str, Any]) -> Any:
        return queries.alert_list(user, params)


@extend_schema(tags=["预警"], parameters=[ID])
class AlertDetail(ScopedDetail):
    """一条预警：事由、各项依据、接收和承办机构、办理时限、核查任务、处置案件和办理记录。

    不在您工作范围内的预警答复 404。每次查看记入审计日志。预警的办理在网页上进行。
    """

    grants = {"GET": "alert.view"}
    serializer_class = AlertDetailSerializer
    action = "alert.view"

    def lookup(self, user: Any, pk: int) -> Any:
        return queries.visible_alert(user, pk)
