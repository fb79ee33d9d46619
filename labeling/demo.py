"""The demo loaded by `make run`: users, an image project and a text project.

Images are drawn with Pillow from a fixed seed, so the demo needs no downloads and is
the same on every machine.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction
from PIL import Image, ImageDraw

from core.jobs import job_create
from core.models import Job
from labeling.models import Item, Project, Role
from labeling.services.items import item_create_image, items_create_text
from labeling.services.projects import membership_set, project_create

DEMO_USERS = {
    # username: (password, site admin, role in the demo projects)
    "admin": ("admin-demo", True, None),
    "lead": ("lead-demo", False, Role.MANAGER),
    "annotator": ("annotator-demo", False, Role.ANNOTATOR),
    "reviewer": ("reviewer-demo", False, Role.REVIEWER),
}

IMAGE_PROJECT = "Street scenes (demo)"
TEXT_PROJECT = "Support tickets (demo)"

IMAGE_SCHEMA = {
    "controls": [
        {
            "name": "objects",
            "type": "bbox",
            "labels": [
                {"name": "car", "color": "#e6194b", "hotkey": "1"},
                {"name": "person", "color": "#3cb44b", "hotkey": "2"},
                {"name": "bike", "color": "#4363d8", "hotkey": "3"},
            ],
        },
        {
            "name": "time_of_day",
            "type": "class",
            "labels": [
                {"name": "day", "color": "#f58231", "hotkey": "d"},
                {"name": "night", "color": "#911eb4", "hotkey": "n"},
            ],
        },
    ]
}

TEXT_SCHEMA = {
    "controls": [
        {
            "name": "topic",
            "type": "class",
            "labels": [
                {"name": "billing", "color": "#e6194b", "hotkey": "1"},
                {"name": "bug", "color": "#3cb44b", "hotkey": "2"},
                {"name": "feature", "color": "#4363d8", "hotkey": "3"},
                {"name": "question", "color": "#f58231", "hotkey": "4"},
            ],
        },
        {
            "name": "entities",
            "type": "span",
            "labels": [
                {"name": "PRODUCT", "color": "#911eb4", "hotkey": "q"},
                {"name": "PERSON", "color": "#46f0f0", "hotkey": "w"},
                {"name": "ORG", "color": "#f032e6", "hotkey": "e"},
            ],
        },
    ]
}

_PEOPLE = ["Maria", "Jonas", "Aiko", "Tomás", "Priya", "Olu", "Chen", "Sofia"]
_ORGS = ["Acme Corp", "Globex", "Initech", "Umbrella Labs", "Stark Industries"]
_PRODUCTS = ["the mobile app", "the invoice exporter", "Team plan", "the API", "the dashboard"]
_TEMPLATES = [
    "Hi, this is {person} from {org}. We were charged twice for {product} this month.",
    "{product} crashes every time I open a project with more than 500 items. {person}",
    "Could {product} support exporting to Parquet? Our team at {org} needs it.",
    "How do I add a reviewer to {product}? Asking for {person} at {org}.",
    "Since Tuesday {product} shows a blank page after login. Reported by {person}.",
    "Please refund the annual {product} subscription for {org}; we moved to monthly.",
    "Feature request from {org}: keyboard shortcuts in {product} for every label.",
    "{person} here: is there a limit on image size in {product}?",
]


@dataclass
class DemoResult:
    users: dict[str, str]
    projects: list[Project] = field(default_factory=list)
    job: Job | None = None


def demo_image(rng: random.Random, *, width: int = 640, height: int = 480) -> bytes:
    """Draw a small street scene: sky, road, some cars, people and bikes."""
    night = rng.random() < 0.3
    sky = (25, 30, 60) if night else (150, 190, 235)
    im = Image.new("RGB", (width, height), sky)
    draw = ImageDraw.Draw(im)
    horizon = int(height * rng.uniform(0.4, 0.55))
    draw.rectangle([0, horizon, width, height], fill=(70, 70, 75))
    for x in range(0, width, 80):
        draw.rectangle(
            [x + 10, (horizon + height) // 2, x + 50, (horizon + height) // 2 + 6],
            fill=(230, 230, 200),
        )
    for _ in range(rng.randint(1, 4)):  # cars
        w, h = rng.randint(80, 180), rng.randint(40, 80)
        x, y = rng.randint(0, width - w), rng.randint(horizon, height - h)
        colour = tuple(rng.randint(40, 230) for _ in range(3))
        draw.rounded_rectangle([x, y, x + w, y + h], radius=10, fill=colour)
        draw.ellipse([x + 10, y + h - 15, x + 35, y + h + 5], fill=(20, 20, 20))
        draw.ellipse([x + w - 35, y + h - 15, x + w - 10, y + h + 5], fill=(20, 20, 20))
    for _ in range(rng.randint(0, 3)):  # people
        x, y = rng.randint(10, width - 30), rng.randint(horizon - 60, height - 90)
        draw.ellipse([x + 5, y, x + 20, y + 15], fill=(240, 200, 160))
        draw.rectangle(
            [x, y + 15, x + 25, y + 70], fill=tuple(rng.randint(0, 255) for _ in range(3))
        )
    buffer = io.BytesIO()
    im.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def demo_texts(rng: random.Random, count: int) -> list[dict]:
    return [
        {
            "external_id": f"ticket-{i + 1:04d}",
            "text": rng.choice(_TEMPLATES).format(
                person=rng.choice(_PEOPLE), org=rng.choice(_ORGS), product=rng.choice(_PRODUCTS)
            ),
        }
        for i in range(count)
    ]


def _demo_users() -> dict[str, object]:
    User = get_user_model()
    users: dict[str, object] = {}
    for username, (password, admin, _) in DEMO_USERS.items():
        user, created = User.objects.get_or_create(username=username)
        if created:
            user.set_password(password)
            user.is_staff = user.is_superuser = admin
            user.save()
        users[username] = user
    return users


def demo_load(*, images: int = 30, texts: int = 60) -> DemoResult:
    """Create what is missing of the demo; a second call changes nothing."""
    result = DemoResult(users={name: spec[0] for name, spec in DEMO_USERS.items()})
    with transaction.atomic():
        users = _demo_users()
        lead = users["lead"]
        for name, kind, schema in [
            (IMAGE_PROJECT, Project.Kind.IMAGE, IMAGE_SCHEMA),
            (TEXT_PROJECT, Project.Kind.TEXT, TEXT_SCHEMA),
        ]:
            project = Project.objects.filter(name=name).first()
            if project is None:
                project = project_create(
                    name=name,
                    kind=kind,
                    label_schema=schema,
                    created_by=lead,  # type: ignore[arg-type]
                    description=f"Demo {kind} project",
                    instructions="Label every object you can see. Press **?** for shortcuts.",
                )
                for username, (_, _, role) in DEMO_USERS.items():
                    if role is not None and role != Role.MANAGER:
                        membership_set(project=project, user=users[username], role=role)  # type: ignore[arg-type]
                rng = random.Random(7)  # noqa: S311 - a fixed seed for the same demo everywhere
                if kind == Project.Kind.IMAGE:
                    for i in range(images):
                        item_create_image(
                            project=project, data=demo_image(rng), external_id=f"scene-{i + 1:03d}"
                        )
                else:
                    items_create_text(project=project, rows=demo_texts(rng, texts))
            result.projects.append(project)
        image_project = result.projects[0]
        already_queued = Job.objects.filter(
            kind="labeling.generate_thumbnails",
            params__project_id=image_project.pk,
            status__in=[Job.Status.QUEUED, Job.Status.RUNNING],
        ).exists()
        missing = Item.objects.filter(project=image_project, has_thumbnail=False).exists()
        if missing and not already_queued:
            result.job = job_create(
                kind="labeling.generate_thumbnails",
                params={"project_id": image_project.pk},
                created_by=lead,  # type: ignore[arg-type]
                message="Waiting for a worker",
            )
    return result
