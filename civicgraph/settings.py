"""Settings, read once from `CIVICGRAPH_*` environment variables (and an optional `.env`)."""

from __future__ import annotations

import os
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Engine(StrEnum):
    FALKORDB = "falkordb"
    NEO4J = "neo4j"


def _default_petitions_dir() -> Path:
    return Path(__file__).resolve().parents[2] / "shared" / "data" / "petitions"


def _default_data_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "civicgraph"


class Settings(BaseSettings):
    """Every setting of the product; the environment variable is `CIVICGRAPH_<NAME>`."""

    model_config = SettingsConfigDict(env_prefix="CIVICGRAPH_", env_file=".env", extra="ignore")

    engine: Engine = Field(Engine.FALKORDB, description="Graph engine: falkordb or neo4j.")
    data_dir: Path = Field(
        default_factory=_default_data_dir,
        description="Where the embedded engine keeps its files.",
    )
    graph_name: str = Field("civicgraph", description="Graph (FalkorDB) name.")
    falkordb_url: str | None = Field(
        None,
        description="Use an external FalkorDB (redis://host:port) instead of the embedded one.",
    )
    falkordb_port: int = Field(
        0, ge=0, le=65535, description="TCP port of the embedded FalkorDB; 0 picks a free one."
    )
    falkordb_fsync: str = Field(
        "always",
        pattern="^(always|everysec)$",
        description="Embedded FalkorDB append-only-file fsync policy: always or everysec.",
    )
    neo4j_uri: str = Field("bolt://127.0.0.1:7687", description="Neo4j URI (bolt:// or neo4j://).")
    neo4j_user: str = Field("neo4j", description="Neo4j user.")
    neo4j_password: SecretStr | None = Field(
        None, description="Neo4j password; unset means authentication is off."
    )
    neo4j_database: str = Field("neo4j", description="Neo4j database name.")
    batch_size: int = Field(5000, ge=1, le=100_000, description="Rows per write round trip.")
    host: str = Field("127.0.0.1", description="API bind address.")
    port: int = Field(8000, ge=1, le=65535, description="API port.")
    workers: int = Field(1, ge=1, le=64, description="API worker processes (serve).")
    request_timeout_s: float = Field(30.0, gt=0, description="API request time limit.")
    compiled_reads: bool = Field(
        True,
        description="Answer the read queries the planner covers with planned store queries "
        "(api/compiled); off: every request through the general GraphQL executor.",
    )
    max_request_bytes: int = Field(
        10 * 2**20, ge=1024, description="Largest request body the API reads (413 past it)."
    )
    alert_fold_window_s: int = Field(
        3600, ge=0, description="Alerts from one device this close together join one incident."
    )
    max_query_depth: int = Field(12, ge=2, description="Deepest GraphQL selection allowed.")
    max_query_tokens: int = Field(5000, ge=100, description="Most tokens in a GraphQL document.")
    max_query_aliases: int = Field(30, ge=1, description="Most aliases in a GraphQL document.")
    max_query_cost: int = Field(
        50_000,
        ge=1,
        description="Most objects a GraphQL operation may fetch, estimated before it runs "
        "(page sizes multiplied through the nesting; QUERY_TOO_COSTLY past it).",
    )
    cors_origins: Annotated[tuple[str, ...], NoDecode] = Field(
        (),
        description="Origins (comma-separated) whose browser pages may call the API; "
        "none by default (same origin only).",
    )
    redis_url: str | None = Field(
        None,
        description="The Redis that holds the change stream (redis://[:password@]host:port/db); "
        "unset: the FalkorDB server's own (embedded or falkordb_url); with Neo4j and no Redis, "
        "changes stay in the graph and subscriptions are off.",
    )
    changes: bool = Field(
        True,
        description="Serve change subscriptions and webhooks from this API process (and its "
        "relay, see `relay`); off: the API serves the graph only.",
    )
    relay: bool = Field(
        True, description="Run the change relay inside `serve` (graph change log → stream)."
    )
    stream_max_len: int = Field(
        1_000_000, ge=1000, description="Change stream entries kept (older ones are trimmed)."
    )
    stream_max_age_s: int = Field(
        7 * 86400, ge=60, description="How long change stream entries are kept, in seconds."
    )
    relay_poll_ms: int = Field(
        20, ge=1, le=5000, description="How often an idle relay looks for new changes."
    )
    webhooks: bool = Field(True, description="Deliver webhooks from `serve`.")
    webhook_max_attempts: int = Field(
        8, ge=1, le=100, description="Failed deliveries in a row before a webhook is FAILING."
    )
    webhook_backoff_base_s: float = Field(
        1.0, gt=0, description="Wait after a webhook's first failure; it doubles each time."
    )
    webhook_backoff_max_s: float = Field(300.0, gt=0, description="Longest wait between tries.")
    webhook_probe_s: float = Field(
        60.0, gt=0, description="How often a FAILING webhook is tried again."
    )
    webhook_timeout_s: float = Field(10.0, gt=0, description="Time limit of one delivery.")
    webhook_allow_private: bool = Field(
        False,
        description="Allow webhooks to loopback and private addresses (development, tests).",
    )
    auth_jwt_secret: SecretStr | None = Field(
        None,
        description="HS256 secret that signs and verifies bearer tokens; unset: a random key "
        "generated in the data dir (auth/jwt-secret, mode 0600) on first use.",
    )
    auth_jwks: str | None = Field(
        None,
        description="JWKS (an https:// URL or a file path) whose RS256/ES256 keys verify "
        "tokens of an outside identity provider, beside the HS256 key.",
    )
    auth_issuer: str = Field("civicgraph", description="Required `iss` claim of tokens.")
    auth_audience: str = Field("civicgraph", description="Required `aud` claim of tokens.")
    auth_leeway_s: int = Field(
        30, ge=0, le=300, description="Clock skew allowed on `exp` and `nbf`, in seconds."
    )
    auth_key_cache_s: float = Field(
        10.0,
        ge=0,
        le=300,
        description="How long a checked API key is trusted before the store is asked again "
        "(a revocation takes effect within this time).",
    )
    persisted_only: bool = Field(
        False,
        description="Run only GraphQL documents registered ahead (`civicgraph queries "
        "register`); off: any document, and clients may persist theirs by hash.",
    )
    rate_limit_per_s: float = Field(
        100.0,
        ge=0,
        description="Requests per second each authenticated caller may make, sustained; 0: "
        "no limit.",
    )
    rate_limit_burst: int = Field(
        300, ge=1, description="Requests a caller may make at once before the rate applies."
    )
    risk_weights: dict[str, float] = Field(
        default_factory=dict,
        description="Vulnerability weights replacing the defaults, as JSON "
        '(`{"lives_alone": 0.8}`); names as in the README\'s table.',
    )
    metrics_token: SecretStr | None = Field(
        None,
        description="Bearer token that may read /metrics; unset: /metrics answers loopback "
        "callers only.",
    )
    petitions_dir: Path = Field(
        default_factory=_default_petitions_dir,
        description="The public petition sets that `nlp train` learns from and its annotations "
        "refer to (read in place, never copied); default: ../shared/data/petitions beside the "
        "project.",
    )
    nlp: bool = Field(
        True,
        description="Run petition extraction (category, nature, entities, links, incidents) on "
        "petitions submitted or ingested.",
    )
    log_level: str = Field("INFO", description="Log level.")
    log_format: str = Field("console", pattern="^(console|json)$", description="console or json.")
    demo_residents: int = Field(5000, ge=10, description="Size of the demo community.")
    demo_seed: int = Field(42, description="Seed of the demo community.")

    @field_validator("cors_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(origin.strip() for origin in value.split(",") if origin.strip())
        return value


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings."""
    return Settings()
