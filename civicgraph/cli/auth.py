"""`civicgraph auth`: tokens signed with the server's key, and API keys for integrators."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated

import typer

from civicgraph.settings import get_settings

if TYPE_CHECKING:
    from api.auth.principal import Role

app = typer.Typer(help="Tokens and API keys.", no_args_is_help=True)
apikey = typer.Typer(help="API keys (X-API-Key) for integrators.", no_args_is_help=True)
app.add_typer(apikey, name="apikey")

ROLE_HELP = "admin, grid_worker, investigator, integrator, property_company or resident."
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_ttl(text: str) -> int:
    """`90`, `90s`, `15m`, `1h` or `7d` → seconds."""
    match = re.fullmatch(r"(\d{1,7})([smhd]?)", text.strip())
    if match is None or int(match.group(1)) == 0:
        raise typer.BadParameter(
            f"{text!r}: give a duration such as 15m, 1h or 7d", param_hint="--ttl"
        )
    return int(match.group(1)) * _UNITS[match.group(2) or "s"]


def _role(text: str) -> Role:
    from api.auth.principal import Role

    try:
        return Role(text)
    except ValueError:
        raise typer.BadParameter(
            f"{text!r} is not a role: {ROLE_HELP}", param_hint="--role"
        ) from None


GridOption = Annotated[
    list[str] | None, typer.Option("--grid", help="A grid the principal works in (repeatable).")
]
OrgOption = Annotated[str | None, typer.Option(help="Organisation id (property companies).")]
HouseholdOption = Annotated[str | None, typer.Option(help="Household id (residents).")]


@app.command()
def token(
    role: Annotated[str, typer.Option(help=ROLE_HELP)],
    grid: GridOption = None,
    org: OrgOption = None,
    household: HouseholdOption = None,
    sub: Annotated[str, typer.Option(help="Whom the token names (the actor of its changes).")] = "",
    ttl: Annotated[str, typer.Option(help="How long it is valid: 15m, 1h, 7d…")] = "1h",
) -> None:
    """Print a bearer token signed with the server's key (same data dir and settings)."""
    from api.auth.tokens import issue_token

    seconds = parse_ttl(ttl)
    chosen = _role(role)
    typer.echo(
        issue_token(
            get_settings(),
            chosen,
            sub or f"cli-{role}",
            tuple(grid or ()),
            org,
            household,
            seconds,
        )
    )


@apikey.command("create")
def apikey_create(
    name: Annotated[str, typer.Option(help="What the key is for (shown in lists and as actor).")],
    role: Annotated[str, typer.Option(help=ROLE_HELP)] = "integrator",
    grid: GridOption = None,
    org: OrgOption = None,
    household: HouseholdOption = None,
) -> None:
    """Create an API key and print it once (only its digest is kept)."""
    from api.auth.apikeys import new_api_key
    from civicgraph.wiring import open_store

    text, record = new_api_key(_role(role), name, tuple(grid or ()), org, household)
    opened = open_store(get_settings())
    try:
        opened.store.create_api_key(record, "cli")
    finally:
        opened.close()
    typer.echo(text)
    typer.echo(f"key id {record.id}: keep the key above, it is not shown again", err=True)


@apikey.command("list")
def apikey_list() -> None:
    """List API keys: id, name, role, grids, created, revoked (never the secrets)."""
    from civicgraph.wiring import open_store

    opened = open_store(get_settings())
    try:
        keys = opened.store.api_keys()
    finally:
        opened.close()
    for key in keys:
        grids = ",".join(key.grids) or "-"
        state = f"revoked {key.revoked_at}" if key.revoked_at else "active"
        typer.echo(f"{key.id}\t{key.name}\t{key.role}\t{grids}\t{key.created_at}\t{state}")


@apikey.command("revoke")
def apikey_revoke(key_id: Annotated[str, typer.Argument(help="The key's id (see list).")]) -> None:
    """Revoke an API key (servers stop accepting it within CIVICGRAPH_AUTH_KEY_CACHE_S)."""
    from civicgraph.wiring import open_store

    opened = open_store(get_settings())
    try:
        revoked = opened.store.revoke_api_key(key_id, "cli")
    finally:
        opened.close()
    if not revoked:
        typer.echo(f"no active API key {key_id}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")
