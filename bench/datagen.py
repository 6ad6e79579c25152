"""Simulated cases for the benchmarks, generated inside PostgreSQL (``INSERT … SELECT FROM
generate_series`` with ``random()`` distributions; a million cases load in about a minute).

* Decided cases: items drawn with the simulator's weights (``simulator.plan.ITEM_WEIGHTS``:
  EIA-02 most, then EIA-01, …, every other appliable item 1), districts from
  ``approvals.catalogue.districts``, decided on a weekday of 2021-01-01 .. the day before ``today``;
  turnaround in working days drawn per item against its own limits (about 70 % within the
  promised limit, 27 % between the promised and the statutory limit, 3 % over the statutory
  limit; filing items mostly the same day; green-channel cases twice as fast), calendar days
  derived from it plus any clock stop; tracks mostly standard (EIA-07 runs as commitment, 5 %
  green channel); 24 case officers.
* Open cases (standard items only) in the human steps: submitted (12 %, received within the last
  ten days, some past their five intake days), drafting (55 %), reviewing (18 %), signing
  (15 %), their clocks running 70 % within the promised limit, the rest up to 1.2× the
  statutory limit (some yellow, a few red); a quarter of those whose item has clock stops have
  a ClockPause (a quarter of those still open), a few a second one (补正); each has closed
  StepRecords for the steps it left and one open StepRecord; ``due_on`` is empty and
  ``warning`` none, so the first sweep changes most.
* One demo enterprise and applicant, staff users for the foreign keys, and an ItemVersion
  snapshot of every catalogue item (what ``item_of`` reads, as in production).

Foreign-key triggers are off while loading (``session_replication_role = replica``; the rows
are consistent by construction), then ``VACUUM ANALYZE`` sets the visibility map and statistics
so index-only scans are possible.
"""

from __future__ import annotations

import os
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from approvals.catalogue import Catalogue, DayUnit, ProcessKind
from approvals.catalogue.districts import ZHENGZHOU_DISTRICTS
from approvals.catalogue.item_versions import record_version
from models import DocumentKind
from simulator.plan import ITEM_WEIGHTS

SERVER_URL = os.environ.get("EIA_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432")
FIRST_DECIDED = date(2021, 1, 1)
CASE_OFFICERS = 24
EXPERT_STOPS = ("专家评审", "技术评估", "现场核查", "现场踏勘")


# --- scratch databases ---------------------------------------------------------------------------


def scratch_name() -> str:
    return f"eia_bench_{uuid.uuid4().hex[:10]}"


def _admin(server_url: str) -> Engine:
    return create_engine(f"{server_url}/postgres", isolation_level="AUTOCOMMIT")


def create_database(server_url: str, name: str) -> str:
    admin = _admin(server_url)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return f"{server_url}/{name}"


def drop_database(server_url: str, name: str) -> None:
    admin = _admin(server_url)
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def vacuum_analyze(engine: Engine, *tables: str) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text(f"VACUUM ANALYZE {', '.join(tables)}" if tables else "VACUUM ANALYZE"))


# --- the items, as a small table the generator joins ---------------------------------------------


@dataclass(frozen=True)
class ItemRow:
    code: str
    version: int
    kind: str
    weight: int
    promised: int  # working days the bureau aims at (promised, else statutory, else 20)
    statutory: int  # the limit a late case overruns (statutory, else 2 × promised)
    stop: str | None  # the clock stop used for a long pause (expert review …), if any
    correction: bool  # the item lists 补正 as a clock stop


def item_rows(catalogue: Catalogue) -> list[ItemRow]:
    rows = []
    for item in catalogue.appliable():
        working = [
            lim.days
            for lim in (item.promised, item.statutory)
            if lim.days is not None and lim.unit is DayUnit.WORKING
        ]
        promised = max(1, working[0] if working else 20)
        statutory = item.statutory.days if item.statutory.days else max(2 * promised, promised + 10)
        stops = [s for s in item.clock_stops if s in EXPERT_STOPS] or list(item.clock_stops)
        rows.append(
            ItemRow(
                code=item.code,
                version=item.version,
                kind=item.process_kind.value,
                weight=ITEM_WEIGHTS.get(item.code, 1),
                promised=promised,
                statutory=max(statutory, promised),
                stop=stops[0] if stops else None,
                correction=DocumentKind.CORRECTION_NOTICE in item.documents,
            )
        )
    return rows


def _weighted_codes(rows: list[ItemRow]) -> list[str]:
    return [row.code for row in rows for _ in range(row.weight)]


_ITEM_TABLE = """
CREATE TEMP TABLE bench_item (
    code text PRIMARY KEY, version int, kind text, promised int, statutory int,
    stop text, correction boolean
) ON COMMIT PRESERVE ROWS
"""

# Text columns an auditor's page shows: drawn from small word lists so rows have a realistic width.
_WORDS = """
    (ARRAY['绿源','华阳','中原','天润','宏达','金岭','豫新','嵩山','黄河','郑兴'])[1 + floor(random() * 10)::int]
    || (ARRAY['精密机械','新材料','食品','电子','化工','物流','医药','建材','汽车零部件','包装'])[1 + floor(random() * 10)::int]
"""  # noqa: E501
_CONSULTANTS = (
    "(ARRAY['河南省环境保护科学研究院','郑州大学环境技术咨询工程有限公司',"
    "'河南蓝森环保科技有限公司','中国电子工程设计院有限公司'])[1 + floor(random() * 4)::int]"
)
_INDUSTRIES = (
    "(ARRAY['C3311','C2614','C1391','C3982','G5941','C2710','C3039','D4411'])"
    "[1 + floor(random() * 8)::int]"
)
_ROADS = (
    "(ARRAY['科学大道','中原路','金水路','郑汴路','航海路','紫荆山路'])"
    "[1 + floor(random() * 6)::int]"
)

_COLUMNS = """
    number, item_code, item_version, process_kind, enterprise_id, created_by, status, version,
    project_name, site, district, industry_code, total_investment, env_investment, consultant,
    contact_email, description, created_at, submitted_at, received_on, accepted_on, decided_on,
    assignee_id, track, clock_started_on, due_on, due_provisional, warning, case_officer_id,
    turnaround_working_days, turnaround_calendar_days, paused_working_days
"""

# Decided cases. r_* are independent uniforms; w0 the working days before the track speeds it up.
_DECIDED = f"""
INSERT INTO application ({_COLUMNS})
WITH s AS (
    SELECT g, (CAST(:codes AS text[]))[1 + floor(random() * :ncodes)::int] AS code,
           random() AS r_band, random() AS r_in, random() AS r_track, random() AS r_pause,
           random() AS r_plen, random() AS r_day, random() AS r_cal, random() AS r_recv,
           random() AS r_out, random() AS r_time,
           1 + floor(random() * :officers)::int AS officer_no,
           (CAST(:districts AS text[]))[1 + floor(power(random(), 1.3) * :ndistricts)::int]
               AS district,
           round(CAST(10 + power(random(), 3) * 50000 AS numeric), 2) AS investment
    FROM generate_series(1, :n) AS g
), t AS (
    SELECT s.*, i.version, i.kind, i.promised, i.statutory, i.stop,
           CASE WHEN i.kind = 'commitment' THEN 'commitment'
                WHEN r_track < 0.05 THEN 'green' ELSE 'standard' END AS track,
           CASE
               WHEN i.kind = 'filing' THEN
                   CASE WHEN r_band < 0.8 THEN 0 ELSE 1 + floor(r_in * i.promised)::int END
               WHEN i.kind = 'commitment' AND r_band < 0.9 THEN 1
               WHEN r_band < 0.70 THEN
                   greatest(1, ceil(i.promised * (0.25 + 0.75 * power(r_in, 0.7))))::int
               WHEN r_band < 0.97 THEN
                   i.promised + ceil(greatest(i.statutory - i.promised, 1) * power(r_in, 1.5))::int
               ELSE i.statutory + ceil(i.statutory * 0.4 * power(r_in, 2))::int
           END AS w0,
           CAST(:first AS date) + floor(r_day * :span)::int AS d0
    FROM s JOIN bench_item AS i USING (code)
), u AS (
    SELECT t.*,
           CASE WHEN track = 'green' THEN ceil(w0 * 0.5)::int ELSE w0 END AS w,
           CASE WHEN stop IS NOT NULL AND kind = 'standard' AND r_pause < 0.3
                THEN 5 + floor(r_plen * 30)::int ELSE 0 END AS pause_wd,
           d0 - CASE extract(isodow FROM d0)::int WHEN 6 THEN 1 WHEN 7 THEN 2 ELSE 0 END
               AS decided
    FROM t
), v AS (
    SELECT u.*,
           CASE WHEN w = 0 THEN 0
                ELSE floor(w * 1.4 + r_cal * 2)::int + ceil(pause_wd * 1.4)::int END AS cal
    FROM u
), c AS (
    SELECT v.*, decided - cal AS started, decided - cal - floor(r_recv * 5)::int AS received
    FROM v
)
SELECT
    '410100-' || replace(code, '-', '') || '-' || to_char(received, 'YYYYMMDD') || '-'
        || lpad(g::text, 8, '0'),
    code, version, kind, :enterprise, :applicant,
    CASE WHEN kind = 'filing' THEN 'filed' WHEN kind = 'service' THEN 'answered'
         WHEN r_out < 0.06 THEN 'denied' ELSE 'approved' END,
    6,
    '郑州' || {_WORDS} || '有限公司年产' || (1 + floor(random() * 99)::int) * 100 || '吨建设项目',
    district || {_ROADS} || (1 + g % 899) || '号',
    district, {_INDUSTRIES}, investment,
    round(investment * CAST(0.01 + random() * 0.07 AS numeric), 2),
    {_CONSULTANTS}, 'contact' || g || '@demo.example.cn', '',
    (received + time '08:40' + r_time * interval '8 hours') AT TIME ZONE 'Asia/Shanghai'
        - interval '3 hours',
    (received + time '08:40' + r_time * interval '8 hours') AT TIME ZONE 'Asia/Shanghai',
    received, started, decided, NULL, track, started,
    started + ceil(statutory * 1.4)::int, false,
    CASE WHEN w > statutory THEN 'red' ELSE 'none' END,
    CASE WHEN kind = 'filing' THEN NULL ELSE :first_officer + officer_no - 1 END,
    w, cal, pause_wd
FROM c
"""

# Open cases, staged in a temp table so their pauses and steps can be derived from the same draw.
_OPEN_STAGE = """
CREATE TEMP TABLE bench_open ON COMMIT PRESERVE ROWS AS
WITH s AS (
    SELECT g, (CAST(:codes AS text[]))[1 + floor(random() * :ncodes)::int] AS code,
           random() AS r_status, random() AS r_age, random() AS r_pause, random() AS r_pstart,
           random() AS r_plen, random() AS r_open, random() AS r_second, random() AS r_step,
           random() AS r_recv, random() AS r_time,
           1 + floor(random() * :officers)::int AS officer_no,
           (CAST(:districts AS text[]))[1 + floor(power(random(), 1.3) * :ndistricts)::int]
               AS district,
           round(CAST(10 + power(random(), 3) * 50000 AS numeric), 2) AS investment
    FROM generate_series(1, :n) AS g
), t AS (
    SELECT s.*, i.version, i.kind, i.promised, i.statutory, i.stop, i.correction,
           CASE WHEN r_status < 0.12 THEN 'submitted' WHEN r_status < 0.67 THEN 'drafting'
                WHEN r_status < 0.85 THEN 'reviewing' ELSE 'signing' END AS status,
           CASE WHEN r_age < 0.7 THEN floor(i.promised * r_age / 0.7)::int  -- within promise
                ELSE i.promised + floor((i.statutory * 1.2 - i.promised)
                                        * power((r_age - 0.7) / 0.3, 1.5))::int
           END AS running_wd,
           CASE WHEN i.stop IS NOT NULL AND r_pause < 0.25
                THEN 7 + floor(r_plen * 35)::int END AS pause_len
    FROM s JOIN bench_item AS i USING (code)
), u AS (
    SELECT t.*,
           1 + floor(running_wd * 1.4)::int AS running_cal,
           CASE WHEN status = 'submitted' THEN NULL
                ELSE CAST(:today AS date) - 1 - floor(running_wd * 1.4)::int
                     - coalesce(pause_len, 0) END AS started
    FROM t
), v AS (
    SELECT u.*,
           CASE WHEN status = 'submitted' THEN CAST(:today AS date) - floor(r_recv * 10)::int
                ELSE started - floor(r_recv * 5)::int END AS received,
           CASE WHEN status <> 'submitted' AND pause_len IS NOT NULL
                THEN started + 1 + floor(r_pstart * running_cal * 0.6)::int END AS p1_start
    FROM u
), w AS (
    SELECT v.*,
           CASE WHEN p1_start IS NULL OR r_open < 0.25 THEN NULL
                WHEN p1_start + pause_len >= CAST(:today AS date) THEN NULL
                ELSE p1_start + pause_len END AS p1_end,
           CASE WHEN status = 'submitted' THEN received
                WHEN status = 'drafting' THEN least(started + 1, CAST(:today AS date))
                ELSE CAST(:today AS date)
                     - floor(r_step * least(running_cal, 6))::int END AS step_on
    FROM v
)
SELECT w.*,
       CASE WHEN p1_end IS NOT NULL AND correction AND r_second < 0.2
                 AND p1_end + 3 < CAST(:today AS date) THEN p1_end + 1 + floor(r_second * 10)::int
       END AS p2_start,
       '410100-' || replace(code, '-', '') || '-' || to_char(received, 'YYYYMMDD') || '-'
           || lpad((g + :offset)::text, 8, '0') AS number
FROM w
"""

_OPEN_INSERT = f"""
INSERT INTO application ({_COLUMNS})
SELECT
    number, code, version, kind, :enterprise, :applicant, status, 3,
    '郑州' || {_WORDS} || '有限公司年产' || (1 + floor(random() * 99)::int) * 100 || '吨建设项目',
    district || {_ROADS} || (1 + g % 899) || '号',
    district, {_INDUSTRIES}, investment,
    round(investment * CAST(0.01 + random() * 0.07 AS numeric), 2),
    {_CONSULTANTS}, 'contact' || (g + :offset) || '@demo.example.cn', '',
    (received + time '08:40' + r_time * interval '8 hours') AT TIME ZONE 'Asia/Shanghai'
        - interval '3 hours',
    (received + time '08:40' + r_time * interval '8 hours') AT TIME ZONE 'Asia/Shanghai',
    received, started, NULL,
    CASE status WHEN 'submitted' THEN :intake WHEN 'drafting' THEN :first_officer + officer_no - 1
                WHEN 'reviewing' THEN :chief ELSE :leader END,
    'standard', started, NULL, false, 'none',
    CASE WHEN status = 'submitted' THEN NULL ELSE :first_officer + officer_no - 1 END,
    NULL, NULL, NULL
FROM bench_open
"""

_PAUSES = """
INSERT INTO clockpause (application_id, reason, start_on, end_on, max_days, max_unit, comment,
                        started_by, ended_by)
SELECT a.id, o.stop, o.p1_start, o.p1_end, 60, 'working', '', a.case_officer_id,
       CASE WHEN o.p1_end IS NULL THEN NULL ELSE a.case_officer_id END
FROM bench_open AS o JOIN application AS a USING (number)
WHERE o.p1_start IS NOT NULL
UNION ALL
SELECT a.id, '补正', o.p2_start, CASE WHEN o.p2_start + 6 < CAST(:today AS date)
                                    THEN o.p2_start + 6 END,
       15, 'working', '', a.case_officer_id, NULL
FROM bench_open AS o JOIN application AS a USING (number)
WHERE o.p2_start IS NOT NULL
"""


def _stamp(day: str) -> str:
    return f"(({day}) + time '09:30') AT TIME ZONE 'Asia/Shanghai'"


# Closed steps the open case has left, then its one open step (left_at NULL).
_STEPS = f"""
INSERT INTO steprecord (application_id, status, entered_at, left_at, working_days, calendar_days,
                        actor_id)
SELECT a.id, 'submitted', {_stamp("o.received")}, {_stamp("o.started")},
       CAST(NULL AS int), o.started - o.received, CAST(:intake AS int)
FROM bench_open AS o JOIN application AS a USING (number) WHERE o.status <> 'submitted'
UNION ALL
SELECT a.id, 'drafting', {_stamp("o.started + 1")}, {_stamp("o.step_on")},
       NULL, greatest(0, o.step_on - o.started - 1), a.case_officer_id
FROM bench_open AS o JOIN application AS a USING (number)
WHERE o.status IN ('reviewing', 'signing')
UNION ALL
SELECT a.id, 'reviewing', {_stamp("o.step_on")}, {_stamp("o.step_on")}, 0, 0, CAST(:chief AS int)
FROM bench_open AS o JOIN application AS a USING (number) WHERE o.status = 'signing'
UNION ALL
SELECT a.id, o.status, {_stamp("o.step_on")}, NULL, NULL, NULL, NULL
FROM bench_open AS o JOIN application AS a USING (number)
"""


@dataclass(frozen=True)
class Generated:
    decided: int
    open: int
    pauses: int
    steps: int
    seconds: dict[str, float]

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def _people(session: Session) -> dict[str, int]:
    """The demo enterprise and applicant, and the staff the cases are assigned to."""
    conn = session.connection()
    enterprise = conn.execute(
        text(
            "INSERT INTO enterprise (uscc, name, email, address) VALUES "
            "('91410100MA9BENCH01', '郑州演示环保科技有限公司', 'demo@demo.example.cn', "
            "'郑州市金水区科学大道100号') RETURNING id"
        )
    ).scalar_one()
    users = [("bench_applicant", "演示申请人", "applicant", enterprise)]
    users += [("bench_intake", "受理窗口甲", "intake_officer", None)]
    users += [(f"bench_officer_{i:02d}", f"承办人{i:02d}", "case_officer", None) for i in range(24)]
    users += [("bench_chief", "科室负责人甲", "section_chief", None)]
    users += [("bench_leader", "分管领导甲", "leader", None)]
    users += [("bench_auditor", "电子监察甲", "auditor", None)]
    ids: dict[str, int] = {"enterprise": enterprise}
    for username, name, role, enterprise_id in users:
        ids[username] = conn.execute(
            text(
                "INSERT INTO app_user (username, display_name, password_hash, role, email, "
                "enterprise_id, is_active, token_generation) VALUES "
                "(:u, :n, 'x', :r, :email, :e, true, 0) RETURNING id"
            ),
            {
                "u": username,
                "n": name,
                "r": role,
                "email": f"{username}@demo.example.cn",
                "e": enterprise_id,
            },
        ).scalar_one()
    return ids


def _timed(seconds: dict[str, float], name: str, conn: Connection, sql: str, params: dict) -> int:
    began = time.perf_counter()
    count = conn.execute(text(sql), params).rowcount
    seconds[name] = time.perf_counter() - began
    return count


def generate(
    engine: Engine,
    catalogue: Catalogue,
    *,
    cases: int,
    open_cases: int,
    today: date,
    seed: float = 0.4,
) -> Generated:
    """Load ``cases`` decided and ``open_cases`` open applications into a migrated database."""
    rows = item_rows(catalogue)
    standard = [r for r in rows if r.kind == ProcessKind.STANDARD.value]
    seconds: dict[str, float] = {}
    began = time.perf_counter()
    with Session(engine) as session:
        conn = session.connection()
        conn.execute(text("SET session_replication_role = replica"))  # no FK triggers
        conn.execute(text("SET synchronous_commit = off"))
        conn.execute(text("SET work_mem = '256MB'"))
        conn.execute(text("SELECT setseed(:s)"), {"s": seed})
        people = _people(session)
        for item in catalogue.items:
            record_version(session, item, datetime(2021, 1, 1, tzinfo=UTC))
        conn.execute(text(_ITEM_TABLE))
        conn.execute(
            text("INSERT INTO bench_item VALUES (:c, :v, :k, :p, :s, :stop, :corr)"),
            [
                {
                    "c": r.code,
                    "v": r.version,
                    "k": r.kind,
                    "p": r.promised,
                    "s": r.statutory,
                    "stop": r.stop,
                    "corr": r.correction,
                }
                for r in rows
            ],
        )
        common = {
            "enterprise": people["enterprise"],
            "applicant": people["bench_applicant"],
            "intake": people["bench_intake"],
            "chief": people["bench_chief"],
            "leader": people["bench_leader"],
            "first_officer": people["bench_officer_00"],
            "officers": CASE_OFFICERS,
            "districts": list(ZHENGZHOU_DISTRICTS),
            "ndistricts": len(ZHENGZHOU_DISTRICTS),
            "today": today,
        }
        seconds["reference rows"] = time.perf_counter() - began
        codes = _weighted_codes(rows)
        decided = _timed(
            seconds,
            "decided cases",
            conn,
            _DECIDED,
            {
                **common,
                "codes": codes,
                "ncodes": len(codes),
                "n": cases,
                "first": FIRST_DECIDED,
                "span": (today - FIRST_DECIDED).days - 1,
            },
        )
        open_codes = _weighted_codes(standard)
        stage = {**common, "codes": open_codes, "ncodes": len(open_codes), "n": open_cases}
        _timed(seconds, "open cases (staged)", conn, _OPEN_STAGE, {**stage, "offset": cases})
        opened = _timed(seconds, "open cases", conn, _OPEN_INSERT, {**common, "offset": cases})
        pauses = _timed(seconds, "clock pauses", conn, _PAUSES, {"today": today})
        steps = _timed(
            seconds,
            "step records",
            conn,
            _STEPS,
            {"intake": people["bench_intake"], "chief": people["bench_chief"]},
        )
        session.commit()
    began = time.perf_counter()
    vacuum_analyze(engine)
    seconds["VACUUM ANALYZE"] = time.perf_counter() - began
    return Generated(decided, opened, pauses, steps, seconds)
