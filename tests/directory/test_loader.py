"""data/ loads as a whole; a bad file is refused with its file, row and field named."""

import shutil

import pytest

from hotline.directory.loader import DATA_DIR, SEEDS_DIR, DataError, expand_days, load_directory


def test_the_real_data_loads():
    data = load_directory()
    assert len(data.regions) == 9
    assert sorted(r["key"] for r in data.regions) == list(range(1, 10))
    assert {r["code"] for r in data.regions if r["kind"] == "oblast"} == {
        "chui", "osh", "jalal_abad", "batken", "issyk_kul", "naryn", "talas"}
    codes = [o["code"] for o in data.offices]
    assert len(codes) == len(set(codes))
    legal_aid = [o for o in data.offices if o["kind"] == "legal_aid_centre"]
    assert len(legal_aid) == 30
    assert all(o["source_document"] and o["source_lines"] for o in data.offices)
    assert all(o["unverified_reason"] for o in data.offices if not o["verified"])


def copy_data(tmp_path):
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


KARA_SUU = '    lines: 3418-3419\n'


@pytest.mark.parametrize(("file", "old", "new", "expected"), [
    ("offices/legal_aid.yaml", '"(03232) 5-23-56"', '"(03232) 5-23"',
     r"offices/legal_aid.yaml:\d+, row \d+ \(legal-aid-kara-suu\), field 'phones\[0\]\.number': .*not a valid KG number"),
    ("offices/legal_aid.yaml", "    region: osh\n    place: kara_suu\n", "    region: osh_oblus\n    place: kara_suu\n",
     r"row \d+ \(legal-aid-kara-suu\), field 'region': unknown region 'osh_oblus'"),
    ("offices/legal_aid.yaml", "    place: kara_suu\n", "    place: tokmok\n",
     r"\(legal-aid-kara-suu\), field 'place': 'tokmok' is not a place in region 'osh'"),
    ("offices/legal_aid.yaml", "    kind: legal_aid_centre\n", "    kind: lawyer\n",
     r"row 1 \(legal-aid-bishkek-coordination\), field 'kind': unknown kind 'lawyer'"),
    ("offices/legal_aid.yaml", "    topics: [legal_aid]\n", "    topics: [lawyers]\n",
     r"row 1 \(legal-aid-bishkek-coordination\), field 'topics': unknown topic 'lawyers'"),
    pytest.param("offices/legal_aid.yaml", KARA_SUU, "    lines: 99999\n",
                 r"\(legal-aid-kara-suu\), field 'lines': 99999 is outside 000_a6471b656ce57fa1.txt",
                 marks=pytest.mark.skipif(not SEEDS_DIR.is_dir(), reason="../shared/seeds is not beside the checkout")),
    ("offices/legal_aid.yaml", KARA_SUU, "    lines: 3419-3418\n",
     r"\(legal-aid-kara-suu\), field 'lines': 3419-3418 is not a range of lines"),
    ("offices/legal_aid.yaml", KARA_SUU, KARA_SUU + "    verified: false\n",
     r"\(legal-aid-kara-suu\), field 'unverified_reason': missing"),
    ("offices/legal_aid.yaml", KARA_SUU, KARA_SUU + "    phone: 111\n",
     r"\(legal-aid-kara-suu\), field 'phone': unknown field"),
    ("offices/legal_aid.yaml", KARA_SUU, KARA_SUU + "    hours: [{days: mon-fry, open: '09:00', close: '18:00'}]\n",
     r"\(legal-aid-kara-suu\), field 'hours': days 'mon-fry'"),
    ("offices/legal_aid.yaml", KARA_SUU, KARA_SUU + "    hours: [{days: mon-fri, open: '18:00', close: '09:00'}]\n",
     r"\(legal-aid-kara-suu\), field 'hours': times '18:00'-'09:00'"),
    ("offices/legal_aid.yaml", "  - id: legal-aid-nookat\n", "  - id: legal-aid-kara-suu\n",
     r"\(legal-aid-kara-suu\), field 'id': id already used in"),
    ("offices/legal_aid.yaml", "source_document:", "# source_document:",
     r"offices/legal_aid.yaml: the file must say its source_document and valid_as_of"),
    ("offices/legal_aid.yaml", "offices:\n", "offices:\n  - [\n",
     r"offices/legal_aid.yaml:\d+: not valid YAML"),
    ("regions.yaml", "    key: 9\n", "    key: 1\n",
     r"regions.yaml:\d+, row 9 \(talas\), field 'key': expected a keypad digit"),
    ("topics.yaml", "    name_ru: Дети\n", "",
     r"topics.yaml:\d+, row 1 \(children\), field 'name_ru': missing"),
])
def test_bad_files_name_file_row_and_field(tmp_path, file, old, new, expected):
    data_dir = copy_data(tmp_path)
    edit(data_dir / file, old, new)
    with pytest.raises(DataError, match=expected):
        load_directory(data_dir)


@pytest.mark.parametrize(("text", "days"), [
    ("mon-fri", ["mon", "tue", "wed", "thu", "fri"]),
    ("sat", ["sat"]),
    ("mon,wed", ["mon", "wed"]),
    ("mon-sun", ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]),
    ("fri-mon", None),
    ("monday", None),
])
def test_expand_days(text, days):
    assert expand_days(text) == days
