"""Mail texts to applicants, rendered from ``templates/email`` (plain text, zh-CN)."""

from __future__ import annotations

from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from core.settings import TEMPLATES_DIR
from models import Application, Document
from models.enums import DOCUMENT_LABELS, STATUS_LABELS


@lru_cache(maxsize=1)
def _environment() -> Environment:
    # Plain-text mail: nothing is interpreted as HTML, so autoescape stays off here only.
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR / "email"),
        undefined=StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
    )


def render_text(template: str, **context: object) -> str:
    """A plain-text mail body from ``templates/email/{template}`` (StrictUndefined)."""
    return _environment().get_template(template).render(**context)


def document_mail(
    document: Document,
    application: Application,
    addressee: str,
    issuer: str,
    label: str | None = None,
) -> tuple[str, str]:
    """(subject, body) of the mail that carries an issued document (``label``: its 文书名称,
    by default the kind's)."""
    label = label or DOCUMENT_LABELS[document.kind]
    subject = f"【{issuer}】{label}（{document.number}）——{application.project_name}"
    body = (
        _environment()
        .get_template("document_issued.txt")
        .render(
            issuer=issuer,
            addressee=addressee,
            label=label,
            document=document,
            application=application,
            status_label=STATUS_LABELS[application.status],
        )
    )
    return subject, body
