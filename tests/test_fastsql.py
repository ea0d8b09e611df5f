"""FastRead against SQLAlchemy's own execution, on the test database (SQLite, or PostgreSQL in CI,
where it runs prepared through libpq): the same values and types, and a new connection after a
dispose or a failed statement."""

from datetime import datetime

import pytest
from sqlalchemy import String, bindparam, select

from hotline.extensions import db
from hotline.fastsql import FastRead
from hotline.sms import store
from hotline.sms.models import SmsConversation

NUMBER = "+996700999001"


@pytest.fixture
def conversation(app_ctx):
    row = SmsConversation(number=NUMBER, script="cyrillic", language="ky", region="osh", place="nookat",
                          menu={"kind": "more", "command": "komok", "page": 2}, menu_at=datetime(2026, 12, 2, 3, 4, 5),
                          last_command="komok", last_sid="SM1", last_reply="Ош: 100%", replies=3,
                          window_started_at=datetime(2026, 12, 2, 3, 0), updated_at=datetime(2026, 12, 2, 3, 4, 5),
                          check_answers={"family_size": 5})
    db.session.add(row)
    db.session.commit()
    return row


def test_a_read_gives_what_sqlalchemy_gives(app_ctx, conversation):
    query = store.conversation_query()
    reader = FastRead(query)
    params = {"number": NUMBER, "sid": "SM-never-seen"}
    expected = dict(db.session.execute(query, params).mappings().one())
    assert reader.one(db.engine, params) == expected
    if db.engine.dialect.name == "postgresql":  # it ran prepared, through libpq
        assert len(reader._prepared_on) == 1
    assert expected["menu"] == {"kind": "more", "command": "komok", "page": 2}
    assert expected["menu_at"] == datetime(2026, 12, 2, 3, 4, 5) and expected["replies"] == 3
    assert expected["last_reply"] == "Ош: 100%"  # a percent sign in a value, not in the statement


def test_a_number_never_seen_is_one_row_of_nothing(app_ctx):
    row = FastRead(store.conversation_query()).one(db.engine, {"number": "+996700999002", "sid": "SMx"})
    assert row is not None and set(row.values()) == {None}  # script, menu, …, logged_id: nothing
    assert "script" in row and "menu" in row and "logged_id" in row


def test_the_read_works_again_after_a_dispose_and_after_a_failure(app_ctx, conversation):
    reader = FastRead(select(SmsConversation.region).where(SmsConversation.number == bindparam("number", type_=String)))
    assert reader.one(db.engine, {"number": NUMBER}) == {"region": "osh"}
    db.engine.dispose()  # closes the connection the thread kept (and, on PostgreSQL, what it prepared)
    assert reader.one(db.engine, {"number": NUMBER}) == {"region": "osh"}
    with pytest.raises(Exception):
        reader.one(db.engine, {})  # a parameter missing: the statement cannot run
    assert reader.one(db.engine, {"number": NUMBER}) == {"region": "osh"}


def test_two_reads_on_one_thread_keep_their_own_statements(app_ctx, conversation):
    regions = FastRead(select(SmsConversation.region).where(SmsConversation.number == bindparam("number", type_=String)))
    scripts = FastRead(select(SmsConversation.script).where(SmsConversation.number == bindparam("number", type_=String)))
    for _ in range(3):
        assert regions.one(db.engine, {"number": NUMBER}) == {"region": "osh"}
        assert scripts.one(db.engine, {"number": NUMBER}) == {"script": "cyrillic"}


def test_a_failed_step_rolls_the_whole_transaction_back(app_ctx):
    from sqlalchemy import DateTime, insert

    from hotline.fastsql import FastWrite
    from hotline.sms.models import SmsConversation as C

    table = C.__table__
    writes = FastWrite(
        lambda engine: insert(table).values(number=bindparam("number", type_=String), replies=0,
                                            updated_at=bindparam("now", type_=DateTime)),
        lambda engine: select(table.c.number).where(table.c.number == bindparam("number", type_=String)))
    now = datetime(2026, 12, 2, 7, 0)
    with pytest.raises(Exception):
        with writes.transaction(db.engine) as steps:
            assert steps.execute(0, {"number": "+996700999010", "now": now}) == 1
            assert steps.rows(1, {"number": "+996700999010"}) == [{"number": "+996700999010"}]
            steps.execute(0, {"number": "+996700999010", "now": now})  # the same key again: fails
    assert db.session.get(C, "+996700999010") is None  # the first insert went with it
    with writes.transaction(db.engine) as steps:  # and the next transaction works, on a new connection
        steps.execute(0, {"number": "+996700999010", "now": now})
    assert db.session.get(C, "+996700999010").replies == 0


def test_a_thread_that_ends_gives_its_connection_back(app, conversation):
    """A thread per request (``flask run``) must not use up the pool: what a thread kept is closed
    when it ends. Forty threads, more than the pool's 15 places, each reading and writing once."""
    import threading

    from hotline.callbacks.requests import request_callback

    reader = FastRead(select(SmsConversation.region).where(SmsConversation.number == bindparam("number", type_=String)))
    pool = db.engine.pool
    regions, before = [], pool.checkedout()

    def one_request(n):
        with app.app_context():
            regions.append(reader.one(db.engine, {"number": NUMBER})["region"])
            request_callback(f"+99670099{n:04d}", source="sms")
            db.session.remove()

    for n in range(40):
        thread = threading.Thread(target=one_request, args=(n,))
        thread.start()
        thread.join(timeout=20)
        assert not thread.is_alive(), "the pool ran out: a thread's kept connection was never given back"
    assert regions == ["osh"] * 40
    assert pool.checkedout() <= before


def test_no_row_is_none_and_the_next_read_still_works(app_ctx, conversation):
    reader = FastRead(select(SmsConversation.region).where(SmsConversation.number == bindparam("number", type_=String)))
    assert reader.one(db.engine, {"number": "+996700999099"}) is None
    assert reader.one(db.engine, {"number": NUMBER}) == {"region": "osh"}


def test_a_batch_of_rows_goes_in_once_with_its_conflicts_and_returns_what_it_inserted(app_ctx, conversation):
    """:class:`BatchWrite` with :class:`Rows`: ``COPY`` on PostgreSQL (through a temporary table for
    ``ON CONFLICT``), ``executemany`` on SQLite; the same rows in the end."""
    from sqlalchemy import case

    from hotline.fastsql import BatchWrite, Rows

    table = SmsConversation.__table__
    columns = ("number", "region", "menu", "replies", "updated_at")

    def upsert(engine):
        def conflict(statement):
            new = statement.excluded
            return statement.on_conflict_do_update(index_elements=["number"], set_={
                "region": new.region, "menu": new.menu, "updated_at": new.updated_at,
                "replies": case((new.replies > 0, table.c.replies + new.replies), else_=table.c.replies)})
        return Rows(table, columns, conflict, returning=("number",))

    writes = BatchWrite(upsert, lambda engine: Rows(table, columns))
    at = datetime(2026, 12, 6, 5, 0)
    rows = [{"number": NUMBER, "region": "talas", "menu": {"kind": "region", "command": "bala"}, "replies": 2,
             "updated_at": at},
            {"number": "+996700999020", "region": None, "menu": None, "replies": 0, "updated_at": at}]
    with writes.transaction(db.engine) as batch:
        returned = batch.write(0, rows)
        assert batch.write(1, []) == []
    on_postgres = db.engine.dialect.name == "postgresql"
    assert sorted(returned) == ([(NUMBER,), ("+996700999020",)] if on_postgres else [])
    db.session.expire_all()
    kept = db.session.get(SmsConversation, NUMBER)
    assert (kept.region, kept.menu, kept.replies, kept.script) == ("talas", {"kind": "region", "command": "bala"}, 5,
                                                                   "cyrillic")
    assert db.session.get(SmsConversation, "+996700999020").menu is None  # SQL NULL, not JSON null

    # the next batch finds the temporary table empty (emptied at commit): nothing is written twice
    writes.write(db.engine, [rows[1] | {"replies": 1}], [{**rows[1], "number": "+996700999021"}])
    db.session.expire_all()
    assert db.session.get(SmsConversation, NUMBER).replies == 5
    assert db.session.get(SmsConversation, "+996700999020").replies == 1
    assert db.session.get(SmsConversation, "+996700999021").region is None

    # a failed batch leaves nothing, and the next one works on a new connection
    with pytest.raises(Exception):
        writes.write(db.engine, [], [{**rows[1], "number": "+996700999022"}, {**rows[1], "number": "+996700999022"}])
    assert db.session.get(SmsConversation, "+996700999022") is None
    writes.write(db.engine, [], [{**rows[1], "number": "+996700999022"}])
    assert db.session.get(SmsConversation, "+996700999022").replies == 0
