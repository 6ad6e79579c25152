"""Official documents (公文) of the bureau as PDF, laid out after GB/T 9704-2012.

Other code calls exactly::

    render_pdf(template, context) -> bytes
    render_html(template, context) -> str

``template`` is a :class:`DocumentTemplate` (or its value), rendered from
``templates/documents/{value}.html``: the 公文 extend ``base.html`` (styled by ``gbt9704.css``),
the licence certificate is a page of its own (``certificate.css``, A4 landscape).
``context`` is a plain mapping: the common keys (issuer, number, title, addressee, issued_on,
verify_url, verify_code, cc, printed_by, application) plus the keys of each kind. Every key a
template uses must be present: the Jinja environment is strict, and a missing key raises
:class:`jinja2.exceptions.UndefinedError` before anything is laid out.

WeasyPrint loads nothing but ``data:`` URLs and files under ``ASSETS_DIR`` (see
:mod:`documents.fetcher`); fonts come from fontconfig and are embedded as subsets.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import threading
from collections.abc import Mapping
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup, escape
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from core.settings import ASSETS_DIR, TEMPLATES_DIR
from documents.fetcher import AssetsOnlyURLFetcher
from documents.graphics import (
    fit_form,
    guilloche_frame,
    heading_font_pt,
    qr_code,
    rosette,
    seal_glyphs,
    star_points,
)

__all__ = [
    "DocumentRenderError",
    "DocumentTemplate",
    "cn_date",
    "cn_datetime",
    "cn_numeral",
    "money",
    "paragraphs",
    "render_html",
    "render_pdf",
    "warm_up",
]


class DocumentTemplate(StrEnum):
    ACCEPTANCE_NOTICE = "acceptance_notice"  # 受理通知书
    CORRECTION_NOTICE = "correction_notice"  # 补正通知书
    REFUSAL_NOTICE = "refusal_notice"  # 不予受理决定书
    APPROVAL = "approval"  # 批复
    DENIAL = "denial"  # 不予批准决定书
    SPECIAL_PROCEDURE_NOTICE = "special_procedure_notice"  # 特别程序告知书（§45）
    FILING_RECEIPT = "filing_receipt"  # 备案回执
    REPLY_LETTER = "reply_letter"  # 答复书
    LICENCE_CERTIFICATE = "licence_certificate"  # 许可证 (certificate layout, not a 公文)
    COMMITMENT_LETTER = "commitment_letter"  # 告知承诺书 (the applicant's letter, not a 公文)
    COMMITMENT_DECISION = "commitment_decision"  # 告知承诺制审批决定
    REVOCATION_DECISION = "revocation_decision"  # 撤销决定书
    CONVERSION_NOTICE = "conversion_notice"  # 转为一般程序审批告知书
    EXPERT_OPINION = "expert_opinion"  # 专家组评审意见（远程会审）
    DECISION = "decision"  # 决定书/审查意见/审核意见/证明 of a decision form (approvals/law)
    HEARING_NOTICE = "hearing_notice"  # 听证通知书
    HEARING_RECORD = "hearing_record"  # 听证笔录
    GUIDANCE_OPINION = "guidance_opinion"  # 建设项目前期指导意见（靠前服务）


class DocumentRenderError(RuntimeError):
    """WeasyPrint could not render a document (e.g. it tried to load a forbidden URL)."""


# ---------------------------------------------------------------------------- filters


def _require_defined(value: object) -> None:
    """A missing key reaches a filter as StrictUndefined: report it as missing, not mistyped."""
    if isinstance(value, jinja2.Undefined):
        value._fail_with_undefined_error()


def cn_date(value: dt.date) -> str:
    """``date(2026, 1, 8)`` -> ``"2026年1月8日"`` (Arabic numerals, no leading zeros)."""
    _require_defined(value)
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        raise TypeError(f"cn_date expects a date, got {type(value).__name__}: {value!r}")
    return f"{value.year}年{value.month}月{value.day}日"


_SHANGHAI = ZoneInfo("Asia/Shanghai")


def cn_datetime(value: dt.datetime) -> str:
    """An aware moment as Asia/Shanghai wall time: ``"2026年11月28日9时30分"``.

    A naive datetime is refused: whether it is UTC (as stored) or local time is unknowable here.
    """
    _require_defined(value)
    if not isinstance(value, dt.datetime):
        raise TypeError(f"cn_datetime expects a datetime, got {type(value).__name__}: {value!r}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"cn_datetime expects an aware datetime, got {value!r}")
    local = value.astimezone(_SHANGHAI)
    return f"{cn_date(local)}{local.hour}时{local.minute:02d}分"


_CENT = Decimal("0.01")


def _decimal(value: Decimal | int | float | str) -> Decimal:
    if isinstance(value, bool) or value is None:
        raise TypeError(f"not an amount: {value!r}")
    return value if isinstance(value, Decimal) else Decimal(str(value))


def money(value: Decimal | int | float | str) -> str:
    """An amount in 万元 with two decimals: ``Decimal("12500")`` -> ``"12500.00万元"``."""
    return f"{_decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP)}万元"


def percent(part: Decimal | int | float | str, whole: Decimal | int | float | str) -> str:
    """``part / whole`` as a percentage with two decimals (``""`` when ``whole`` is 0)."""
    whole_d = _decimal(whole)
    if whole_d == 0:
        return ""
    share = _decimal(part) * 100 / whole_d
    return f"{share.quantize(_CENT, rounding=ROUND_HALF_UP)}%"


_DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 99 -> 九十九 (for “（一）” numbering)."""
    if not 0 < n < 100:
        return str(n)
    tens, units = divmod(n, 10)
    text = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return text + (_DIGITS[units] if units else "")


_END_PUNCT = "。！？；…”」）)"


def sentence(value: str) -> str:
    """Strip ``value`` and end it with a full-width full stop unless it already ends a sentence."""
    text = str(value).strip()
    if text and text[-1] not in _END_PUNCT:
        text += "。"
    return text


_BETWEEN_TAGS = re.compile(r">\s+<")


def spaceless(value: str) -> Markup:
    """Drop whitespace between tags of already rendered (hence escaped) template markup.

    WeasyPrint does not collapse inter-element whitespace inside a ``float: footnote``
    element (the 版记), where every newline would otherwise become a blank line. Only for
    ``{% filter spaceless %}`` blocks: their content is template output, escaped by autoescape.
    """
    if not isinstance(value, Markup):
        value = escape(value)
    return Markup(_BETWEEN_TAGS.sub("><", str(value)))


_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v\u3000]*\n\s*")
_LINE_BREAK = re.compile(r"\s*\n\s*")


def _join_lines(match: re.Match[str]) -> str:
    # a line break inside Chinese text is no space; between two Latin words it is one
    text = match.string
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    return (
        " " if before.isascii() and before.isalnum() and after.isascii() and after.isalnum() else ""
    )


def paragraphs(value: str) -> list[str]:
    """Split free text into paragraphs at blank lines; lines inside a paragraph are joined."""
    parts = _PARAGRAPH_BREAK.split(str(value).strip().replace("\r\n", "\n"))
    return [_LINE_BREAK.sub(_join_lines, p.strip()) for p in parts if p.strip()]


_HALF_BRACKETS = str.maketrans({"(": "（", ")": "）"})
_CJK = re.compile(r"[\u4e00-\u9fff]")


def cjk_brackets(value: str) -> str:
    """Half-width brackets in Chinese text made full-width: “申请表(盖章)” -> “申请表（盖章）”."""
    text = str(value)
    return text.translate(_HALF_BRACKETS) if _CJK.search(text) else text


# ---------------------------------------------------------------------------- titles

TITLE_CHARS = 20  # 2号 (22 pt) 小标宋 across the 156 mm 版心: 442 pt / 22 pt
# Terms a title line never splits (besides digit runs and 《…》 shorter than a line).
TITLE_TERMS: tuple[str, ...] = (
    "环境影响报告书", "环境影响报告表", "环境影响评价文件", "环境影响登记表",
    "准予行政许可决定书", "不予行政许可决定书", "不予批准的决定", "重新审核的意见",
    "审查意见", "评审意见", "初审意见", "告知承诺制", "告知承诺书", "排污许可证",
    "危险废物经营许可证", "辐射安全许可证", "废弃电器电子产品", "处理资格", "入河排污口",
    "土壤污染状况调查报告", "夜间连续施工作业", "重污染天气", "应急减排", "绩效分级",
    "生态环境", "有限责任公司", "股份有限公司", "有限公司", "建设项目", "技术改造",
    "核发", "变更", "延续", "注销", "补领", "换证", "首次申请", "重新申请",
    "受理通知书", "补正通知书", "不予受理决定书", "特别程序告知书", "一般程序",
    "撤销决定书", "专家组评审意见", "答复书", "回执",
)  # fmt: skip
# Good places to end a line: after these (structure first, then word ends in names).
_BREAK_AFTER_STRONG = ("关于", "》")
_BREAK_BEFORE_STRONG = ("《", "的批复", "的决定", "的准予", "的不予", "的意见", "的审查意见",
                        "的评审意见", "的初审意见", "的证明", "的告知书", "不予批准", "重新审核",
                        "的答复书")  # fmt: skip
_BREAK_AFTER_WORD = ("有限公司", "公司", "区", "市", "县", "镇", "乡", "园", "港", "路", "街",
                     "吨", "套", "台", "件", "米", "项目", "工程", "基地", "中心")  # fmt: skip


def _protected(title: str) -> list[bool]:
    """``inside[i]``: a break between ``title[i-1]`` and ``title[i]`` splits a word."""
    inside = [False] * (len(title) + 1)
    for term in TITLE_TERMS:
        start = title.find(term)
        while start != -1:
            for i in range(start + 1, start + len(term)):
                inside[i] = True
            start = title.find(term, start + 1)
    for i in range(1, len(title)):
        a, b = title[i - 1], title[i]
        if (a.isascii() and a.isalnum() and b.isascii() and b.isalnum()) or b in "，。、；：）》”":
            inside[i] = True  # digits/Latin words, and no line starts with closing punctuation
        if a in "（《“":
            inside[i] = True  # no line ends with opening punctuation
    return inside


def title_break_cost(title: str) -> list[float | None]:
    """For each position 1..len-1 the cost of ending a title line there (None: forbidden)."""
    inside = _protected(title)
    costs: list[float | None] = [None] * (len(title) + 1)
    for i in range(1, len(title)):
        if inside[i]:
            continue
        head, tail = title[:i], title[i:]
        if head.endswith(_BREAK_AFTER_STRONG) or tail.startswith(_BREAK_BEFORE_STRONG):
            costs[i] = 0.0
        elif head.endswith(_BREAK_AFTER_WORD) or any(head.endswith(t) for t in TITLE_TERMS):
            costs[i] = 4.0
        else:
            costs[i] = 5000.0  # inside a name: worse than one more line, a last resort
    return costs


def title_lines(title: str, width: int = TITLE_CHARS) -> list[str]:
    """Split a long title into balanced lines of at most ``width`` characters, ending lines at
    natural points (after 关于, around 《》, before 的批复/的决定…, after a word of a name), never
    inside a term (环境影响报告书, 准予行政许可决定书…) or a number. GB/T 9704: 标题 may be split
    over lines, keeping words whole, in a balanced (梯形或菱形) shape."""
    text = str(title).strip()
    n = len(text)
    if n <= width:
        return [text] if text else []
    costs = title_break_cost(text)
    lines_needed = -(-n // width)
    target = n / lines_needed
    best: list[tuple[float, int]] = [(0.0, -1)] + [(float("inf"), -1)] * n
    for j in range(1, n + 1):
        if j < n and costs[j] is None:
            continue
        for i in range(max(0, j - width), j):
            if best[i][0] == float("inf") or (i > 0 and costs[i] is None):
                continue
            cost = best[i][0] + 1000 + (j - i - target) ** 2 + (costs[j] or 0.0 if j < n else 0.0)
            if cost < best[j][0]:
                best[j] = (cost, i)
    if best[n][0] == float("inf"):  # no natural split fits: keep the words, allow overflow
        return [text]
    cuts, j = [], n
    while j > 0:
        cuts.append(j)
        j = best[j][1]
    bounds = [0, *reversed(cuts)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def report_kind(item_name: str) -> str:
    """“报告表” when the item concerns a 报告表, otherwise “报告书”."""
    return "报告表" if "报告表" in str(item_name) else "报告书"


# ---------------------------------------------------------------------------- environment


@lru_cache(maxsize=1)
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR / "documents"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters.update(
        cn_date=cn_date,
        cn_datetime=cn_datetime,
        paragraphs=paragraphs,
        money=money,
        percent=percent,
        cn_numeral=cn_numeral,
        sentence=sentence,
        report_kind=report_kind,
        cjk_brackets=cjk_brackets,
        title_lines=title_lines,
        spaceless=spaceless,
    )
    env.globals.update(
        qr_code=qr_code,
        seal_glyphs=seal_glyphs,
        star_points=star_points,
        heading_font_pt=heading_font_pt,
        fit_form=fit_form,
        guilloche_frame=guilloche_frame,
        rosette=rosette,
    )
    return env


def _template_name(template: DocumentTemplate | str) -> str:
    return f"{DocumentTemplate(template).value}.html"


def render_html(template: DocumentTemplate | str, context: Mapping[str, Any]) -> str:
    """The HTML (styles inlined) that :func:`render_pdf` hands to WeasyPrint."""
    return _environment().get_template(_template_name(template)).render(dict(context))


_fonts = threading.local()


def _font_config() -> FontConfiguration:
    """This thread's fontconfig configuration, built once and kept. Without one WeasyPrint
    builds a new configuration per document — fontconfig's configuration loaded and the CJK
    font files mapped again — freed only when the garbage collector reaches the document's
    cycles: a worker held 4–30 mappings of the fonts and its RSS swung between 0.4 and 1.0 GB
    (bench/RESULTS.md, "Memory"). Per thread: Pango's font maps are not shared across
    threads. Nothing accumulates in it: the templates have no ``@font-face``."""
    config: FontConfiguration | None = getattr(_fonts, "config", None)
    if config is None:
        config = _fonts.config = FontConfiguration()
    return config


def warm_up() -> None:
    """Pay the first document's one-off costs now, in the thread that will render: every
    template compiled (Jinja, for the process: 15 % of a worker's first batch) and this thread's
    font configuration built. A worker calls it at start, before a case waits on it."""
    env = _environment()
    for template in DocumentTemplate:
        env.get_template(_template_name(template))
    _font_config()


def render_pdf(template: DocumentTemplate | str, context: Mapping[str, Any]) -> bytes:
    """Render one official document to PDF bytes (fonts embedded as subsets)."""
    html = render_html(template, context)
    document = HTML(
        string=html,
        base_url=ASSETS_DIR.as_uri() + "/",
        url_fetcher=AssetsOnlyURLFetcher(),
    )
    try:
        pdf: bytes = document.write_pdf(font_config=_font_config())  # WeasyPrint ships no types
        return pdf
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint: make it an error
        raise DocumentRenderError(str(exc)) from exc.__cause__
