"""Failures of the case workflow, each with a stable code and an HTTP status.

CaseError                     base: `code`, `status`
├── TransitionNotAllowed      a step the state machine or the user's role forbids
│   ├── WrongState            the case is not in a state the step starts from
│   ├── RoleForbidden         the user's role may not take the step
│   ├── OutOfScope            the firm, domain or office lies outside the user's scope
│   └── PreconditionFailed    the step's own conditions do not hold (e.g. no demands)
├── CalendarOutOfRange        the holiday calendar has no data for a date
└── CaseConflict              a second open case for the same firm and domain

Messages are Chinese sentences staff read: what was refused and why.
"""

from __future__ import annotations


class CaseError(Exception):
    """Base of case-workflow failures; `code` is stable and machine-readable."""

    code = "case_error"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class TransitionNotAllowed(CaseError):
    """A workflow step was refused; nothing was changed."""

    code = "transition_not_allowed"
    status = 409


class WrongState(TransitionNotAllowed):
    """The case is not in a state from which the step may be taken."""

    code = "wrong_state"


class RoleForbidden(TransitionNotAllowed):
    """The user's role may not take the step."""

    code = "role_forbidden"
    status = 403


class OutOfScope(TransitionNotAllowed):
    """The firm, the domain or the office lies outside what the user may act on."""

    code = "out_of_scope"
    status = 403


class PreconditionFailed(TransitionNotAllowed):
    """The step is allowed here but its own conditions do not hold."""

    code = "precondition_failed"
    status = 400


class CalendarOutOfRange(CaseError):
    """Working days cannot be counted: the holiday calendar has no data for the year."""

    code = "calendar_out_of_range"


class CaseConflict(CaseError):
    """The firm already has an open case in the domain."""

    code = "case_conflict"
    status = 409
