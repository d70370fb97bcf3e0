"""Which address a request really comes from, and whether it may reach the admin.

Pure functions (no Django import): the middleware and django-axes both ask `client_ip`, so the
address in the login history, the lockout and the allow-list decision is always the same one.

`X-Forwarded-For` is believed only as far as it was written by proxies we trust: we walk it from
the right (the hop nearest to us) and stop at the first address that is not a trusted proxy.
Anything a client wrote further left is ignored, so a forged header cannot buy admin access.
"""

import ipaddress
from collections.abc import Iterable

IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def parse_networks(ranges: Iterable[str]) -> tuple[IPNetwork, ...]:
    """CIDR ranges (or single addresses) from configuration; a typo raises ValueError."""
    return tuple(
        ipaddress.ip_network(item.strip(), strict=False) for item in ranges if item.strip()
    )


def parse_address(value: str | None) -> IPAddress | None:
    """An address as written in REMOTE_ADDR or X-Forwarded-For, or None when it is not one.

    Accepts `[v6]`, `[v6]:port`, `v4:port`, zone ids (`fe80::1%eth0`), and unwraps IPv4-mapped
    IPv6 (`::ffff:192.0.2.1`) so that an IPv4 allow-list matches a dual-stack socket.
    """
    if not value:
        return None
    text = value.strip().strip('"')
    if text.startswith("["):
        text = text[1:].split("]", 1)[0]
    elif text.count(":") == 1:  # IPv4 with a port; IPv6 has at least two colons
        text = text.split(":", 1)[0]
    text = text.split("%", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def in_networks(address: IPAddress | None, networks: Iterable[IPNetwork]) -> bool:
    if address is None:
        return False
    return any(address.version == net.version and address in net for net in networks)


def client_ip(
    remote_addr: str | None, forwarded_for: str | None, trusted_proxies: Iterable[IPNetwork]
) -> IPAddress | None:
    """The client's address: REMOTE_ADDR, unless that is a trusted proxy that forwarded it.

    Returns None when the address cannot be known (garbage where an address should be): callers
    treat that as "outside", never as "inside".
    """
    trusted = tuple(trusted_proxies)
    peer = parse_address(remote_addr)
    if peer is None or not forwarded_for or not in_networks(peer, trusted):
        return peer
    hops = [hop for hop in (part.strip() for part in forwarded_for.split(",")) if hop]
    address = peer
    for hop in reversed(hops):
        address = parse_address(hop)
        if address is None:
            return None
        if not in_networks(address, trusted):
            return address
    # Every hop was one of our proxies: the leftmost is the closest we get to the client.
    return address
