"""The expert panel draw for a joint review (远程会审): pure, deterministic, replayable.

Contract: the same pool and request give the same panel on any machine and Python version.
Experts are screened for conflicts (回避), the eligible ids are sorted, and every random pick is
made by ``random.Random(seed)`` on a sorted list, so no set or dict order leaks into a result.
The eligible list and the seed are recorded (``Panel.candidates``, ``Panel.seed``); an auditor
replays the draw from them with :func:`replay`, and a replacement with :func:`replay_replacement`.
"""

from __future__ import annotations

import hashlib
import random
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from approvals.errors import InvalidInput

SPECIALTY_LABELS: dict[str, str] = {
    "air": "大气环境",
    "water": "水环境",
    "noise": "声环境",
    "solid_waste": "固体废物与危险废物",
    "soil_groundwater": "土壤与地下水",
    "ecology": "生态环境",
    "environmental_risk": "环境风险",
    "radiation": "核与辐射",
    "eia_generalist": "环评综合",
}
SPECIALTIES: tuple[str, ...] = tuple(SPECIALTY_LABELS)  # also the order coverage is drawn in
EXCLUSION_REASONS: dict[str, str] = {  # code -> label, in the order reasons are tested
    "unavailable": "暂不可抽取",
    "same_employer": "与申请人或其环评单位同单位",
    "previous_panel": "曾参加本项目评审",
    "declined": "已拒绝本次邀请",
}
MAX_SEED = 2**31 - 1  # seeds are recorded in an INTEGER column
TOO_FEW = "too_few_eligible"
UNCOVERED = "specialty_uncovered"
SIZE_TOO_SMALL = "size_too_small_for_specialties"


class DrawImpossible(InvalidInput):
    """The draw cannot be satisfied; ``constraint`` is one of TOO_FEW, UNCOVERED, SIZE_TOO_SMALL."""

    code = "draw_impossible"

    def __init__(self, constraint: str, message_zh: str, message_en: str, **details: Any) -> None:
        super().__init__(message_zh, message_en, constraint=constraint, **details)
        self.constraint = constraint


@dataclass(frozen=True)
class Candidate:
    expert_id: int
    name: str
    employer: str
    specialties: frozenset[str]
    group_no: int
    available: bool
    title: str


@dataclass(frozen=True)
class DrawRequest:
    size: int
    needed: tuple[str, ...]
    seed: int
    applicant_employers: frozenset[str]  # the applicant's name and its EIA consultant's name
    previous_panel_experts: frozenset[int]  # sat on a panel for this project before
    exclude_ids: frozenset[int] = frozenset()  # e.g. members who declined


@dataclass(frozen=True)
class Exclusion:
    expert_id: int
    reason: str  # a key of EXCLUSION_REASONS
    message_zh: str

    def as_record(self) -> dict[str, Any]:
        """The JSON kept in ``Panel.excluded``."""
        return {"expert_id": self.expert_id, "reason": self.reason, "message_zh": self.message_zh}

    @classmethod
    def from_record(cls, record: Mapping[str, Any]) -> Exclusion:
        return cls(int(record["expert_id"]), str(record["reason"]), str(record["message_zh"]))


@dataclass(frozen=True)
class DrawResult:
    members: tuple[int, ...]  # in draw order
    chair: int
    candidates: tuple[int, ...]  # the eligible list, sorted by id (recorded for replay)
    excluded: tuple[Exclusion, ...]  # sorted by id
    seed: int


@dataclass(frozen=True)
class Replacement:
    declined_id: int
    expert_id: int  # the replacement
    seed: int  # replacement_seed(panel seed, declined_id): the seed of this pick
    candidates: tuple[int, ...]  # eligible and not on the panel, sorted by id (for replay)
    must_cover: tuple[str, ...]  # needed specialties that only the decliner covered
    panel: DrawResult  # the panel afterwards: decliner out, replacement last, chair kept if can


class RecordedDraw(Protocol):
    """What a replay needs; a ``models.Panel`` row satisfies it, so does :class:`DrawRecord`."""

    @property
    def seed(self) -> int: ...
    @property
    def size(self) -> int: ...
    @property
    def needed_specialties(self) -> Sequence[str]: ...
    @property
    def candidates(self) -> Sequence[int]: ...
    @property
    def excluded(self) -> Sequence[Mapping[str, Any]]: ...


@dataclass(frozen=True)
class DrawRecord:
    seed: int
    size: int
    needed_specialties: tuple[str, ...]
    candidates: tuple[int, ...]
    excluded: tuple[Mapping[str, Any], ...] = ()

    @classmethod
    def of(cls, request: DrawRequest, result: DrawResult) -> DrawRecord:
        excluded = tuple(e.as_record() for e in result.excluded)
        needed = ordered_specialties(request.needed)
        return cls(result.seed, request.size, needed, result.candidates, excluded)


def fresh_seed() -> int:
    """A new random seed for a draw, in 0..MAX_SEED."""
    return secrets.randbelow(MAX_SEED + 1)


def replacement_seed(seed: int, declined_id: int) -> int:
    """The seed of the replacement for ``declined_id``: a hash, the same on every machine."""
    digest = hashlib.sha256(f"{seed}:{declined_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") & MAX_SEED


def default_size(item_code: str, item_name: str) -> int:
    """Default panel size: 5 for a report book (报告书), 3 for a report table (报告表) and
    anything else; always odd. ``item_code`` keeps the signature stable for per-item overrides."""
    return 5 if "报告书" in item_name else 3


def seniority(title: str) -> int:
    """0 for 正高级 titles (正高级工程师, 教授, 研究员), 1 for 高级/副高, 2 otherwise."""
    title = title.strip()
    if title.startswith("正高级") or title in ("教授", "研究员"):
        return 0
    return 1 if title.startswith(("高级", "副")) else 2


def ordered_specialties(needed: Iterable[str]) -> tuple[str, ...]:
    """``needed`` deduplicated in the fixed SPECIALTIES order; unknown codes are refused."""
    wanted = set(needed)
    unknown = sorted(wanted - set(SPECIALTIES))
    if unknown:
        raise InvalidInput(f"未知的专业：{'、'.join(unknown)}", f"unknown specialty: {unknown}")
    return tuple(s for s in SPECIALTIES if s in wanted)


def draw(pool: Sequence[Candidate], request: DrawRequest) -> DrawResult:
    """Screen ``pool`` for conflicts, then draw ``request.size`` experts covering
    ``request.needed``; raises InvalidInput for a bad request, DrawImpossible when unsatisfiable."""
    by_id = _index(pool)
    _check(request.size, request.seed)
    needed = ordered_specialties(request.needed)
    eligible, excluded = _screen(by_id, request, frozenset())
    members = _select(by_id, eligible, excluded, needed, request.size, request.seed)
    return DrawResult(members, _chair(by_id, members), eligible, excluded, request.seed)


def replay(pool: Sequence[Candidate], recorded: RecordedDraw) -> DrawResult:
    """The draw again from its recorded seed and candidate list (availability and conflicts are
    not re-screened); the same pool data gives the same panel."""
    by_id = _index(pool)
    _check(recorded.size, recorded.seed)
    eligible = _known(by_id, recorded.candidates)
    excluded = tuple(Exclusion.from_record(e) for e in recorded.excluded)
    needed = ordered_specialties(recorded.needed_specialties)
    members = _select(by_id, eligible, excluded, needed, recorded.size, recorded.seed)
    return DrawResult(members, _chair(by_id, members), eligible, excluded, recorded.seed)


def replace(
    pool: Sequence[Candidate], request: DrawRequest, current: DrawResult, declined_id: int
) -> Replacement:
    """Draw one replacement for ``declined_id`` from the experts screened as in :func:`draw`
    (earlier decliners in ``current.excluded`` stay out); record the returned Replacement."""
    earlier = frozenset(e.expert_id for e in current.excluded if e.reason == "declined")
    eligible, _ = _screen(_index(pool), request, earlier | {declined_id})
    return replay_replacement(pool, request.needed, current, declined_id, eligible)


def replay_replacement(
    pool: Sequence[Candidate],
    needed: Iterable[str],
    current: DrawResult,
    declined_id: int,
    candidates: Sequence[int],
) -> Replacement:
    """The replacement pick itself, from a given (recorded) candidate list: uniform among the
    candidates not on the panel, restricted to those covering every needed specialty that only
    the decliner covered. Deterministic from (current.seed, declined_id) and the candidates."""
    by_id = _index(pool)
    if declined_id not in current.members:
        raise InvalidInput(
            f"专家{declined_id}不是本专家组成员", f"expert {declined_id} is not on the panel"
        )
    eligible = _known(by_id, candidates)
    remaining = tuple(m for m in current.members if m != declined_id)
    covered = {s for m in remaining for s in by_id[m].specialties}
    must_cover = tuple(
        s
        for s in ordered_specialties(needed)
        if s in by_id[declined_id].specialties and s not in covered
    )
    open_ids = tuple(i for i in eligible if i not in current.members)
    if not open_ids:
        raise _too_few(0, 1, current.excluded)
    options = [i for i in open_ids if by_id[i].specialties >= set(must_cover)]
    if not options:
        raise _uncovered(must_cover, by_id)
    seed = replacement_seed(current.seed, declined_id)
    pick = random.Random(seed).choice(options)
    members = (*remaining, pick)
    chair = current.chair if current.chair != declined_id else _chair(by_id, members)
    declined = Exclusion(declined_id, "declined", _message(by_id[declined_id], "declined"))
    excluded = sorted((*current.excluded, declined), key=lambda e: e.expert_id)
    panel = DrawResult(members, chair, current.candidates, tuple(excluded), current.seed)
    return Replacement(declined_id, pick, seed, open_ids, must_cover, panel)


def _index(pool: Sequence[Candidate]) -> dict[int, Candidate]:
    by_id = {c.expert_id: c for c in pool}
    if len(by_id) != len(pool):
        raise InvalidInput("专家库中有重复的专家编号", "the pool has duplicate expert ids")
    return by_id


def _check(size: int, seed: int) -> None:
    if size < 3 or size % 2 == 0:
        raise InvalidInput(
            f"专家组人数须为不少于3人的奇数，收到{size}", f"size must be odd and >= 3, got {size}"
        )
    if not 0 <= seed <= MAX_SEED:
        raise InvalidInput(f"随机种子须在0至{MAX_SEED}之间", f"seed must be in 0..{MAX_SEED}")


def _known(by_id: Mapping[int, Candidate], ids: Iterable[int]) -> tuple[int, ...]:
    missing = sorted(set(ids) - set(by_id))
    if missing:
        raise InvalidInput(f"专家库中没有专家{missing}", f"experts {missing} are not in the pool")
    return tuple(sorted(set(ids)))


def _normal(name: str) -> str:
    return "".join(name.split()).replace("(", "（").replace(")", "）")


def _screen(
    by_id: Mapping[int, Candidate], request: DrawRequest, declined: frozenset[int]
) -> tuple[tuple[int, ...], tuple[Exclusion, ...]]:
    """(eligible ids, exclusions), both sorted by id; the first matching reason is recorded."""
    employers = {_normal(e) for e in request.applicant_employers if e.strip()}
    eligible: list[int] = []
    excluded: list[Exclusion] = []
    for expert_id in sorted(by_id):
        reason = _conflict(by_id[expert_id], request, employers, declined)
        if reason is None:
            eligible.append(expert_id)
        else:
            excluded.append(Exclusion(expert_id, reason, _message(by_id[expert_id], reason)))
    return tuple(eligible), tuple(excluded)


def _conflict(
    c: Candidate, request: DrawRequest, employers: set[str], declined: frozenset[int]
) -> str | None:
    """The first reason (in EXCLUSION_REASONS order) that keeps ``c`` out of the draw."""
    if not c.available:
        return "unavailable"
    if _normal(c.employer) in employers:
        return "same_employer"
    if c.expert_id in request.previous_panel_experts:
        return "previous_panel"
    if c.expert_id in request.exclude_ids or c.expert_id in declined:
        return "declined"
    return None


def _message(c: Candidate, reason: str) -> str:
    return f"{c.name}（{c.employer}）：{EXCLUSION_REASONS[reason]}"


def _select(
    by_id: Mapping[int, Candidate],
    eligible: tuple[int, ...],
    excluded: tuple[Exclusion, ...],
    needed: tuple[str, ...],
    size: int,
    seed: int,
) -> tuple[int, ...]:
    if len(eligible) < size:
        raise _too_few(len(eligible), size, excluded)
    for specialty in needed:
        if not any(specialty in by_id[i].specialties for i in eligible):
            raise _uncovered((specialty,), by_id)
    rng = random.Random(seed)
    chosen: list[int] = []
    for specialty in needed:  # cover first, in the fixed order
        if any(specialty in by_id[m].specialties for m in chosen):
            continue
        covering = [i for i in eligible if i not in chosen and specialty in by_id[i].specialties]
        chosen.append(rng.choice(covering))
    if len(chosen) > size:
        labels = "、".join(SPECIALTY_LABELS[s] for s in needed)
        raise DrawImpossible(
            SIZE_TOO_SMALL,
            f"无法抽取专家组：覆盖所需专业（{labels}）需要{len(chosen)}人，超过专家组人数{size}人",
            f"cannot draw the panel: covering {list(needed)} took {len(chosen)} > {size} experts",
            needed=list(needed),
            size=size,
        )
    rest = [i for i in eligible if i not in chosen]
    return (*chosen, *rng.sample(rest, size - len(chosen)))


def _chair(by_id: Mapping[int, Candidate], members: tuple[int, ...]) -> int:
    """The most senior title; ties go to the earlier drawn."""
    order = min(range(len(members)), key=lambda k: (seniority(by_id[members[k]].title), k))
    return members[order]


def _too_few(eligible: int, needed: int, excluded: Iterable[Exclusion]) -> DrawImpossible:
    counts = {r: 0 for r in EXCLUSION_REASONS}
    for e in excluded:
        counts[e.reason] = counts.get(e.reason, 0) + 1
    zh = "、".join(f"{EXCLUSION_REASONS[r]}{n}人" for r, n in counts.items() if n) or "无"
    en = ", ".join(f"{r} {n}" for r, n in counts.items() if n) or "none"
    return DrawImpossible(
        TOO_FEW,
        f"无法抽取专家组：排除回避后符合条件的专家{eligible}人，少于所需{needed}人（已排除：{zh}）",
        f"cannot draw the panel: {eligible} eligible experts, {needed} needed (excluded: {en})",
        eligible=eligible,
        needed=needed,
        exclusions=counts,
    )


def _uncovered(specialties: tuple[str, ...], by_id: Mapping[int, Candidate]) -> DrawImpossible:
    in_pool = sum(c.specialties >= set(specialties) for c in by_id.values())
    label = "、".join(SPECIALTY_LABELS[s] for s in specialties)
    return DrawImpossible(
        UNCOVERED,
        f"无法抽取专家组：没有符合条件的专家覆盖所需专业「{label}」"
        f"（专家库中该专业{in_pool}人均被排除或已在组内）",
        f"cannot draw the panel: no eligible expert covers {list(specialties)} "
        f"({in_pool} in the pool)",
        specialties=list(specialties),
        specialty_label=label,
    )
