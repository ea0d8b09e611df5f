"""The real command table and place index, built once: the SMS tests need no app and no database."""

import pytest

from hotline.directory.loader import load_directory
from hotline.sms.commands import load_commands
from hotline.sms.places import PlaceIndex


@pytest.fixture(scope="session")
def directory():
    return load_directory()


@pytest.fixture(scope="session")
def commands():
    return load_commands()


@pytest.fixture(scope="session")
def places(directory):
    return PlaceIndex.build(directory.regions, directory.places)
