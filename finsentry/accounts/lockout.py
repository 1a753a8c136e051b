"""django-axes hooks: the client address it counts failures against."""

from __future__ import annotations

from django.http import HttpRequest

from finsentry.accounts.audit import client_ip as audit_client_ip


def client_ip(request: HttpRequest) -> str:
    """Return the address axes records, the same one the audit trail keeps."""
    return audit_client_ip(request) or ""
