from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "finsentry.accounts"
    label = "accounts"
