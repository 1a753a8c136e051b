"""The OpenAPI 3 description of the API, served at /api/schema/.

Only the schema is served (YAML, or JSON with ``?format=json``): no
Swagger UI, whose scripts would come from the internet at run time.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpResponseBase
from drf_spectacular.utils import OpenApiParameter
from drf_spectacular.views import SpectacularAPIView
from rest_framework.permissions import IsAuthenticated

from finsentry.alerts.models import AlertEvent, Kind, State
from finsentry.alerts.policy import LEVEL_LABELS
from finsentry.cases.transitions import STATE_LABELS, TASK_STATE_LABELS

DESCRIPTION = """\
吉林省互联网金融风险监测平台的数据接口，供其他政府系统读取企业、发现、
处置案件、核查任务和预警，填报核查结果，报送平台月度运营数据（网站对接）。

认证：请求头 `Authorization: Token <令牌>`；令牌由系统管理员用
`finsentry api-token 用户名` 签发。浏览器中已登录的会话也可使用（写操作需 CSRF 令牌）。

范围：与网页相同，每个账号只看到本地区、本领域的企业及其记录；范围之外的对象
与不存在的对象一样答复 404，角色无权的操作答复 403，未认证答复 401。
所有读取、列表查询和修改都记入审计日志。

错误：统一为 `{"detail": "说明", "code": "机器可读代码", "errors": {"字段": ["理由"]}}`
（errors 仅在请求字段有误时出现）。
"""

SETTINGS = {
    "TITLE": "吉林省互联网金融风险监测平台 数据接口",
    "DESCRIPTION": DESCRIPTION,
    "VERSION": "1.0.0",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
    # Cases, tasks and alerts all have a "state", alerts and firm scores a
    # "level", alerts and their events a "kind": give each its own enum name.
    "ENUM_NAME_OVERRIDES": {
        "CaseStateEnum": [(str(k), v) for k, v in STATE_LABELS.items()],
        "TaskStateEnum": [(str(k), v) for k, v in TASK_STATE_LABELS.items()],
        "AlertStateEnum": State.choices,
        "AlertLevelEnum": list(LEVEL_LABELS.items()),
        "AlertKindEnum": Kind.choices,
        "AlertEventKindEnum": AlertEvent.Kind.choices,
    },
}


USCC = OpenApiParameter(
    "uscc", str, OpenApiParameter.PATH, description="企业统一社会信用代码（18 位）"
)
# drf-spectacular names a primary key in the path "id".
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="内部编号")


def schema_view() -> Callable[..., HttpResponseBase]:
    """Return the view that serves the schema to any logged-in user or token."""
    return SpectacularAPIView.as_view(
        custom_settings=SETTINGS, permission_classes=[IsAuthenticated]
    )
