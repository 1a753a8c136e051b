"""API tokens: issuing, rotating and revoking a user's one token.

A token is DRF's authtoken (one per user, sent as ``Authorization: Token
<key>``). Only an active user whose role holds the grant "api.token" gets
one; issuing again replaces the old key, which stops working at once.
Every issue and revocation is on the audit trail.
"""

from __future__ import annotations

import logging

from django.contrib.auth.models import User
from django.db import transaction
from rest_framework.authtoken.models import Token

from finsentry.accounts import audit, scoping
from finsentry.api.errors import TokenRefused

log = logging.getLogger(__name__)


def _check(user: User) -> None:
    if not user.is_active:
        raise TokenRefused(f"账号 {user.get_username()} 已停用，不能签发接口令牌。")
    if not scoping.may(user, "api.token"):
        raise TokenRefused(
            f"账号 {user.get_username()} 未分配机构和角色，不能签发接口令牌；"
            "请先在系统管理中为其指定机构和角色。"
        )


@transaction.atomic
def issue_token(user: User, by: User | None = None) -> Token:
    """Give `user` a new token, replacing any earlier one, and return it."""
    _check(user)
    rotated = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    audit.record(
        by,
        "api.token",
        user,
        account=user.get_username(),
        kind="rotated" if rotated else "created",
    )
    log.info("api token issued user=%s rotated=%s", user.get_username(), rotated)
    return token


@transaction.atomic
def revoke_token(user: User, by: User | None = None) -> bool:
    """Delete `user`'s token; return whether there was one."""
    removed = Token.objects.filter(user=user).delete()[0] > 0
    if removed:
        audit.record(by, "api.token", user, account=user.get_username(), kind="revoked")
        log.info("api token revoked user=%s", user.get_username())
    return removed
