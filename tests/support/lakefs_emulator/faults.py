"""Fault injection: make chosen requests fail the way a real lakeFS deployment can.

Kinds (RELIABILITY.md R7/R8):
  status            answer `status` with a lakeFS-like `{"message": ...}`; nothing is applied
  timeout           stall `seconds` before handling (the operation is applied afterwards,
                    unless the emulator stops first) - clients see a read timeout
  reset             read the request, then drop the connection (RST) without answering;
                    nothing is applied
  apply_then_reset  perform the operation, then drop the connection without answering
  contention        make `cas_failures` branch compare-and-swaps of a commit/merge/revert
                    fail; 10 or more exhaust lakeFS' retries and give 429 (or 423)

A fault matches on the HTTP method ("*" for any), a regex searched in the decoded API
path (after /api/v1, no query string) and optionally a regex searched in the decoded
query string. It skips its first `after` matches, then fires `times` times
(None: forever). Faults are checked in the order they were added.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

FAULT_KINDS = ("status", "timeout", "reset", "apply_then_reset", "contention")

_MESSAGES = {
    400: "bad request",
    401: "error authenticating request",
    403: "insufficient permissions",
    404: "not found",
    409: "conflict found",
    410: "No data",
    423: "Too many attempts, try again later",
    429: "Too many attempts, try again later",
    500: "branch is currently locked, try again later",
    503: "Throughput exceeded. Slow down and retry",
}


def default_message(status: int, path: str) -> str:
    if status == 412:
        # A failing pre-commit/pre-merge hook is lakeFS' usual 412 (HookAbortError text).
        event = "pre-merge" if "/merge/" in path else "pre-commit"
        return (
            f"{event} hook aborted, run id 'emulator-fault': 1 error occurred:\n\t* "
            "hook run id 'emulator-fault' failed on action 'emulator' hook 'fault': "
            "injected failure"
        )
    return _MESSAGES.get(status, "injected fault")


@dataclass
class Fault:
    method: str
    path_regex: re.Pattern[str]
    kind: str
    times: int | None
    after: int
    status: int
    seconds: float
    message: str | None
    query_regex: re.Pattern[str] | None
    cas_failures: int
    seen: int = 0  # matching requests so far (including skipped ones)
    fired: int = 0  # requests this fault was applied to

    @property
    def exhausted(self) -> bool:
        return self.times is not None and self.fired >= self.times

    def matches(self, method: str, path: str, query: str) -> bool:
        if self.method != "*" and self.method != method.upper():
            return False
        if not self.path_regex.search(path):
            return False
        return self.query_regex is None or bool(self.query_regex.search(query))


class FaultPlan:
    """Thread-safe list of faults; `LakeFSEmulator.faults` is one of these."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(
        self,
        method: str,
        path_regex: str,
        kind: str,
        times: int | None = 1,
        after: int = 0,
        *,
        status: int = 500,
        seconds: float = 5.0,
        message: str | None = None,
        query_regex: str | None = None,
        cas_failures: int = 10,
    ) -> Fault:
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        if kind == "status" and not 400 <= status <= 599:
            raise ValueError("status faults need a 4xx/5xx status")
        if (times is not None and times < 1) or after < 0:
            raise ValueError("times must be >= 1 (or None) and after >= 0")
        fault = Fault(
            method=method.upper(),
            path_regex=re.compile(path_regex),
            kind=kind,
            times=times,
            after=after,
            status=status,
            seconds=seconds,
            message=message,
            query_regex=re.compile(query_regex) if query_regex is not None else None,
            cas_failures=cas_failures,
        )
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    @property
    def active(self) -> list[Fault]:
        """Faults that can still fire."""
        with self._lock:
            return [f for f in self._faults if not f.exhausted]

    def take(self, method: str, path: str, query: str) -> Fault | None:
        """Count this request against every matching fault; return the one to apply."""
        chosen: Fault | None = None
        with self._lock:
            for fault in self._faults:
                if fault.exhausted or not fault.matches(method, path, query):
                    continue
                fault.seen += 1
                if chosen is None and fault.seen > fault.after:
                    fault.fired += 1
                    chosen = fault
        return chosen
