"""``flask seed``: idempotent, edits update, removals are reported, a bad file changes nothing."""

import time

from sqlalchemy import func, select

from hotline.directory.models import Office, Phone, Region
from hotline.extensions import db
from tests.conftest import migrate_and_seed
from tests.directory.test_loader import copy_data, edit


def counts():
    return (db.session.scalar(select(func.count(Office.id)).where(Office.active)),
            db.session.scalar(select(func.count(Phone.id))),
            db.session.scalar(select(func.count(Region.id))))


def test_second_run_changes_nothing(app, runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "nothing changed" in result.output
    assert "offices: 0 created, 0 updated" in result.output


def test_edit_updates_and_removal_is_reported(app, runner, tmp_path):
    data_dir = copy_data(tmp_path)
    edit(data_dir / "offices/legal_aid.yaml", '"(03232) 5-23-56"', '"(03232) 5-23-57"')
    path = data_dir / "offices/justice.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: justice-naryn")
    path.write_text(text[:start], encoding="utf-8")  # the last row, removed
    try:
        result = runner.invoke(args=["seed", "--data-dir", str(data_dir)])
        assert result.exit_code == 0, result.output
        assert "offices: 0 created, 1 updated" in result.output
        assert "updated: legal-aid-kara-suu" in result.output
        assert "removed: justice-naryn" in result.output
        with app.app_context():
            office = db.session.scalar(select(Office).where(Office.code == "legal-aid-kara-suu"))
            assert [p.number for p in office.phones] == ["+996323252357"]
            removed = db.session.scalar(select(Office).where(Office.code == "justice-naryn"))
            assert removed.active is False
    finally:
        with app.app_context():
            db.session.remove()
        restore = runner.invoke(args=["seed"])
        assert "offices: 0 created, 2 updated" in restore.output
        time.sleep(app.config["DIRECTORY_CACHE_SECONDS"])  # every process sees the restored directory again


def test_bad_file_leaves_database_as_it_was(app, runner, tmp_path):
    data_dir = copy_data(tmp_path)
    edit(data_dir / "offices/legal_aid.yaml", '"(0312) 62-62-10"', '"(0312) 62"')
    edit(data_dir / "offices/training.yaml", "    region: bishkek\n", "    region: bishkek\n    place: tokmok\n")
    with app.app_context():
        before = counts()
    result = runner.invoke(args=["seed", "--data-dir", str(data_dir)])
    assert result.exit_code == 1
    assert "legal_aid.yaml" in result.output
    assert "field 'phones[0].number'" in result.output
    with app.app_context():
        assert counts() == before


def test_seed_into_an_empty_database(tmp_path, app_factory, broker_url):
    app = app_factory(f"sqlite:///{tmp_path / 'fresh.db'}", broker_url)
    migrate_and_seed(app)
    with app.app_context():
        offices, phones, regions = counts()
        assert regions == 9
        assert offices >= 100
        assert phones >= 60
