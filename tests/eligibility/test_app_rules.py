"""The rules as the running app holds them: loaded once, and an invalid rule file stops the start."""

import shutil

import pytest

from hotline import ConfigurationError
from hotline.eligibility import RULES_DIR


def test_the_app_holds_every_rule(app):
    rules = app.extensions["eligibility"]
    assert len(rules) == len(list(RULES_DIR.glob("*.yaml")))
    assert rules["uy_bulogo_komok"].sms_keyword == "KOMOK"


def test_an_invalid_rule_file_stops_the_app_naming_file_and_field(app_factory, database_url, broker_url, tmp_path):
    for path in RULES_DIR.glob("*.yaml"):
        shutil.copy(path, tmp_path / path.name)
    broken = tmp_path / "uy_bulogo_komok.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("sms_keyword: KOMOK", "sms_keyword: [KOMOK]"),
                      encoding="utf-8")
    with pytest.raises(ConfigurationError) as error:
        app_factory(database_url, broker_url, RULES_DIR=str(tmp_path))
    assert "uy_bulogo_komok.yaml" in str(error.value) and "sms_keyword" in str(error.value)
