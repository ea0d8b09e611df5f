"""Any value written where a rule expects a condition or an expression (hypothesis): the rule loads,
or the loader refuses it with a RuleError naming the file, the rule and a field; never another
exception. The table of known mistakes is test_loader.py's."""

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hotline.eligibility import RuleError, load_rules
from hotline.eligibility.expressions import OPERATORS
from tests.eligibility.samples import SAMPLE

NAMES = ["family_size", "has_car", "who", "doubled", "today", "child", "adult", "nobody", ""]
# no .nan or .inf: they fail inside today (test_a_number_that_is_not_one_names_its_field)
LEAVES = st.one_of(st.sampled_from(NAMES), st.integers(-10**20, 10**20), st.floats(allow_nan=False, allow_infinity=False),
                   st.booleans(), st.none(),
                   st.text(max_size=8), st.dates().map(str))
VALUES = st.recursive(LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(sorted(OPERATORS)) | st.text(max_size=6), inner | st.lists(inner, max_size=4),
                    max_size=2),
), max_leaves=12)
PLACES = {  # the line of the sample rule replaced, and the fields an error there may name
    "    require: {lt: [family_size, 10]}\n": ("    require: {}\n", ("checks[0].require", "questions[")),
    "  doubled: {mul: [2, family_size]}\n": ("  doubled: {}\n", ("derived.doubled", "questions[")),
}


@pytest.fixture(scope="module")
def rules_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("rules")


@given(place=st.sampled_from(sorted(PLACES)), value=VALUES)
@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_condition_loads_or_names_its_file_and_field(rules_dir, services, place, value):
    error = load_with(rules_dir, services, place, value)
    if error is not None:
        assert_names(error, PLACES[place][1])


def load_with(rules_dir, services, place: str, value) -> RuleError | None:
    """Load the sample rule with ``value`` written at ``place``; the RuleError, if refused."""
    template, _ = PLACES[place]
    written = yaml.safe_dump(value, default_flow_style=True, allow_unicode=True, width=10**6).strip()
    written = written.removesuffix("\n...").removesuffix("...").strip()  # a scalar's document end marker
    (rules_dir / "sample.yaml").write_text(SAMPLE.replace(place, template.format(written)), encoding="utf-8")
    try:
        load_rules(rules_dir, services)
    except RuleError as error:
        return error
    return None


def assert_names(error: RuleError, fields: tuple[str, ...]) -> None:
    assert error.path.name == "sample.yaml", str(error)
    assert error.field and error.field.startswith(fields), str(error)
    assert f"field '{error.field}': " in str(error)


@pytest.mark.parametrize("value", [float("nan"), float("inf")], ids=["nan", "inf"])
def test_a_number_that_is_not_one_names_its_field(rules_dir, services, value):
    place = "    require: {lt: [family_size, 10]}\n"
    error = load_with(rules_dir, services, place, {"lt": ["family_size", value]})
    assert error is not None
    assert_names(error, ("checks[0].require",))
