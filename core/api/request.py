from django.contrib.auth.models import User
from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request


def signed_in(request: Request) -> User:
    """The request's user, typed; views reach this only past IsAuthenticated."""
    user = request.user
    if not isinstance(user, User):
        raise NotAuthenticated()
    return user
