"""FDP012 fix: point an nginx ``proxy_pass``/``uwsgi_pass`` at the one address the project binds.
Unsafe: nginx then forwards to another port (or socket), and the proxy side may be the right one.

Applied only when every served production launch together binds exactly one address (one
``host:port`` or one unix socket; :func:`~flake8_flask_deploy.rules.fdp012_proxy_upstream_mismatch.
mismatches` judged the file), and the forward names one address on its own line (no ``upstream``
block, whose ``server`` lines may serve others). The port (or the socket path) is replaced in the
address as written, keeping its host (``localhost``, ``127.0.0.1``, a compose service) and scheme,
and the new address must reach the bind (``deploy.matching.matches``). Everything else keeps its
bytes. nginx: https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_pass
"""
from __future__ import annotations

import re
from typing import Optional, Tuple

from ..deploy.matching import effective_binds, matches
from ..model import Bind, Finding, Launch
from ..rules.fdp012_proxy_upstream_mismatch import served
from ..sources import LINE_BREAK


def _only_bind(context) -> Optional[Tuple[Bind, Launch]]:
    """The one address every served launch of ``context`` binds, with a launch that binds it."""
    launches = [x for x in context.launches if served(x)]
    binds = {bind: launch for launch in launches for bind in effective_binds(launch)}
    if len(binds) != 1:
        return None
    return next(iter(binds.items()))


def rewrite(text: str, finding: Finding, launch: Launch, context) -> Optional[Tuple[str, str]]:
    """``(new text, description)`` of the nginx file ``text`` with the forward at ``finding.line``
    pointed at the project's one bind, or None (see the module docstring)."""
    only = _only_bind(context)
    proxy = next((p for p in context.proxies if (p.source.path, p.source.line) == (finding.path, finding.line)), None)
    if only is None or proxy is None or proxy.upstream is not None or len(proxy.addresses) != 1:
        return None
    bind, served_by = only
    address = proxy.addresses[0]
    if (address.host == "unix") != (bind.host == "unix") or not bind.port or "$" in bind.port:
        return None
    new_address = Bind(address.host, bind.port)
    if matches(new_address, bind, served_by) is not True:
        return None
    old = f"unix:{address.port}" if address.host == "unix" else f"{address.host}:{address.port}"
    new = f"unix:{bind.port}" if bind.host == "unix" else f"{address.host}:{bind.port}"
    lines = text.splitlines(keepends=True)
    if not 0 < finding.line <= len(lines):
        return None
    body = LINE_BREAK.split(lines[finding.line - 1])[0]
    found = list(re.finditer(r"(?<![\w.-])" + re.escape(old) + r"(?![\w.-]|:\d)", body))
    if len(found) != 1 or proxy.target not in body:
        return None
    start, end = found[0].span()
    lines[finding.line - 1] = lines[finding.line - 1][:start] + new + lines[finding.line - 1][end:]
    return "".join(lines), f"forward to {new}, where {served_by.server} listens"
