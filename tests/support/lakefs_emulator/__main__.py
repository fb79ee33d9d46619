"""Serve the emulator in a process of its own: ``python -m tests.support.lakefs_emulator
[ACCESS_KEY SECRET_KEY]`` prints the API endpoint, then serves until stdin closes."""

from __future__ import annotations

import sys

from .emulator import DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, LakeFSEmulator

if __name__ == "__main__":
    keys = sys.argv[1:3] if len(sys.argv) >= 3 else [DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY]
    with LakeFSEmulator(access_key=keys[0], secret_key=keys[1]) as emulator:
        print(emulator.endpoint, flush=True)
        sys.stdin.read()
