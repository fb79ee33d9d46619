"""The errors the client raises; each prints as one line a person can act on."""

from __future__ import annotations


class AnnolakeError(Exception):
    """Anything that stops a pull; ``str()`` is the one-line message the CLI prints."""


class ServerError(AnnolakeError):
    """The server answered with an error status and (usually) ``{"error": {...}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str = "",
        field: str | None = None,
        url: str = "",
        retry_after: float | None = None,
    ) -> None:
        self.status, self.code, self.field, self.url = status, code, field, url
        self.retry_after = retry_after
        detail = f"HTTP {status}"
        if code:
            detail += f" {code}"
        text = f"{detail}: {message}"
        if field:
            text += f" (field: {field})"
        super().__init__(text)

    @property
    def transient(self) -> bool:
        """Worth retrying: the server is overloaded, restarting or briefly unavailable."""
        return self.status in {429, 502, 503, 504}


class ChecksumMismatch(AnnolakeError):
    """A file's bytes did not match the manifest's sha256 even after a fresh download."""


class UnsafePath(AnnolakeError):
    """A manifest or archive named a path outside the output folder."""


class VersionConflict(AnnolakeError):
    """The output folder already holds another version."""
