"""Conversations by number, and the texts nobody understood."""

from datetime import timedelta

from hotline.messaging.models import SmsMessage

OUT = {"direction": SmsMessage.OUTBOUND, "status": SmsMessage.REPLIED}


def test_numbers_latest_first_addressed_by_a_message_not_the_number(operator, store):
    store.sms("+996555000001", "BALA", ago=timedelta(hours=3))
    latest = store.sms("+996555000002", "KOMOK OSH", ago=timedelta(hours=1))
    html = operator.get("/console/conversations/").get_data(as_text=True)
    assert html.index("•02") < html.index("•01")
    assert f'href="/console/conversations/{latest}"' in html and "996555000002" not in html


def test_a_conversation_each_message_with_its_reply_and_segments(operator, store):
    asked = store.sms("+996555123456", "komok osh", command="komok", ago=timedelta(minutes=9))
    store.sms("+996555123456", "Ош облусу: Социалдык фонд 0322 25 63 56", reply_to_id=asked, segments=2,
              encoding="UCS-2", ago=timedelta(minutes=9), **OUT)
    store.sms("+996555999999", "someone else", ago=timedelta(minutes=8))
    html = operator.get(f"/console/conversations/{asked}").get_data(as_text=True)
    assert html.index("komok osh") < html.index("Социалдык фонд")
    assert "2 segments UCS-2" in html and 'class="outbound reply"' in html and "someone else" not in html


def test_an_unknown_message_is_404(operator):
    assert operator.get("/console/conversations/999999").status_code == 404


def test_unmatched_texts_most_frequent_first(operator, store):
    for caller, body in [("+996555000001", "jardam"), ("+996555000002", "JARDAM!"), ("+996555000003", "jardam"),
                         ("+996555000001", "salam")]:
        store.sms(caller, body, status=SmsMessage.UNMATCHED, normalized=body.lower().strip("!"))
    store.sms("+996555000004", "bala", status=SmsMessage.UNMATCHED, normalized="bala", ago=timedelta(days=3))
    html = operator.get("/console/conversations/unmatched?days=1").get_data(as_text=True)
    assert html.index("<code>jardam</code>") < html.index("<code>salam</code>")
    assert "<code>bala</code>" not in html
    assert "<code>bala</code>" in operator.get("/console/conversations/unmatched?days=7").get_data(as_text=True)
    # an unknown period is the default week, not an error
    assert operator.get("/console/conversations/unmatched?days=365").status_code == 200
