"""Names from outside (zip entries, uploaded file names, bucket prefixes) made safe.

Storage keys never come from these names (media keys are content hashes), but zip entry
names and bucket prefixes select what is read, so anything that could climb out of its
root is refused outright instead of being "cleaned" into something else (RELIABILITY S7).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata

from labeling.imports.rows import MAX_EXTERNAL_ID

MAX_PREFIX = 1024
_DRIVE = re.compile(r"^[A-Za-z]:")
_IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini"})


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in text)


def entry_name_problem(name: str) -> str | None:
    """Why a zip entry name is refused (absolute, climbing, backslash, NUL), or None."""
    if "\x00" in name:
        return "name contains a NUL character"
    if "\\" in name:
        return "name contains a backslash"
    if name.startswith("/") or _DRIVE.match(name):
        return "name is an absolute path"
    if ".." in name.split("/"):
        return "name climbs out of the archive with '..'"
    if _has_control(name):
        return "name contains control characters"
    return None


def is_ignored(name: str) -> bool:
    """Operating-system litter that is skipped: __MACOSX/, dotfiles, Thumbs.db, desktop.ini."""
    parts = [part for part in name.split("/") if part]
    if not parts or parts[0] == "__MACOSX":
        return True
    return any(part.startswith(".") for part in parts) or parts[-1].lower() in _IGNORED_NAMES


def external_id_from_name(name: str) -> str | None:
    """The uploaded base name, as an external id: no directories, no control characters."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = unicodedata.normalize("NFC", base)
    base = "".join(ch for ch in base if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    base = base.strip()[:MAX_EXTERNAL_ID].strip()
    return base if base not in ("", ".", "..") else None


def prefix_problem(prefix: str) -> str | None:
    """Why a bucket prefix is refused, or None; a trailing '/' is allowed, '' means all."""
    if len(prefix) > MAX_PREFIX:
        return f"must be at most {MAX_PREFIX} characters"
    if "\x00" in prefix or _has_control(prefix):
        return "must not contain control characters"
    if "\\" in prefix:
        return "must not contain backslashes"
    if "%" in prefix:
        return "must not contain '%' (percent-encoded paths are not decoded)"
    if unicodedata.normalize("NFKC", prefix) != prefix:
        return "must be plain text (look-alike characters are not allowed)"
    if prefix.startswith("/") or _DRIVE.match(prefix):
        return "must be relative to the source's root"
    parts = prefix.removesuffix("/").split("/") if prefix else []
    for part in parts:
        if part in ("", ".", ".."):
            return "must not have empty, '.' or '..' components"
    return None


def join_prefix(root: str, prefix: str) -> str:
    """The source's root prefix and a checked user prefix as one storage path ('' for root)."""
    joined = posixpath.join(root.strip("/"), prefix.strip("/")) if root.strip("/") else prefix
    return joined.strip("/")
