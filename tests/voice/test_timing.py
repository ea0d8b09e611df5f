"""``flask flows check --timing``: the everyday tasks played as first and returning calls, timed."""

from sqlalchemy import func, select

from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.voice.models import Call
from hotline.voice.simulate import Spoken, Turn
from hotline.voice.timing import TARGETS, Task, TaskTiming, Timed, load_tasks, summary, table, time_call


def test_the_ten_tasks_of_the_issue():
    tasks = load_tasks()
    assert len(tasks) == 10 and len({t.id for t in tasks}) == 10
    assert sum(t.check for t in tasks) == 2 and sum(t.office for t in tasks) == 2


def test_a_call_is_timed_to_the_end_of_the_sentence_that_answers():
    turns = [Turn("/a", spoken=[Spoken("Бир – балдар.", 2.0, True)], input="1"),
             Turn("/b", spoken=[Spoken("Пенсия: эркектерге алтымыш үч жашта. Паспорт керек.", 10.0, True),
                                Spoken("Бир – SMS.", 2.0, False)], input=None)]
    timed = time_call(turns, ("алтымыш үч",))
    share = len("Пенсия: эркектерге алтымыш үч жашта.") / len("Пенсия: эркектерге алтымыш үч жашта. Паспорт керек.")
    assert timed.reached and timed.keys == 1 and timed.estimated == 0
    assert abs(timed.seconds - (2.0 + 10.0 * share)) < 1e-9
    assert not time_call(turns, ("жок",)).reached


def test_the_summary_holds_each_target():
    task = Task("t", "a task", ("1",), ("1",), ("x",), office=True)
    results = [TaskTiming(task, Timed(1, 40.0, 0, True), Timed(1, 20.0, 0, True)),
               TaskTiming(task, Timed(1, 50.0, 0, True), Timed(1, 30.0, 0, True)),
               TaskTiming(task, Timed(1, 130.0, 0, True), Timed(1, 20.0, 0, False))]
    rows = {name: (value, met) for name, value, _, met in summary(results, [("ky main.menu", 14.9, True)])}
    assert rows["first_median"] == (50.0, False)
    assert rows["returning_median"] == (30.0, False)  # a call that never reaches the answer counts as endless
    assert rows["worst"][1] is False and rows["menu_prompt"] == (14.9, True)
    assert rows["office_returning"] == (float("inf"), False)
    assert "| a task | 1 | 40 | 1 | 20 |" in table(results) and "not reached" in table(results)


def test_the_command_plays_every_task_in_a_database_of_its_own(app, runner):
    result = runner.invoke(args=["flows", "check", "--timing"])
    assert result.exit_code in (0, 1), result.output  # 1: a target missed
    lines = result.output.splitlines()
    rows = [line for line in lines if line.startswith("| ") and not line.startswith("| task")]
    assert [row.split(" | ")[0][2:] for row in rows] == [task.title for task in load_tasks()]
    assert "not reached" not in result.output
    # no audio is built in the tests: every second is estimated from the characters, and says so;
    # even so the tasks keep to the targets (the menus' prompts are longer estimated than spoken)
    assert "est." in result.output
    for target in ("first_median", "returning_median", "worst", "office_returning"):
        assert f"{target}: " in result.output and f"(target ≤ {TARGETS[target]:g} s) ok" in \
            next(line for line in lines if line.startswith(target)), result.output
    with app.app_context():  # the calls, their SMS and callbacks went to a scratch database
        assert db.session.scalar(select(func.count(Call.id))) == 0
        assert db.session.scalar(select(func.count(SmsMessage.id))) == 0
