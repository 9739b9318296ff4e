"""Firma Virtual's bearer tokens: HS256 JWTs issued at login, and the guard of every route
that needs one."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Callable

from emulator.core.state import LOCK
from emulator.core.values import is_int
from emulator.plumbing.answers import Answer
from emulator.plumbing.request import Request
from emulator.plumbing.routing import Handler
from emulator.services.fv.common import fv_error
from emulator.services.fv.models import FV, FvUser
from emulator.services.fv.tables import JWT_SECRET


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def fv_issue_token(user: FvUser) -> str:
    """HS256 JWT with the seed's header {"typ":"JWT","alg":"HS256"} (eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9)."""
    now = int(time.time())
    header = b64url(b'{"typ":"JWT","alg":"HS256"}')
    claims = {"sub": str(user.user_id), "login": user.login, "iat": now, "exp": now + FV.token_ttl}
    payload = b64url(json.dumps(claims, separators=(",", ":")).encode())
    signature = b64url(hmac.new(JWT_SECRET, f"{header}.{payload}".encode(), hashlib.sha256).digest())
    token = f"{header}.{payload}.{signature}"
    FV.tokens.add(token)
    return token


def fv_token_user(req: Request) -> FvUser | None:
    """The user of a valid, unexpired, not invalidated bearer token; caller holds the lock."""
    token = req.bearer()
    if not token or token not in FV.tokens:
        return None
    try:
        header_b64, payload_b64, signature_b64 = token.split(".")
        expected = hmac.new(JWT_SECRET, f"{header_b64}.{payload_b64}".encode(), hashlib.sha256).digest()
        if not hmac.compare_digest(expected, b64url_decode(signature_b64)):
            return None
        if json.loads(b64url_decode(header_b64)).get("alg") != "HS256":
            return None
        claims = json.loads(b64url_decode(payload_b64))
        if not is_int(claims.get("exp")) or claims["exp"] <= time.time():
            return None
        return FV.users.get(int(claims["sub"]))
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def fv_authenticated(on_fail: Callable[[], Answer] = lambda: fv_error(400, "error")) -> Callable[..., Handler]:
    """Bearer-token guard.  seed 001 catalogues: "error" / "Token Bearer erróneo" / 400 by default."""

    def wrap(func: Callable[[Request, dict[str, str], FvUser], Answer]) -> Handler:
        def guarded(req: Request, params: dict[str, str]) -> Answer:
            with LOCK:
                user = fv_token_user(req)
                if user is None:
                    return on_fail()
                return func(req, params, user)

        guarded.__doc__, guarded.__name__ = func.__doc__, func.__name__
        return guarded

    return wrap
