"""On SQLite (``eia up``: the API and the worker in two processes, no LISTEN/NOTIFY) a commit
wakes the waiting worker long before its poll interval; nothing committed, it sleeps on."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from core.db import make_engine
from flows.worker import Wakeup

POLL = 60.0  # seconds: far longer than any wait below, so only a commit can end one early


def _waiting(wakeup: Wakeup, stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=wakeup.wait, args=(stop,), daemon=True)
    thread.start()
    return thread


def test_a_commit_on_sqlite_wakes_the_worker_and_silence_does_not(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'eia.db'}"
    engine = make_engine(url)  # WAL mode, as every connection of the app
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE request (id INTEGER PRIMARY KEY)"))
    wakeup = Wakeup(url, poll_seconds=POLL)
    stop = threading.Event()
    _waiting(wakeup, stop).join(timeout=10)  # the first wait records the files and returns

    quiet = _waiting(wakeup, stop)
    quiet.join(timeout=1.0)
    assert quiet.is_alive(), "woke up with nothing committed"
    with engine.begin() as connection:  # another process's commit, as the API's
        connection.execute(text("INSERT INTO request DEFAULT VALUES"))
    quiet.join(timeout=10)
    assert not quiet.is_alive(), "a commit did not wake the worker"

    stopped = _waiting(wakeup, stop)
    stop.set()
    stopped.join(timeout=10)
    assert not stopped.is_alive(), "stop did not end the wait"
    engine.dispose()
