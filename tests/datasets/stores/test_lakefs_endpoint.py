import pytest

from datasets.stores.lakefs_client import api_base


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://lakefs:8000",
        "http://lakefs:8000/",
        "http://lakefs:8000/api/v1",
        "http://lakefs:8000/api/v1/",
    ],
)
def test_the_server_address_works_with_or_without_the_api_root(endpoint):
    assert api_base(endpoint) == "http://lakefs:8000/api/v1"
