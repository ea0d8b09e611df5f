"""``flask report calls`` and ``flask report menus``: each caller's path and each menu's drop-off,
read back from what real calls (through the signed webhooks) left in the log; and what
``flask simulate call`` leaves there."""

import re
import uuid
from datetime import timedelta

from sqlalchemy import update

from hotline.extensions import db
from hotline.messaging.models import SmsMessage
from hotline.timeutil import utcnow
from hotline.voice.models import Call, CallEvent
from hotline.voice.report import menu_stats
from hotline.voice.simulate import CallSimulator


def table(output: str) -> dict[str, list[str]]:
    """The rows of ``report menus`` by node: reached, keys, wrong key, silence, 3 strikes, ended here, drop-off."""
    lines = output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("node"))
    return {line.split()[0]: line.split()[1:] for line in lines[header + 1:]}


def calls(app, twilio) -> tuple[str, str, str, str]:
    """A hangs up on the legal-aid menu; B presses a wrong key and says nothing on the main menu, then
    hangs up there; C is still on the line; D gives up after three wrong keys on the legal-aid menu.
    Returns their CallSids, new each time, as Twilio's are."""
    A, B, C, D = ("CA" + uuid.uuid4().hex for _ in range(4))
    CallSimulator(app, caller="+996700100001", sid=A).run(["1", "3"])
    CallSimulator(app, caller="+79260000002", sid=B).run(["2", "9", "-"])
    CallSimulator(app, caller="+996700100003", sid=C).run(["1"])
    CallSimulator(app, caller="+996700100004", sid=D).run(["1", "3", "8", "8", "8"])
    for sid, caller in ((A, "+996700100001"), (B, "+79260000002"), (D, "+996700100004")):
        assert twilio.post("/twilio/voice/status", CallSid=sid, CallStatus="completed", CallDuration="40",
                           From=caller, To="+996312000000").status_code == 204
    return A, B, C, D


def test_menus_report_counts_reach_keys_and_drop_off(app, twilio, runner):
    calls(app, twilio)
    result = runner.invoke(args=["report", "menus"])
    assert result.exit_code == 0, result.output
    assert "4 calls" in result.output and "3 of them over" in result.output
    rows = table(result.output)
    # every call starts on the language choice and leaves it with a key
    assert rows["main.language"] == ["4", "4", "0", "0", "0", "0", "0%"]
    # all four reach the main menu: A and D press 3, B a wrong key and silence, and ends there
    assert rows["main.menu"] == ["4", "2", "1", "1", "0", "1", "25%"]
    # A ends on the legal-aid menu. D presses two wrong keys there, and the third is the third strike:
    # D is sent on to the offer of a message (so does not end there)
    assert rows["jardam.menu"] == ["2", "0", "2", "0", "1", "1", "50%"]
    flows = app.extensions["voice"].flows
    give_up = flows.settled(flows.resolve(flows.flows["jardam"].give_up, "jardam"))
    assert rows[give_up][0] == "1" and rows[give_up][5] == "1"  # where D ended


def test_a_call_with_no_status_callback_counts_as_over_after_an_hour(app_ctx, twilio):
    _, _, C, _ = calls(app_ctx, twilio)
    now, flows = utcnow(), app_ctx.extensions["voice"].flows
    assert menu_stats(db.session, now - timedelta(days=1), now, now, flows).over == 3
    db.session.execute(update(CallEvent).where(CallEvent.call_sid == C).values(at=now - timedelta(minutes=61)))
    db.session.commit()
    report = menu_stats(db.session, now - timedelta(days=1), now, now, flows)
    assert report.over == 4
    assert {s.node: s.ended for s in report.nodes}["main.menu"] == 2  # B, and now C


def test_calls_report_prints_each_path_for_one_number(app, twilio, runner):
    A, B, _, _ = calls(app, twilio)
    result = runner.invoke(args=["report", "calls", "--number", "0700 100 001"])  # any spelling of +996700100001
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split()[2:] == ["+996700100001", "inbound,", "ky,", "completed,", "40", "s", A]
    steps = [line.split()[1:] for line in lines[1:]]
    assert steps == [["main.language", "start"], ["main.language", "[1]", "route", "→", "main.menu"],
                     ["main.menu", "[3]", "route", "→", "jardam.menu"]]
    assert A in runner.invoke(args=["report", "calls"]).output and B in runner.invoke(args=["report", "calls"]).output


def test_calls_report_period_and_bad_number(app, twilio, runner):
    A, B, _, _ = calls(app, twilio)
    with app.app_context():
        db.session.execute(update(Call).where(Call.external_id == A).values(started_at=utcnow() - timedelta(days=10)))
        db.session.commit()
    recent = runner.invoke(args=["report", "calls"]).output
    assert A not in recent and B in recent  # the last 7 days by default
    assert A in runner.invoke(args=["report", "calls", "--days", "11"]).output
    since = (utcnow() - timedelta(days=10)).strftime("%Y-%m-%d")
    until = (utcnow() - timedelta(days=9)).strftime("%Y-%m-%d")
    only_a = runner.invoke(args=["report", "calls", "--since", since, "--until", until]).output
    assert A in only_a and B not in only_a
    bad = runner.invoke(args=["report", "calls", "--number", "hello"])
    assert bad.exit_code == 2 and "is not a phone number" in bad.output


def test_simulated_calls_each_get_their_own_call_sid(app, runner):
    for _ in range(2):
        result = runner.invoke(args=["simulate", "call", "--from", "+996700100009", "--digits", "1"])
        assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.query(Call).filter(Call.caller == "+996700100009").count() == 2


def test_a_simulated_call_ends_with_twilios_status_callback(app, runner):
    """The keys run out (the caller hangs up): the call is stored completed, with the length it
    would have had, so the reports count it as over at once."""
    result = runner.invoke(args=["simulate", "call", "--from", "+996700100010", "--digits", "1,-,3"])
    assert result.exit_code == 0, result.output
    seconds = int(re.search(r"\[call over after about (\d+) s: (CA\w+)\]", result.output).group(1))
    with app.app_context():
        call = db.session.query(Call).filter(Call.caller == "+996700100010").one()
        assert (call.status, call.duration_seconds, call.direction) == ("completed", seconds, "inbound")
        assert call.ended_at is not None and call.language == "ky"
    # three menus spoken (language choice and welcome, main menu, legal aid), a key, a silence, a key
    assert 20 < seconds < 200
    calls = runner.invoke(args=["report", "calls", "--number", "+996700100010"]).output
    assert f"completed, {seconds} s" in calls


def test_simulate_call_prints_the_sms_the_call_asked_for(app, runner):
    # Russian, legal aid, the legal-aid centres, Osh oblast, more, "1 – by SMS"
    result = runner.invoke(args=["simulate", "call", "--from", "+79261230001", "--digits", "2,3,1,4,3,1"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        message = db.session.query(SmsMessage).filter(SmsMessage.caller == "+79261230001").one()
    header = f"SMS to +79261230001 ({message.segments} segments, UCS-2, pending):"
    assert result.output.endswith(f"{header}\n{message.body}\n")
    assert "Центр юридической помощи" in message.body
