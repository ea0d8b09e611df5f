"""The flow files: the real ones pass the check; each kind of mistake is named by file and node."""

import shutil

import pytest

from audio.catalogue import Catalogue
from hotline.eligibility import RULES_DIR
from hotline.voice import load_checked_flows
from ivr_flows import FLOWS_DIR, MAX_FAILS, FlowError, load_flows


@pytest.fixture(scope="module")
def catalogue():
    return Catalogue.load()


@pytest.fixture(scope="module")
def flows(catalogue):
    return load_checked_flows(catalogue)


def test_flows_check_command_passes(runner):
    result = runner.invoke(args=["flows", "check"])
    assert result.exit_code == 0, result.output
    assert "flows" in result.output and ": ok" in result.output


def test_graph_command_draws_every_node(runner, flows, tmp_path):
    out = tmp_path / "menus.mmd"
    result = runner.invoke(args=["flows", "graph", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("flowchart LR")
    for flow in flows.flows.values():
        for node in flow.nodes.values():
            assert node.ref.replace(".", "__") in text
    assert "main__menu -- 3 --> jardam__menu" in text


def broken(tmp_path, file, old, new):
    target = tmp_path / "flows"
    shutil.copytree(FLOWS_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (target / file).read_text(encoding="utf-8")
    assert old in text, old
    (target / file).write_text(text.replace(old, new, 1), encoding="utf-8")
    return target


@pytest.mark.parametrize(("file", "old", "new", "problem"), [
    ("main.yaml", '"1": {goto: children.menu}', '"1": {goto: children.menuu}',
     "main.yaml, node 'menu': route '1' leads to 'children.menuu', which is not a node"),
    ("main.yaml", "      other: {}\n      no_response: {goto: menu}\n\n  menu:", "      other: {}\n\n  menu:",
     "main.yaml, node 'resume': gathers a key but has no 'no_response' exit"),
    ("jobs.yaml", '      "5": {goto: training_check}\n      other: {}\n', '      "5": {goto: training_check}\n',
     "jobs.yaml, node 'menu': gathers a key but has no 'other' exit"),
    ("main.yaml", '"8": {goto: operator.callback_offer}', '"0": {goto: operator.callback_offer}',
     "main.yaml, node 'menu': key '0' is reserved on every menu"),
    ("jardam.yaml", '      "4": {goto: home_emergency}\n', "",
     "jardam.yaml, node 'menu': its keys 1, 2, 3, 5 leave a gap"),
    ("children.yaml", "label: label.helpline", "label: label.nothing",
     "children.yaml, node 'helpline': prompt 'label.nothing' is missing in ky, ru"),
    ("regions.yaml", "if_region: offices", "if_region: officez",
     "regions.yaml, node 'choose': if_region leads to 'officez', which is not a node"),
    ("health.yaml", '"2": {action: repeat}', '"2": {action: teleport}',
     "health.yaml, node 'info', route '2': unknown action 'teleport'"),
    ("health.yaml", "content: {type: office_list", "content: {type: weather",
     "health.yaml, node 'info': unknown content"),
    ("health.yaml", "    say: [health.info]\n", "    say: [health.nothing]\n",
     "health.yaml, node 'info': prompt 'health.nothing' is missing in ky, ru"),
    ("jobs.yaml", '      "5": {goto: training_check}\n', "",
     "jobs.yaml, node 'training_check': no caller can reach it"),
    ("russia.yaml", "flow: russia", "flow: rossiya", "russia.yaml: 'flow' must be the file's name"),
    ("russia.yaml", '    say: [russia.border]\n    after:', '    say: [russia.border]\n    colour: red\n    after:',
     "russia.yaml, node 'border': unknown field 'colour'"),
    ("russia.yaml", '"3": {goto: border_more}', '"3": {action: more}',
     "russia.yaml, node 'border': route '3' asks for more, but the node has no content"),
    ("operator.yaml", "    action: hangup\n", "    action: dance\n",
     "operator.yaml, node 'voicemail_done': unknown action 'dance'"),
])
def test_each_mistake_is_named(tmp_path, catalogue, file, old, new, problem):
    directory = broken(tmp_path, file, old, new)
    with pytest.raises(FlowError) as caught:
        load_checked_flows(catalogue, directory)
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_a_prompt_missing_in_one_language_is_named(flows):
    catalogue = Catalogue({"ky": {"x": "бир"}, "ru": {}})
    with pytest.raises(FlowError) as caught:
        load_checked_flows(catalogue)
    assert "prompt 'x' is missing in ru" in caught.value.problems


def test_the_app_refuses_to_start_on_invalid_flows(tmp_path, database_url, broker_url):
    from hotline import ConfigurationError
    from tests.conftest import make_app

    directory = broken(tmp_path, "main.yaml", "start: menu", "start: lobby")
    with pytest.raises(ConfigurationError, match="main.yaml: start node 'lobby' is not a node"):
        make_app(database_url, broker_url, FLOWS_DIR=str(directory))


def test_reserved_keys_and_failures(flows):
    assert flows.step("jardam.menu", "*").next == "main.menu"
    assert flows.step("main.menu", "*").next == "main.menu"
    assert flows.step("jardam.menu", "0").next == "operator.person"
    language = flows.step("jardam.menu", "#")
    assert (language.outcome, language.next, language.exit.action) == ("language", "jardam.menu", "switch_language")
    assert flows.step("main.language", "#").outcome == "other"  # * and # mean nothing before a language
    assert flows.step("main.language", "0").next == "operator.person"  # but 0 is a person there too
    assert flows.step("operator.give_up", "0").next == "operator.person"  # and after three wrong keys
    fails = 0
    for _ in range(MAX_FAILS - 1):
        step = flows.step("main.menu", "9", fails)
        assert step.outcome == "other" and step.next == "main.menu"
        fails = step.fails
    assert flows.step("main.menu", None, fails).next == "operator.give_up"
    assert flows.step("main.menu", "3", fails).fails == 0


def test_shared_menus_go_back_to_the_menu_that_chose_the_topic(flows):
    assert flows.step("regions.choose", "*", return_to="jobs.menu").next == "jobs.menu"
    assert flows.step("regions.choose", "*", return_to="no.such").next == "main.menu"
    assert flows.step("regions.offices", "*").next == "regions.choose"


def test_load_flows_without_prompts_checks_structure_only():
    assert "main.language" in load_flows().entries


RULES = {path.stem for path in RULES_DIR.glob("*.yaml")}  # each file is named by its rule's id


@pytest.mark.parametrize(("old", "new", "problem"), [
    ("rule: uy_bulogo_komok", "rule: uy_bulogo_komokk",
     "benefits.yaml, node 'family_check': unknown rule 'uy_bulogo_komokk'"),
    ("    rule: uy_bulogo_komok\n", "",
     "benefits.yaml, node 'family_check': an eligibility node needs 'rule'"),
    ("    rule: uy_bulogo_komok\n    next: menu\n", "    rule: uy_bulogo_komok\n",
     "benefits.yaml, node 'family_check': an eligibility node needs 'next'"),
    ('      "4": {goto: family_check}\n', '      "4": {goto: family_check}\n      "5": {goto: menu}\n', None),
])
def test_eligibility_nodes_are_checked(tmp_path, catalogue, old, new, problem):
    directory = broken(tmp_path, "benefits.yaml", old, new)
    if problem is None:  # a harmless edit: still valid
        load_checked_flows(catalogue, directory, rules=RULES)
        return
    with pytest.raises(FlowError) as caught:
        load_checked_flows(catalogue, directory, rules=RULES)
    assert any(p.startswith(problem) for p in caught.value.problems), caught.value.problems


def test_flows_check_names_an_unknown_rule(app_factory, database_url, broker_url, tmp_path):
    app = app_factory(database_url, broker_url)
    app.config["FLOWS_DIR"] = str(broken(tmp_path, "russia.yaml", "rule: russia_registration", "rule: russia_visa"))
    result = app.test_cli_runner().invoke(args=["flows", "check"])
    assert result.exit_code == 1
    assert "russia.yaml, node 'registration_check': unknown rule 'russia_visa'" in result.output


def test_the_app_refuses_to_start_on_an_unknown_rule(tmp_path, database_url, broker_url):
    from hotline import ConfigurationError
    from tests.conftest import make_app

    directory = broken(tmp_path, "jobs.yaml", "rule: migrant_ishker", "rule: migrant_ishkerr")
    with pytest.raises(ConfigurationError, match="jobs.yaml, node 'migrant_ishker_check': unknown rule"):
        make_app(database_url, broker_url, FLOWS_DIR=str(directory))


def test_every_check_prompt_is_required_once_a_flow_has_a_check(flows):
    catalogue = Catalogue.load()
    without = Catalogue({lang: {k: v for k, v in prompts.items() if k != "check.number_keys"}
                         for lang, prompts in catalogue.prompts.items()})
    with pytest.raises(FlowError) as caught:
        load_checked_flows(without)
    assert any("prompt 'check.number_keys'" in p for p in caught.value.problems)


# menus that offer a check say each key; they stay short (the Russia menu's 8 steps predate the checks)
SHORT_MENUS = ("benefits.menu", "benefits.social_benefit", "benefits.pension", "jardam.menu", "jobs.menu",
               "jobs.unemployment", "russia.before_leaving", "health.info", "housing.info")


def test_every_rule_is_asked_from_a_menu(app, flows):
    wired = {node.rule for flow in flows.flows.values() for node in flow.nodes.values() if node.action == "eligibility"}
    assert wired == set(app.extensions["eligibility"])
    # every check is reached by a digit of some menu, announced by a prompt of that menu
    catalogue = Catalogue.load()
    for flow in flows.flows.values():
        for node in flow.nodes.values():
            for key, exit_ in node.routes.items():
                target = flows.resolve(exit_.goto, flow.name) if exit_.goto else None
                if target and flows.node(target).action == "eligibility" and key.isdigit():
                    spoken = " ".join(catalogue.text("ky", p) for p in node.say + node.after)
                    word = ("Бир", "Эки", "Үч", "Төрт", "Беш", "Алты", "Жети", "Сегиз", "Тогуз")[int(key) - 1]
                    assert f"{word} –" in spoken, (node.ref, key)


@pytest.mark.parametrize("ref", SHORT_MENUS)
def test_menus_that_offer_checks_have_at_most_five_choices(flows, ref):
    node = flows.node(ref)
    assert len([key for key in node.routes if key.isdigit() and key != "0"]) <= 5


def test_every_menu_names_its_keys_after_a_wrong_one(flows):
    """A wrong key is answered with one short sentence naming the menu's keys (1 to n, no gap)."""
    catalogue = Catalogue.load()
    for flow in flows.flows.values():
        for node in flow.nodes.values():
            if node.gather is None:
                continue
            keys = sorted(k for k in node.routes if k.isdigit())
            assert keys == [str(n) for n in range(1, len(keys) + 1)], node.ref
            assert node.keys_prompt == f"keys.upto_{len(keys)}"
            for lang in ("ky", "ru"):
                assert catalogue.text(lang, node.keys_prompt)


def test_a_returning_caller_can_resume_every_answer(flows):
    """Each answer a caller can reach names itself for the next call: a label, a check's rule, or the
    topic and region of a region's offices."""
    answers = [node for flow in flows.flows.values() for node in flow.nodes.values()
               if node.gather is not None and (node.sms or node.content) and not node.id.endswith("more")
               and node.flow not in ("main", "operator")]
    assert answers
    for node in answers:
        assert node.resumable, node.ref
    assert flows.node("regions.choose").if_region == "offices"
