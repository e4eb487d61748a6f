"""FDP011 proxy-without-proxyfix: served behind a reverse proxy that forwards the client's address,
but nothing in the app reads it.

Behind nginx, the WSGI server's peer is the proxy: ``request.remote_addr`` is ``127.0.0.1`` for every
request (rate limits, audit logs and IP checks all see one client) and, unless the server trusts
``X-Forwarded-Proto``, ``url_for(..., _external=True)`` builds ``http://`` URLs behind HTTPS. Werkzeug's
``ProxyFix`` applies the ``X-Forwarded-*`` headers the proxy sets:
https://flask.palletsprojects.com/en/stable/deploying/proxy_fix/ ,
https://werkzeug.palletsprojects.com/en/stable/middleware/proxy_fix/

The rule fires only when an nginx ``proxy_pass`` of the project that sets ``X-Forwarded-For``,
``X-Forwarded-Proto``, ``X-Real-IP`` or ``Forwarded`` reaches a launch of the project, and no Python
file of the project mentions ``ProxyFix`` or reads those headers itself (``request.access_route``,
``X-Forwarded-For``, ``X-Real-IP``) outside a comment. ``uwsgi_pass`` is not concerned: ``uwsgi_params`` passes the
client's address as ``REMOTE_ADDR``.
"""
from __future__ import annotations

import os
import re
from typing import Dict, Iterator, Optional, Tuple

from .. import project
from ..deploy.matching import proxies_to
from ..model import FLASK_RUN, GUNICORN, WSGI_SERVERS, DeploymentContext, Finding, Launch
from . import Rule, register

#: Text in a Python file that shows the app handles forwarded headers itself.
HANDLED = re.compile(r"ProxyFix|proxy_fix|access_route|X[-_]Forwarded[-_]For|X[-_]Real[-_]IP|HTTP_X_FORWARDED|"
                     r"ProxyHeadersMiddleware|X[-_]Forwarded[-_]Proto", re.IGNORECASE)
#: Largest project (in Python files) searched; larger ones are not judged.
MAX_FILES = 3000
_HANDLED_CACHE: Dict[int, Tuple[DeploymentContext, Optional[bool]]] = {}


def project_handles_forwarding(context: DeploymentContext) -> Optional[bool]:
    """True when a Python file of the project mentions ProxyFix or reads forwarded headers; None when
    the project is too large to search. Cached per context (a new context after the engine's
    ``clear_caches`` searches again)."""
    cached = _HANDLED_CACHE.get(id(context))
    if cached is not None and cached[0] is context:
        return cached[1]
    root = context.root
    files = project._python_files(root)
    result: Optional[bool] = False
    if len(files) > MAX_FILES:
        result = None
    else:
        for rel in files:
            try:
                with open(os.path.join(root, rel), "rb") as handle:
                    data = handle.read(1_000_000)
            except OSError:
                continue
            text = data.decode("utf-8", "replace")
            if HANDLED.search(text) and any(HANDLED.search(line) for line in text.splitlines()
                                            if not line.lstrip().startswith("#")):
                result = True
                break
    _HANDLED_CACHE[id(context)] = (context, result)
    return result


@register
class ProxyWithoutProxyFix(Rule):
    code = "FDP011"
    name = "proxy-without-proxyfix"
    summary = "Served behind a proxy that sets X-Forwarded-*/X-Real-IP, but no ProxyFix wraps `app.wsgi_app`"
    fix_safety = None  # the unsafe rewrite is planned (docs page: Fix safety); none ships yet

    def check_launch(self, launch: Launch, context: DeploymentContext) -> Iterator[Finding]:
        if not launch.production or launch.target_path is None and launch.script is None:
            return
        if launch.server not in WSGI_SERVERS and launch.server != FLASK_RUN and launch.serves_with is None:
            return
        matched = [(p, b) for p, b in proxies_to(launch, context) if p.protocol == "http" and p.forwards_client_info]
        if not matched:
            return
        if project_handles_forwarding(context) is not False:
            return
        proxy, bind = matched[0]
        forwarded = [h for h in proxy.headers if h.startswith("x-forwarded-") or h in ("x-real-ip", "forwarded")]
        line = min(proxy.header_lines[h] for h in forwarded)
        shown = ", ".join(_title(h) for h in forwarded)
        scheme = ""
        if "x-forwarded-proto" in forwarded and launch.server != GUNICORN:
            scheme = " and `url_for(_external=True)` builds http:// URLs"
        if all(h in ("x-real-ip", "forwarded") for h in forwarded):
            # ProxyFix reads X-Forwarded-* only: adding it alone would not help
            message = (f"the proxy sets {shown}, which neither Flask nor `ProxyFix` reads: `request.remote_addr` is "
                       f"the proxy's address for every request; have the proxy set X-Forwarded-For and wrap "
                       f"`app.wsgi_app` in `ProxyFix`")
        else:
            message = (f"the proxy sets {shown} but no `ProxyFix` wraps `app.wsgi_app`: `request.remote_addr` is "
                       f"the proxy's address for every request{scheme}")
        yield Finding(self.code, message, proxy.source.path, line, 0)


def _title(header: str) -> str:
    return "-".join(part.upper() if part in ("ip", "x") else part.capitalize() for part in header.split("-"))


def clear_cache() -> None:
    """Forget which projects handle forwarded headers (tests that change files call it)."""
    _HANDLED_CACHE.clear()
