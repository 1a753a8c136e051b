"""URL names of the JSON API, under the "api" namespace (docs/api.md).

Version 1 lives under /api/v1/; a change that breaks clients gets /api/v2/
beside it. The OpenAPI schema is /api/schema/.
"""

from django.urls import path

from finsentry.api import alert_views, case_views, reports, views
from finsentry.api.schema import schema_view

app_name = "api"
urlpatterns = [
    path("schema/", schema_view(), name="schema"),
    path("v1/firms/", views.FirmList.as_view(), name="firms"),
    path("v1/firms/<str:uscc>/", views.FirmDetail.as_view(), name="firm"),
    path("v1/findings/", views.FindingList.as_view(), name="findings"),
    path("v1/findings/<int:pk>/", views.FindingDetail.as_view(), name="finding"),
    path("v1/cases/", case_views.CaseList.as_view(), name="cases"),
    path("v1/cases/<int:pk>/", case_views.CaseDetail.as_view(), name="case"),
    path("v1/tasks/", case_views.TaskList.as_view(), name="tasks"),
    path("v1/tasks/<int:pk>/", case_views.TaskDetail.as_view(), name="task"),
    path(
        "v1/tasks/<int:pk>/records/",
        case_views.TaskRecords.as_view(),
        name="task_records",
    ),
    path("v1/alerts/", alert_views.AlertList.as_view(), name="alerts"),
    path("v1/alerts/<int:pk>/", alert_views.AlertDetail.as_view(), name="alert"),
    path("v1/docking/reports/", reports.ReportSubmission.as_view(), name="reports"),
]
