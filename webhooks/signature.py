"""Verify GitHub's webhook signature over the raw body, before anything is parsed."""

from __future__ import annotations

import hashlib
import hmac
import re

__all__ = ["SignatureError", "verify_signature"]

from policies.errors import ModelTierError

_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")


class SignatureError(ModelTierError):
    """The delivery is not provably from GitHub: reject it, store nothing."""


def verify_signature(body: bytes, header: str | None, secret: str) -> None:
    """Raise SignatureError unless `header` is `sha256=<hex HMAC-SHA256 of body>` under secret.

    A missing secret or header is a rejection, never a skip; so is a header that is not 64 hex
    digits (non-ASCII included: it must be a 401, not an error comparing it). The comparison is
    constant-time, over bytes.
    """
    if not secret:
        raise SignatureError("no webhook secret is configured")
    if not header:
        raise SignatureError("missing X-Hub-Signature-256 header")
    algorithm, _, signature = header.partition("=")
    signature = signature.strip()
    if algorithm != "sha256" or not _HEX_DIGEST.fullmatch(signature):
        raise SignatureError("X-Hub-Signature-256 must be sha256=<hex digest>")
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest().encode("ascii")
    if not hmac.compare_digest(expected, signature.lower().encode("ascii")):
        raise SignatureError("signature does not match the body")
