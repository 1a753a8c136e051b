"""URL names of the account pages, under the "accounts" namespace."""

from django.urls import path

from finsentry.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.my_account, name="account"),
    path("password/", views.PasswordChange.as_view(), name="password"),
    path("otp/", views.otp_enrol, name="otp_enrol"),
    path("otp/verify/", views.otp_verify, name="otp_verify"),
    path("otp/remove/", views.otp_remove, name="otp_remove"),
    path("audit/", views.audit_log, name="audit"),
    path("audit/export.xlsx", views.audit_export_xlsx, name="audit_export_xlsx"),
    path("audit/export.csv", views.audit_export_csv, name="audit_export_csv"),
]
