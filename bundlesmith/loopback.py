"""Whether an address is reachable from this machine only: the one test behind every "loopback unless told" rule.

    is_loopback("127.0.0.1"), is_loopback("::1"), is_loopback("localhost")   # True
    is_loopback("0.0.0.0"), is_loopback("192.0.2.7")                         # False
"""
from __future__ import annotations

import ipaddress

LOOPBACK_NAMES = frozenset({"127.0.0.1", "::1", "localhost"})


def is_loopback(host: str) -> bool:
    """True when `host` is only reachable from this machine (`localhost` or a loopback address)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
