"""``eia demo``: one report book from submission to a mailed 批复, against a running instance."""

from __future__ import annotations

import time
import uuid
from typing import Any

import httpx
from rich.console import Console

from approvals.clock import SystemClock, local_date, to_utc
from approvals.participation.notice_dates import move_case_notices_to_ended
from approvals.seed import DEMO_PASSWORD
from approvals.timekeeping.schedule import shared_calendar
from core.db import make_engine, session_scope
from core.settings import MailBackend, get_settings
from mail import safe_filename_stem
from simulator.sample_pdf import minimal_pdf

PROJECT = {
    "item_code": "EIA-01",
    "project_name": "郑州绿源精密机械年产5000台数控机床建设项目",
    "site": "郑州经济技术开发区第九大街88号",
    "district": "郑州经济技术开发区",
    "industry_code": "3421",
    "total_investment": "12000.00",
    "env_investment": "360.00",
    "consultant": "河南中环评价咨询有限公司",
}
CONDITIONS = [
    "严格落实报告书提出的废气治理措施，颗粒物、挥发性有机物排放执行国家和河南省相关标准。",
    "生产废水经预处理达标后排入园区污水处理厂，不得直接外排。",
    "危险废物分类收集、规范贮存，委托有资质单位处置，执行转移联单制度。",
]


class DemoFailed(SystemExit):
    pass


def _check(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise DemoFailed(
            f"{response.request.method} {response.request.url} → "
            f"{response.status_code}: {response.text}"
        )
    return response.json()


def _login(client: httpx.Client, username: str) -> dict[str, str]:
    token = _check(
        client.post("/api/auth/token", data={"username": username, "password": DEMO_PASSWORD})
    )
    return {"Authorization": f"Bearer {token['access_token']}"}


def _wait(
    client: httpx.Client, headers: dict[str, str], case_id: int, status: str, timeout: float
) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        detail = _check(client.get(f"/api/applications/{case_id}", headers=headers))
        if detail["status"] == status:
            return detail  # type: ignore[no-any-return]
        if time.monotonic() > deadline:
            raise DemoFailed(
                f"办件未在{timeout:.0f}秒内到达“{status}”（当前 {detail['status']}）；"
                "worker 是否在运行？"
            )
        time.sleep(0.5)


def _public_notice(client: httpx.Client, project: str, kind: str) -> dict[str, Any]:
    listed = _check(client.get("/api/public/notices", params={"kind": kind, "status": "open"}))
    found = [n for n in listed if n["project_name"] == project]
    if not found:
        raise DemoFailed(f"公示列表中没有“{project}”的{kind}公示")
    # The newest: an earlier demo run's case of the same project may still have one open.
    return max(found, key=lambda n: int(n["id"]))  # type: ignore[no-any-return]


def _answer_challenge(question: str) -> str:
    words = "零一二三四五六七八九"
    a, b = (words.index(c) for c in question.split("等于")[0].split("加"))
    return str(a + b)


def _acceptance_notice_step(
    console: Console, client: httpx.Client, officer: dict[str, str], case: dict[str, Any]
) -> None:
    """受理公示: a visitor finds it, comments; the officer answers; the notice runs out (moved
    back in the database, audited: the demo does not wait ten working days)."""
    notice = _public_notice(client, case["project_name"], "acceptance")
    console.print(
        f"受理公示已发布：{notice['starts_on']} 至 {notice['ends_on']}，"
        f"剩余{notice['working_days_left']}个工作日（/public/notices/{notice['id']}）"
    )
    question = _check(client.get(f"/api/public/notices/{notice['id']}/challenge"))
    comment = _check(
        client.post(
            f"/api/public/notices/{notice['id']}/comments",
            data={
                "name": "王女士",
                "contact": "13800000000",
                "text": "项目距离居民区较近，请说明施工期和运营期噪声防治措施。",
                "challenge_token": question["token"],
                "challenge_answer": _answer_challenge(question["question"]),
            },
        )
    )
    refused = client.post(
        f"/api/applications/{case['id']}/decision",
        headers=officer,
        json={"outcome": "approve", "conditions": CONDITIONS},
    )
    console.print(f"公示期内拟办被拒绝：{refused.json().get('message', refused.status_code)}")
    _check(
        client.post(
            f"/api/applications/{case['id']}/public-comments/{comment['id']}/response",
            headers=officer,
            json={"response": "已要求建设单位设置隔声屏障，夜间（22时至次日6时）不施工。"},
        )
    )
    console.print("公众意见已收到并答复")
    moved = run_out_notices(case["id"])
    console.print(f"（演示）公示期间前移至已届满，已记入审计日志：{moved}")


def _pre_approval_step(
    console: Console, client: httpx.Client, leader: dict[str, str], case: dict[str, Any]
) -> None:
    """The leader agrees in principle: the 拟批准公示 (hearing right) runs; signing before its end
    is refused; it runs out (moved back, audited)."""
    notice = _check(
        client.post(
            f"/api/applications/{case['id']}/pre-approval-notice",
            headers=leader,
            json={
                "overview": "新建数控机床生产线，年产5000台，总投资12000万元，环保投资360万元。",
                "measures": "".join(CONDITIONS),  # each ends with its 。
            },
        )
    )
    console.print(
        f"拟批准公示已发布：{notice['starts_on']} 至 {notice['ends_on']}；{notice['hearing_right']}"
    )
    refused = client.post(f"/api/applications/{case['id']}/sign", headers=leader, json={})
    console.print(f"公示期内签发被拒绝：{refused.json().get('message', refused.status_code)}")
    moved = run_out_notices(case["id"])
    console.print(f"（演示）公示期间前移至已届满，已记入审计日志：{moved}")


def run_out_notices(case_id: int) -> str:
    """Move the case's running notices back in the instance's database (audited)."""
    engine = make_engine(get_settings().resolved_database_url)
    try:
        with session_scope(engine) as session:
            now = SystemClock().now()
            notices = move_case_notices_to_ended(
                session, shared_calendar(), case_id, local_date(now), to_utc(now)
            )
            session.commit()
            return "；".join(f"{n.starts_on}～{n.ends_on}" for n in notices) or "无"
    finally:
        engine.dispose()


def run_demo(console: Console, base_url: str, timeout: float) -> None:
    with httpx.Client(base_url=base_url, timeout=30) as client:
        applicant = _login(client, "qiye")
        item = _check(client.get("/api/items/EIA-01"))
        case = _check(
            client.post(
                "/api/applications",
                json=PROJECT,
                headers=applicant | {"Idempotency-Key": str(uuid.uuid4())},
            )
        )
        case_id = case["id"]
        for material in item["materials"]:
            if material["required"]:
                _check(
                    client.put(
                        f"/api/applications/{case_id}/materials/{material['code']}",
                        headers=applicant,
                        files={
                            "file": (
                                f"{material['name'][:40]}.pdf",
                                minimal_pdf(material["code"]),
                                "application/pdf",
                            )
                        },
                    )
                )
        _check(client.post(f"/api/applications/{case_id}/submit", headers=applicant))
        console.print(f"申请已提交：办件编号 [bold]{case['number']}[/]")

        intake = _login(client, "shouli")
        _check(client.post(f"/api/applications/{case_id}/accept", headers=intake))
        _wait(client, intake, case_id, "drafting", timeout)
        console.print("已受理，受理通知书已制发")
        officer = _login(client, "chengban")
        _acceptance_notice_step(console, client, officer, case)
        _check(
            client.post(
                f"/api/applications/{case_id}/decision",
                headers=officer,
                json={"outcome": "approve", "conditions": CONDITIONS},
            )
        )
        _check(
            client.post(
                f"/api/applications/{case_id}/review/approve",
                headers=_login(client, "kezhang"),
                json={"comment": "同意"},
            )
        )
        leader = _login(client, "lingdao")
        _pre_approval_step(console, client, leader, case)
        started = time.monotonic()
        _check(
            client.post(
                f"/api/applications/{case_id}/sign", headers=leader, json={"comment": "同意签发"}
            )
        )
        detail = _wait(client, applicant, case_id, "approved", timeout)
        issued_in = time.monotonic() - started
        decided = _check(client.get("/api/public/notices", params={"kind": "decision"}))
        published = next(n for n in decided if n["project_name"] == case["project_name"])
        console.print(
            f"审批决定已公告：{published['document_number']}，{published['conclusion']}"
            f"（/public/notices/{published['id']}，订阅 /public/notices.atom）"
        )
        _check(
            client.post(
                f"/api/applications/{case_id}/postal",
                headers=intake,
                json={
                    "courier": "中国邮政EMS",
                    "waybill": "1190000000001",
                    "sent_on": local_date(SystemClock().now()).isoformat(),  # the bureau's day
                },
            )
        )
        approval = next(d for d in detail["documents"] if d["kind"] == "approval")
        mails = _check(client.get(f"/api/applications/{case_id}/mails", headers=intake))

    mail = next(m for m in mails if approval["number"] in m["subject"])
    settings = get_settings()
    if settings.mail_backend is MailBackend.EML:
        eml = settings.resolved_outbox_dir / f"{safe_filename_stem(mail['message_id'])}.eml"
        where = f".eml 发件箱 {eml}"
    else:
        where = f"SMTP {settings.smtp_host}:{settings.smtp_port}"
    console.print(f"办件编号   {case['number']}")
    console.print(f"批复文号   {approval['number']}")
    console.print(f"对象存储键 {approval['object_key']}（SHA-256 {approval['sha256']}）")
    console.print(
        f"邮件       发往 {mail['to_addr']}，{'已发送' if mail['sent_at'] else '待发送'}；{where}"
    )
    console.print(f"签发→制发完成 {issued_in:.1f} 秒")
