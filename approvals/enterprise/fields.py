"""Checks of the fields a person types into the account forms (Chinese messages, the field
named so a form can mark it)."""

from __future__ import annotations

import re

from approvals.errors import InvalidInput
from approvals.uscc import normalise_uscc
from models.text_input import clean_line

_USERNAME = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{3,31}")
_EMAIL = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+"
)
_PHONE = re.compile(r"1[3-9][0-9]{9}|0[0-9]{2,3}-?[0-9]{7,8}")


def uscc(raw: str) -> str:
    try:
        return normalise_uscc(raw)
    except InvalidInput as exc:
        raise InvalidInput(exc.message_zh, exc.message_en, field="uscc") from None


def username(raw: str) -> str:
    value = raw.strip()
    if not _USERNAME.fullmatch(value):
        raise InvalidInput(
            "用户名须为4-32位字母、数字或 _ . -，以字母开头",
            "a username is 4-32 letters, digits or _ . -, starting with a letter",
            field="username",
        )
    return value


def email(raw: str) -> str:
    value = raw.strip()
    if len(value) > 254 or not _EMAIL.fullmatch(value):
        raise InvalidInput("电子邮箱格式不正确", "the email address is not valid", field="email")
    return value


def phone(raw: str) -> str:
    value = raw.strip().replace(" ", "")
    if not _PHONE.fullmatch(value):
        raise InvalidInput(
            "联系电话格式不正确（手机号11位，或带区号的固定电话）",
            "the phone number is not valid",
            field="phone",
        )
    return value


def name(raw: str, field: str, label: str, max_length: int = 100) -> str:
    value = " ".join(clean_line(raw).split())  # no bidi, zero-width or control characters
    if len(value) < 2 or len(value) > max_length:
        raise InvalidInput(
            f"{label}应为2-{max_length}个字符",
            f"{field} needs 2-{max_length} characters",
            field=field,
        )
    return value
