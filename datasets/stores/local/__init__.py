"""The embedded version store: trees in the database, object bytes in Django storage."""

from .store import LocalStore

__all__ = ["LocalStore"]
