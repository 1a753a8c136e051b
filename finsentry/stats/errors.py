"""Failures of the statistics app.

StatsError            base: a stable `code` and the HTTP status to answer
└── OutsideScope      the domain or region asked for is not the user's (404)
"""

from __future__ import annotations


class StatsError(Exception):
    """A statistics request that cannot be answered; the message is for staff."""

    code = "stats_error"
    status = 400


class OutsideScope(StatsError):
    """The domain or region asked for lies outside the user's scope, or is unknown."""

    code = "outside_scope"
    status = 404
