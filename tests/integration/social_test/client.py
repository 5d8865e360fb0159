"""Visitors of the test server: HTTP Basic users or anonymous ones, on the
JSON API, the HTML forms and the pages; fresh pages to work on."""

import base64
import json
import uuid
from urllib.parse import quote, urlencode

from .html import Discussion, social_div

API = "/_social/api/v1"
USERS = ("alice", "bob", "carol", "dave")
ALICE_NAME = "Alice Liddell"
ALICE_MAIL = "alice@example.org"

PAGE_TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
</head>
<body>
<h1>{title}</h1>
<p>Caf\u00e9 opening hours & the new travel policy.</p>
</body>
</html>
"""



def basic_auth(user, password=None):
    raw = ("%s:%s" % (user, user if password is None else password)).encode()
    return "Basic " + base64.b64encode(raw).decode()


class Client:
    """One visitor: a Basic user, or anonymous (user None)."""

    def __init__(self, server, user=None):
        self.server = server
        self.user = user

    @property
    def origin(self):
        return "http://127.0.0.1:%d" % self.server.port

    def headers(self, extra=None, write=False):
        hdrs = {}
        if self.user is not None:
            hdrs["Authorization"] = basic_auth(self.user)
        if write:
            hdrs["Origin"] = self.origin
        hdrs.update(extra or {})
        return hdrs

    def request(self, method, path, body=None, headers=None):
        write = method not in ("GET", "HEAD")
        return self.server.request(method, path, self.headers(headers, write), body=body)

    def get(self, path, headers=None):
        return self.request("GET", path, headers=headers)

    # -- JSON API

    def api(self, method, rel, doc=None, raw=None, headers=None,
            content_type="application/json"):
        body = raw
        if doc is not None:
            body = json.dumps(doc).encode()
        hdrs = {}
        if body is not None and content_type is not None:
            hdrs["Content-Type"] = content_type
        hdrs.update(headers or {})
        return self.request(method, API + "/" + rel, body=body, headers=hdrs)

    def create(self, page, text, parent=None, **kw):
        doc = {"page": page, "body": text}
        if parent is not None:
            doc["parent"] = parent
        resp = self.api("POST", "comments", doc, **kw)
        assert resp.status == 201, (resp, resp.body)
        return resp.json()

    def listing(self, page):
        resp = self.api("GET", "comments?page=" + quote(page, safe="/"))
        assert resp.status == 200, (resp, resp.body)
        return resp.json()

    def patch(self, cid, doc, **kw):
        return self.api("PATCH", "comments/%d" % cid, doc, **kw)

    def delete(self, cid, **kw):
        return self.api("DELETE", "comments/%d" % cid, **kw)

    def me(self, page=None, headers=None):
        rel = "me" if page is None else "me?page=" + quote(page, safe="/")
        resp = self.api("GET", rel, headers=headers)
        assert resp.status == 200, (resp, resp.body)
        return resp.json()

    # -- HTML

    def page(self, path):
        resp = self.get(path)
        assert resp.status == 200, (resp, resp.body[:300])
        return resp

    def discussion(self, path):
        return Discussion(social_div(self.page(path).body))

    def fragment(self, page):
        resp = self.get("/_social/fragment?page=" + quote(page, safe="/"))
        assert resp.status == 200, (resp, resp.body[:300])
        return resp

    def token(self, path):
        return self.discussion(path).token()

    def form(self, rel, fields, headers=None):
        hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
        hdrs.update(headers or {})
        return self.request("POST", "/_social/comments" + rel,
                            body=urlencode(fields).encode(), headers=hdrs)




def fresh_page(server, area="", title=None, content=None, name=None):
    """A new page file; returns its URL path."""
    token = uuid.uuid4().hex[:12]
    name = name or "p-%s.html" % token
    path = ("/%s/%s" % (area.strip("/"), name)) if area else "/" + name
    if content is None:
        content = PAGE_TEMPLATE.format(title=title or "Page " + token)
    server.write_file(path, content)
    return path
