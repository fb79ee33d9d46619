"""examples/train_tiny.py trains on a pinned version of a live server and says which."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "train_tiny.py"


def test_the_training_example_prints_the_commit_it_trained_on(make_version, tmp_path):
    version = make_version(count=60)
    done = subprocess.run(
        [sys.executable, str(EXAMPLE), version.server, f"{version.slug}@v1",
         "--out", str(tmp_path / "data"), "--token", version.token],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"commit {version.commit}" in done.stdout
    assert (tmp_path / "data" / "COMMIT").read_text().strip() == version.commit
    # The words give the class away; an empty val split (possible, not likely) says n/a.
    assert re.search(r"^val accuracy (1\.000|n/a)", done.stdout, re.MULTILINE), done.stdout
