"""Error answers and comment items as the tests expect them."""

import re
from datetime import datetime, timezone

from harness import BLOCK_START

ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")


def assert_json_error(resp, status, code=None):
    assert resp.status == status, (resp, resp.body[:500])
    assert resp.content_type.startswith("application/json"), resp.content_type
    doc = resp.json()
    assert isinstance(doc.get("error"), dict), doc
    assert isinstance(doc["error"].get("message"), str) and doc["error"]["message"], doc
    if code is None:
        assert isinstance(doc["error"].get("code"), str) and doc["error"]["code"], doc
    else:
        assert doc["error"].get("code") == code, doc
    assert BLOCK_START not in resp.body
    return doc


def assert_html_error(resp, status):
    assert resp.status == status, (resp, resp.body[:500])
    assert resp.content_type.startswith("text/html"), resp.content_type
    assert b"<html" in resp.body.lower()
    assert str(status).encode() in resp.body
    loc = resp.header("Location")
    assert loc is None or (loc.startswith("/") and not loc.startswith("//")), loc


def by_id(doc):
    return {c["id"]: c for c in doc["comments"]}


def parse_iso(value):
    assert ISO_Z.match(value), value
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def assert_item_shape(item):
    assert set(item) >= {"id", "parent", "page", "status", "depth", "created", "edited",
                         "author", "body", "in_reply_to", "can"}, item
    assert isinstance(item["id"], int) and not isinstance(item["id"], bool)
    assert item["parent"] is None or isinstance(item["parent"], int)
    assert item["status"] in ("visible", "hidden", "deleted")
    assert item["depth"] in (1, 2, 3)
    parse_iso(item["created"])
    assert item["edited"] is None or ISO_Z.match(item["edited"])
    assert set(item["can"]) == {"edit", "delete", "moderate", "reply"}, item["can"]
    assert all(isinstance(v, bool) for v in item["can"].values())
    if item["author"] is not None:
        assert set(item["author"]) >= {"user", "name"}
