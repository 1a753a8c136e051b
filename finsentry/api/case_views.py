"""API endpoints of cases and verification tasks, and recording a task's result.

Reading follows the case pages' scope (`cases.access`); recording a result
goes through `cases.verification.record_result`, which checks the workflow,
the role and the office exactly as the task page does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

from django.contrib.auth.models import User
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response

from finsentry.api import queries
from finsentry.api.case_serializers import (
    CaseDetailSerializer,
    CaseQuery,
    CaseSerializer,
    RecordInput,
    RecordSerializer,
    TaskDetailSerializer,
    TaskQuery,
    TaskSerializer,
)
from finsentry.api.listing import ScopedDetail, ScopedList
from finsentry.api.permissions import Grant
from finsentry.api.schema import ID
from finsentry.cases.verification import record_result


@extend_schema_view(get=extend_schema(parameters=[CaseQuery], tags=["案件"]))
class CaseList(ScopedList):
    """处置案件列表：您工作范围内的案件，可按状态、领域、地区、企业和逾期筛选。

    分领域办公室只看到本领域的案件。每次查询记入审计日志。
    """

    grants = {"GET": "case.view"}
    serializer_class = CaseSerializer
    query_class = CaseQuery
    resource = "cases"

    def rows(self, user: Any, params: Mapping[str, Any]) -> Any:
        return queries.case_list(user, params)


@extend_schema(tags=["案件"], parameters=[ID])
class CaseDetail(ScopedDetail):
    """一个处置案件：状态、处置类型、依据的发现、核查任务和办理记录（时间线）。

    不在您工作范围内的案件答复 404。每次查看记入审计日志。
    """

    grants = {"GET": "case.view"}
    serializer_class = CaseDetailSerializer
    action = "case.view"

    def lookup(self, user: Any, pk: int) -> Any:
        return queries.visible_case(user, pk)


@extend_schema_view(get=extend_schema(parameters=[TaskQuery], tags=["核查任务"]))
class TaskList(ScopedList):
    """核查任务列表：默认为交给或由本人、本机构下达的待办任务（scope=mine）。

    scope=done 为已办结的，scope=all 为工作范围内的全部任务。每次查询记入审计日志。
    """

    grants = {"GET": "case.view"}
    serializer_class = TaskSerializer
    query_class = TaskQuery
    resource = "tasks"

    def rows(self, user: Any, params: Mapping[str, Any]) -> Any:
        return queries.task_list(user, params)


@extend_schema(tags=["核查任务"], parameters=[ID])
class TaskDetail(ScopedDetail):
    """一个核查任务：核查要求、引用的发现和已填报的核查记录。

    不在您工作范围内的任务答复 404。每次查看记入审计日志。
    """

    grants = {"GET": "case.view"}
    serializer_class = TaskDetailSerializer
    action = "task.view"

    def lookup(self, user: Any, pk: int) -> Any:
        return queries.visible_task(user, pk)


@extend_schema(
    tags=["核查任务"],
    parameters=[ID],
    request=RecordInput,
    responses={201: RecordSerializer},
)
class TaskRecords(generics.GenericAPIView):
    """填报核查结果：第一条记录完成任务，之后的记录为补充核查。

    只有任务承办机构的核查人员、市县工作人员和系统管理员可以填报（403）；
    核实的违规代码各记为一条来源为 verify 的发现。记录一经填报不能修改。
    """

    permission_classes = [Grant]
    grants = {"POST": "task.record"}
    serializer_class = RecordInput

    def post(self, request: Request, pk: int) -> Response:
        task = queries.visible_task(request.user, pk)
        given = RecordInput(data=request.data)
        given.is_valid(raise_exception=True)
        # record_result writes the timeline and the audit entry of the change.
        user = cast(User, request.user)
        record = record_result(user, task, **given.validated_data)
        return Response(RecordSerializer(record).data, status=status.HTTP_201_CREATED)
