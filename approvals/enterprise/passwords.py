"""The password policy for accounts whose holder chooses the password."""

from __future__ import annotations

from approvals.errors import InvalidInput

MIN_LENGTH = 10
MAX_LENGTH = 128
_COMMON = frozenset(
    {"1234567890", "12345678910", "qwertyuiop", "password123", "1qaz2wsx3edc", "a123456789"}
)


def check_password(
    password: str, *, username: str = "", email: str = "", field: str = "password"
) -> None:
    """Refuse a password that is short, overlong, one repeated character, a well-known one,
    of one kind of character only (letters, digits, others: two kinds needed), or that
    contains the username or the mailbox name."""

    def refuse(zh: str, en: str) -> InvalidInput:
        return InvalidInput(zh, en, field=field)

    if len(password) < MIN_LENGTH:
        raise refuse(f"密码至少需要{MIN_LENGTH}个字符", f"at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise refuse(f"密码不能超过{MAX_LENGTH}个字符", f"at most {MAX_LENGTH} characters")
    if len(set(password)) == 1 or password.lower() in _COMMON:
        raise refuse("密码过于简单，请换一个", "the password is too common")
    kinds = (
        any(c.isalpha() for c in password)
        + any(c.isdigit() for c in password)
        + any(not c.isalnum() for c in password)
    )
    if kinds < 2:
        raise refuse(
            "密码须包含字母、数字、符号中的至少两类", "use at least two of letters, digits, symbols"
        )
    lowered = password.lower()
    for own in (username.strip().lower(), email.split("@")[0].strip().lower()):
        if len(own) >= 3 and own in lowered:
            raise refuse(
                "密码不能包含用户名或邮箱名", "the password contains the username or email"
            )
