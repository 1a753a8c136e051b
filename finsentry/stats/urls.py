"""URL names of the stats pages, under the "stats" namespace."""

from django.urls import path

from finsentry.stats import views

app_name = "stats"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("report.docx", views.report_docx, name="report_docx"),
    path("report.xlsx", views.report_xlsx, name="report_xlsx"),
]
