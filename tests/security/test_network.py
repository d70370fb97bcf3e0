"""Where a request comes from: pure rules, tested without a database."""

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacyops.security.network import client_ip, in_networks, parse_address, parse_networks

PROXIES = parse_networks(["10.0.0.0/8", "2001:db8:ffff::/48"])


def ip(text):
    return ipaddress.ip_address(text)


@pytest.mark.parametrize(
    ("remote", "xff", "expected"),
    [
        ("203.0.113.7", None, "203.0.113.7"),
        # Not from a trusted proxy: whatever the client wrote in the header is ignored.
        ("203.0.113.7", "127.0.0.1", "203.0.113.7"),
        # From our proxy: the address it saw is the client.
        ("10.0.0.2", "198.51.100.4", "198.51.100.4"),
        # A forged left part is ignored: the rightmost untrusted hop is the client.
        ("10.0.0.2", "127.0.0.1, 198.51.100.4", "198.51.100.4"),
        # Chained trusted proxies are skipped.
        ("10.0.0.2", "198.51.100.4, 10.1.1.1", "198.51.100.4"),
        # IPv6 client behind an IPv6 proxy.
        ("2001:db8:ffff::2", "2001:db8:1::99", "2001:db8:1::99"),
        ("[2001:db8:ffff::2]:443", "[2001:db8:1::99]:5555", "2001:db8:1::99"),
        # IPv4-mapped IPv6 is the IPv4 address.
        ("::ffff:10.0.0.2", "::ffff:198.51.100.4", "198.51.100.4"),
        ("10.0.0.2", "198.51.100.4:1234", "198.51.100.4"),
        # Every hop one of ours: the leftmost.
        ("10.0.0.2", "10.9.9.9, 10.1.1.1", "10.9.9.9"),
    ],
)
def test_client_ip(remote, xff, expected):
    assert client_ip(remote, xff, PROXIES) == ip(expected)


def test_garbage_where_an_address_should_be_is_unknown_never_inside():
    assert client_ip("10.0.0.2", "not-an-ip, 198.51.100.4", PROXIES) == ip("198.51.100.4")
    assert client_ip("10.0.0.2", "198.51.100.4, garbage", PROXIES) is None
    assert client_ip("", None, PROXIES) is None
    assert not in_networks(None, parse_networks(["0.0.0.0/0", "::/0"]))


def test_networks_of_both_families():
    nets = parse_networks(["192.168.0.0/16", "2001:db8::/32", " "])
    assert in_networks(ip("192.168.4.4"), nets)
    assert in_networks(ip("2001:db8:abcd::1"), nets)
    assert not in_networks(ip("192.169.0.1"), nets)
    assert not in_networks(ip("2001:db9::1"), nets)
    with pytest.raises(ValueError):
        parse_networks(["300.1.1.0/24"])


def test_parse_address_forms():
    assert parse_address("fe80::1%eth0") == ip("fe80::1")
    assert parse_address('"[::1]"') == ip("::1")
    assert parse_address("nonsense") is None


@given(st.ip_addresses(), st.lists(st.ip_addresses(), max_size=4))
def test_an_untrusted_peer_is_always_the_client(peer, forged):
    untrusted = parse_networks([])
    header = ", ".join(str(a) for a in forged)
    expected = peer.ipv4_mapped if getattr(peer, "ipv4_mapped", None) else peer
    assert client_ip(str(peer), header, untrusted) == expected
