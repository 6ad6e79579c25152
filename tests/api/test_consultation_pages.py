"""前期指导 pages post, redirect and get: the enterprise registers and books through the forms,
a refused form comes back to its page with the message, and a 差评 of the guidance is answered
on the consultation page (回访核实、整改、反馈 mailed to the enterprise's contact)."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from models import OutboxMail, User
from tests.helpers import minted_bearer, page_login, refused_page

FORM = {
    "project_name": "郑州绿源喷涂线技改项目",
    "site": "经北五路66号",
    "district": "郑州经济技术开发区",
    "industry_code": "3453",
    "scale": "新增喷涂线一条",
    "description": "技改新增喷涂线。",
    "question": "技改是否需要重新报批？",
}


def test_the_pages_register_book_refuse_and_answer_a_bad_rating(
    client: TestClient, engine: Engine
) -> None:
    page_login(client, "qiye")
    created = client.post("/consultations", data=FORM, follow_redirects=False)
    assert (
        created.status_code == 303 and "msg=consultation_requested" in created.headers["location"]
    )
    path = created.headers["location"].split("?")[0]
    consultation_id = int(path.rsplit("/", 1)[1])
    assert "郑州绿源喷涂线技改项目" in client.get("/consultations").text
    refused = client.post("/consultations", data=FORM | {"district": "火星区"})
    assert "不是郑州市辖区" in refused_page(client, refused)

    with Session(engine) as session:
        officer_id = session.exec(select(User.id).where(User.username == "chengban")).one()
    chief, officer = (minted_bearer(client.app, u) for u in ("kezhang", "chengban"))
    client.post(f"/api/consultations/{consultation_id}/assign", json={"officer_id": officer_id},
                headers=chief)  # fmt: skip
    slot = {"starts_at": "2026-11-24T14:30:00+08:00", "mode": "on_site", "place": "项目现场"}
    slot_id = client.post("/api/consultation-slots", json=slot, headers=officer).json()["id"]

    page_login(client, "qiye")
    booked = client.post(f"{path}/booking", data={"slot_id": str(slot_id)}, follow_redirects=False)
    assert booked.headers["location"].endswith("?msg=consultation_booked")
    assert "项目现场" in client.get(path).text
    guidance = {
        "item_code": "EIA-02",
        "eia_category": "report_table",
        "obstacles": "注意喷涂废气。",
    }
    no_right = client.post(f"{path}/guidance", data=guidance)
    assert "由分派的承办人员出具指导意见" in refused_page(client, no_right)

    issued = client.post(f"/api/consultations/{consultation_id}/guidance", json=guidance,
                         headers=officer)  # fmt: skip
    assert issued.status_code == 201, issued.text
    no_reason = client.post(f"{path}/rating", data={"level": "2"})
    assert "差评请选择原因" in refused_page(client, no_reason)
    rated = client.post(f"{path}/rating", data={"level": "2", "reasons": ["办事效率低"]},
                        follow_redirects=False)  # fmt: skip
    assert rated.headers["location"].endswith("?msg=guidance_rated")
    assert "不满意" in client.get(path).text

    page_login(client, "kezhang")
    queue = client.get("/ratings").text
    assert f'href="{path}"' in queue and "项目前期指导" in queue
    answer = {
        "verification": "电话回访企业。",
        "rectification": "压缩出具时间。",
        "feedback": "已整改。",
    }
    answered = client.post(f"{path}/rating/answer", data=answer, follow_redirects=False)
    assert answered.headers["location"].endswith("?msg=guidance_rating_answered")
    assert "已整改反馈" in client.get(path).text
    with Session(engine) as session:
        mails = session.exec(
            select(OutboxMail).where(col(OutboxMail.subject).contains("整改反馈"))
        ).all()
    assert [(m.to_addr, "压缩出具时间" in m.body) for m in mails] == [("qiye@lvyuan.example", True)]
    again = client.post(f"{path}/rating/answer", data=answer)
    assert "已反馈" in refused_page(client, again)
