"""Test-support code shared by the suites (emulators, fault proxies)."""
