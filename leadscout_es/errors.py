"""The error tree. Every error the CLI can show derives from :class:`LeadScoutError`.

    LeadScoutError                 exit 1 unless a subclass says otherwise
    ├── UsageError                 exit 2  bad flags or arguments
    ├── InputError                 exit 2  the input file can't be used
    │   ├── InputNotFound
    │   ├── UnsupportedInput       not a spreadsheet, broken workbook, encrypted, ...
    │   ├── MissingColumn          the name column (or another) is absent
    │   ├── EmptyInput             no data rows at all
    │   └── InputChanged           content differs from the job's fingerprint
    ├── JobError
    │   ├── JobNotFound            exit 2
    │   ├── JobLocked              exit 3  another process holds the job's LOCK
    │   └── JobNotResumable        exit 2  cancelled, or settings incompatible
    ├── LogError
    │   ├── LogCorrupt             damage that is not a torn tail: refused, nothing changed
    │   └── UnknownEvent           an event tag this version does not know
    ├── StorageError               ENOSPC / EIO / fsync failure: the job stops cleanly
    └── ProviderError              LLM provider problems (rate limits, bad keys, ...)

Each error carries a one-line ``message``, a ``hint`` (what to do next) and whether
retrying can help. Foreign errors (OSError, sqlite3, zipfile, pyarrow, httpx, ...) are translated at the
edge of the layer that meets them; they never reach the user raw.
"""

from __future__ import annotations


class LeadScoutError(Exception):
    """Root of every error LeadScout-ES raises on purpose."""

    exit_code: int = 1
    retryable: bool = False

    def __init__(self, message: str, hint: str = "", *, retryable: bool | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if retryable is not None:
            self.retryable = retryable

    def __str__(self) -> str:
        return self.message


class UsageError(LeadScoutError):
    exit_code = 2


class InputError(LeadScoutError):
    exit_code = 2


class InputNotFound(InputError):
    pass


class UnsupportedInput(InputError):
    pass


class MissingColumn(InputError):
    pass


class EmptyInput(InputError):
    pass


class InputChanged(InputError):
    pass


class JobError(LeadScoutError):
    pass


class JobNotFound(JobError):
    exit_code = 2


class JobLocked(JobError):
    exit_code = 3
    retryable = True


class JobNotResumable(JobError):
    exit_code = 2


class LogError(LeadScoutError):
    pass


class LogCorrupt(LogError):
    """Damage that is not a torn tail of the last segment. Nothing is changed on disk."""

    def __init__(self, message: str, hint: str = "", *, segment: str = "", offset: int = -1) -> None:
        super().__init__(message, hint)
        self.segment = segment
        self.offset = offset


class UnknownEvent(LogError):
    pass


class StorageError(LeadScoutError):
    """The disk refused a write or an fsync. Committed work is safe; the batch in flight is not."""


class ProviderError(LeadScoutError):
    pass
