"""The bundle page's Content-Security-Policy, made from the page itself.

Only the page's own scripts and styles run (each allowed by its SHA-256 hash, so no
other inline script, handler or style can), it loads only its own audio and cover from
its folder, and it cannot connect anywhere (no fetch, no XHR, no form). The policy is
written last, over the whole page, so a script added to it (a programme's) is allowed
as well.
"""

from __future__ import annotations

import base64
import hashlib
import re

# the page's own <meta> in <head>: nothing filled in can make one (data has no '<')
_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')


def content_policy(page: str) -> str:
    def hashes(tag: str) -> str:
        found = re.findall(rf"<{tag}>(.*?)</{tag}>", page, re.S)  # not the JSON data element
        return " ".join("'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest())
                        .decode() + "'" for body in found)

    return (f"default-src 'none'; script-src {hashes('script')}; style-src {hashes('style')}; "
            "img-src 'self'; media-src 'self'; connect-src 'none'; form-action 'none'; "
            "base-uri 'none'")


def with_policy(page: str) -> str:
    """``page`` with its policy filled in (again, after anything was added to it)."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{content_policy(page)}">'
    return _META.sub(lambda _m: meta, page, count=1)
