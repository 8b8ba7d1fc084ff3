"""Which ``Host`` a request to the team server may name: the address it listens on.

A page on another site can make a browser send requests to a server on this machine or this
network through DNS rebinding: the attacker's name is made to resolve to our address, and
the browser, believing it talks to the attacker's site, sends that name in ``Host``. Checking
``Host`` against the address the server listens on refuses such requests in every mode, with
or without sign-in.

A request passes when its ``Host`` names the port the connection arrived on and

- an address literal: the very address the connection arrived on, any loopback address when
  that address is a loopback one, or any address when the server listens on every interface
  (typing an address cannot be rebound);
- ``localhost``, when the connection arrived on a loopback address;
- the name given as ``--host``, or this machine's own name when listening on every interface;

or when it is one of the names given with ``--allow-host`` (a reverse proxy's public name,
with or without a port), which pass whatever the port.
"""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass, field

WILDCARDS = ("", "0.0.0.0", "::")


def split_host(value: str) -> tuple[str, int | None]:
    """``"[::1]:8000"`` -> ``("::1", 8000)``; ``"example.org"`` -> ``("example.org", None)``.
    Names are lowercased; an unreadable port gives ``-1`` (never a match)."""
    value = value.strip().lower()
    if value.startswith("["):
        name, _, rest = value[1:].partition("]")
        port_text = rest[1:] if rest.startswith(":") else ""
    elif value.count(":") == 1:
        name, _, port_text = value.partition(":")
    else:
        name, port_text = value, ""
    if not port_text:
        return name.rstrip("."), None
    return name.rstrip("."), int(port_text) if port_text.isdigit() else -1


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        ip = ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None
    mapped = getattr(ip, "ipv4_mapped", None)
    return mapped or ip


@dataclass
class HostCheck:
    """The ``Host`` values a server listening on ``listen`` answers (see the module)."""

    listen: str
    allow: tuple[str, ...] = ()
    _names: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.listen = self.listen.strip("[]").lower()
        if self.listen in WILDCARDS:
            self._names = {socket.gethostname().lower(), socket.getfqdn().lower()}
        elif _ip(self.listen) is None:
            self._names = {self.listen}

    def allowed(self, host: str | None, local_ip: str | None, local_port: int | None) -> bool:
        if not host:
            return False
        name, port = split_host(host)
        for entry in self.allow:
            wanted, wanted_port = split_host(entry)
            if name == wanted and (wanted_port is None or wanted_port == port):
                return True
        if port is None or port != local_port:
            return False
        arrived = _ip(local_ip or "")
        literal = _ip(name)
        if literal is not None:
            if self.listen in WILDCARDS or literal == arrived:
                return True
            return bool(literal.is_loopback and arrived is not None and arrived.is_loopback)
        if name == "localhost":
            return bool(arrived is not None and arrived.is_loopback)
        return name in self._names
