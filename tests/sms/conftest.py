"""The real command table and place index, built once: the SMS tests need no app and no database."""

import pytest

from hotline.directory.loader import load_directory
from hotline.sms.parse import load_commands
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


@pytest.fixture(scope="session")
def directory_numbers(directory) -> set[str]:
    """Every phone number the directory holds (E.164, or short like 112): a reply may quote no other."""
    offices = directory.offices.values() if isinstance(directory.offices, dict) else directory.offices
    return {phone["number"] for office in offices for phone in office["phones"]}


@pytest.fixture
def texter(app):
    """An :class:`SmsSimulator` posting signed messages through the real webhook from one number."""
    from hotline.sms.simulate import SmsSimulator

    return SmsSimulator(app, caller="+996555123456")


@pytest.fixture
def sms_rows(app):
    """``sms_rows(caller=None)``: the ``SmsMessage`` rows, in id order."""
    from sqlalchemy import select

    from hotline.extensions import db
    from hotline.messaging.models import SmsMessage

    def read(caller: str | None = None) -> list:
        with app.app_context():
            query = select(SmsMessage).order_by(SmsMessage.id)
            if caller:
                query = query.where(SmsMessage.caller == caller)
            rows = db.session.scalars(query).all()
            db.session.expunge_all()
            return rows

    return read
