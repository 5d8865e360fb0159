"""The module's own endpoint (default base /_social): health, assets and
errors, and health while the database goes away and comes back."""

import re
import time

import pytest

import harness
from harness import BLOCK_START, main_blocks, strip_blocks

HEALTH = "/_social/api/v1/health"

PAGE = b"""<!DOCTYPE html>
<html><head><title>Home</title></head>
<body><h1>Intranet home</h1><p>Welcome.</p></body>
</html>
"""

HTTPD_FILES = {
    "index.html": PAGE,
    # files where the endpoint lives must never be served
    "_social/api/v1/health": b"<html><body>a file, not the endpoint</body></html>\n",
    "_social/index.html": b"<html><body>a file under the endpoint</body></html>\n",
}

# While the database is stopped, mod_dbd and the module say so.
DB_DOWN_ALLOW = (
    r"\[dbd:",
    r"(?i)SOCIAL\d{4}:.*(database|dbd|mysql|mariadb|connect|sql|schema)",
)

ASSET_TYPES = {"social.js": "javascript", "social.css": "text/css"}


def health(server):
    resp = server.get(HEALTH)
    assert resp.content_type.startswith("application/json"), resp.content_type
    return resp, resp.json()


def assert_json_error(resp, status, code=None):
    """{"error": {"code": ..., "message": ...}} with this status."""
    assert resp.status == status, resp
    assert resp.content_type.startswith("application/json"), resp.content_type
    doc = resp.json()
    assert isinstance(doc.get("error"), dict), doc
    if code is None:
        assert isinstance(doc["error"].get("code"), str) and doc["error"]["code"], doc
    else:
        assert doc["error"].get("code") == code, doc
    assert isinstance(doc["error"].get("message"), str) and doc["error"]["message"]
    assert BLOCK_START not in resp.body


def schema_version(db):
    rows = db.sql("SELECT MAX(version) FROM social_schema_version")
    return int(rows[0][0])


@pytest.fixture(scope="module")
def version(httpd):
    resp, doc = health(httpd)
    assert isinstance(doc.get("version"), str) and doc["version"]
    return doc["version"]


# ---------------------------------------------------------------- health

def test_health_ok(httpd, mariadb):
    resp, doc = health(httpd)
    assert resp.status == 200
    assert doc["status"] == "ok"
    assert doc["database"] == "ok"
    assert isinstance(doc["schema"], int) and not isinstance(doc["schema"], bool)
    assert doc["schema"] == schema_version(mariadb)
    assert re.fullmatch(r"[A-Za-z0-9._+~-]+", doc["version"]), doc["version"]
    assert BLOCK_START not in resp.body


def test_health_head(httpd):
    get = httpd.get(HEALTH)
    head = httpd.head(HEALTH)
    assert head.status == get.status == 200
    assert head.raw_body == b""
    assert head.content_type == get.content_type


def test_health_post_is_405_with_allow(httpd):
    resp = httpd.post(HEALTH, b"{}", {"Content-Type": "application/json"})
    assert resp.status == 405
    allow = [m.strip().upper() for m in (resp.header("Allow") or "").split(",")]
    assert "GET" in allow, resp.headers
    assert "POST" not in allow
    assert_json_error(resp, 405)


def test_endpoint_is_a_handler_not_a_file(httpd):
    resp, doc = health(httpd)
    assert b"a file" not in resp.body
    resp = httpd.get("/_social/index.html")
    assert b"a file under the endpoint" not in resp.body
    assert_json_error(resp, 404, "not_found")


@pytest.mark.parametrize("path", ["/_social/nope", "/_social/api/v1/nope",
                                  "/_social/api/v2/health", "/_social/api/v1/health/x",
                                  "/_social/", "/_social/assets/"])
def test_unknown_endpoint_path_is_404_json(httpd, path):
    assert_json_error(httpd.get(path), 404, "not_found")


def test_endpoint_base_without_slash_is_not_a_prefix_match(httpd):
    # /_socialist is an ordinary (missing) file, not part of the endpoint
    resp = httpd.get("/_socialist/api/v1/health")
    assert resp.status == 404
    assert not resp.content_type.startswith("application/json")


# ---------------------------------------------------------------- assets

@pytest.mark.parametrize("name", sorted(ASSET_TYPES))
def test_assets_served_immutable(httpd, version, name):
    resp = httpd.get("/_social/assets/%s/%s" % (version, name))
    assert resp.status == 200
    assert ASSET_TYPES[name] in resp.content_type, resp.content_type
    cache = resp.header("Cache-Control") or ""
    assert "max-age=31536000" in cache and "immutable" in cache, cache
    assert resp.body == (harness.ASSET_DIR / name).read_bytes()
    assert BLOCK_START not in resp.body


def test_asset_head(httpd, version):
    get = httpd.get("/_social/assets/%s/social.js" % version)
    head = httpd.head("/_social/assets/%s/social.js" % version)
    assert head.status == 200
    assert head.raw_body == b""
    assert head.content_type == get.content_type
    assert head.content_length in (None, len(get.body))


def test_asset_wrong_version_is_404(httpd, version):
    resp = httpd.get("/_social/assets/%s-old/social.js" % version)
    assert_json_error(resp, 404, "not_found")
    assert "immutable" not in (resp.header("Cache-Control") or "")


@pytest.mark.parametrize("name", ["nope.js", "social.js.map", ".htaccess", "", "social.js/x"])
def test_asset_unknown_file_is_404(httpd, version, name):
    assert_json_error(httpd.get("/_social/assets/%s/%s" % (version, name)),
                      404, "not_found")


@pytest.mark.parametrize("tail", ["..%2f..%2f..%2fetc%2fpasswd",
                                  "%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                                  "..%5c..%5cetc%5cpasswd"])
def test_asset_path_traversal_refused(httpd, version, tail):
    resp = httpd.get("/_social/assets/%s/%s" % (version, tail))
    assert resp.status in (400, 403, 404), resp
    assert b"root:" not in resp.body


def test_block_asset_urls_match_health_version(httpd, version):
    resp = httpd.get("/index.html")
    assert strip_blocks(resp.body) == PAGE
    block = main_blocks(resp.body)[0][2]
    urls = re.findall(rb'(?:href|src)="(/_social/assets/[^"]+)"', block)
    assert sorted(re.sub(r"\?v=[0-9a-f]{16}$", "", u.decode()) for u in urls) == [
        "/_social/assets/%s/messages-en.js" % version,
        "/_social/assets/%s/social.css" % version,
        "/_social/assets/%s/social.js" % version]
    for url in urls:
        assert httpd.get(url.decode()).status == 200


# ---------------------------------------------------------------- custom base

def test_custom_endpoint_base(httpd_factory):
    server = httpd_factory(files={"index.html": PAGE},
                           conf="SocialEndpoint /community\n", name="custom-base")
    resp, doc = health_at(server, "/community/api/v1/health")
    assert doc["status"] == "ok"
    page = server.get("/index.html")
    assert strip_blocks(page.body) == PAGE
    block = main_blocks(page.body)[0][2]
    assert harness.block_attr(block, "data-social-endpoint") == "/community"
    assert b'src="/community/assets/%s/social.js"' % doc["version"].encode() in block
    assert server.get("/_social/api/v1/health").status == 404
    server.stop()


def health_at(server, path):
    resp = server.get(path)
    assert resp.status == 200, resp
    return resp, resp.json()


def test_relative_endpoint_base_refused(mariadb):
    server = harness.Httpd(db=mariadb, conf="SocialEndpoint community\n",
                           name="bad-base")
    try:
        code, output = server.config_test()
    finally:
        server.cleanup()
    assert code != 0, output
    assert "SocialEndpoint" in output, output


def test_health_and_pages_after_graceful_restart(httpd, mariadb):
    httpd.graceful()
    for _ in range(3):
        resp, doc = health(httpd)
        assert resp.status == 200
        assert doc["status"] == "ok" and doc["schema"] == schema_version(mariadb)
        page = httpd.get("/index.html")
        assert strip_blocks(page.body) == PAGE
        assert len(main_blocks(page.body)) == 1


# ---------------------------------------------------------------- database

@pytest.fixture(scope="module")
def restartable_db(mariadb):
    """A MariaDB the tests may stop: the session's one, or a private one
    when the session uses a server started outside the tests."""
    if mariadb.controllable:
        yield mariadb
        return
    db = harness.MariaDB(use_env=False)
    try:
        db.setup()
        yield db
    finally:
        db.close()


@pytest.fixture(scope="module")
def db_httpd(restartable_db, mariadb, httpd, httpd_factory):
    if restartable_db is mariadb:
        return httpd
    return httpd_factory(files=HTTPD_FILES, db=restartable_db, name="own-db")


def wait_for_health(server, database, timeout=15):
    deadline = time.monotonic() + timeout
    while True:
        resp, doc = health(server)
        if doc.get("database") == database:
            return resp, doc
        if time.monotonic() > deadline:
            pytest.fail("health still says %r after %ds (wanted database=%s)"
                        % (doc, timeout, database))
        time.sleep(0.2)


def assert_degraded_but_serving(server):
    resp, doc = health(server)
    assert resp.status in (200, 503), resp
    assert doc["database"] == "down", doc
    assert doc["status"] == "degraded", doc
    assert doc["schema"] is None, doc
    # pages are still served while the database is away
    page = server.get("/index.html")
    assert page.status == 200
    assert strip_blocks(page.body) == PAGE


def test_health_follows_database_stop_and_start(db_httpd, restartable_db):
    db_httpd.allow_errors(*DB_DOWN_ALLOW)
    wait_for_health(db_httpd, "ok")
    restartable_db.stop()
    try:
        assert_degraded_but_serving(db_httpd)
        assert_degraded_but_serving(db_httpd)  # and again, from a pool in trouble
    finally:
        restartable_db.start()
    resp, doc = wait_for_health(db_httpd, "ok")
    assert resp.status == 200
    assert doc["status"] == "ok"
    assert doc["schema"] == schema_version(restartable_db)


def test_health_recovers_after_database_crash(db_httpd, restartable_db):
    db_httpd.allow_errors(*DB_DOWN_ALLOW)
    wait_for_health(db_httpd, "ok")
    restartable_db.kill9()
    try:
        assert_degraded_but_serving(db_httpd)
    finally:
        restartable_db.start()
    resp, doc = wait_for_health(db_httpd, "ok")
    assert doc["status"] == "ok"
