"""The Parquet export loads with Hugging Face ``datasets``, as training code reads it.

HF's top-level package is called ``datasets`` like our Django app, so it runs in its own venv
(``.venv-hf``, built by ``make test``) on a file this test exports.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

HF_PYTHON = Path(__file__).resolve().parents[2] / ".venv-hf" / "bin" / "python"

LOAD = """
import json, sys
from datasets import load_dataset
table = load_dataset("parquet", data_files=sys.argv[1], split="train")
print(json.dumps({"rows": table.num_rows, "columns": table.column_names,
                  "ids": sorted(table["id"])}))
"""


def test_parquet_export_loads_with_hugging_face_datasets(api, lead, version, tmp_path):
    if not HF_PYTHON.exists():
        pytest.skip("needs .venv-hf with Hugging Face datasets: `make test` builds it")
    slug, _, items = version
    response = api(lead).get(f"/api/datasets/{slug}/refs/v1/export?format=parquet")
    path = tmp_path / "v1.parquet"
    path.write_bytes(b"".join(response.streaming_content))
    result = subprocess.run(
        [str(HF_PYTHON), "-I", "-c", LOAD, str(path)],
        cwd=tmp_path,
        env={"HF_HOME": str(tmp_path / "hf"), "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["rows"] == 3
    assert loaded["ids"] == sorted(item.pk for item in items[:3])
    assert {"id", "label"} <= set(loaded["columns"])
