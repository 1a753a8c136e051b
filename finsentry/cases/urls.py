"""URL names of the case pages, under the "cases" namespace."""

from django.urls import path

from finsentry.cases import dashboard_views, export_views, task_views, views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("<int:pk>/", views.case_detail, name="case"),
    path("<int:pk>/documents/", views.add_document, name="add_document"),
    path("<int:pk>/<slug:step>/", views.case_step, name="step"),
    path("firms/<str:uscc>/open/", views.open_case, name="open"),
    path("firms/<str:uscc>/tasks/new/", task_views.new_task, name="new_task"),
    path("firms/<str:uscc>/dossier.docx", export_views.dossier_word, name="word"),
    path(
        "firms/<str:uscc>/evidence.zip",
        export_views.evidence_package,
        name="package",
    ),
    path("documents/<int:pk>/", export_views.download_document, name="document"),
    path("tasks/", task_views.task_list, name="tasks"),
    path("tasks/<int:pk>/", task_views.task_detail, name="task"),
    path("tasks/<int:pk>/cancel/", task_views.cancel_task, name="cancel_task"),
]
