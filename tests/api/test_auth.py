"""Authentication of every endpoint: bearer tokens (HS256 with the server's key, RS256/ES256
from a JWKS), API keys, the principal as the actor, what each role may do, /metrics, and
WebSocket subscriptions authenticating in `connection_init`."""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.server
import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from fastapi.testclient import TestClient
from pydantic import SecretStr
from starlette.websockets import WebSocketDisconnect

from api.auth.apikeys import new_api_key
from api.auth.principal import Role
from civicgraph.settings import Settings
from tests.auth import api_client, bearer, token

STATS = "{ stats { buildings } }"
UPSERT = """mutation ($id: String!) {
  upsertBuilding(input: {id: $id, name: "测试楼"}) { node { provenance { actor } } errors { code } }
}"""


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


@pytest.fixture(scope="module")
def keys(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """An RSA and an EC key of an outside identity provider, published as a JWKS file."""
    folder = tmp_path_factory.mktemp("jwks")
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    ec_key = ec.generate_private_key(ec.SECP256R1())
    published = []
    for kid, key, algorithm in (("rsa-1", rsa_key, "RS256"), ("ec-1", ec_key, "ES256")):
        jwk = json.loads(jwt.get_algorithm_by_name(algorithm).to_jwk(key.public_key()))
        published.append({**jwk, "kid": kid, "use": "sig", "alg": algorithm})
    path = folder / "jwks.json"
    path.write_text(json.dumps({"keys": published}))
    return {"rsa": rsa_key, "ec": ec_key, "path": path}


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory, keys: dict[str, Any]) -> Settings:
    return Settings(
        data_dir=tmp_path_factory.mktemp("auth"),
        auth_jwks=str(keys["path"]),
        auth_key_cache_s=0,
        changes=False,
    )


@pytest.fixture(scope="module")
def anonymous(settings: Settings) -> Iterator[TestClient]:
    """The API, called without credentials unless a test gives them."""
    with api_client(settings, role=None) as client:
        yield client


def _claims(settings: Settings, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": settings.auth_issuer,
        "aud": settings.auth_audience,
        "sub": "someone",
        "role": "admin",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
    }
    claims.update(changes)
    return {k: v for k, v in claims.items() if v is not None}


def _hs256_by_hand(claims: dict[str, Any], key: bytes) -> str:
    """An HS256 token with any bytes as the key (PyJWT itself refuses a PEM key)."""
    signed = f"{_b64({'alg': 'HS256', 'typ': 'JWT'})}.{_b64(claims)}"
    mac = hmac.new(key, signed.encode(), hashlib.sha256).digest()
    return f"{signed}.{base64.urlsafe_b64encode(mac).rstrip(b'=').decode()}"


def _post(client: TestClient, query: str, headers: dict[str, str], **variables: Any) -> Any:
    return client.post("/graphql", json={"query": query, "variables": variables}, headers=headers)


def test_no_credentials_get_401_with_a_challenge_on_every_endpoint(anonymous: TestClient) -> None:
    for method, path in (
        ("POST", "/graphql"),
        ("GET", "/graphql?query={stats{buildings}}"),
        ("POST", "/ingest/alerts"),
        ("GET", "/metrics"),
    ):
        response = anonymous.request(method, path, json={"query": STATS})
        assert response.status_code == 401, (path, response.text)
        assert response.headers["www-authenticate"] == 'Bearer realm="civicgraph"'
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert anonymous.get("/healthz").status_code == 200
    assert anonymous.get("/readyz").status_code == 200
    page = anonymous.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 200 and "GraphiQL" in page.text  # the IDE page holds no data


def test_every_answer_carries_security_headers(anonymous: TestClient, settings: Settings) -> None:
    for response in (
        anonymous.post("/graphql", json={"query": STATS}),
        _post(anonymous, STATS, bearer(settings)),
        anonymous.get("/healthz"),
    ):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["cache-control"] == "no-store"
    asset = anonymous.get("/graphiql/assets/graphiql.min.js")
    assert asset.status_code == 200 and asset.headers.get("cache-control") != "no-store"


def test_bad_tokens_are_refused_with_the_reason(
    anonymous: TestClient, settings: Settings, keys: dict[str, Any]
) -> None:
    secret = settings.data_dir / "auth" / "jwt-secret"
    ours = secret.read_text().encode()
    good = jwt.encode(_claims(settings), ours, algorithm="HS256")
    head, _, signature = good.split(".")
    tampered = ".".join([head, _b64(_claims(settings, role="admin", sub="mallory")), signature])
    public_pem = (
        keys["rsa"]
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    rsa_pem = keys["rsa"].private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    cases = {
        "tampered": (tampered, "signature does not verify"),
        "expired": (
            jwt.encode(_claims(settings, exp=int(time.time()) - 120), ours, algorithm="HS256"),
            "expired",
        ),
        "not yet valid": (
            jwt.encode(_claims(settings, nbf=int(time.time()) + 120), ours, algorithm="HS256"),
            "not valid yet",
        ),
        "wrong audience": (
            jwt.encode(_claims(settings, aud="other-api"), ours, algorithm="HS256"),
            "another audience",
        ),
        "wrong issuer": (
            jwt.encode(_claims(settings, iss="someone-else"), ours, algorithm="HS256"),
            "another issuer",
        ),
        "wrong key": (
            jwt.encode(_claims(settings), b"not-the-server-key" * 3, algorithm="HS256"),
            "signature does not verify",
        ),
        "alg none": (
            f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{_b64(_claims(settings))}.",
            "'none' are not accepted",
        ),
        # Algorithm confusion: HS256 "signed" with the provider's public key.
        "HS256 over the public key": (
            _hs256_by_hand(_claims(settings), public_pem),
            "signature does not verify",
        ),
        "RS256 naming the EC key": (
            jwt.encode(_claims(settings), rsa_pem, algorithm="RS256", headers={"kid": "ec-1"}),
            "not a key for RS256",
        ),
        "unknown kid": (
            jwt.encode(_claims(settings), rsa_pem, algorithm="RS256", headers={"kid": "gone"}),
            "not in the JWKS",
        ),
        "no role": (
            jwt.encode(_claims(settings, role=None), ours, algorithm="HS256"),
            "lacks the role claim",
        ),
        "unknown role": (
            jwt.encode(_claims(settings, role="root"), ours, algorithm="HS256"),
            "role is not one of",
        ),
        "not a JWT": ("abc.def", "not a JWT"),
    }
    for name, (text, reason) in cases.items():
        response = _post(anonymous, STATS, {"Authorization": f"Bearer {text}"})
        assert response.status_code == 401, name
        assert 'error="invalid_token"' in response.headers["www-authenticate"], name
        [error] = response.json()["errors"]
        assert reason in error["message"], (name, error["message"])
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert _post(anonymous, STATS, {"Authorization": f"Bearer {good}"}).status_code == 200
    assert _post(anonymous, STATS, {"Authorization": f"Basic {good}"}).status_code == 401


def test_tokens_of_an_outside_provider_verify_by_the_jwks(
    anonymous: TestClient, settings: Settings, keys: dict[str, Any]
) -> None:
    for kid, key, algorithm in (("rsa-1", keys["rsa"], "RS256"), ("ec-1", keys["ec"], "ES256")):
        text = jwt.encode(
            _claims(settings, sub=f"idp-{kid}", role="investigator"),
            key,
            algorithm=algorithm,
            headers={"kid": kid},
        )
        response = _post(anonymous, STATS, {"Authorization": f"Bearer {text}"})
        assert response.status_code == 200 and "errors" not in response.json(), response.text


def test_tokens_verify_by_a_jwks_url(keys: dict[str, Any], tmp_path: Path) -> None:
    """The provider's keys fetched over HTTP (and cached), as `CIVICGRAPH_AUTH_JWKS=https://…`."""
    served = keys["path"].parent

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(served), **kwargs)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/{keys['path'].name}"
        settings = Settings(data_dir=tmp_path, auth_jwks=url, changes=False)
        with api_client(settings, role=None) as client:
            text = jwt.encode(
                _claims(settings, sub="idp-user", role="investigator"),
                keys["rsa"],
                algorithm="RS256",
                headers={"kid": "rsa-1"},
            )
            ok = _post(client, STATS, {"Authorization": f"Bearer {text}"})
            assert ok.status_code == 200 and "errors" not in ok.json(), ok.text
            stranger = jwt.encode(
                _claims(settings), keys["rsa"], algorithm="RS256", headers={"kid": "nobody"}
            )
            refused = _post(client, STATS, {"Authorization": f"Bearer {stranger}"})
            assert refused.status_code == 401 and "not in the JWKS" in refused.text
    finally:
        server.shutdown()


def test_the_principal_is_the_actor_and_x_actor_is_ignored(
    anonymous: TestClient, settings: Settings
) -> None:
    headers = {**bearer(settings, Role.ADMIN, "网格员张三"), "X-Actor": "mallory"}
    made = _post(anonymous, UPSERT, headers, id="BAUTH1").json()["data"]["upsertBuilding"]
    assert made["node"]["provenance"]["actor"] == "网格员张三"


def test_api_keys_authenticate_until_revoked(anonymous: TestClient, settings: Settings) -> None:
    store = anonymous.app.state.opened.store  # type: ignore[attr-defined]
    text, record = new_api_key(Role.ADMIN, "物业平台")
    store.create_api_key(record, "test")
    assert record.digest not in text and text.split("_")[2] not in str(store.api_keys())
    made = _post(anonymous, UPSERT, {"X-API-Key": text}, id="BAUTH2").json()["data"]
    assert made["upsertBuilding"]["node"]["provenance"]["actor"] == "apikey:物业平台"
    wrong_secret = text[:-4] + ("aaaa" if not text.endswith("aaaa") else "bbbb")
    for bad, reason in ((wrong_secret, "not known"), ("cgk_x", "malformed")):
        response = _post(anonymous, STATS, {"X-API-Key": bad})
        assert response.status_code == 401 and reason in response.text
    assert store.revoke_api_key(record.id, "test")
    assert not store.revoke_api_key(record.id, "test")  # once
    response = _post(anonymous, STATS, {"X-API-Key": text})
    assert response.status_code == 401 and "revoked" in response.text


def test_roles_are_held_to_what_they_may_do(anonymous: TestClient, settings: Settings) -> None:
    before = _post(anonymous, STATS, bearer(settings)).json()["data"]["stats"]["buildings"]
    investigator = bearer(settings, Role.INVESTIGATOR, "analyst")
    assert "errors" not in _post(anonymous, STATS, investigator).json()
    refused = _post(anonymous, UPSERT, investigator, id="BAUTH3").json()
    [error] = refused["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN" and "upsertBuilding" in error["message"]
    assert refused["data"] is None
    [error] = _post(anonymous, "{ webhooks { id } }", investigator).json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    integrator = bearer(settings, Role.INTEGRATOR, "iot-platform")
    [error] = _post(anonymous, UPSERT, integrator, id="BAUTH4").json()["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    alert = {"device_id": "nothing", "kind": "smoke", "at": "2026-11-20T08:00:00Z"}
    assert anonymous.post("/ingest/alerts", json=alert, headers=investigator).status_code == 403
    assert anonymous.post("/ingest/alerts", json=alert, headers=integrator).status_code != 403
    # Roles bounded to rows read only theirs (none here: grid G1 holds nothing) and write
    # only what their role's list allows (tests/api/test_row_scope.py has the whole matrix).
    for role, claims in (
        (Role.GRID_WORKER, {"grids": ("G1",)}),
        (Role.PROPERTY_COMPANY, {"org": "O1"}),
        (Role.RESIDENT, {"household": "H1"}),
        (Role.INTEGRATOR, {"grids": ("G1",)}),
    ):
        bounded = bearer(settings, role, "x", **claims)
        assert _post(anonymous, STATS, bounded).json()["data"]["stats"]["buildings"] == 0
        if role != Role.GRID_WORKER:
            [error] = _post(anonymous, UPSERT, bounded, id="BAUTH5").json()["errors"]
            assert error["extensions"]["code"] == "FORBIDDEN", role
    after = _post(anonymous, STATS, bearer(settings)).json()["data"]["stats"]["buildings"]
    assert after == before  # nothing refused was written


def test_metrics_are_for_loopback_an_admin_or_the_metrics_token(
    anonymous: TestClient, settings: Settings, tmp_path: Path
) -> None:
    assert anonymous.get("/metrics").status_code == 401  # the test client is not loopback
    assert anonymous.get("/metrics", headers=bearer(settings)).status_code == 200
    investigator = bearer(settings, Role.INVESTIGATOR, "analyst")
    assert anonymous.get("/metrics", headers=investigator).status_code == 403
    with_token = Settings(data_dir=tmp_path, metrics_token=SecretStr("scrape-me"), changes=False)
    with api_client(with_token, role=None) as client:
        assert client.get("/metrics", headers={"Authorization": "Bearer scrape-me"}).is_success
        assert client.get("/metrics", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_websockets_authenticate_in_connection_init(
    anonymous: TestClient, settings: Settings
) -> None:
    def connect(payload: dict[str, Any] | None) -> dict[str, Any]:
        with anonymous.websocket_connect("/graphql", subprotocols=["graphql-transport-ws"]) as ws:
            ws.send_json({"type": "connection_init", **({"payload": payload} if payload else {})})
            return ws.receive_json()

    assert connect({"Authorization": f"Bearer {token(settings)}"})["type"] == "connection_ack"
    for payload in (None, {"Authorization": "Bearer forged"}):
        with pytest.raises(WebSocketDisconnect) as closed:
            connect(payload)
        assert closed.value.code == 4403
    refused = anonymous.websocket_connect(
        "/graphql",
        subprotocols=["graphql-transport-ws"],
        headers={"Authorization": "Bearer forged"},
    )
    with pytest.raises(WebSocketDisconnect), refused:
        pass
