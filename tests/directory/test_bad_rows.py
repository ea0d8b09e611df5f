"""Any value in any field of an office row (hypothesis): the directory loads, or the loader refuses it
with a DataError naming the file, the row and the field; never another exception. The table of known
mistakes is test_loader.py's."""

import shutil

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.directory.loader import DATA_DIR, OFFICE_FIELDS, PHONE_FIELDS, DataError, load_directory

ROW = "    region: national\n"  # the first row of offices/hotlines.yaml (hotline-111) has it first
LEAVES = st.one_of(st.text(max_size=12), st.integers(-10**20, 10**20), st.floats(), st.booleans(), st.none(),
                   st.dates(), st.sampled_from(["111", "+996312000000", "24/7", "mon-fri", "09:00", "national",
                                                "osh", "children", "3905-3915", "000_a6471b656ce57fa1.txt"]))
VALUES = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=3),
    st.dictionaries(st.sampled_from(sorted(PHONE_FIELDS | {"days", "open", "close"})) | st.text(max_size=6), inner,
                    max_size=3),
), max_leaves=10)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """regions, topics and one office file (the hotlines): a directory small enough to load 200 times."""
    target = tmp_path_factory.mktemp("data")
    for name in ("regions.yaml", "topics.yaml"):
        shutil.copy(DATA_DIR / name, target / name)
    (target / "offices").mkdir()
    return target


#: a list or a map here fails inside the loader today (test_a_list_or_map_as_a_code_names_its_field)
CODES = {"region", "place", "network"}


@st.composite
def fields(draw) -> tuple[str, object]:
    field = draw(st.sampled_from(sorted(OFFICE_FIELDS - {"id"})))
    return field, draw(LEAVES if field in CODES else VALUES)


@given(field_value=fields())
@settings(max_examples=100, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_value_in_any_field_loads_or_names_file_row_and_field(data_dir, field_value):
    field, value = field_value
    error = load_with(data_dir, field, value)
    if error is not None:
        assert_names(error, field)


def load_with(data_dir, field: str, value) -> DataError | None:
    """Load the directory with ``field: value`` in the first hotline's row; the DataError, if refused."""
    written = yaml.safe_dump({field: value}, default_flow_style=True, allow_unicode=True, width=10**6).strip()
    text = (DATA_DIR / "offices" / "hotlines.yaml").read_text(encoding="utf-8")
    assert ROW in text
    row = ROW + "    " + written.removeprefix("{").removesuffix("}") + "\n"
    (data_dir / "offices" / "hotlines.yaml").write_text(text.replace(ROW, row, 1), encoding="utf-8")
    try:
        load_directory(data_dir)
    except DataError as error:
        return error
    return None


def assert_names(error: DataError, field: str) -> None:
    assert error.path.name == "hotlines.yaml", str(error)
    assert (error.row, error.key) == (1, "hotline-111"), str(error)
    assert error.field_name and error.field_name.partition("[")[0].partition(".")[0] == field, str(error)
    assert f"row 1 (hotline-111), field '{error.field_name}': " in str(error)


@pytest.mark.parametrize(("field", "value"), [("region", []), ("place", {}), ("network", ["ngo"])])
def test_a_list_or_map_as_a_code_names_its_field(data_dir, field, value):
    error = load_with(data_dir, field, value)
    assert error is not None
    assert_names(error, field)
