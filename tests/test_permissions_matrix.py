"""Who may call what: one row per (method, endpoint), one column per persona.

Later issues add rows. The last test fails when the OpenAPI schema has an operation that
this table does not cover, so no endpoint ships without its permission cases. Bodies are
empty: a 400 means the caller got past the permission checks to input validation.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator

from core.models import Job
from datasets.models import Dataset, Merge
from datasets.services.tokens import token_issue
from labeling.media import image_inspect, image_store
from labeling.models import Annotation, Item, Lease
from tests.factories import MembershipFactory, TextItemFactory, UserFactory
from tests.labeling.images import jpeg_bytes

PERSONAS = ["anon", "outsider", "annotator", "reviewer", "manager", "admin"]

# method  path                                   anon outsider annotator reviewer manager admin
MATRIX = """
GET    /api/auth/session                         200  200  200  200  200  200
POST   /api/auth/session                         400  400  400  400  400  400
DELETE /api/auth/session                         204  204  204  204  204  204
POST   /api/auth/token                           400  400  400  400  400  400
GET    /api/jobs/{job}                           401  404  404  404  200  200
GET    /api/schema/                              200  200  200  200  200  200
GET    /api/projects/                            401  200  200  200  200  200
POST   /api/projects/                            401  400  400  400  400  400
GET    /api/projects/{project}/                  401  404  200  200  200  200
PATCH  /api/projects/{project}/                  401  404  403  403  200  200
GET    /api/projects/{project}/members/          401  404  200  200  200  200
POST   /api/projects/{project}/members/          401  404  403  403  400  400
DELETE /api/projects/{project}/members/{member}  401  404  403  403  204  204
POST   /api/projects/{project}/import            401  404  403  403  400  400
POST   /api/projects/{project}/preannotations    401  404  403  403  400  400
POST   /api/projects/{project}/queue/next        401  404  200  200  200  200
POST   /api/projects/{project}/review/next       401  404  403  204  204  204
GET    /api/projects/{project}/items             401  404  403  200  200  200
GET    /api/projects/{project}/annotations       401  404  200  200  200  200
GET    /api/projects/{project}/stats             401  404  403  200  200  200
POST   /api/leases/{lease}/heartbeat             401  404  200  404  404  404
DELETE /api/leases/{lease}                       401  404  204  404  404  404
GET    /api/items/{item}                         401  404  200  200  200  200
PATCH  /api/items/{item}                         401  404  403  403  400  400
GET    /api/items/{image}/media                  401  404  200  200  200  200
GET    /api/items/{image}/thumbnail              401  404  404  404  404  404
POST   /api/items/{item}/annotations             401  404  400  400  400  400
POST   /api/items/{item}/skip                    401  404  204  204  204  204
GET    /api/annotations/{annotation}             401  404  200  200  200  200
PATCH  /api/annotations/{annotation}             401  404  400  404  404  404
GET    /api/annotations/{annotation}/revisions   401  404  200  200  200  200
POST   /api/annotations/{annotation}/review      401  404  403  400  400  400
GET    /api/datasets/                            401  200  200  200  200  200
POST   /api/datasets/                            401  400  400  400  400  400
GET    /api/datasets/{dataset}/                  401  404  403  403  200  200
GET    /api/datasets/{dataset}/branches          401  404  403  403  200  200
POST   /api/datasets/{dataset}/branches          401  404  403  403  400  400
DELETE /api/datasets/{dataset}/branches/{branch} 401  404  403  403  404  404
POST   /api/datasets/{dataset}/snapshots         401  404  403  403  400  400
GET    /api/datasets/{dataset}/diff              401  404  403  403  400  400
GET    /api/datasets/{dataset}/merges            401  404  403  403  200  200
POST   /api/datasets/{dataset}/merges            401  404  403  403  400  400
POST   /api/datasets/{dataset}/merges/{merge}/resolve 401 404 403 403 409  409
GET    /api/datasets/{dataset}/versions          401  404  403  403  200  200
POST   /api/datasets/{dataset}/versions          401  404  403  403  400  400
GET    /api/datasets/{dataset}/refs/{ref}/export 401  404  403  403  404  404
GET    /api/datasets/{dataset}/refs/{ref}/manifest 401 404 403  403  404  404
GET    /api/datasets/{dataset}/refs/{ref}/objects/{path} 401 404 403 403 404 404
GET    /api/datasets/{dataset}/tokens            401  404  403  403  200  200
POST   /api/datasets/{dataset}/tokens            401  404  403  403  400  400
DELETE /api/datasets/{dataset}/tokens/{token}    401  404  403  403  204  204
"""

ROWS = [line.split() for line in MATRIX.strip().splitlines()]
PLACEHOLDERS = {
    "{project}": "{project_id}",
    "{job}": "{job_id}",
    "{member}": "{user_id}",
    "{lease}": "{lease_id}",
    "{item}": "{item_id}",
    "{image}": "{item_id}",
    "{annotation}": "{annotation_id}",
    "{dataset}": "{slug}",
    "{merge}": "{merge_id}",
    "{ref}": "{ref}",
    "{path}": "{path}",
    "{token}": "{token_id}",
}


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


@pytest.fixture
def objects(project, annotator, lead):
    """One of each object the endpoints act on; the lease and annotation are the annotator's."""
    item, annotated = TextItemFactory(project=project), TextItemFactory(project=project)
    data = jpeg_bytes()
    info = image_inspect(data)
    image_store(data, info)
    image = Item.objects.create(
        project=project, media_sha256=info.sha256, media_ext=info.ext, width=64, height=48
    )
    dataset = Dataset.objects.create(slug="matrix", name="Matrix")
    dataset.projects.set([project])
    member = UserFactory()
    MembershipFactory(project=project, user=member, role="annotator")
    return {
        "project": project.pk,
        "dataset": dataset.slug,
        "ref": "v1",
        "path": "annolake.json",
        "branch": "round-x",
        "token": token_issue(dataset=dataset, user=lead, name="matrix")[0].pk,
        "merge": Merge.objects.create(
            dataset=dataset, source="round-1", target="main", status="conflict"
        ).pk,
        "job": Job.objects.create(kind="labeling.generate_thumbnails", created_by=lead).pk,
        "member": member.pk,
        "item": item.pk,
        "image": image.pk,
        "lease": Lease.objects.create(
            project=project,
            item=item,
            user=annotator,
            expires_at=timezone.now() + timedelta(minutes=5),
        ).pk,
        "annotation": Annotation.objects.create(
            project=project,
            item=annotated,
            user=annotator,
            result=[{"control": "label", "type": "class", "labels": ["A"]}],
        ).pk,
    }


@pytest.mark.parametrize(("method", "path", "persona", "expected"), list(_cases()))
def test_role_matrix(api, personas, objects, method, path, persona, expected):
    url = path.format(**objects)
    response = getattr(api(personas[persona]), method.lower())(url, {}, format="json")
    assert response.status_code == expected, response.content[:300]


def test_matrix_covers_every_api_operation():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    covered = set()
    for method, path, *_ in ROWS:
        for short, full in PLACEHOLDERS.items():
            path = path.replace(short, full)
        covered.add((method, path))
    missing = [
        (method.upper(), path)
        for path, operations in schema["paths"].items()
        for method in operations
        if (method.upper(), path) not in covered
    ]
    assert missing == []
