"""Docking staff pages: the platforms that report and whether they are linked."""

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from finsentry.accounts import scoping
from finsentry.docking.models import Platform, ReportImport


@scoping.requires("firm.view")
def platforms(request: HttpRequest) -> HttpResponse:
    """Render the reporting platforms the user's scope covers, unlinked first."""
    visible = scoping.visible_records(
        request.user, Platform.objects.all(), via="firm", unlinked=True
    )
    rows = (
        visible.select_related("firm")
        .annotate(months=Count("reports"))
        .order_by("firm_id", "key")
    )
    # TODO: page the list; a province has hundreds of platforms, not thousands.
    context = {
        "platforms": list(rows[:1000]),
        "last_import": ReportImport.objects.first(),
        "unlinked": visible.filter(firm__isnull=True).count(),
    }
    return render(request, "docking/platforms.html", context)
