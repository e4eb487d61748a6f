"""Reader of nginx site configs with crossplane: where nginx forwards requests, and which headers
it sets for the application.

Taken: ``upstream NAME { server ADDR; }`` blocks, ``proxy_pass`` / ``uwsgi_pass`` in ``location``
blocks (nested ones too), ``proxy_set_header`` (inherited from the enclosing ``server``/``http``
block only when the location sets none, as nginx does), and the ``server`` block's ``listen``.
https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass ,
https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header ,
https://nginx.org/en/docs/http/ngx_http_upstream_module.html#upstream ,
https://nginx.org/en/docs/http/ngx_http_uwsgi_module.html#uwsgi_pass

A file that is only a fragment (a ``server { }`` block for ``sites-available/``) is read as is.
"""
from __future__ import annotations

import os
import tempfile
import re
from typing import Dict, List, Optional, Tuple

from ..model import Bind, Location, Proxy
from .readers import DeployFileError, is_production_file

#: A text that mentions one of these is worth parsing as nginx.
NGINX_HINT = re.compile(r"^\s*(proxy_pass|uwsgi_pass|upstream\s+\S+\s*\{|server\s*\{|location\s)", re.MULTILINE)


def looks_like_nginx(text: str) -> bool:
    """The cheap test before parsing a ``*.conf`` file as nginx."""
    return NGINX_HINT.search(text) is not None


def parse_nginx(text: str, path: str) -> List[dict]:
    """Parse nginx text into crossplane's directive dicts (``directive``, ``args``, ``line``, ``block``).

    The text already read (the fixer's, with ``fix --diff``) is handed to crossplane's public
    ``parse`` through a temporary file; ``include`` is not followed (``single=True``) and the
    directives are not checked against nginx's modules (the file may use any module). Comments are
    left out. https://github.com/nginxinc/crossplane#crossplane-parse

    Raises:
        DeployFileError: unbalanced braces or an unterminated directive.
    """
    import crossplane

    handle, tmp = tempfile.mkstemp(suffix=".conf", prefix=".fdp-nginx-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        payload = crossplane.parse(tmp, single=True, check_ctx=False, check_args=False, catch_errors=True)
    finally:
        os.unlink(tmp)
    if payload["errors"]:
        error = payload["errors"][0]
        message = str(error.get("error", "")).replace(tmp, os.path.basename(path))
        raise DeployFileError(f"is not a valid nginx config ({message})")
    return payload["config"][0]["parsed"] if payload["config"] else []


def read_nginx(path: str, text: str) -> List[Proxy]:
    """Every ``proxy_pass``/``uwsgi_pass`` of an nginx config.

    Raises:
        DeployFileError: the file does not parse.
    """
    tree = parse_nginx(text, path)
    upstreams: Dict[str, List[Bind]] = {}
    _collect_upstreams(tree, upstreams)
    proxies: List[Proxy] = []
    _collect_proxies(tree, path, upstreams, {}, (), proxies)
    return proxies


def _collect_upstreams(block: List[dict], upstreams: Dict[str, List[Bind]]) -> None:
    for stmt in block:
        if stmt["directive"] == "upstream" and stmt["args"] and "block" in stmt:
            servers = []
            for inner in stmt["block"]:
                if inner["directive"] == "server" and inner["args"]:
                    servers.append(address(inner["args"][0], default_port="80"))
            upstreams[stmt["args"][0]] = servers
        elif "block" in stmt:
            _collect_upstreams(stmt["block"], upstreams)


def _headers(block: List[dict]) -> Dict[str, int]:
    return {stmt["args"][0].lower(): stmt["line"] for stmt in block
            if stmt["directive"] == "proxy_set_header" and stmt["args"]}


def _collect_proxies(block: List[dict], path: str, upstreams: Dict[str, List[Bind]], inherited: Dict[str, int],
                     listen: Tuple[str, ...], out: List[Proxy]) -> None:
    own = _headers(block)
    headers = own or inherited
    if any(s["directive"] == "listen" for s in block):
        listen = tuple(" ".join(s["args"]) for s in block if s["directive"] == "listen")
    for stmt in block:
        directive = stmt["directive"]
        if directive in ("proxy_pass", "uwsgi_pass") and stmt["args"]:
            target = stmt["args"][0]
            protocol = "http" if directive == "proxy_pass" else "uwsgi"
            addresses, upstream = _resolve(target, protocol, upstreams)
            sent = headers if protocol == "http" else {}
            out.append(Proxy(Location(path, stmt["line"]), protocol, target, tuple(addresses), upstream,
                             tuple(sorted(sent)), dict(sent), listen, is_production_file(path)))
        elif "block" in stmt and directive not in ("upstream", "map", "types", "if"):
            _collect_proxies(stmt["block"], path, upstreams, headers, listen, out)


def _resolve(target: str, protocol: str, upstreams: Dict[str, List[Bind]]) -> Tuple[List[Bind], Optional[str]]:
    rest = target
    default_port = "80"
    for scheme, port in (("http://", "80"), ("https://", "443"), ("uwsgi://", None), ("grpc://", None)):
        if rest.startswith(scheme):
            rest, default_port = rest[len(scheme):], port or "80"
            break
    if rest.startswith("unix:"):
        sock = rest[5:].lstrip("/")
        sock = "/" + sock.split(":", 1)[0]
        return [Bind("unix", sock)], None
    hostport = rest.split("/", 1)[0]
    if "$" in hostport:
        return [], None
    if hostport in upstreams and protocol in ("http", "uwsgi"):
        return list(upstreams[hostport]), hostport
    return [address(hostport, default_port=default_port if protocol == "http" else None)], None


def address(value: str, default_port: Optional[str] = "80") -> Bind:
    """An nginx address (``127.0.0.1:8000``, ``localhost``, ``unix:/run/app.sock``, ``[::1]:80``)."""
    if value.startswith("unix:"):
        return Bind("unix", "/" + value[5:].lstrip("/"))
    if value.startswith("["):
        host, _, port = value[1:].partition("]")
        return Bind(host, port.lstrip(":") or default_port)
    if "$" in value:
        return Bind("?", None)
    host, sep, port = value.rpartition(":")
    if not sep:
        return Bind(value, default_port)
    return Bind(host, port or default_port)
