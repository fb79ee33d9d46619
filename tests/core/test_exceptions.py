from rest_framework import exceptions

from core.api.exceptions import exception_handler
from core.errors import Conflict


def test_nested_validation_errors_name_the_path():
    exc = exceptions.ValidationError({"result": [{}, {}, {"bbox": {"w": ["must be > 0"]}}]})
    response = exception_handler(exc, {})
    assert response.status_code == 400
    assert response.data["error"]["field"] == "result[2].bbox.w"
    assert response.data["error"]["message"] == "must be > 0"


def test_domain_errors_keep_their_status_and_code():
    response = exception_handler(Conflict("lease expired", code="lease_expired", field="lease"), {})
    assert response.status_code == 409
    assert response.data == {
        "error": {"code": "lease_expired", "message": "lease expired", "field": "lease"}
    }


def test_not_authenticated_uses_the_same_envelope():
    response = exception_handler(exceptions.NotAuthenticated(), {})
    assert response.status_code == 401
    assert response.data["error"]["code"] == "not_authenticated"
