"""Failures of the registry app.

RegistryError            base: a stable `code`, a Chinese message for people
├── SourceError          the file cannot be read (missing, encoding, header)
└── ImportAborted        an import stopped part-way; committed batches stay
"""


class RegistryError(Exception):
    """Base of registry failures; `code` is stable and machine-readable."""

    code = "registry_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class SourceError(RegistryError):
    """A registry file cannot be read; names the file and, where known, the line."""

    code = "source_unreadable"

    def __init__(self, path: str, message: str, line: int | None = None) -> None:
        where = f"{path}，第 {line} 行" if line else path
        super().__init__(f"{where}：{message}")
        self.path = path
        self.line = line


class ImportAborted(RegistryError):
    """An import stopped part-way: committed batches whole, the failing one absent."""

    code = "import_aborted"
