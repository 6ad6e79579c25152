"""Issue #11's closing figures for the checkout this file is in: the pages per role, an axe-core
scan of every page of every role (violations by impact and by rule), and the shortest applicant
journey driven in Debian Chromium with every click, field, keystroke and file choice counted.

    .venv/bin/python bench/portal_figures.py [--json out.json] [--keep]

The app runs in this process (uvicorn on a free port, flows inline as the browser tests run
them) against a fresh SQLite database in a temporary directory, migrated and seeded like
``eia up`` (``cli.database.prepare_database``; the demo expert pool too where ``eia up`` did
not seed it yet). Mail goes to the .eml outbox; the verification link is read from there.

The pages per role are the header menu each demo account sees after signing in (on a checkout
with ``api/navigation.py`` they are also checked against its ``MENUS``). The scan visits the
menu pages plus the detail pages in ``DETAILS`` (a case with documents, an item's guide and
apply form, the audit case page, the admin sub-pages); a page that does not answer 200 on this
checkout is listed as absent, not scanned.

The journey (``applicant_journey``) is the shortest the UI allows, with one bad material (a
Word file renamed .pdf) chosen first, as issue #11 describes: where the form stages each file
as it is chosen, the bad one is named at once and only it is chosen again; where the form takes
all files at submit, the refusal drops every chosen file and all are chosen again. Where there
is no self-registration, the journey starts with the seeded demo account signing in. The staff
steps between submission and the decision go through the JSON API and are not counted.
"""

from __future__ import annotations

import argparse
import email
import email.policy
import json
import re
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # this checkout's packages, before any installed copy

import httpx  # noqa: E402
import uvicorn  # noqa: E402
from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402
from rich.console import Console  # noqa: E402
from sqlmodel import Session, select  # noqa: E402

from api.app import create_app  # noqa: E402
from approvals.joint_review.expert_pool import ensure_expert_pool  # noqa: E402
from approvals.seed import DEMO_PASSWORD  # noqa: E402
from approvals.uscc import check_character  # noqa: E402
from cli.database import prepare_database  # noqa: E402
from core.db import make_engine  # noqa: E402
from core.settings import DispatchMode, Settings  # noqa: E402
from flows.inline import InlineLauncher  # noqa: E402
from flows.runtime import Runtime  # noqa: E402
from models import User  # noqa: E402
from tests import helpers  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
ACCOUNTS: tuple[str | None, ...] = (
    None, "qiye", "shouli", "chengban", "kezhang", "lingdao", "jiancha", "admin", "zj01",
)  # fmt: skip
CASE = "{case}"
# Pages a menu does not link to directly (reached from a list or a sub-menu), scanned as well.
DETAILS: dict[str | None, tuple[str, ...]] = {
    None: ("/register", "/password/forgot", "/guide/EIA-01", "/public/notices"),
    "qiye": ("/apply/EIA-01", f"/cases/{CASE}", "/enterprise"),
    "shouli": (f"/cases/{CASE}", "/admin/facts/EIA-01"),
    "chengban": (f"/cases/{CASE}",),
    "jiancha": ("/audit", "/audit/commitment", f"/audit/cases/{CASE}"),
    "admin": ("/admin/users", "/admin/experts", "/admin/holidays", "/admin/parks"),
}
IMPACTS = ("critical", "serious", "moderate", "minor")
ITEM = "EIA-02"  # 建设项目环境影响报告表审批
PASSWORD = "Huanbao-2026-lvshui"
FIELD_VALUES: dict[str, str] = {
    **helpers.PROJECT,
    "project_name": "郑州青山环保新材料年产2万吨水性涂料建设项目",
    **getattr(helpers, "DECLARED", {}),
}
FIELD_VALUES.pop("item_code")


# ---------------------------------------------------------------- the app on a free port


@dataclass
class Site:
    base: str
    settings: Settings
    runtime: Runtime
    api: httpx.Client


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running_site(var_dir: Path) -> Iterator[Site]:
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = Settings(
        var_dir=var_dir,
        dispatch_mode=DispatchMode.INLINE,
        secret_key=secrets.token_urlsafe(32),
        public_base_url=base,
    )
    prepare_database(Console(quiet=True), settings)
    engine = make_engine(settings.resolved_database_url)
    with Session(engine) as session:  # eia up seeds the pool since #11; seed it here before
        if session.exec(select(User).where(User.username == "zj01")).first() is None:
            ensure_expert_pool(session)
            session.commit()
    engine.dispose()
    runtime = Runtime.from_settings(settings)
    app = create_app(
        settings, engine=runtime.engine, store=runtime.store, catalogue=runtime.catalogue,
        clock=runtime.clock, launcher=InlineLauncher(runtime),
    )  # fmt: skip
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, name="uvicorn-figures", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise SystemExit("uvicorn did not start")
        time.sleep(0.05)
    try:
        with httpx.Client(base_url=base, timeout=60) as api:
            yield Site(base, settings, runtime, api)
    finally:
        server.should_exit = True
        thread.join(timeout=15)


def bearer(site: Site, username: str, password: str = DEMO_PASSWORD) -> dict[str, str]:
    answer = site.api.post("/api/auth/token", data={"username": username, "password": password})
    answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def wait_status(site: Site, headers: dict[str, str], case_id: int, *statuses: str) -> None:
    deadline = time.monotonic() + 120
    while True:
        status = site.api.get(f"/api/applications/{case_id}", headers=headers).json()["status"]
        if status in statuses:
            return
        if time.monotonic() > deadline:
            raise SystemExit(f"case {case_id} stuck in {status}, waiting for {statuses}")
        time.sleep(0.3)


def _ok(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise SystemExit(f"{response.request.method} {response.request.url}: {response.text}")
    return response.json()


def run_out_notices(site: Site, case_id: int) -> None:
    """Move the case's running public notices back (audited), where this checkout has them."""
    if not (ROOT / "approvals/participation/notice_dates.py").exists():
        return
    from approvals.clock import local_date, to_utc
    from approvals.participation.notice_dates import move_case_notices_to_ended
    from approvals.timekeeping.schedule import shared_calendar

    now = site.runtime.clock.now()
    with Session(site.runtime.engine) as session:
        move_case_notices_to_ended(
            session, shared_calendar(), case_id, local_date(now), to_utc(now)
        )
        session.commit()


def staff_decide(site: Site, case_id: int) -> None:
    """Accept, draft an approval, review, (the 拟批准公示 where it exists), sign; not counted."""
    intake = bearer(site, "shouli")
    _ok(site.api.post(f"/api/applications/{case_id}/accept", headers=intake))
    wait_status(site, intake, case_id, "drafting")
    run_out_notices(site, case_id)  # 受理公示
    officer = bearer(site, "chengban")
    conditions = ["落实废气治理措施，挥发性有机物排放执行国家和河南省相关标准。"]
    decision = {"outcome": "approve", "conditions": conditions}
    _ok(site.api.post(f"/api/applications/{case_id}/decision", headers=officer, json=decision))
    chief = bearer(site, "kezhang")
    review = {"comment": "同意"}
    _ok(site.api.post(f"/api/applications/{case_id}/review/approve", headers=chief, json=review))
    leader = bearer(site, "lingdao")
    notice = site.api.post(
        f"/api/applications/{case_id}/pre-approval-notice",
        headers=leader,
        json={"overview": "新建水性涂料生产线，年产2万吨。", "measures": conditions[0]},
    )
    if notice.status_code not in (404, 405):  # no 拟批准公示 before #11's time
        _ok(notice)
        run_out_notices(site, case_id)
    _ok(site.api.post(f"/api/applications/{case_id}/sign", headers=leader, json={}))
    wait_status(site, intake, case_id, "approved")


def scan_case(site: Site) -> int:
    """A case with materials and an acceptance notice, for the case pages of the scan."""
    case = helpers.create_submitted(site.api, bearer(site, "qiye"))  # type: ignore[arg-type]
    intake = bearer(site, "shouli")
    _ok(site.api.post(f"/api/applications/{case['id']}/accept", headers=intake))
    wait_status(site, intake, int(case["id"]), "drafting")
    return int(case["id"])


# ---------------------------------------------------------------- pages per role and the scan


def signed_in(browser: Browser, base: str, username: str | None) -> Page:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{base}/login")
    if username:
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button:has-text('登录')")
        page.wait_for_selector(".who-name")
    return page


def menu_of(page: Page) -> list[tuple[str, str]]:
    links = page.locator("nav.site-nav a")
    found = []
    for i in range(links.count()):
        link = links.nth(i)
        text = re.sub(r"\s*\d+$", "", link.inner_text().strip())  # a live count beside it
        found.append((str(link.get_attribute("href")), text))
    return found


def navigation_menus() -> dict[str, list[tuple[str, str]]] | None:
    """``api.navigation``'s menus by role value, where this checkout has the module."""
    if not (ROOT / "api/navigation.py").exists():
        return None
    from api import navigation

    menus = {role.value: list(links) for role, links in navigation.MENUS.items()}
    menus["visitor"] = list(navigation.VISITOR_MENU)
    return menus


@dataclass
class ScanResult:
    roles: dict[str, dict[str, Any]] = field(default_factory=dict)

    def total(self) -> dict[str, Any]:
        impact: Counter[str] = Counter()
        rules: Counter[str] = Counter()
        pages = 0
        for role in self.roles.values():
            impact.update(role["impact"])
            rules.update(role["rules"])
            pages += len(role["scanned"])
        return {"pages": pages, "impact": dict(impact), "rules": dict(rules)}


def scan_role(axe: Axe, page: Page, base: str, paths: list[str]) -> dict[str, Any]:
    impact: Counter[str] = Counter()
    rules: Counter[str] = Counter()
    per_page: dict[str, dict[str, int]] = {}
    absent: list[str] = []
    for path in paths:
        response = page.goto(f"{base}{path}")
        if response is None or response.status != 200 or urlsplit(page.url).path != path:
            absent.append(f"{path} ({response.status if response else '—'})")
            continue
        here: Counter[str] = Counter()
        for violation in axe.run(page).response["violations"]:
            nodes = len(violation["nodes"])
            impact[violation["impact"]] += nodes
            rules[f"{violation['id']} ({violation['impact']})"] += nodes
            here[violation["impact"]] += nodes
        per_page[path] = dict(here)
    return {"impact": dict(impact), "rules": dict(rules), "pages": per_page,
            "scanned": list(per_page), "absent": absent}  # fmt: skip


def pages_and_scan(
    browser: Browser, site: Site, case_id: int
) -> tuple[dict[str, list[tuple[str, str]]], ScanResult]:
    axe = Axe()
    menus: dict[str, list[tuple[str, str]]] = {}
    result = ScanResult()
    for username in ACCOUNTS:
        page = signed_in(browser, site.base, username)
        name = username or "访客"
        menus[name] = menu_of(page)
        wanted = [href for href, _ in menus[name]]
        wanted += [p.replace(CASE, str(case_id)) for p in DETAILS.get(username, ())]
        paths = list(dict.fromkeys(wanted))
        result.roles[name] = scan_role(axe, page, site.base, paths)
        page.context.close()
    return menus, result


# ---------------------------------------------------------------- the applicant journey


@dataclass
class Tally:
    """What the applicant does, step by step."""

    clicks: int = 0
    fields: int = 0
    keys: int = 0
    files: int = 0
    steps: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"clicks": self.clicks, "fields": self.fields, "keystrokes": self.keys,
                "file_choices": self.files,
                "actions": self.clicks + self.fields + self.files, "steps": self.steps}  # fmt: skip


class Applicant:
    def __init__(self, page: Page, tally: Tally) -> None:
        self.page = page
        self.tally = tally

    def click(self, selector: str, why: str) -> None:
        self.page.locator(selector).first.click()
        self.tally.clicks += 1
        self.tally.steps.append(f"点击 {why}")

    def open_link(self, url: str, why: str) -> None:
        self.page.goto(url)
        self.tally.clicks += 1
        self.tally.steps.append(f"点击 {why}")

    def fill(self, selector: str, value: str) -> None:
        self.page.fill(selector, value)
        self.tally.fields += 1
        self.tally.keys += len(value)
        self.tally.steps.append(f"填写 {selector}")

    def select(self, selector: str, value: str) -> None:
        self.page.select_option(selector, value)
        self.tally.fields += 1
        self.tally.steps.append(f"选择 {selector}")

    def choose(self, selector: str, path: Path) -> None:
        self.page.set_input_files(selector, path)
        self.tally.files += 1
        self.tally.steps.append(f"选择文件 {path.name}")


def _new_uscc() -> str:
    first17 = "91410100MA" + "".join(secrets.choice("0123456789ABCDEFGHJKLMNPQRTUWXY")
                                     for _ in range(7))  # fmt: skip
    return first17 + check_character(first17)


def _verification_link(outbox: Path, username: str) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        for eml in sorted(outbox.glob("*.eml")):
            message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
            body = message.get_body(preferencelist=("plain",))
            text = body.get_content() if body is not None else ""  # type: ignore[union-attr]
            if f"用户名：{username}）" in text:
                found = re.search(r"https?://\S*verify-email\S*", text)
                if found:
                    return found.group(0)
        time.sleep(0.2)
    raise SystemExit(f"no verification mail for {username} in {outbox}")


def register_and_sign_in(me: Applicant, site: Site, username: str) -> str:
    """Current UI: 企业注册, the mailed link, sign in (lands on 网上申请)."""
    page = me.page
    page.goto(f"{site.base}/")  # typing the address: not counted
    me.click("a[href='/register']", "企业注册")
    for selector, value in (
        ("#uscc", _new_uscc()), ("#enterprise_name", f"郑州{username}环保新材料有限公司"),
        ("#legal_representative", "王建国"), ("#display_name", "李明"),
        ("#username", username), ("#email", f"liming@{username}.example"),
        ("#phone", "13803710000"), ("#password", PASSWORD), ("#password_again", PASSWORD),
    ):  # fmt: skip
        me.fill(selector, value)
    me.click("button:has-text('注册')", "注册")
    page.wait_for_selector("h1:has-text('注册成功'), .alert-error")
    if page.locator(".alert-error").count():
        raise SystemExit(f"registration refused: {page.inner_text('.alert-error')}")
    me.open_link(
        _verification_link(site.settings.resolved_outbox_dir, username), "邮件中的验证链接"
    )
    page.wait_for_selector("h1:has-text('邮箱验证成功')")
    me.click("a:has-text('登录并网上申请')", "登录并网上申请")
    me.fill("input[name=username]", username)
    me.fill("input[name=password]", PASSWORD)
    me.click("button:has-text('登录')", "登录")
    page.wait_for_selector(".who-name")
    return username


def demo_sign_in(me: Applicant, site: Site, username: str) -> str:
    """Before self-registration: the seeded demo enterprise signs in (lands on 我的办件)."""
    me.page.goto(f"{site.base}/")  # typing the address: not counted (the front door: login)
    me.fill("input[name=username]", "qiye")
    me.fill("input[name=password]", DEMO_PASSWORD)
    me.click("button:has-text('登录')", "登录")
    me.page.wait_for_selector(".who-name")
    return "qiye"


def fill_project(me: Applicant) -> None:
    """Every required field of the form that is empty (a refused form may keep some)."""
    page = me.page
    for element in page.locator(
        "form.apply-form input[required]:not([type=file]):not([type=hidden]),"
        " form.apply-form textarea[required], form.apply-form select[required]"
    ).all():
        name = str(element.get_attribute("name"))
        if element.input_value():
            continue
        if name not in FIELD_VALUES:
            raise SystemExit(f"no value for the required field {name}")
        if element.evaluate("e => e.tagName") == "SELECT":
            me.select(f"select[name={name}]", FIELD_VALUES[name])
        else:
            me.fill(f"[name={name}]", FIELD_VALUES[name])


def apply(me: Applicant, files: Path, bad_file: bool) -> tuple[int, str]:
    """Fill the EIA-02 form, choose the required materials (with ``bad_file`` the first one
    bad, then fixed), submit; returns the case id and how the form behaved."""
    page = me.page
    if urlsplit(page.url).path != "/apply":
        me.click("nav.site-nav a[href='/apply']", "菜单 网上申请")
    me.click(f"a[href='/apply/{ITEM}']", f"{ITEM} 在线申请")
    fill_project(me)
    inputs = page.locator("form.apply-form input[type=file][required]")
    names = [str(inputs.nth(i).get_attribute("id")) for i in range(inputs.count())]
    bad = files / "报告表.pdf"
    bad.write_bytes(b"PK\x03\x04 a Word file renamed to .pdf")

    def good(name: str) -> Path:
        path = files / f"{name}.pdf"
        path.write_bytes(helpers.minimal_pdf(name))
        return path

    staged = page.locator("form.apply-form[data-stage-url]").count() == 1
    me.choose(f"#{names[0]}", bad if bad_file else good(names[0]))
    for name in names[1:]:
        me.choose(f"#{name}", good(name))
    if not bad_file:
        if staged:
            for name in names:
                page.wait_for_selector(f"#s-{name.removeprefix('f-')}:has-text('已上传')")
        me.click("button:has-text('提交申请')", "提交申请")
        behaviour = "staged as chosen" if staged else "all files sent with the submit"
    elif staged:  # each file is checked as it arrives: the bad one is named at once
        error = page.locator(f"#e-{names[0].removeprefix('f-')}")
        error.wait_for(state="visible")
        for name in names[1:]:
            page.wait_for_selector(f"#s-{name.removeprefix('f-')}:has-text('已上传')")
        behaviour = f"staged; the bad file named at once: {error.inner_text().strip()}"
        me.choose(f"#{names[0]}", good(names[0]))
        page.wait_for_selector(f"#s-{names[0].removeprefix('f-')}:has-text('已上传')")
        me.click("button:has-text('提交申请')", "提交申请")
    else:  # all files go with the submit; a refusal drops every chosen file
        me.click("button:has-text('提交申请')", "提交申请")
        page.wait_for_selector(".alert-error")
        behaviour = f"all at submit; refused: {page.inner_text('.alert-error').strip()}"
        kept = sum(1 for n in names if page.eval_on_selector(f"#{n}", "e => e.files.length"))
        behaviour += f" (files still chosen after the refusal: {kept} of {len(names)})"
        fill_project(me)
        for name in names:
            if not page.eval_on_selector(f"#{name}", "e => e.files.length"):
                me.choose(f"#{name}", good(name))
        me.click("button:has-text('提交申请')", "提交申请")
    page.wait_for_url(re.compile(r"/cases/\d+"))
    found = re.search(r"/cases/(\d+)", page.url)
    assert found is not None
    return int(found.group(1)), behaviour


def download_decision(me: Applicant, case_id: int, downloads: Path) -> str:
    page = me.page
    me.click("nav.site-nav a[href='/my']", "菜单 我的办件")
    me.click(f"a[href='/cases/{case_id}']", "办件")
    with page.expect_download() as download:
        me.click("tr.document[data-kind=approval] a:has-text('下载')", "批复 下载")
    path = downloads / download.value.suggested_filename
    download.value.save_as(path)
    if not path.read_bytes().startswith(b"%PDF-"):
        raise SystemExit(f"the downloaded decision is not a PDF: {path}")
    return download.value.suggested_filename


def applicant_journey(
    browser: Browser, site: Site, work: Path, username: str, bad_file: bool, register: bool
) -> dict[str, Any]:
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    context.set_default_timeout(30_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())
    phases: dict[str, Tally] = {}

    def phase(name: str, body: Callable[[Applicant], Any]) -> Any:
        phases[name] = Tally()
        return body(Applicant(page, phases[name]))

    registration = register and site.api.get("/register").status_code == 200
    start = register_and_sign_in if registration else demo_sign_in
    username = username if registration else "qiye"
    phase("get in", lambda me: start(me, site, username))
    case_id, behaviour = phase("apply", lambda me: apply(me, work, bad_file))
    staff_decide(site, case_id)
    filename = phase("download", lambda me: download_decision(me, case_id, work))
    context.close()
    total = Tally()
    for tally in phases.values():
        total.clicks += tally.clicks
        total.fields += tally.fields
        total.keys += tally.keys
        total.files += tally.files
    return {"starts_with": "self-registration" if registration else "demo account sign-in",
            "apply_form": behaviour, "downloaded": filename,
            "phases": {k: v.as_dict() for k, v in phases.items()},
            "total": total.as_dict() | {"steps": []}}  # fmt: skip


# ---------------------------------------------------------------- printing


def foreign_modules() -> list[str]:
    """Project modules loaded from elsewhere than this checkout (an editable install of another
    checkout answers for modules this one lacks): none may be, or the figures are not its."""
    packages = {p.name for p in ROOT.iterdir() if (p / "__init__.py").exists()}
    return sorted(
        name for name, module in list(sys.modules.items())
        if name.split(".")[0] in packages and getattr(module, "__file__", None)
        and not Path(module.__file__).resolve().is_relative_to(ROOT)
    )  # fmt: skip


def commit_of() -> str:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "log", "-1", "--format=%h %cs %s"],
                             capture_output=True, text=True, check=True)  # fmt: skip
        return out.stdout.strip()[:100]
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def show(figures: dict[str, Any]) -> None:
    print(f"checkout {figures['commit']}  ({figures['measured']})")
    print("\n== pages per role (the header menu after sign-in)")
    for role, links in figures["menus"].items():
        print(f"  {role:9} {len(links):2}  " + "  ".join(f"{h} {t}" for h, t in links))
    if figures["navigation_agrees"] is not None:
        print(f"  api/navigation.py MENUS agree with the rendered menus: "
              f"{figures['navigation_agrees']}")  # fmt: skip
    scan = figures["scan"]
    total = scan["total"]
    print(f"\n== axe-core scan: {total['pages']} page visits, violations counted in nodes")
    print("  " + "  ".join(f"{i} {total['impact'].get(i, 0)}" for i in IMPACTS))
    for rule, n in sorted(total["rules"].items(), key=lambda r: -r[1]):
        print(f"    {n:4}  {rule}")
    for role, data in scan["roles"].items():
        counts = " ".join(f"{i[:4]} {data['impact'].get(i, 0)}" for i in IMPACTS)
        absent = f"  absent: {', '.join(data['absent'])}" if data["absent"] else ""
        print(f"  {role:9} pages {len(data['scanned']):2}  {counts}{absent}")
    for variant, journey in figures["journeys"].items():
        print(f"\n== shortest applicant journey ({journey['starts_with']}, {ITEM}, {variant})")
        print(f"  apply form: {' '.join(journey['apply_form'].split())}")
        for name, tally in [*journey["phases"].items(), ("TOTAL", journey["total"])]:
            print(f"  {name:9} clicks {tally['clicks']:2}  fields {tally['fields']:2}  "
                  f"keystrokes {tally['keystrokes']:4}  file choices {tally['file_choices']:2}  "
                  f"actions {tally['actions']:3}")  # fmt: skip
        print(f"  downloaded {journey['downloaded']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("--journey-only", action="store_true", help="skip the pages and scan")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="portal-figures-"))
    with running_site(work / "var") as site, sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        menus: dict[str, list[tuple[str, str]]] = {}
        scan = ScanResult()
        if not args.journey_only:
            menus, scan = pages_and_scan(browser, site, scan_case(site))
        journeys = {
            "one bad file": applicant_journey(browser, site, work, "qingshan", True, True),
            "no error": applicant_journey(browser, site, work, "baiyun", False, True),
        }
        if site.api.get("/register").status_code == 200:  # like for like with before
            journeys["demo account, one bad file"] = applicant_journey(
                browser, site, work, "qiye", True, False
            )
        browser.close()
    navigation = navigation_menus()
    agrees = None
    if navigation is not None and menus:
        rendered = {"访客": "visitor", "qiye": "applicant", "shouli": "intake_officer",
                    "chengban": "case_officer", "kezhang": "section_chief", "lingdao": "leader",
                    "jiancha": "auditor", "admin": "admin", "zj01": "expert"}  # fmt: skip
        agrees = all(menus[name] == navigation[role] for name, role in rendered.items())
    figures = {
        "commit": commit_of(),
        "measured": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "menus": menus,
        "navigation_agrees": agrees,
        "scan": {"roles": scan.roles, "total": scan.total()},
        "journeys": journeys,
    }
    figures["foreign_modules"] = foreign_modules()
    show(figures)
    if figures["foreign_modules"]:
        print(f"WARNING: modules from another checkout: {figures['foreign_modules']}")
    if args.json:
        args.json.write_text(json.dumps(figures, ensure_ascii=False, indent=1))
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
