"""Statements written with SQLAlchemy, compiled once, run on a DBAPI connection a thread keeps.

Every SMS reads its conversation before it can be answered, and every SMS leaves three rows behind.
Through SQLAlchemy's ``Connection`` each execution costs a pool checkout, a cache-key walk of the
statement and per-row parameter handling, and on PostgreSQL ``BEGIN``/``ROLLBACK`` round trips:
measured, 120-460 µs for the read and 60-130 µs of CPU per message for the writes, when the whole
webhook has about 400 µs to spare against a bare endpoint. So the statements stay ``select()`` and
``insert()`` constructs, compiled by SQLAlchemy for the engine's dialect once; they then run on a
DBAPI connection kept by one thread (psycopg prepares them on the server after a few runs; rows go
in by ``COPY`` on PostgreSQL and one ``executemany`` on SQLite, see :class:`BatchWrite`), and values
pass through the columns' own bind and result processors (JSON, and dates on SQLite), so the
database holds exactly what the ORM would have written.
"""

import contextlib
import functools
import itertools
import logging
import operator
import os
import re
import threading
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import JSON, Column, DateTime, MetaData, Table, event, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ClauseElement

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Compiled:
    """A statement as the driver takes it, and how to convert values on the way in and out."""

    sql: str
    positional: bool  # "?" style (SQLite): values in ``names`` order; else a dict by name
    names: tuple[str, ...]  # parameter names, in the driver's order
    processors: tuple  # (position, bind processor) for the parameters that need converting
    keys: tuple[str, ...]  # result column keys
    results: tuple  # result processors, one per column
    fixed: dict  # values the statement itself carries ("status = 'pending'")

    def __post_init__(self):
        # itemgetter picks every value in one C call: a batch of log rows is ~45 values a message
        getter = operator.itemgetter(*self.names) if self.names else (lambda params: ())
        object.__setattr__(self, "_get", getter if len(self.names) != 1 else (lambda params: (getter(params),)))

    def args(self, params: Mapping):
        """``params`` (with the statement's own values) converted and arranged for the driver."""
        if self.fixed:
            params = self.fixed | dict(params)
        values = list(self._get(params))
        for position, process in self.processors:
            values[position] = process(values[position])
        return values if self.positional else dict(zip(self.names, values))

    def row(self, values: Sequence) -> dict:
        """A result row by column key, each value through its column's result processor."""
        return {key: process(value) if process else value
                for key, process, value in zip(self.keys, self.results, values)}


@functools.lru_cache(maxsize=1024)
def _remembered(process, value):
    """A date as the driver takes it, remembered: one message's rows share one timestamp, and
    SQLite's date formatting would otherwise run seven times a message."""
    return process(value)


def bind_processor(type_, dialect):
    """The column type's bind processor for ``dialect`` (None: values go in as they are), made
    cheaper where the log writes many alike values: dates remembered (:func:`_remembered`), and a
    JSON column's None (most conversations have no open check) serialised once, not per row."""
    process = type_._cached_bind_processor(dialect)
    if process is None:
        return None
    if isinstance(type_, DateTime):
        return functools.partial(_remembered, process)
    if isinstance(type_, JSON):
        none = process(None)
        return lambda value: none if value is None else process(value)
    return process


def compile_for(statement: ClauseElement, engine: Engine, column_keys: Sequence[str] | None = None) -> Compiled:
    """Compile ``statement`` for ``engine``'s dialect (``column_keys``: the columns an INSERT sets)."""
    dialect = engine.dialect
    compiled = statement.compile(dialect=dialect, column_keys=list(column_keys) if column_keys else None)
    by_name = {compiled.bind_names[bind]: bind for bind in compiled.binds.values()}
    names = compiled.positiontup if compiled.positional else list(by_name)
    fixed = {name: bind.value for name, bind in by_name.items() if not bind.required and bind.value is not None}
    processors = []
    for position, name in enumerate(names):
        process = bind_processor(by_name[name].type, dialect)
        if process is not None:
            processors.append((position, process))
    columns = list(getattr(statement, "exported_columns", ()))  # a SELECT's, or what RETURNING returns
    return Compiled(
        sql=str(compiled), positional=bool(compiled.positional), names=tuple(names),
        processors=tuple(processors), fixed=fixed,
        keys=tuple(column.key for column in columns),
        results=tuple(column.type._cached_result_processor(dialect, None) for column in columns),
    )


class KeptConnection:
    """One DBAPI connection per thread (and process) for an engine, opened on first use.

    ``autocommit``: every statement is its own transaction (reads); otherwise the caller commits.
    ``setup``: statements run once on a new connection, by dialect name. A connection that failed
    is dropped; the next use opens another. When the thread ends, its connection is closed and
    its place in the engine's pool given back (a thread per request, as in ``flask run``, would
    otherwise use up the pool).
    """

    def __init__(self, autocommit: bool, setup: Mapping[str, Sequence[str]] | None = None):
        self.autocommit = autocommit
        self.setup = setup or {}
        self._local = threading.local()

    def get(self, engine: Engine):
        local = self._local
        kept = getattr(local, "kept", None)
        if (kept is None or kept.engine is not engine or kept.pid != os.getpid()
                or kept.connection is None or not kept.connection.is_valid):  # closed by engine.dispose()
            if kept is not None:
                kept.close()  # another engine's (an app of its own, in tests), or a parent process's
            connection = engine.raw_connection()  # kept by this thread, never returned to the pool
            if self.autocommit:
                driver = connection.dbapi_connection
                if engine.dialect.name == "postgresql":
                    driver.autocommit = True
                else:
                    driver.isolation_level = None  # sqlite3: no implicit BEGIN
            statements = self.setup.get(engine.dialect.name, ())
            if statements:
                cursor = connection.cursor()
                for statement in statements:
                    cursor.execute(statement)
                cursor.close()
                connection.commit()
            local.kept = kept = _Kept(engine, connection)
            _close_on_dispose(engine, kept)
        return kept.connection

    def discard(self) -> None:
        kept = getattr(self._local, "kept", None)
        self._local.kept = None
        if kept is not None:
            kept.close()


class _Kept:
    """A connection one thread keeps: closed by :meth:`close`, by ``engine.dispose()``, or when
    the thread ends (its thread-local values are released, and this object with them)."""

    def __init__(self, engine: Engine, connection):
        self.engine, self.connection, self.pid = engine, connection, os.getpid()

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is None:
            return
        if self.pid != os.getpid():  # a forked child's copy of its parent's: closing it (even by
            _INHERITED.append(connection)  # garbage collection) would end the parent's session
            return
        try:
            connection.invalidate()  # closes the DBAPI connection, gives the pool its place back
        except Exception:
            log.debug("could not close a kept connection", exc_info=True)

    def __del__(self):
        try:
            self.close()
        except Exception:  # at interpreter exit the modules it needs may be gone already
            pass


#: Connections kept per engine: ``engine.dispose()`` closes pooled connections only, so a kept
#: one would stay open (and PostgreSQL's session with it) until its thread ends.
_KEPT: "weakref.WeakKeyDictionary[Engine, weakref.WeakSet[_Kept]]" = weakref.WeakKeyDictionary()
_KEPT_LOCK = threading.Lock()
_INHERITED: list = []  # see _Kept.close


def _close_on_dispose(engine: Engine, kept: _Kept) -> None:
    with _KEPT_LOCK:
        connections = _KEPT.get(engine)
        if connections is None:
            connections = _KEPT[engine] = weakref.WeakSet()
            event.listen(engine, "engine_disposed", _close_kept)
        connections.add(kept)


def _close_kept(engine: Engine) -> None:
    """``engine.dispose()``: close the connections threads kept; a thread's next use opens another."""
    with _KEPT_LOCK:
        kept = list(_KEPT.pop(engine, ()))
    for connection in kept:
        connection.close()


def _key(engine: Engine) -> tuple[str, str]:
    """What a compiled statement depends on: the dialect (not ``id(engine)``: ids are reused)."""
    return engine.dialect.name, engine.dialect.driver


class FastRead:
    """A ``select()`` run on this thread's autocommit connection; returns the first row as a dict,
    or None when there is none (the SMS conversation read always has one: an outer join from the
    number asked about).

    On PostgreSQL the statement is prepared once per connection and run through libpq itself
    (``exec_prepared``), its values converted by psycopg's own dumpers and loaders: psycopg's cursor
    costs 25 µs of CPU more a query (67 against 41 µs, measured), on the one read an SMS waits for.
    """

    _names = itertools.count()

    def __init__(self, statement):
        self.statement = statement
        # SQLite: pages through memory maps, not a read() each; the writers of other processes
        # empty this connection's page cache every few milliseconds
        self.connections = KeptConnection(autocommit=True, setup={"sqlite": [f"PRAGMA mmap_size={2**28}"]})
        self._compiled: dict[tuple[str, str], Compiled] = {}
        self._name = f"hotline_read_{next(self._names)}".encode()
        self._prepared_on: "weakref.WeakSet" = weakref.WeakSet()  # the psycopg connections that have it

    def one(self, engine: Engine, params: Mapping) -> dict | None:
        compiled = self._compiled.get(_key(engine))
        if compiled is None:
            compiled = self._compiled[_key(engine)] = compile_for(self.statement, engine)
        try:
            connection = self.connections.get(engine).dbapi_connection  # not the pool's proxy: 10 µs less
            if engine.dialect.name == "postgresql":
                row = self._prepared(connection, compiled, params)
            else:
                cursor = connection.cursor()
                try:
                    cursor.execute(compiled.sql, compiled.args(params))
                    row = cursor.fetchone()
                finally:
                    cursor.close()
        except Exception:
            self.connections.discard()
            raise
        return None if row is None else compiled.row(row)

    def _prepared(self, connection, compiled: Compiled, params: Mapping) -> tuple | None:
        from psycopg import errors, pq
        from psycopg.adapt import PyFormat, Transformer

        if connection not in self._prepared_on:
            numbers = {name: position for position, name in enumerate(compiled.names, start=1)}
            sql = re.sub(r"%\((\w+)\)s", lambda m: f"${numbers[m.group(1)]}", compiled.sql).replace("%%", "%")
            self._check(connection.pgconn.prepare(self._name, sql.encode()), pq.ExecStatus.COMMAND_OK, errors)
            self._prepared_on.add(connection)
        by_name = compiled.args(params)
        transformer = Transformer(connection)
        values = transformer.dump_sequence([by_name[name] for name in compiled.names],
                                           [PyFormat.TEXT] * len(compiled.names))
        result = connection.pgconn.exec_prepared(self._name, values)
        self._check(result, pq.ExecStatus.TUPLES_OK, errors)
        if result.ntuples == 0:
            return None
        transformer.set_pgresult(result)
        return transformer.load_row(0, tuple)

    @staticmethod
    def _check(result, expected, errors) -> None:
        if result.status != expected:
            raise errors.error_from_result(result)


class FastWrite:
    """Statements run in one transaction, committed (durably) before the caller goes on.

    ``builders`` make each statement for an engine (``INSERT … ON CONFLICT`` differs by dialect).
    :meth:`run` runs them all, one mapping of parameters each, and returns their row counts;
    :meth:`transaction` lets the caller choose which to run, by index, from what the earlier ones
    returned (``UPDATE … RETURNING``, then an ``INSERT`` only if nothing was updated).
    """

    def __init__(self, *builders):
        self.builders = builders
        self.connections = KeptConnection(autocommit=False)
        self._compiled: dict[tuple[str, str], list[Compiled]] = {}

    def run(self, engine: Engine, *params: Mapping) -> list[int]:
        with self.transaction(engine) as steps:
            return [steps.execute(index, values) for index, values in enumerate(params)]

    @contextlib.contextmanager
    def transaction(self, engine: Engine):
        """:class:`Steps` on this thread's kept connection: committed when the block ends, and on an
        error rolled back (the connection is dropped; the next use opens another)."""
        connection = self.connections.get(engine)  # connected first: the dialect knows its RETURNING
        compiled = self._compiled.get(_key(engine))
        if compiled is None:
            compiled = self._compiled[_key(engine)] = [compile_for(build(engine), engine) for build in self.builders]
        try:
            cursor = connection.cursor()
            yield Steps(cursor, compiled)
            cursor.close()
            connection.commit()
        except BaseException:
            self.connections.discard()
            raise


class Steps:
    """The statements of one :meth:`FastWrite.transaction`, run by their index in ``builders``."""

    def __init__(self, cursor, compiled: list[Compiled]):
        self.cursor, self.compiled = cursor, compiled

    def execute(self, index: int, params: Mapping) -> int:
        """Run statement ``index``; the number of rows it changed."""
        statement = self.compiled[index]
        self.cursor.execute(statement.sql, statement.args(params))
        return self.cursor.rowcount

    def rows(self, index: int, params: Mapping) -> list[dict]:
        """Run statement ``index`` (a ``SELECT``, or a write with ``RETURNING``); its rows as dicts."""
        statement = self.compiled[index]
        self.cursor.execute(statement.sql, statement.args(params))
        return [statement.row(row) for row in self.cursor.fetchall()]


#: Write-behind rows may be lost in a crash anyway, so their commits need not wait for the disk:
#: a database crash (not a process crash) can then lose a further fraction of a second of them,
#: never corrupt anything. What a person waits on is committed by :class:`FastWrite`, durably.
RELAXED_COMMITS = {"sqlite": ["PRAGMA synchronous=NORMAL"], "postgresql": ["SET synchronous_commit = off"]}


@dataclass(frozen=True)
class Rows:
    """Rows for ``table``, each setting ``columns``; ``conflict`` turns the ``INSERT`` into ``INSERT …
    ON CONFLICT …`` (it is given the insert and returns it, so ``statement.excluded`` is at hand);
    ``returning``: columns of the rows inserted, given back by :meth:`Batch.write` on PostgreSQL.

    The rows of one batch must not conflict with each other: a single ``INSERT … ON CONFLICT DO
    UPDATE`` may not touch a row twice.
    """

    table: Table
    columns: tuple[str, ...]
    conflict: Callable | None = None
    returning: tuple[str, ...] = ()


class BatchWrite:
    """Batches of rows for a few statements, written in one transaction on a connection the flushing
    thread keeps, with relaxed commits (:data:`RELAXED_COMMITS`). The write-behind buffers' writer.

    ``builders`` make each statement for an engine: a :class:`Rows`, or a statement and the columns
    its rows set (None: its own bind parameters), run with one ``executemany``.

    On PostgreSQL, :class:`Rows` go in by ``COPY``: straight into the table, or, with a ``conflict``,
    into a temporary table emptied at each commit and from there in one ``INSERT … SELECT … ON
    CONFLICT``. ``executemany`` runs the statement once a row, and on a server that shares two cores
    with the web workers that was half of what a message's log cost: measured on the SMS log, 198
    µs of CPU a message (client and server) by ``executemany``, 96 by ``COPY``. On SQLite, in the
    same process, ``executemany`` is the cheap way.
    """

    def __init__(self, *builders: Callable[[Engine], "Rows | tuple[ClauseElement, Sequence[str] | None]"]):
        self.builders = builders
        self.connections = KeptConnection(autocommit=False, setup=RELAXED_COMMITS)
        self._plans: dict[tuple[str, str], list] = {}
        self._staged: "weakref.WeakSet" = weakref.WeakSet()  # psycopg connections with the temporary tables

    def write(self, engine: Engine, *batches: Sequence[Mapping]) -> None:
        """One list of rows per builder, in order, in one transaction."""
        with self.transaction(engine) as batch:
            for index, rows in enumerate(batches):
                batch.write(index, rows)

    @contextlib.contextmanager
    def transaction(self, engine: Engine):
        """A :class:`Batch` on this thread's kept connection, committed when the block ends; on an
        error the connection is dropped (the next use opens another)."""
        plans = self._plans.get(_key(engine))
        if plans is None:
            plans = self._plans[_key(engine)] = [_plan(build(engine), engine) for build in self.builders]
        connection = self.connections.get(engine)
        try:
            driver = connection.dbapi_connection
            if engine.dialect.name == "postgresql" and driver not in self._staged:
                cursor = connection.cursor()
                for plan in plans:
                    if isinstance(plan, _Copy) and plan.stage_ddl:
                        cursor.execute(plan.stage_ddl)
                cursor.close()
                connection.commit()
                self._staged.add(driver)
            cursor = connection.cursor()
            yield Batch(cursor, plans)
            cursor.close()
            connection.commit()
        except BaseException:
            self.connections.discard()
            raise


class Batch:
    """The statements of one :meth:`BatchWrite.transaction`, each given its rows by index."""

    def __init__(self, cursor, plans: list):
        self.cursor, self.plans = cursor, plans

    def write(self, index: int, rows: Sequence[Mapping]) -> list[tuple]:
        """Write ``rows`` with statement ``index``; what its ``RETURNING`` returned (PostgreSQL's
        :class:`Rows` only; otherwise nothing)."""
        if not rows:
            return []
        plan = self.plans[index]
        if isinstance(plan, Compiled):
            self.cursor.executemany(plan.sql, [plan.args(row) for row in rows])
            return []
        return plan.write(self.cursor, rows)


def _plan(built, engine: Engine):
    """What a builder's statement becomes on ``engine``: a :class:`_Copy`, or a :class:`Compiled`
    statement for ``executemany``."""
    if not isinstance(built, Rows):
        statement, columns = built
        return compile_for(statement, engine, columns)
    if engine.dialect.name == "postgresql":
        return _Copy.of(built, engine)
    from hotline.upsert import insert_for

    statement = insert_for(built.table, engine)
    return compile_for(built.conflict(statement) if built.conflict else statement, engine, built.columns)


@dataclass(frozen=True)
class _Copy:
    """:class:`Rows` on PostgreSQL: ``COPY`` into the table, or into its stage and on from there."""

    copy_sql: str
    names: tuple[str, ...]
    processors: tuple  # a bind processor or None, one per column (JSON: psycopg's Json wrapper)
    stage_ddl: str | None = None
    insert_sql: str | None = None

    @classmethod
    def of(cls, rows: Rows, engine: Engine) -> "_Copy":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        dialect = engine.dialect
        table, names = rows.table, rows.columns
        processors = tuple(bind_processor(table.c[name].type, dialect) for name in names)
        quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
        if rows.conflict is None and not rows.returning:
            return cls(f"COPY {table.name} ({quoted}) FROM STDIN", names, processors)
        stage = Table(f"hotline_stage_{table.name}", MetaData(), *(Column(name, table.c[name].type) for name in names))
        insert = pg_insert(table).from_select(list(names), select(*stage.c))
        if rows.conflict is not None:
            insert = rows.conflict(insert)
        if rows.returning:
            insert = insert.returning(*(table.c[name] for name in rows.returning))
        ddl = (f"CREATE TEMPORARY TABLE IF NOT EXISTS {stage.name} ON COMMIT DELETE ROWS "
               f"AS SELECT {quoted} FROM {table.name} WITH NO DATA")
        return cls(f"COPY {stage.name} ({quoted}) FROM STDIN", names, processors, ddl,
                   str(insert.compile(dialect=dialect, compile_kwargs={"literal_binds": True})))

    def write(self, cursor, rows: Sequence[Mapping]) -> list[tuple]:
        get = operator.itemgetter(*self.names) if len(self.names) > 1 else (lambda row: [row[self.names[0]]])
        processors = [(position, process) for position, process in enumerate(self.processors) if process]
        with cursor.copy(self.copy_sql) as copy:
            for row in rows:
                values = list(get(row))
                for position, process in processors:
                    values[position] = process(values[position])
                copy.write_row(values)
        if self.insert_sql is None:
            return []
        cursor.execute(self.insert_sql)
        return cursor.fetchall() if cursor.description else []
