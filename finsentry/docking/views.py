"""Docking staff pages: the platforms that report and whether they are linked."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from finsentry.docking.models import Platform, ReportImport


@login_required
def platforms(request: HttpRequest) -> HttpResponse:
    """Render the reporting platforms, unlinked first, and the latest import."""
    rows = (
        Platform.objects.select_related("firm")
        .annotate(months=Count("reports"))
        .order_by("firm_id", "key")
    )
    # TODO: page the list; a province has hundreds of platforms, not thousands.
    context = {
        "platforms": list(rows[:1000]),
        "last_import": ReportImport.objects.first(),
        "unlinked": Platform.objects.filter(firm__isnull=True).count(),
    }
    return render(request, "docking/platforms.html", context)
