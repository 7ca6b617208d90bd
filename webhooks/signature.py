"""Verify GitHub's webhook signature over the raw body, before anything is parsed."""

from __future__ import annotations

import hashlib
import hmac

__all__ = ["SignatureError", "verify_signature"]

from policies.errors import ModelTierError


class SignatureError(ModelTierError):
    """The delivery is not provably from GitHub: reject it, store nothing."""


def verify_signature(body: bytes, header: str | None, secret: str) -> None:
    """Raise SignatureError unless `header` is `sha256=<hex HMAC-SHA256 of body>` under secret.

    A missing secret or header is a rejection, never a skip; the comparison is constant-time.
    """
    if not secret:
        raise SignatureError("no webhook secret is configured")
    if not header:
        raise SignatureError("missing X-Hub-Signature-256 header")
    algorithm, _, signature = header.partition("=")
    if algorithm != "sha256" or not signature:
        raise SignatureError("X-Hub-Signature-256 must be sha256=<hex digest>")
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature.strip().lower()):
        raise SignatureError("signature does not match the body")
