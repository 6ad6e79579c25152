"""Starting and stopping the processes of a service, so that stopping it leaves nothing behind.

``eia up`` starts a Prefect server and a worker; the worker starts one process per flow run,
each in its own session. Stopping must reach all of them, on SIGTERM (what a service manager,
a container runtime or ``kill`` sends) as on Ctrl-C:

* ``stop_on_signals`` turns SIGTERM and SIGINT alike into ``Stopping`` (a ``KeyboardInterrupt``)
  so ``finally`` blocks run and the children are stopped;
* ``become_subreaper`` (Linux) makes orphaned descendants children of this process instead of
  PID 1: a flow run whose worker died is still found and stopped by ``stop_processes``;
* ``stop_processes`` sends SIGTERM to each child's process group, waits up to a shared grace
  period, then SIGKILLs what is left, descendants included, and reaps them;
* the orphan guard: a child started with ``spawn_guarded`` gets ``PR_SET_PDEATHSIG`` (SIGTERM
  when its parent dies), and ``watch_parent`` (called by the worker and by every flow-run
  process) polls the parent named in ``EIA_PARENT_PID`` and stops this process once it is gone.

Linux only for the prctl parts (``/proc`` and ``prctl``); elsewhere they do nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from pathlib import Path
from types import FrameType

PARENT_PID_ENV = "EIA_PARENT_PID"
STOP_GRACE_SECONDS = 6.0  # SIGTERM → SIGKILL, for each child in turn
_PR_SET_PDEATHSIG = 1
_PR_SET_CHILD_SUBREAPER = 36


class Stopping(KeyboardInterrupt):
    """Raised in the main thread by SIGTERM, as SIGINT raises ``KeyboardInterrupt``."""


def _prctl(option: int, value: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(option, value, 0, 0, 0)) == 0
    except (OSError, AttributeError):
        return False


def become_subreaper() -> bool:
    """Orphaned descendants are re-parented to this process (Linux ≥ 3.4)."""
    return _prctl(_PR_SET_CHILD_SUBREAPER, 1)


def _raise_stopping(signum: int, _frame: FrameType | None) -> None:
    raise Stopping(signal.Signals(signum).name)


@contextlib.contextmanager
def stop_on_signals() -> Iterator[None]:
    """SIGTERM and SIGINT raise ``Stopping`` in the main thread while the block runs.

    uvicorn installs its own handlers while it serves and re-raises the signal it caught once
    it has shut down: with this in place that re-raise becomes ``Stopping`` too, instead of
    SIGTERM's default action (die at once, children left running)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, _raise_stopping) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def signals_ignored() -> Iterator[None]:
    """A second Ctrl-C or SIGTERM while stopping does not cut the stop short (SIGKILL still
    does, and the children then stop by themselves: see ``spawn_guarded``)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@contextlib.contextmanager
def deferred_signals() -> Iterator[None]:
    """SIGTERM and SIGINT arriving inside the block take effect when it ends: for a short step
    that must not be cut in two (an SMTP server has accepted a mail; recording it as sent must
    follow). No-op outside the main thread (signals are handled there only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    arrived: list[int] = []
    signals = (signal.SIGTERM, signal.SIGINT)
    previous = {s: signal.signal(s, lambda sig, _f: arrived.append(sig)) for s in signals}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        for number in arrived[:1]:
            signal.raise_signal(number)


def _parent_death_signal(parent_pid: int) -> None:  # runs in the child between fork and exec
    _prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent_pid:  # the parent died before the prctl
        os._exit(1)


def spawn_guarded(
    args: Sequence[str], *, env: dict[str, str], cwd: Path, log: Path
) -> subprocess.Popen[bytes]:
    """A child in its own session (its process group is ours to signal, a terminal's Ctrl-C does
    not reach it twice) that gets SIGTERM when this process dies, however it dies."""
    parent = os.getpid()
    with log.open("ab") as out:
        return subprocess.Popen(
            list(args),
            cwd=cwd,
            env=env | {PARENT_PID_ENV: str(parent)},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=lambda: _parent_death_signal(parent),
        )


_watching = threading.Event()


def watch_parent(interval: float = 1.0, grace: float = STOP_GRACE_SECONDS) -> bool:
    """If ``EIA_PARENT_PID`` names our parent, stop this process once that parent is gone:
    SIGTERM to ourselves (a graceful stop), then ``os._exit`` if still alive after ``grace``.
    Idempotent; False when there is nothing to watch."""
    try:
        parent = int(os.environ.get(PARENT_PID_ENV, ""))
    except ValueError:
        return False
    if parent <= 1 or os.getppid() != parent or _watching.is_set():
        return False
    _watching.set()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(interval)
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(grace)
        os._exit(1)

    threading.Thread(target=watch, name="eia-parent-watch", daemon=True).start()
    return True


def children_of(pid: int) -> list[int]:
    """The direct children of ``pid`` (from /proc; empty where there is none)."""
    found: list[int] = []
    task_dir = Path(f"/proc/{pid}/task")
    try:
        tasks = list(task_dir.iterdir())
    except OSError:
        return found
    for task in tasks:
        with contextlib.suppress(OSError, ValueError):
            found += [int(c) for c in (task / "children").read_text().split()]
    return sorted(set(found))


def descendants_of(pid: int) -> list[int]:
    result: list[int] = []
    queue = children_of(pid)
    while queue:
        child = queue.pop()
        if child not in result:
            result.append(child)
            queue += children_of(child)
    return result


def _signal_group(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, sig)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)


def _reap_children() -> None:
    """Collect exited children that are not ours as Popen objects (adopted orphans)."""
    for child in children_of(os.getpid()):
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(child, os.WNOHANG)


def stop_processes(
    processes: Sequence[subprocess.Popen[bytes]], grace: float = STOP_GRACE_SECONDS
) -> None:
    """Stop each child in turn, in the order given (a worker before the server it talks to):
    SIGTERM to its process group and its descendants (flow runs live in sessions of their own),
    up to ``grace`` seconds, then SIGKILL. Then the same for any orphaned descendant adopted by
    this process (see ``become_subreaper``). Everything is reaped."""
    for process in processes:
        _stop_tree(process.pid, partial(_has_exited, process), grace)
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)
    for pid in children_of(os.getpid()):  # adopted orphans and anything else still ours
        _stop_tree(pid, partial(_is_gone, pid), grace)
    _reap_children()


def _has_exited(process: subprocess.Popen[bytes]) -> bool:
    return process.poll() is not None


def _is_gone(pid: int) -> bool:
    return not _is_running(pid)


def _stop_tree(pid: int, gone: Callable[[], bool], grace: float) -> None:
    tree = [pid, *descendants_of(pid)]
    for target in tree:
        _signal_group(target, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        _reap_children()
        if gone() and not any(_is_running(t) for t in tree):
            return
        time.sleep(0.05)
    for target in [*tree, *descendants_of(pid)]:
        if _is_running(target):
            _signal_group(target, signal.SIGKILL)
    _reap_children()


def _is_running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        try:
            os.kill(pid, 0)
        except OSError:
            return False
        return True
    return stat.rsplit(")", 1)[1].split()[0] != "Z"
