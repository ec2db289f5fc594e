"""How an account is named: its file name and its registry-wide identity.

The rule for file names (also in docs/filing.md): the account slug is the account
ID in lower case when that is already a slug (``[a-z0-9][a-z0-9._-]*``); otherwise
every run of other characters becomes ``-`` and the first 8 hex digits of the
SHA-1 of the ID are appended, so that two IDs never share a file name.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

SLUG = re.compile(r"[a-z0-9][a-z0-9._-]*\Z")
NOT_SLUG = re.compile(r"[^a-z0-9._-]+")


def is_slug(text: str) -> bool:
    return bool(SLUG.match(text))


def account_slug(account_id: str) -> str:
    """The slug of ``account_id`` for the file name (see the module docstring)."""
    lowered = account_id.strip().lower()
    if is_slug(lowered) and len(lowered) <= 100:
        return lowered
    cleaned = NOT_SLUG.sub("-", lowered).strip("-._")[:60]
    digest = hashlib.sha1(account_id.encode("utf-8")).hexdigest()[:8]
    return f"{cleaned}-{digest}" if cleaned else digest


def expected_file_name(platform: str, account_id: str) -> str:
    return f"{platform}--{account_slug(account_id)}.yaml"


def key_of(account: object) -> tuple[str, str]:
    """``account_key`` of an account, or the one the pull-request index already holds."""
    known = getattr(account, "key", None)
    if known is not None:
        return known  # type: ignore[no-any-return]
    return account_key(account.platform, account.account_id)  # type: ignore[attr-defined]


def account_key(platform: str, account_id: str) -> tuple[str, str]:
    """Which two filings are the same account — the one definition, used by the validator's
    uniqueness rule, the pull-request index, the probe, lookup and (mirrored in
    ``static/verify.js`` as ``accountKey``) the filing form and the verify page: the
    platform, and the ID as ``id_key`` reads it (width, case, spaces around, a leading
    ``@``), a website's leading ``www.`` not counting."""
    key = id_key(account_id)
    if platform == "website":
        key = key.removeprefix("www.")
    return platform, key


# Crockford's base32 in lower case: no i, l, o or u, so a code read aloud or typed from a
# poster is not mistaken.
CODE_ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz"
CODE_LENGTH = 12  # 60 bits: two of 100,000 accounts share a code with odds of 1 in 230 million


def account_code(platform: str, account_id: str) -> str:
    """The account's permanent code (its verification page is ``a/<code>/``): derived from
    its identity (``account_key``) alone, so it never changes while the account exists."""
    key_platform, key = account_key(platform, account_id)
    digest = hashlib.sha256(f"site-gen account\n{key_platform}\n{key}".encode()).digest()
    number = int.from_bytes(digest[:8], "big") >> (64 - 5 * CODE_LENGTH)
    return "".join(CODE_ALPHABET[(number >> (5 * i)) & 31] for i in reversed(range(CODE_LENGTH)))


def fold(text: str) -> str:
    """NFKC (full-width letters and digits become ASCII), trimmed, lower case."""
    return unicodedata.normalize("NFKC", text).strip().lower()


_LETTERS_AND_NUMBERS = re.compile(r"[^\W_]+")  # str.isalnum(): Unicode categories L and N


def name_key(text: str) -> str:
    """A name as compared for lookalikes and lookups: folded, only letters and digits —
    width, case, spaces, punctuation, emoji and symbols do not count."""
    return "".join(_LETTERS_AND_NUMBERS.findall(fold(text)))


def folded_name_of(account: object) -> str:
    """``name_key`` of an account's name, or the one the pull-request index already holds."""
    known = getattr(account, "folded", None)
    if known is not None:
        return known  # type: ignore[no-any-return]
    return name_key(account.name)  # type: ignore[attr-defined]


def id_key(text: str) -> str:
    """An ID as compared (``account_key`` without the platform): folded (``fold``: NFKC,
    trimmed, lower case) and without leading ``@`` (how people write handles)."""
    return fold(text).lstrip("@")
