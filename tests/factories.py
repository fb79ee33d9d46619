from __future__ import annotations

import factory
from django.contrib.auth import get_user_model

from labeling.models import Item, Membership, Project, Role

TEXT_SCHEMA = {
    "controls": [
        {
            "name": "label",
            "type": "class",
            "labels": [
                {"name": name, "color": color, "hotkey": str(i + 1)}
                for i, (name, color) in enumerate(
                    [
                        ("A", "#e6194b"),
                        ("B", "#3cb44b"),
                        ("C", "#4363d8"),
                        ("D", "#f58231"),
                        ("E", "#911eb4"),
                    ]
                )
            ],
        }
    ]
}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pass-word-123")


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    name = factory.Sequence(lambda n: f"Project {n}")
    kind = Project.Kind.TEXT
    label_schema = factory.LazyFunction(lambda: TEXT_SCHEMA)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.ANNOTATOR


class TextItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Item

    project = factory.SubFactory(ProjectFactory)
    text = factory.Sequence(lambda n: f"item text number {n}")
