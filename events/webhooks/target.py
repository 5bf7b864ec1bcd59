"""Where a webhook may point: http(s) only, and not at this machine or a private network
(unless a setting allows it, for development and tests), checked when it is created and again
before each delivery, as a name may come to resolve elsewhere."""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit


class TargetError(ValueError):
    """A webhook URL that may not be used; the message says why."""


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise TargetError(f"url: the host {host!r} does not resolve") from exc
    return [ipaddress.ip_address(info[4][0]) for info in infos]


def check_target(url: str, allow_private: bool) -> None:
    """TargetError naming the reason when `url` may not receive deliveries."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise TargetError("url: only http and https URLs can receive webhooks")
    if not parts.hostname:
        raise TargetError("url: names no host")
    if parts.username or parts.password:
        raise TargetError("url: must not hold credentials (sign with the secret instead)")
    if allow_private:
        return
    for address in _addresses(parts.hostname):
        if (
            address.is_private
            or address.is_loopback
            or address.is_link_local
            or address.is_multicast
            or address.is_reserved
            or address.is_unspecified
        ):
            raise TargetError(
                f"url: {parts.hostname} is a loopback or private address; webhooks go to "
                "public endpoints (CIVICGRAPH_WEBHOOK_ALLOW_PRIVATE allows others)"
            )
