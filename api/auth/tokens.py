"""Bearer tokens: HS256 with the server's secret (what `civicgraph auth token` signs), or
RS256/ES256 from a JWKS of an outside identity provider. `iss`, `aud`, `exp` and `nbf` are
checked with a small clock skew; `alg: none` and any algorithm the key was not made for are
refused before a signature is looked at (no HS256 token "signed" with a public key)."""

from __future__ import annotations

import os
import secrets
import time
from pathlib import Path
from typing import Any

import jwt

from api.auth.errors import AuthError
from api.auth.principal import Principal, Role
from civicgraph.settings import Settings

HMAC = "HS256"
ASYMMETRIC = {"RS256": "RSA", "ES256": "EC"}  # algorithm → the JWK key type it needs
SECRET_FILE = Path("auth") / "jwt-secret"


def signing_secret(settings: Settings) -> bytes:
    """The HS256 secret: from the settings, else the data dir's (created 0600 on first use)."""
    if settings.auth_jwt_secret is not None:
        return settings.auth_jwt_secret.get_secret_value().encode()
    path = settings.data_dir / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first: use theirs
            pass
        else:
            with os.fdopen(fd, "w") as out:
                out.write(secrets.token_urlsafe(48))
    for _ in range(50):  # the other process may still be writing it
        text = path.read_text().strip()
        if text:
            return text.encode()
        time.sleep(0.01)
    raise RuntimeError(f"{path} is empty: delete it to have a new key made")


def issue_token(
    settings: Settings,
    role: Role,
    sub: str,
    grids: tuple[str, ...] = (),
    org: str | None = None,
    household: str | None = None,
    ttl_s: int = 3600,
) -> str:
    """A token signed with the server's HS256 secret."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": settings.auth_issuer,
        "aud": settings.auth_audience,
        "sub": sub,
        "role": role.value,
        "iat": now,
        "nbf": now,
        "exp": now + ttl_s,
    }
    if grids:
        claims["grids"] = list(grids)
    if org:
        claims["org"] = org
    if household:
        claims["household"] = household
    return jwt.encode(claims, signing_secret(settings), algorithm=HMAC)


def _jwks(source: str | None) -> jwt.PyJWKClient | jwt.PyJWKSet | None:
    if not source:
        return None
    if source.startswith(("https://", "http://")):
        return jwt.PyJWKClient(source, cache_keys=True, lifespan=300, timeout=5)
    return jwt.PyJWKSet.from_json(Path(source).read_text())


_FAILURES: list[tuple[type[Exception], str]] = [
    (jwt.ExpiredSignatureError, "the token has expired"),
    (jwt.ImmatureSignatureError, "the token is not valid yet (nbf)"),
    (jwt.InvalidAudienceError, "the token is for another audience (aud)"),
    (jwt.InvalidIssuerError, "the token is from another issuer (iss)"),
    (jwt.InvalidSignatureError, "the token's signature does not verify"),
]


class TokenVerifier:
    def __init__(self, settings: Settings) -> None:
        self.secret = signing_secret(settings)
        self.jwks = _jwks(settings.auth_jwks)
        self.issuer = settings.auth_issuer
        self.audience = settings.auth_audience
        self.leeway = settings.auth_leeway_s

    @property
    def fetches_keys(self) -> bool:
        """Verifying may fetch a JWKS over the network (callers run it off the event loop)."""
        return isinstance(self.jwks, jwt.PyJWKClient)

    def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise AuthError("the bearer token is not a JWT") from None
        algorithm = header.get("alg")
        key = self._key(algorithm, header.get("kid"))
        try:
            claims = jwt.decode(
                token,
                key,
                algorithms=[str(algorithm)],
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iss", "aud", "sub", "role"]},
            )
        except jwt.MissingRequiredClaimError as exc:
            raise AuthError(f"the token lacks the {exc.claim} claim") from None
        except jwt.PyJWTError as exc:
            for kind, reason in _FAILURES:
                if isinstance(exc, kind):
                    raise AuthError(reason) from None
            raise AuthError("the token is invalid") from None
        return principal_from_claims(claims)

    def _key(self, algorithm: object, kid: object) -> Any:
        if algorithm == HMAC:
            return self.secret
        if algorithm in ASYMMETRIC and self.jwks is not None:
            try:
                if isinstance(self.jwks, jwt.PyJWKClient):
                    found = self.jwks.get_signing_key(str(kid))
                else:
                    found = self.jwks[str(kid)]
            except (KeyError, jwt.PyJWKClientError):
                raise AuthError("the token's key (kid) is not in the JWKS") from None
            if found.key_type != ASYMMETRIC[str(algorithm)]:
                raise AuthError(f"the token's key is not a key for {algorithm}")
            return found.key
        raise AuthError(f"tokens signed with {algorithm!r} are not accepted")


def principal_from_claims(claims: dict[str, Any]) -> Principal:
    try:
        role = Role(claims["role"])
    except ValueError:
        raise AuthError("the token's role is not one of " + ", ".join(Role)) from None
    grids = claims.get("grids") or []
    if not isinstance(grids, list) or not all(isinstance(g, str) for g in grids):
        raise AuthError("the token's grids claim is not a list of grid ids")
    text = {name: claims.get(name) for name in ("org", "household")}
    if any(value is not None and not isinstance(value, str) for value in text.values()):
        raise AuthError("the token's org and household claims must be ids")
    return Principal(
        sub=str(claims["sub"])[:200],
        role=role,
        grids=tuple(grids),
        org=text["org"],
        household=text["household"],
    )
