"""An emulator of the lakeFS REST API for tests (lakeFS itself cannot run here).

See LAKEFS.md §6.1 for the requirements and RELIABILITY.md R7/R8 for the faults.
Public API: `LakeFSEmulator`, its `faults` (`FaultPlan.add`) and `requests` log.
"""

from __future__ import annotations

from .emulator import LakeFSEmulator
from .faults import FAULT_KINDS, Fault, FaultPlan
from .server import RecordedRequest

__all__ = ["FAULT_KINDS", "Fault", "FaultPlan", "LakeFSEmulator", "RecordedRequest"]
