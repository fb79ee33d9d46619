"""Benchmarks of the shared workload (/work/shared/WORKLOAD.md) against Annolake's API."""
