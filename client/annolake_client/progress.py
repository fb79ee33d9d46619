"""Progress of a pull: counters shared by the workers, a bar redrawn on a TTY, a summary line."""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

WIDTH = 24
REDRAW_SECONDS = 0.2


def human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1000:
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1000
    return f"{n:.1f} TB"


class Progress:
    """Thread-safe counters; with ``show`` a daemon thread redraws one line on ``stream``."""

    def __init__(self, *, files: int, total: int, show: bool, stream: TextIO | None = None) -> None:
        self.files_total, self.bytes_total = files, total
        self.files_done = self.bytes_done = 0
        self.skipped = self.resumed = self.retried = 0
        self.bytes_fetched = 0  # over the network in this run (not counting skipped files)
        self.started = time.monotonic()
        self.stream = stream or sys.stderr
        self.show = show
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def __enter__(self) -> Progress:
        if self.show:
            self._thread = threading.Thread(target=self._run, name="annolake-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._draw(final=True)

    def add_bytes(self, n: int, *, fetched: bool = True) -> None:
        with self._lock:
            self.bytes_done += n
            if fetched:
                self.bytes_fetched += n

    def file_done(self, *, skipped: bool = False) -> None:
        with self._lock:
            self.files_done += 1
            self.skipped += skipped

    def count(self, what: str) -> None:
        with self._lock:
            setattr(self, what, getattr(self, what) + 1)

    def _run(self) -> None:
        while not self._stop.wait(REDRAW_SECONDS):
            self._draw()

    def _draw(self, *, final: bool = False) -> None:
        with self._lock:
            files, done, total = self.files_done, self.bytes_done, self.bytes_total
            fetched = self.bytes_fetched
        elapsed = max(time.monotonic() - self.started, 1e-6)
        fraction = done / total if total else (files / self.files_total if self.files_total else 1)
        filled = int(WIDTH * min(fraction, 1.0))
        rate = fetched / elapsed
        eta = ""
        # Many small files or a few large ones: estimate from bytes and files together.
        overall = (fraction + (files / self.files_total if self.files_total else 1)) / 2
        if not final and 0 < overall < 1:
            left = int(elapsed * (1 - overall) / overall)
            eta = f"  ETA {left // 3600}:{left // 60 % 60:02d}:{left % 60:02d}"
        line = (
            f"\r[{'#' * filled}{'.' * (WIDTH - filled)}] {fraction:4.0%}  "
            f"{files}/{self.files_total} files  {human_bytes(done)}/{human_bytes(total)}  "
            f"{human_bytes(rate)}/s{eta}"
        )
        self.stream.write(line.ljust(100) + ("\n" if final else ""))
        self.stream.flush()

    def summary(self, what: str) -> str:
        elapsed = time.monotonic() - self.started
        text = (
            f"{what}: {self.files_total} files, {human_bytes(self.bytes_total)} "
            f"in {elapsed:.1f} s ({human_bytes(self.bytes_fetched / max(elapsed, 1e-6))}/s)"
        )
        notes = []
        if self.skipped:
            notes.append(f"{self.skipped} already present")
        if self.resumed:
            notes.append(f"{self.resumed} resumed")
        if self.retried:
            notes.append(f"{self.retried} re-downloaded after a checksum mismatch")
        return text + (f"; {', '.join(notes)}" if notes else "")
