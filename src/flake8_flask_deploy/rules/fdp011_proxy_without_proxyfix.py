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

The unsafe fix (:mod:`flake8_flask_deploy.fixes.fdp011`) rewrites the finding's copy on the served
module; it asks :func:`forwarding_proxies` and :func:`proxyfix_counts` for the ``ProxyFix`` counts.
"""
from __future__ import annotations

import os
import re
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Tuple

from .. import index as idx
from .. import sources
from ..deploy.matching import proxies_to
from ..model import FLASK_RUN, GUNICORN, WSGI_SERVERS, DeploymentContext, Finding, Launch, Proxy
from ..session import current
from . import Rule, register
from ..records import LazyPattern

#: Text in a Python file that shows the app handles forwarded headers itself.
HANDLED = LazyPattern(r"ProxyFix|proxy_fix|access_route|X[-_]Forwarded[-_]For|X[-_]Real[-_]IP|HTTP_X_FORWARDED|"
                      r"ProxyHeadersMiddleware|X[-_]Forwarded[-_]Proto", re.IGNORECASE)
#: What in the app reads the client information a proxy forwards, by kind: the client's address
#: (``request.remote_addr``, ``access_route``, Flask-Limiter's ``get_remote_address``, Flask-Login's
#: "strong" session protection, which hashes the address) and the scheme the client used
#: (``url_for(..., _external=True)``, ``request.scheme``/``is_secure``/``host_url``/``url_root``,
#: Flask-Talisman's HTTPS redirect). An app that reads neither is not harmed by the proxy's address.
READS = {
    "address": LazyPattern(r"\bremote_addr\b|\baccess_route\b|\bget_remote_address\b|\bget_ipaddr\b"
                           r"|\bsession_protection\s*=\s*[\"']strong"),
    "scheme": LazyPattern(r"_external\s*=\s*True|\brequest\.scheme\b|\bis_secure\b|\bhost_url\b|\burl_root\b"
                          r"|\bTalisman\s*\("),
}
#: Largest project (in Python files) searched; larger ones are not judged.
MAX_FILES = 3000

#: ``proxy_set_header`` name -> the ``ProxyFix`` argument that trusts it
#: (https://werkzeug.palletsprojects.com/en/stable/middleware/proxy_fix/).
PROXYFIX_ARGS = (("x-forwarded-for", "x_for"), ("x-forwarded-proto", "x_proto"), ("x-forwarded-host", "x_host"),
                 ("x-forwarded-port", "x_port"), ("x-forwarded-prefix", "x_prefix"))


def handles_forwarding(text: str) -> bool:
    """True when Python source ``text`` mentions ProxyFix or reads forwarded headers outside a
    comment line (see :data:`HANDLED`)."""
    return HANDLED.search(text) is not None and any(
        HANDLED.search(line) for line in text.splitlines() if not line.lstrip().startswith("#"))


def _first_handler(root: str, files: Tuple[str, ...], skip: Dict[str, str],
                   reads: Optional[Dict[str, Tuple[str, int]]] = None,
                   answers: Optional[Callable[[str], Optional[_Answer]]] = None) -> Optional[str]:
    """The first file of ``files`` (relative to ``root``) whose text on disk handles forwarded
    headers, leaving out the absolute paths in ``skip``; None when there is none. With ``reads``,
    the same pass records where the files read forwarded client information (the first place of
    each kind, in the order of ``files``), so that a project without a handler is read once, not
    once per question. ``answers``: what a file says (:func:`_file_answer` or a stored answer)."""
    for rel in files:
        path = sources.normpath(os.path.join(root, rel))
        if path in skip:
            continue
        got = answers(path) if answers is not None else _file_answer(path)
        if got is None:
            continue
        handles, kinds = got
        if reads is not None:
            for kind, line in kinds.items():
                reads.setdefault(kind, (path, line))
        if handles:
            return path
    return None


#: What one file says: whether it handles forwarded headers, and the first line of each kind of
#: :data:`READS` it has (comment lines left out).
_Answer = Tuple[bool, Dict[str, int]]


def _file_answer(path: str) -> Optional[_Answer]:
    """:data:`_Answer` of the file ``path`` on disk (its first MB); None when it cannot be read."""
    try:
        with open(path, "rb") as handle:
            text = handle.read(1_000_000).decode("utf-8", "replace")
    except OSError:
        return None
    kinds: Dict[str, int] = {}
    for kind, pattern in READS.items():
        if pattern.search(text) is None:
            continue
        for number, line in enumerate(text.splitlines(), 1):
            if pattern.search(line) and not line.lstrip().startswith("#"):
                kinds[kind] = number
                break
    return handles_forwarding(text), kinds


def project_handles_forwarding(context: DeploymentContext) -> Optional[bool]:
    """True when a Python file of the project mentions ProxyFix or reads forwarded headers; None when
    the project is too large to search (more than :data:`MAX_FILES` Python files).

    A file the fixer is rewriting in memory (``Session.overrides``: absolute path -> text) is judged
    by that text, not by the file on disk, so the rule stops firing as soon as the fix wraps the app
    (one ``fix`` run converges). The search of the files on disk is kept on the context
    (``context.memo``: a new context, after files changed, searches again); the overridden texts are not.
    """
    cached = context.memo.get("fdp011.handler")
    if cached is None:
        files: Optional[Tuple[str, ...]] = sources.python_files(context.root)
        if len(files) > MAX_FILES:
            files = None
        found = _handler_search(context.root, files) if files is not None else (None, None)
        handler, reads = found
        cached = context.memo["fdp011.handler"] = (files, handler)
        if reads is not None:  # every file was read: the reads are complete
            context.memo["fdp011.reads"] = reads
    files, handler = cached
    if files is None:
        return None
    prefix = context.root.rstrip(os.sep) + os.sep
    overrides = {path: text for path, text in current().overrides.items() if path.startswith(prefix)}
    if any(handles_forwarding(text) for text in overrides.values()):
        return True
    if handler is None:
        return False
    if handler not in overrides:
        return True
    # the file that handled them on disk is being rewritten without it: search the others
    return _first_handler(context.root, files, overrides) is not None


def _handler_search(root: str, files: Tuple[str, ...]
                    ) -> Tuple[Optional[str], Optional[Dict[str, Tuple[str, int]]]]:
    """``(the first file handling forwarded headers or None, the reads of every file when none does,
    else None)`` for the project ``root`` (:func:`_first_handler` over ``files``, the files on disk).
    What each module says is kept in its entry of the index's on-disk cache (``index.json``, field
    ``forwarding``) under its size and mtime: an editor's run on a served module behind a proxy reads
    again only the modules changed since."""
    disk = idx.disk_entries_of(root)

    def answer(path: str) -> Optional[_Answer]:
        stamp = sources.stat_key(path)  # taken before the read: a file changed meanwhile is stale next time
        stored = disk.get(path, stamp, "forwarding") if disk is not None else None
        if stored is not None:
            try:
                handles, kinds = stored
                return bool(handles), {str(kind): int(line) for kind, line in kinds.items()}
            except (AttributeError, TypeError, ValueError):
                pass
        got = _file_answer(path)
        if got is not None and disk is not None:
            disk.put(path, stamp, "forwarding", [got[0], got[1]])
        return got

    found: Dict[str, Tuple[str, int]] = {}
    handler = _first_handler(root, files, {}, found, answer)
    return handler, (found if handler is None else None)


def project_reads(context: DeploymentContext) -> Optional[Dict[str, Tuple[str, int]]]:
    """Where the project's Python code reads forwarded client information, by kind of :data:`READS`:
    ``{"address": (path, line), "scheme": (path, line)}`` (the first place of each, comment lines
    left out; test files included, they show what the app relies on too); None when the project is
    too large to search. Kept in ``context.memo``; usually filled by the handler search of
    :func:`project_handles_forwarding`, which reads the same files first."""
    cached = context.memo.get("fdp011.reads", False)
    if cached is not False:
        return cached
    files = sources.python_files(context.root)
    found: Optional[Dict[str, Tuple[str, int]]] = None
    if len(files) <= MAX_FILES:
        found = {}
        for rel in files:
            path = sources.normpath(os.path.join(context.root, rel))
            got = _file_answer(path)
            for kind, line in (got[1] if got is not None else {}).items():
                found.setdefault(kind, (path, line))
            if len(found) == len(READS):
                break
    context.memo["fdp011.reads"] = found
    return found


def forwarding_proxies(launch: Launch, context: DeploymentContext) -> List[Proxy]:
    """The production ``proxy_pass`` forwards of ``context`` that reach ``launch`` and set
    ``X-Forwarded-*``, ``X-Real-IP`` or ``Forwarded`` for it; empty when the launch is not one
    this rule judges (not production, not a server the proxy can reach, no target module).

    Whether the app handles the headers is not asked here (see :func:`project_handles_forwarding`).
    """
    if not launch.production or launch.target_path is None and launch.script is None:
        return []
    if launch.server not in WSGI_SERVERS and launch.server != FLASK_RUN and launch.serves_with is None:
        return []
    return [p for p, _ in proxies_to(launch, context) if p.protocol == "http" and p.forwards_client_info]


def forwarded_headers(proxy: Proxy) -> List[str]:
    """The client-information headers ``proxy`` sets, lower-case, in the file's order."""
    return [h for h in proxy.headers if h.startswith("x-forwarded-") or h in ("x-real-ip", "forwarded")]


def proxyfix_counts(headers: Iterable[str]) -> Dict[str, int]:
    """The ``ProxyFix`` arguments for one proxy that sets ``headers`` (lower-case names), in
    ``ProxyFix``'s own order: ``{"x_for": 1, "x_proto": 0}`` (1 = one hop trusted).

    ``x_for`` and ``x_proto`` default to 1 in ``ProxyFix``, so they are always given: 0 when the
    proxy does not set the header (trusting a header the proxy does not set lets a client forge it).
    ``x_host``, ``x_port`` and ``x_prefix`` default to 0 and are given only when set. Empty when the
    proxy sets none of the ``X-Forwarded-*`` headers ``ProxyFix`` reads (``X-Real-IP`` and
    ``Forwarded`` are not among them). Source:
    https://werkzeug.palletsprojects.com/en/stable/middleware/proxy_fix/
    """
    present = set(headers)
    if not any(header in present for header, _ in PROXYFIX_ARGS):
        return {}
    counts = {}
    for header, arg in PROXYFIX_ARGS:
        if header in present or arg in ("x_for", "x_proto"):
            counts[arg] = 1 if header in present else 0
    return counts


@register
class ProxyWithoutProxyFix(Rule):
    code = "FDP011"
    name = "proxy-without-proxyfix"
    summary = "Served behind a proxy that sets X-Forwarded-*/X-Real-IP, but no ProxyFix wraps `app.wsgi_app`"
    #: What goes wrong in production (the README's rule table).
    consequence = (
        "served behind a proxy that sets `X-Forwarded-*`, but no `ProxyFix`: `remote_addr` is "
        "always the proxy"
    )
    fix_safety = "unsafe"  # fixes/fdp011.py wraps app.wsgi_app in ProxyFix (docs page: Fix safety)
    fixes_mapped_copy = True  # the module fix answers the finding located in the nginx file too
    docs = """\
## What it does
Reports an nginx `proxy_pass` of the project that forwards to one of the project's servers (matched
by address and port, see `docs/deployment-context.md`) and sets `X-Forwarded-For`,
`X-Forwarded-Proto`, `X-Real-IP` or `Forwarded` for the app, when no Python file of the project
uses Werkzeug's `ProxyFix` or reads those headers itself (`request.access_route`, `X-Real-IP`,
`X-Forwarded-For`, outside comments), and only when the app reads what the proxy's address or
scheme makes wrong: the client's address (`request.remote_addr`, `request.access_route`,
Flask-Limiter's `get_remote_address`, Flask-Login's `session_protection = "strong"`) for
`X-Forwarded-For`/`X-Real-IP`/`Forwarded`, or the scheme (`url_for(..., _external=True)`,
`request.scheme`, `is_secure`, `host_url`, `url_root`, Flask-Talisman) for `X-Forwarded-Proto` when
the server is not gunicorn (gunicorn trusts `X-Forwarded-Proto` from 127.0.0.1 itself). An app that
reads neither is not harmed by seeing the proxy's address. The finding is on the served module's app
definition, where the fix is (flake8 and `check`), with the first forwarded header's line of the
nginx file as its related location. When the proxy sends only
`X-Real-IP` (a common nginx site), the message says so: `ProxyFix` reads `X-Forwarded-*` only, so the proxy must
also set `X-Forwarded-For` (or the app must read `X-Real-IP` itself).

## Why is this bad?
Behind the proxy, the WSGI server's peer is nginx: `request.remote_addr` is `127.0.0.1` for every
request, so rate limits, audit logs and IP allow-lists all see a single client. Unless the server
trusts `X-Forwarded-Proto` (gunicorn does, from 127.0.0.1 only), `url_for(..., _external=True)` and
redirects build `http://` URLs behind HTTPS. The proxy already sends the right values; the app
ignores them.

## Example
```nginx
location / {
    proxy_pass http://localhost:4444;
    proxy_set_header X-Real-IP $remote_addr;
}
```
```python
app = Flask(__name__)

@app.route("/")
def index():
    return f"hello {request.remote_addr}"
```

## Use instead
```python
from werkzeug.middleware.proxy_fix import ProxyFix

app = Flask(__name__)
app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
```
Set each count to the number of proxies that set that header (one nginx: `1`); never trust more
hops than you have, or clients can forge their address.

## Fix safety
Unsafe: applied by `flake8-flask-deploy fix --unsafe-fixes` only, and `check --show-fixes` marks
the finding (at the app definition) as fixable only with `--unsafe-fixes`. The fix inserts, right after the statement that binds the served app in the
served module (after `app = Flask(...)`; after the run of imports holding `from pkg import app`;
in an app factory such as `gunicorn "pkg:create_app()"`, after the factory's `app = Flask(...)`,
before its `return`):
```python
from werkzeug.middleware.proxy_fix import ProxyFix

app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)
```
(split over lines as black would when it is longer than flake8's `max-line-length`, 79 unless the
`[flake8]` section says otherwise) with the app's own variable name, and one count per `X-Forwarded-*` header the proxy sets: `x_for`
(`X-Forwarded-For`), `x_proto` (`X-Forwarded-Proto`), `x_host` (`X-Forwarded-Host`), `x_port`
(`X-Forwarded-Port`), `x_prefix` (`X-Forwarded-Prefix`), `1` for one nginx hop. `x_for` and
`x_proto` default to `1` in `ProxyFix`, so they are written as `0` when the proxy does not set that
header: a header the proxy does not set comes straight from the client.

It is unsafe because:
- it changes what `request.remote_addr`, `request.scheme`, `request.host` (and, with `x_prefix`,
  the URL root) mean for the whole app: rate limits, logs, allow-lists, cookies marked `Secure`,
  redirects and `url_for(_external=True)` all follow the headers from then on;
- the counts must equal the real number of proxies that set each header. The fix sees one nginx;
  a load balancer or CDN in front of it needs higher counts;
- trusting more hops than there are lets a client forge its address: it sends its own
  `X-Forwarded-For`, and `ProxyFix` takes it for the proxy's. So does a server port reachable
  without going through the proxy (bind it to loopback or a socket).

No fix when: the proxy sends only `X-Real-IP` or `Forwarded` (`ProxyFix` reads neither: have nginx
set `X-Forwarded-For`); the module already mentions `ProxyFix`; several proxies reaching the app set
different headers; the app is not bound in one plain place (bound twice, under `if`/`try`/`with`,
rebound later, two apps in the factory); or the binding carries `# noqa`. `uwsgi_pass` is not
concerned: `uwsgi_params` passes the client address as `REMOTE_ADDR`.

## Options
`--flask-deploy-context=off` disables this rule. Projects of more than 3000 Python files are not
searched (not judged).

## References
- [Flask: tell Flask it is behind a proxy](https://flask.palletsprojects.com/en/stable/deploying/proxy_fix/)
- [Werkzeug: `ProxyFix`](https://werkzeug.palletsprojects.com/en/stable/middleware/proxy_fix/)
- [nginx: `proxy_set_header`](https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_set_header)
- [gunicorn: `forwarded_allow_ips`](https://docs.gunicorn.org/en/stable/settings.html#forwarded-allow-ips)
"""

    def check_launch(self, launch: Launch, context: DeploymentContext) -> Iterator[Finding]:
        matched = forwarding_proxies(launch, context)
        if not matched:
            return
        if project_handles_forwarding(context) is not False:
            return
        proxy = matched[0]
        forwarded = forwarded_headers(proxy)
        reads = project_reads(context)
        if reads is None:
            return
        address = "address" in reads and any(h in ("x-forwarded-for", "x-real-ip", "forwarded") for h in forwarded)
        wrong_scheme = "scheme" in reads and "x-forwarded-proto" in forwarded and launch.server != GUNICORN
        if not address and not wrong_scheme:
            return  # the app reads nothing the proxy's address or scheme would make wrong
        line = min(proxy.header_lines[h] for h in forwarded)
        shown = ", ".join(_title(h) for h in forwarded)
        scheme = ""
        if "x-forwarded-proto" in forwarded and launch.server != GUNICORN:
            scheme = " and `url_for(_external=True)` builds http:// URLs"
        if not address:
            where = _where(reads["scheme"], context.root)
            message = (f"the proxy sets {shown} but no `ProxyFix` wraps `app.wsgi_app`: the app sees http:// for "
                       f"every request, so `url_for(_external=True)` and the scheme it reads ({where}) are wrong")
        elif all(h in ("x-real-ip", "forwarded") for h in forwarded):
            # ProxyFix reads X-Forwarded-* only: adding it alone would not help
            message = (f"the proxy sets {shown}, which neither Flask nor `ProxyFix` reads: `request.remote_addr` is "
                       f"the proxy's address for every request; have the proxy set X-Forwarded-For and wrap "
                       f"`app.wsgi_app` in `ProxyFix`")
        else:
            message = (f"the proxy sets {shown} but no `ProxyFix` wraps `app.wsgi_app`: `request.remote_addr` is "
                       f"the proxy's address for every request{scheme}")
        # the fix (fixes/fdp011.py) needs counts that every proxy of this launch agrees on
        offers_fix = len({tuple(proxyfix_counts(forwarded_headers(p)).items()) for p in matched}) == 1 \
            and bool(proxyfix_counts(forwarded))
        yield Finding(self.code, message, proxy.source.path, line, 0, offers_fix=offers_fix)


def _where(place: Tuple[str, int], root: str) -> str:
    return f"{os.path.relpath(place[0], root).replace(os.sep, '/')}:{place[1]}"


def _title(header: str) -> str:
    return "-".join(part.upper() if part in ("ip", "x") else part.capitalize() for part in header.split("-"))
