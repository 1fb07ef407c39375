"""Outbound requests to addresses a user typed (webhooks): refuse our own network, and connect where we checked.

Why both halves: checking the name's addresses and then letting the HTTP client resolve the name again leaves a
DNS-rebinding window (first answer public, second answer 169.254.169.254). So `pin()` resolves once, refuses the
request if *any* answer is inside, and returns the URL rewritten to the checked address; the original host name
goes in the Host header and in TLS's SNI (httpx's `sni_hostname` extension), so virtual hosting and certificate
checks work as before while the socket can only reach the address that was checked.

Refused: private, loopback, link-local, CGNAT (100.64.0.0/10), unique-local, multicast, reserved/documentation/
benchmark ranges, unspecified, and IPv6 forms that embed or tunnel to IPv4 — IPv4-mapped/-compatible (the embedded
address is checked), NAT64 (checked), 6to4 2002::/16 and Teredo 2001::/32 (refused outright: the far end is
whatever IPv4 address is embedded, and relays make it reachable). Everything Python does not call global is
refused too.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

Resolver = Callable[[str, int], list[str]]
IP = ipaddress.IPv4Address | ipaddress.IPv6Address

REFUSED_NETWORKS: tuple[tuple[str, str], ...] = (
    ("0.0.0.0/8", "this-network"), ("10.0.0.0/8", "private"), ("100.64.0.0/10", "carrier-grade NAT"),
    ("127.0.0.0/8", "loopback"), ("169.254.0.0/16", "link-local"), ("172.16.0.0/12", "private"),
    ("192.0.0.0/24", "IETF protocol assignments"), ("192.0.2.0/24", "documentation"),
    ("192.88.99.0/24", "6to4 relay"), ("192.168.0.0/16", "private"), ("198.18.0.0/15", "benchmarking"),
    ("198.51.100.0/24", "documentation"), ("203.0.113.0/24", "documentation"), ("224.0.0.0/4", "multicast"),
    ("255.255.255.255/32", "broadcast"), ("240.0.0.0/4", "reserved"),
    ("::/128", "unspecified"), ("::1/128", "loopback"), ("100::/64", "discard-only"),
    ("2001::/32", "Teredo tunnel"), ("2001:db8::/32", "documentation"), ("2001:10::/28", "ORCHID"),
    ("2002::/16", "6to4 tunnel"), ("fc00::/7", "unique-local"), ("fe80::/10", "link-local"),
    ("fec0::/10", "site-local"), ("ff00::/8", "multicast"),
)
_NETWORKS = [(ipaddress.ip_network(net), why) for net, why in REFUSED_NETWORKS]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


class RefusedAddressError(ValueError):
    """The destination is (or resolves to) an address inside our own or a special network."""


def embedded_ipv4(ip: IP) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries by construction (mapped, compatible, NAT64), if any."""
    if isinstance(ip, ipaddress.IPv4Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def refusal(address: str | IP) -> str | None:
    """Why `address` may not be contacted (e.g. "carrier-grade NAT"), or None when it is a public address."""
    try:
        ip = ipaddress.ip_address(str(address).split("%", 1)[0].strip("[]"))
    except ValueError:
        return "not an IP address"
    inner = embedded_ipv4(ip)
    if inner is not None:
        why = refusal(inner)
        return f"{why} (embedded in {ip})" if why else None
    for network, why in _NETWORKS:
        if ip.version == network.version and ip in network:
            return why
    if not ip.is_global:
        return "not a public address"
    return None


def system_resolver(host: str, port: int) -> list[str]:
    """Every address the system resolver gives for host (A and AAAA)."""
    return sorted({str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)})


@dataclass(frozen=True)
class Pinned:
    """Where to connect (`url` with the checked address in place of the name) and what to tell the server."""

    url: str
    host_header: str
    sni_hostname: str
    address: str


def pin(url: str, *, resolve: Resolver = system_resolver, allow_internal: bool = False) -> Pinned:
    """Resolve the URL's host once, refuse internal answers (unless allowed), and pin the first address."""
    parts = urlsplit(url)
    host = parts.hostname
    if not host:
        raise RefusedAddressError(f"'{url}' has no host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        literal = ipaddress.ip_address(host)
        addresses = [str(literal)]
    except ValueError:
        try:
            addresses = list(resolve(host, port))
        except OSError as exc:
            raise RefusedAddressError(f"cannot resolve '{host}': {exc}") from exc
    if not addresses:
        raise RefusedAddressError(f"'{host}' has no address")
    if not allow_internal:
        refused = [(a, why) for a in addresses if (why := refusal(a))]
        if refused:
            listed = ", ".join(f"{a}: {why}" for a, why in refused)
            raise RefusedAddressError(f"'{host}' resolves to a private or local address "
                                      f"({listed}); webhooks go to public hosts only")
    address = addresses[0]
    shown = f"[{address}]" if ":" in address else address
    netloc = f"{shown}:{parts.port}" if parts.port else shown
    named = f"[{host}]" if ":" in host else host
    host_header = f"{named}:{parts.port}" if parts.port else named
    return Pinned(urlunsplit((parts.scheme, netloc, parts.path, parts.query, "")), host_header, host, address)
