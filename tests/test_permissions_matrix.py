"""Who may call what: one row per (method, endpoint), one column per persona.

Later issues add rows. The last test fails when the OpenAPI schema has an operation that
this table does not cover, so no endpoint ships without its permission cases.
"""

from __future__ import annotations

import pytest
from drf_spectacular.generators import SchemaGenerator

from core.models import Job

PERSONAS = ["anon", "outsider", "annotator", "reviewer", "manager", "admin"]

# method  path                      anon outsider annotator reviewer manager admin
MATRIX = """
GET    /api/auth/session            200  200      200       200      200     200
POST   /api/auth/session            400  400      400       400      400     400
DELETE /api/auth/session            204  204      204       204      204     204
POST   /api/auth/token              400  400      400       400      400     400
GET    /api/projects/               401  200      200       200      200     200
GET    /api/projects/{project}/     401  404      200       200      200     200
GET    /api/jobs/{job}              401  404      404       404      200     200
GET    /api/schema/                 200  200      200       200      200     200
"""

ROWS = [line.split() for line in MATRIX.strip().splitlines()]


def _cases():
    for method, path, *codes in ROWS:
        for persona, code in zip(PERSONAS, codes, strict=True):
            yield pytest.param(method, path, persona, int(code), id=f"{method} {path} {persona}")


@pytest.fixture
def personas(project, annotator, reviewer, lead, outsider, site_admin):
    return {
        "anon": None,
        "outsider": outsider,
        "annotator": annotator,
        "reviewer": reviewer,
        "manager": lead,
        "admin": site_admin,
    }


@pytest.mark.parametrize(("method", "path", "persona", "expected"), list(_cases()))
def test_role_matrix(api, project, personas, lead, method, path, persona, expected):
    job = Job.objects.create(kind="labeling.generate_thumbnails", created_by=lead)
    url = path.format(project=project.pk, job=job.pk)
    # Empty bodies: the matrix is about who gets through, not about valid input.
    response = getattr(api(personas[persona]), method.lower())(url, {}, format="json")
    assert response.status_code == expected, response.content


def test_matrix_covers_every_api_operation():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    covered = {
        (m, p.replace("{project}", "{project_id}").replace("{job}", "{job_id}"))
        for m, p, *_ in ROWS
    }
    missing = [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if (method.upper(), path) not in covered
    ]
    assert missing == []
