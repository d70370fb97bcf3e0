"""Fixtures of the dsr tests (the fulfilment tests use `private_storage` for every test)."""

from pathlib import Path

import pytest

from config.celery import app as celery_app
from privacyops.core import roles
from tests.factories import (
    UserFactory,
)


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = str(tmp_path / "private")
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.PRIVATE_STORAGE_ROOT)


@pytest.fixture
def eager_celery():
    before = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = before


@pytest.fixture
def lena(client):
    user = UserFactory(username="lena", role=roles.LEGAL)
    client.force_login(user)
    return user
