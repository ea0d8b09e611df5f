"""The thread behind each write-behind buffer (call events, the SMS log): one per process."""

import atexit
import os
import threading
import time


class Flusher:
    """Calls ``buffer.flush()`` every ``buffer.interval`` seconds from a daemon thread, and at exit.

    Started on first use (:meth:`ensure`, under the buffer's lock), and again in each forked child:
    gunicorn forks its workers after the app is built, and a thread does not survive a fork.
    """

    def __init__(self, buffer, name: str):
        self.buffer, self.name = buffer, name
        self._pid: int | None = None

    def ensure(self) -> None:
        if self._pid != os.getpid():
            self._pid = os.getpid()
            threading.Thread(target=self._run, name=self.name, daemon=True).start()
            atexit.register(self.buffer.flush)

    def _run(self) -> None:
        while True:
            time.sleep(self.buffer.interval)
            self.buffer.flush()
