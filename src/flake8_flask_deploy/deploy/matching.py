"""Which reverse proxy forwards to which launch: matching nginx addresses against server binds.

An address written as loopback (``localhost``, ``127.0.0.1``) reaches a server on the same host (or
in the same container); a compose service name reaches that service's container; a unix socket
path must be the same file. Anything else (a remote host, ``$variable``) is not the project's to
judge. The servers' defaults used here: ``flask run``/``app.run()`` bind ``127.0.0.1:5000``
(https://flask.palletsprojects.com/en/stable/api/#flask.Flask.run ).
"""
from __future__ import annotations

import os
from typing import List, Optional, Tuple

from ..model import FLASK_RUN, Bind, DeploymentContext, Launch, Proxy, is_loopback_host

ANY_HOST = frozenset({"0.0.0.0", "", "::", "[::]", "*"})


def effective_binds(launch: Launch) -> Tuple[Bind, ...]:
    """The launch's binds with defaults filled in (``flask run``: ``127.0.0.1:5000``)."""
    if launch.server == FLASK_RUN:
        out = []
        for bind in launch.binds or (Bind(None, None),):
            out.append(Bind(bind.host or "127.0.0.1", bind.port or "5000"))
        return tuple(out)
    return launch.binds


def _known_port(port: Optional[str]) -> bool:
    return bool(port) and str(port).isdigit()


def service_names(context: DeploymentContext) -> set:
    """Names of compose services (the host names other containers reach them by)."""
    return {launch.name for launch in context.launches if launch.kind == "compose" and launch.name}


def is_local(address: Bind, context: DeploymentContext) -> bool:
    """True when the proxy address points at this project: loopback, a unix socket, a compose service."""
    if address.host == "unix":
        return bool(address.port)
    return is_loopback_host(address.host) or address.host in service_names(context)


def matches(address: Bind, bind: Bind, launch: Launch) -> Optional[bool]:
    """Does the proxy ``address`` reach the server bind ``bind`` of ``launch``?

    Returns:
        True or False when it can be told, None when a port or host is not known (``$PORT``).
    """
    if address.host == "unix" or bind.host == "unix":
        if address.host != bind.host:
            return False
        if not address.port or not bind.port or "$" in bind.port:
            return None
        return os.path.basename(address.port) == os.path.basename(bind.port)
    if not _known_port(address.port) or not _known_port(bind.port):
        return None
    if address.port != bind.port:
        return False
    host = bind.host
    if host is None or host == "?":
        return None
    if host in ANY_HOST:
        return True
    if is_loopback_host(address.host) and is_loopback_host(host):
        return True
    if launch.kind == "compose" and address.host == launch.name:
        return True
    return address.host == host


def proxies_to(launch: Launch, context: DeploymentContext) -> List[Tuple[Proxy, Bind]]:
    """Production proxies that forward to one of ``launch`` 's binds, with the bind they reach."""
    out = []
    for proxy in context.proxies:
        if not proxy.production:
            continue
        for address in proxy.addresses:
            for bind in effective_binds(launch):
                if matches(address, bind, launch):
                    out.append((proxy, bind))
                    break
            else:
                continue
            break
    return out


def proxied_loopback(bind: Bind, context: DeploymentContext) -> Optional[Proxy]:
    """A production proxy on the same host that forwards to the loopback ``bind`` (gunicorn on
    ``127.0.0.1:4444`` behind ``proxy_pass http://localhost:4444``), or None."""
    for proxy in context.proxies:
        if not proxy.production:
            continue
        for address in proxy.addresses:
            if is_loopback_host(address.host) and _known_port(address.port) and address.port == bind.port:
                return proxy
    return None
