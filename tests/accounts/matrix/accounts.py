"""Login, logout and the account pages: 我的账号, second factor, audit trail."""

import itertools

from tests.accounts.matrix import ADMINS, EVERYONE, LOGGED_IN, Row

# A new name for each failed login, so that the matrix never trips the lockout.
_attempt = itertools.count()

ROWS = [
    Row("login", EVERYONE),
    Row(
        "login",
        EVERYONE,
        method="POST",
        data=lambda w: {"username": f"nobody{next(_attempt)}", "password": "wrong"},
    ),
    Row("logout", EVERYONE, method="POST", success="login"),
    Row("accounts:account", LOGGED_IN),
    Row("accounts:password", LOGGED_IN),
    Row("accounts:otp_enrol", ADMINS),
    Row("accounts:otp_verify", LOGGED_IN),
    Row("accounts:otp_remove", ADMINS, method="POST", data=lambda w: {"token": "1"}),
    Row("accounts:audit", ADMINS, data=lambda w: {"action": "firm"}),
    Row("accounts:audit_export_xlsx", ADMINS),
    Row("accounts:audit_export_csv", ADMINS),
]
