"""The unified social credit code (统一社会信用代码) of GB 32100-2015."""

from __future__ import annotations

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def check_digit(first17: str) -> str:
    """The 18th character that GB 32100-2015 computes from the first 17."""
    total = sum(ALPHABET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def credit_code_error(code: str) -> str | None:
    """Why ``code`` is not a valid credit code, in Chinese, or None if it is valid."""
    if len(code) != 18:
        return f"应为 18 位，现在是 {len(code)} 位"
    bad = [char for char in code if char not in ALPHABET]
    if bad:
        return f"含有不允许的字符“{bad[0]}”（不使用 I、O、Z、S、V 和小写字母）"
    expected = check_digit(code[:17])
    if code[17] != expected:
        return f"校验位（最后一位）应为“{expected}”，现在是“{code[17]}”，可能有一位抄错了"
    return None
