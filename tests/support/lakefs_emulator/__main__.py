"""Serve the emulator in a process of its own: ``python -m tests.support.lakefs_emulator
[ACCESS_KEY SECRET_KEY] [--presign]`` prints the API endpoint, then serves until stdin
closes. ``--presign`` makes it presign reads like lakeFS on S3 (presign.py)."""

from __future__ import annotations

import sys

from .emulator import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, LakeFSEmulator

if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--presign"]
    keys = args[:2] if len(args) >= 2 else [DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY]
    presign = "--presign" in sys.argv[1:]
    with LakeFSEmulator(access_key=keys[0], secret_key=keys[1], presign=presign) as emulator:
        print(emulator.endpoint, flush=True)
        sys.stdin.read()
