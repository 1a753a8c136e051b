"""Failures of the accounts app's commands, with stable codes.

AccountsError
├── RetentionViolation     prune-audit asked to delete entries still kept
└── BackupError
    ├── BackupUnreadable   the backup folder or its manifest cannot be read
    ├── BackupCorrupt      a file's SHA-256 differs from the manifest
    └── RestoreRefused     the target database is not empty, or of another kind
"""

from __future__ import annotations


class AccountsError(Exception):
    """Base of the accounts app's failures; `code` is stable for scripts."""

    code = "accounts_error"


class RetentionViolation(AccountsError):
    """Raised when a prune would delete audit entries younger than the retention."""

    code = "audit_retention"


class BackupError(AccountsError):
    """Base of backup and restore failures."""

    code = "backup_error"


class BackupUnreadable(BackupError):
    """Raised when a backup folder, its manifest or one of its files is missing."""

    code = "backup_unreadable"


class BackupCorrupt(BackupError):
    """Raised when a backed-up file does not match the SHA-256 in the manifest."""

    code = "backup_corrupt"


class RestoreRefused(BackupError):
    """Raised when the target of a restore is not an empty database of its kind."""

    code = "restore_refused"
