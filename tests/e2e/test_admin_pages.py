"""The /admin pages through their forms (with the CSRF token, like a browser): staff accounts
and roles, the expert pool, the holiday schedules; every change is audited, a refusal is shown
in Chinese beside its field, and nobody but the administrator may change anything."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import col, select

from approvals.joint_review.expert_pool import ensure_expert_pool
from core.db import session_scope
from models import AuditEvent, Expert, HolidayDay, OutboxMail, Role, User
from tests.helpers import page_login


def audited(engine: Engine, action: str) -> list[str]:
    with session_scope(engine) as session:
        query = select(AuditEvent.comment).where(AuditEvent.action == action)
        return list(session.exec(query.order_by(col(AuditEvent.id))))


def user_named(engine: Engine, username: str) -> User:
    with session_scope(engine) as session:
        return session.exec(select(User).where(User.username == username)).one()


def test_admin_opens_a_staff_account_changes_its_role_and_disables_it(
    client: TestClient, engine: Engine
) -> None:
    page_login(client, "admin")
    assert "工作人员与角色" in client.get("/admin").text
    created = client.post(
        "/admin/users",
        data={"username": "wang.ke", "display_name": "王科（审批科）",
              "email": "wangke@sthjj.example", "role": "case_officer"},
        follow_redirects=False,
    )  # fmt: skip
    assert created.status_code == 303, created.text[:500]
    page = client.get(created.headers["location"]).text
    assert "已开通账号" in page and "wang.ke" in page and "待设置密码" in page
    new = user_named(engine, "wang.ke")
    assert new.role is Role.CASE_OFFICER and new.is_active
    with session_scope(engine) as session:
        mail = session.exec(select(OutboxMail).where(OutboxMail.to_addr == new.email)).one()
        assert "系统管理员为您开通" in mail.body and "/invitation?token=" in mail.body
    assert audited(engine, "staff_created") == [
        "开通工作人员账号 王科（审批科）（wang.ke，承办人）"
    ]

    moved = client.post(f"/admin/users/{new.id}/role", data={"role": "section_chief"})
    assert moved.status_code == 200 and "已调整角色" in moved.text
    assert user_named(engine, "wang.ke").role is Role.SECTION_CHIEF
    assert "由承办人改为科室负责人" in audited(engine, "staff_role_changed")[0]

    shouli = user_named(engine, "shouli")
    client.post(f"/admin/users/{shouli.id}/disable")
    assert not user_named(engine, "shouli").is_active
    assert len(audited(engine, "staff_disabled")) == 1
    assert page_login(client, "shouli").status_code == 401  # a disabled account cannot sign in
    page_login(client, "admin")
    client.post(f"/admin/users/{shouli.id}/enable")
    assert page_login(client, "shouli").status_code == 303


def test_refusals_are_in_chinese_beside_the_field_and_change_nothing(
    client: TestClient, engine: Engine
) -> None:
    page_login(client, "admin")
    taken = client.post(
        "/admin/users",
        data={"username": "chengban", "display_name": "重名", "email": "x@sthjj.example",
              "role": "leader"},
    )  # fmt: skip
    assert taken.status_code == 200 and taken.url.path == "/admin/users"  # post/redirect/get
    assert "该用户名已被使用" in taken.text and "field-invalid" in taken.text
    assert 'value="重名"' in taken.text  # what was typed is kept
    me = user_named(engine, "admin")
    refused = client.post(f"/admin/users/{me.id}/disable")
    assert refused.status_code == 200 and "不能更改或停用自己的管理员账号" in refused.text
    assert user_named(engine, "admin").is_active
    assert audited(engine, "staff_created") == audited(engine, "staff_disabled") == []


def test_only_the_administrator_may_open_or_change_the_admin_pages(
    client: TestClient, engine: Engine
) -> None:
    page_login(client, "jiancha")
    for path in ("/admin", "/admin/users", "/admin/experts", "/admin/holidays"):
        assert client.get(path).status_code == 403, path
    target = user_named(engine, "shouli")
    assert client.post(f"/admin/users/{target.id}/disable").status_code == 403
    assert user_named(engine, "shouli").is_active


def test_admin_keeps_the_expert_pool(client: TestClient, engine: Engine) -> None:
    with session_scope(engine) as session:
        ensure_expert_pool(session)
        session.commit()
    page_login(client, "admin")
    assert "王建国" in client.get("/admin/experts").text
    added = client.post(
        "/admin/experts",
        data={"username": "zj_new", "name": "林晓峰", "title": "教授", "employer": "河南大学",
              "email": "lin@zhuanjia.example", "group_no": "6",
              "specialties": ["ecology", "water"]},
        follow_redirects=False,
    )  # fmt: skip
    assert added.status_code == 303, added.text[:500]
    with session_scope(engine) as session:
        expert = session.exec(select(Expert).where(Expert.name == "林晓峰")).one()
        assert expert.specialties == ["water", "ecology"] and expert.group_no == 6
        assert expert.available
    assert "专家库新增 林晓峰" in audited(engine, "expert_added")[0]

    client.post(f"/admin/experts/{expert.id}/unavailable")
    client.post(f"/admin/experts/{expert.id}/specialties", data={"specialties": ["air"]})
    too_many = client.post(
        f"/admin/experts/{expert.id}/specialties",
        data={"specialties": ["air", "water", "noise", "ecology"]},
    )
    assert too_many.status_code == 200 and "请选择1至3个专业领域" in too_many.text
    with session_scope(engine) as session:
        again = session.get(Expert, expert.id)
        assert again is not None and not again.available and again.specialties == ["air"]
    retired = client.post(f"/admin/experts/{expert.id}/retire", follow_redirects=True)
    assert "已退出专家库" in retired.text
    assert not user_named(engine, "zj_new").is_active
    gone = client.post(f"/admin/experts/{expert.id}/available")
    assert gone.status_code == 200 and 'role="alert"' in gone.text
    for action in ("expert_availability", "expert_specialties", "expert_retired"):
        assert len(audited(engine, action)) == 1, action


def test_admin_loads_a_years_holiday_schedule(client: TestClient, engine: Engine) -> None:
    page_login(client, "admin")
    bad = client.post(
        "/admin/holidays",
        data={
            "year": "2031",
            "source": "国办发明电〔2030〕1号",
            "holiday_days": "2031-01-01, 元旦",
        },
    )
    assert bad.status_code == 200 and "无法识别的日期" in bad.text
    assert (
        "无法识别的日期" not in client.get("/admin/holidays").text
    )  # shown once; a reload is a GET
    loaded = client.post(
        "/admin/holidays",
        data={"year": "2031", "source": "国办发明电〔2030〕1号",
              "holiday_days": "2031-01-01\n2031-05-01，2031-05-02\n"
                              "2031-10-01 2031-10-02 2031-10-03",
              "workdays": "2031-01-04"},
        follow_redirects=True,
    )  # fmt: skip
    assert loaded.status_code == 200 and "已导入节假日安排" in loaded.text
    assert 'data-year="2031"' in loaded.text
    with session_scope(engine) as session:
        days = {d.day: d.is_workday for d in session.exec(select(HolidayDay))}
    assert days[date(2031, 5, 2)] is False and days[date(2031, 1, 4)] is True and len(days) == 7
    assert audited(engine, "holidays_loaded") == [
        "导入2031年节假日安排：放假6天，调休上班1天（来源：国办发明电〔2030〕1号）"
    ]
