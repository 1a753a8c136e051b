"""The shape every API list shares: grant, checked filters, scoped rows, audit.

A list view names its grant, its filter serializer (`query_class`) and a
function from (user, filters) to the rows the user sees; this base checks
the filters (a bad one is 400 with the field named), pages the rows by id
and records the page on the audit trail, since a list page is an export.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db.models import QuerySet
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from finsentry.api import auditing
from finsentry.api.permissions import Grant


class ScopedList(generics.ListAPIView):
    """A paged list of what the user may see, filtered by `query_class`."""

    permission_classes = [Grant]
    grants = {"GET": "firm.view"}
    query_class: type[serializers.Serializer] = serializers.Serializer
    resource = ""

    def rows(self, user: Any, params: Mapping[str, Any]) -> QuerySet[Any]:
        """Return the rows `user` sees matching `params` (set by each list)."""
        raise NotImplementedError

    def params(self) -> dict[str, Any]:
        """Return the request's checked filters; raise 400 naming a bad one."""
        if not hasattr(self, "_params"):
            query = self.query_class(data=self.request.query_params)
            query.is_valid(raise_exception=True)
            self._params = dict(query.validated_data)
        return self._params

    def get_queryset(self) -> QuerySet[Any]:
        return self.rows(self.request.user, self.params())

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Answer one page of the list and record it on the audit trail."""
        response = super().list(request, *args, **kwargs)
        shown = {k: v for k, v in self.params().items() if v not in (None, "")}
        results = response.data.get("results", []) if response.data else []
        auditing.record(
            request,
            "api.list",
            resource=self.resource,
            filters=shown,
            rows=len(results),
            cursor=request.query_params.get("cursor", ""),
        )
        return response


class ScopedDetail(generics.GenericAPIView):
    """One object the user may see, by id: 404 outside the scope, each read
    recorded on the audit trail under `action` with `audit_detail`."""

    permission_classes = [Grant]
    grants = {"GET": "firm.view"}
    action = ""

    def lookup(self, user: Any, pk: int) -> Any:
        """Return the object `user` may open, or raise Http404 (set by each view)."""
        raise NotImplementedError

    def audit_detail(self, found: Any) -> dict[str, Any]:
        """Return what the audit entry records beside the object: its firm."""
        return {"firm": found.firm}

    # No docstring: the schema takes each view's own as the operation's text.
    def get(self, request: Request, pk: int) -> Response:
        found = self.lookup(request.user, pk)
        auditing.record(request, self.action, found, **self.audit_detail(found))
        return Response(self.get_serializer_class()(found).data)
