"""Bringing comments in from Disqus, WordPress, Isso and Remark42 and
taking them out again (`social-db import` / `social-db export`): each
importer from a sample file made the way its system writes it
(social_test/samples.py), the imported threads on the page (nested, with
their dates), running twice changes nothing, --map, every comment left
out reported with why, export -> import into an empty database -> export
gives the same file, and bad input writes nothing.

The database is shared with every other test module: pages live under a
prefix of this run, and the samples' ids come from a number of this run.
"""

import json
import random
import re
import subprocess
import uuid

import pytest

import harness
from social_test import config, samples
from social_test.client import PAGE_TEMPLATE, Client

RUN = uuid.uuid4().hex[:8]
SITE = "127.0.0.1"          # the harness's ServerName
COLLEAGUE = "colleague-%s" % RUN
COLLEAGUE_MAIL = "colleague-%s@example.org" % RUN

HTTPD_CONF = config.login() + config.optional_login()


def fresh_base():
    return random.randrange(10 ** 9, 10 ** 12)


@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


def social_db(mariadb, *args, database=harness.DB_NAME):
    return subprocess.run([str(harness.SOCIAL_DB_TOOL)] + list(args)
                          + ["--socket=%s" % mariadb.socket, "--user=root",
                             "--database=%s" % database],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)


def run_import(mariadb, fmt, path, *extra, database=harness.DB_NAME, ok=True):
    res = social_db(mariadb, "import", fmt, str(path), "--site=%s" % SITE, *extra,
                    database=database)
    report = res.stderr.decode("utf-8")
    if ok:
        assert res.returncode == 0, report
    return res.returncode, report


def summary(report):
    lines = [l for l in report.splitlines() if " comments imported on " in l]
    assert len(lines) == 1, report
    return lines[0]


def tables_state(mariadb, database=harness.DB_NAME):
    """Row counts and checksums of every table an import writes."""
    rows = mariadb.sql("CHECKSUM TABLE social_pages, social_comments, social_imports, "
                       "social_likes", database=database)
    counts = mariadb.sql("SELECT (SELECT COUNT(*) FROM social_pages), "
                         "(SELECT COUNT(*) FROM social_comments), "
                         "(SELECT COUNT(*) FROM social_imports), "
                         "(SELECT COUNT(*) FROM social_likes)", database=database)
    return rows, counts


def imported(mariadb, source, source_id):
    """The comment a source's comment became: a dict, or None."""
    rows = mariadb.sql(
        "SET time_zone = '+00:00'; SELECT c.id, p.site, p.path, COALESCE(p.title, '-'), COALESCE(c.parent_id, 0), "
        "c.root_id, c.author, c.author_name, c.body, c.status, "
        "DATE_FORMAT(c.created_at, '%%Y-%%m-%%dT%%H:%%i:%%s.%%f'), "
        "COALESCE(DATE_FORMAT(c.edited_at, '%%Y-%%m-%%dT%%H:%%i:%%s'), '-'), i.likes "
        "FROM social_imports i JOIN social_comments c ON c.id = i.comment_id "
        "JOIN social_pages p ON p.id = c.page_id "
        "WHERE i.source = '%s' AND i.source_id = '%s'" % (source, source_id))
    if not rows:
        return None
    keys = ("id", "site", "path", "title", "parent", "root", "author", "name", "body",
            "status", "created", "edited", "likes")
    row = dict(zip(keys, rows[0]))
    for k in ("id", "parent", "root", "likes"):
        row[k] = int(row[k])
    return row


@pytest.fixture(scope="module")
def colleague(mariadb, tmp_path_factory):
    """A colleague the people table knows, with the e-mail address the
    Disqus sample's second comment was written with."""
    path = tmp_path_factory.mktemp("people") / "people.csv"
    path.write_text("user,name,email\n%s,Carla Colleague,%s\n" % (COLLEAGUE, COLLEAGUE_MAIL),
                    encoding="utf-8")
    res = social_db(mariadb, "people", str(path))
    assert res.returncode == 0, res.stderr
    return COLLEAGUE


# ------------------------------------------------------------------ Disqus

def test_disqus_threads_render_on_the_page_nested_with_their_dates(
        server, mariadb, colleague, tmp_path):
    base = fresh_base()
    data, ids = samples.disqus(base, colleague_email=COLLEAGUE_MAIL.upper())
    path = tmp_path / "disqus.xml"
    path.write_bytes(data)
    prefix = "/imp-%s/" % RUN
    page = prefix + "2019/offsite.html"
    server.write_file(page, PAGE_TEMPLATE.format(title="Offsite"))
    server.write_file(prefix + "2019/canteen.html", PAGE_TEMPLATE.format(title="Canteen"))
    _, report = run_import(mariadb, "disqus", path,
                           "--map=https://old.example.com/blog/=%s" % prefix)

    # what is in the database
    top = imported(mariadb, "disqus", ids["top"])
    assert top is not None, report
    assert (top["site"], top["path"], top["title"]) == (SITE, page, "Offsite 2019")
    assert top["author"] == "import:disqus:janeguest" and top["name"] == "Jane Guest"
    assert top["body"] == ("Great **offsite**, thanks!\n\n"
                           "The [agenda](https://example.com/agenda) is here.")
    assert top["created"] == "2019-03-04T10:00:00.000000"
    assert top["parent"] == 0 and top["root"] == top["id"] and top["status"] == "visible"
    reply = imported(mariadb, "disqus", ids["reply"])
    assert (reply["parent"], reply["root"]) == (top["id"], top["id"])
    # known by her e-mail (in any letter case): the colleague herself
    assert (reply["author"], reply["name"]) == (COLLEAGUE, "Carla Colleague")
    reply2 = imported(mariadb, "disqus", ids["reply2"])
    assert (reply2["parent"], reply2["root"]) == (reply["id"], top["id"])
    assert reply2["body"] == "Third level: *really*."
    # the deleted comment stays as an empty placeholder for its reply
    gone = imported(mariadb, "disqus", ids["deleted"])
    assert (gone["status"], gone["body"]) == ("deleted", "")
    orphan = imported(mariadb, "disqus", ids["orphan_reply"])
    assert orphan["parent"] == gone["id"] and orphan["author"] == "import:disqus:Bob-Outside"
    assert imported(mariadb, "disqus", ids["on_b"])["body"] == "Menus & prices:\n\n- soup\n- salad"
    hostile = imported(mariadb, "disqus", ids["hostile"])
    assert hostile["body"] == "Look here" and hostile["name"] == "<b>Mallory</b>"
    assert imported(mariadb, "disqus", ids["spam"]) is None
    assert imported(mariadb, "disqus", ids["on_gone"]) is None
    # no e-mail address of anybody the people table does not know is kept
    # (the file's addresses, not every example.com person other tests made)
    outside = sorted({e.decode().lower() for e in re.findall(rb"<email>([^<]*)</email>", data)}
                     - {COLLEAGUE_MAIL.lower(), ""})
    assert outside
    assert mariadb.sql("SELECT COUNT(*) FROM social_people WHERE LOWER(email) IN (%s)"
                       " OR user LIKE 'import:%%'"
                       % ", ".join("'%s'" % e.replace("'", "''") for e in outside)) == [["0"]]

    # what the report says
    assert "skipped disqus post %s: marked as spam" % ids["spam"] in report
    assert "skipped disqus post %s: its thread was deleted" % ids["on_gone"] in report
    assert ("disqus post %s is deleted: kept as an empty placeholder" % ids["deleted"]) in report
    assert summary(report).endswith(
        "7 comments imported on 2 pages (1 of them empty placeholders, 1 by colleagues "
        "found by e-mail), 0 already there, 2 skipped (its thread was deleted: 1, "
        "marked as spam: 1)"), report

    # the page: threads nested, dates right, names and text escaped
    alice = Client(server, "alice")
    d = alice.discussion(page)
    items = d.items
    assert set(items) == {top["id"], reply["id"], reply2["id"], gone["id"], orphan["id"]}
    assert d.depth(top["id"]) == 1 and d.depth(reply["id"]) == 2 and d.depth(reply2["id"]) == 3
    assert items[top["id"]] in items[reply["id"]].ancestors()
    assert items[reply["id"]] in items[reply2["id"]].ancestors()
    assert items[gone["id"]] in items[orphan["id"]].ancestors()
    assert "social-tombstone" in items[gone["id"]].classes
    assert d.author(top["id"]) == "Jane Guest" and d.author(reply["id"]) == "Carla Colleague"
    times = {cid: items[cid].find("time").get("datetime") for cid in (top["id"], reply["id"],
                                                                         reply2["id"])}
    assert times == {top["id"]: "2019-03-04T10:00:00Z", reply["id"]: "2019-03-04T11:15:30Z",
                     reply2["id"]: "2019-03-05T09:45:00Z"}
    body = page_html(alice, page)
    assert b"Great <strong>offsite</strong>, thanks!" in body
    assert b'<a href="https://example.com/agenda" rel="nofollow noopener">agenda</a>' in body
    canteen = page_html(alice, prefix + "2019/canteen.html")
    assert b"&lt;b&gt;Mallory&lt;/b&gt;" in canteen and b"<b>Mallory" not in canteen
    assert b"<script>alert" not in canteen and b"onerror" not in canteen
    assert b"javascript:" not in canteen
    # the API lists them in threads, with the replies' parents
    listing = alice.listing(page)["comments"]
    parents = {c["id"]: c.get("parent") for c in listing}
    assert parents.get(reply2["id"]) == reply["id"], listing


def page_html(client, page):
    """The page as the client gets it."""
    return client.page(page).body


# ------------------------------------------------- the other three systems

def import_sample(fmt, tmp_path, base, prefix):
    mapping = "--map=https://old.example.com/blog/=%s" % prefix
    if fmt == "wordpress":
        data, ids = samples.wordpress(base)
        path = tmp_path / "wordpress.xml"
        path.write_bytes(data)
    elif fmt == "isso":
        path = tmp_path / "isso.db"
        ids = samples.isso(str(path), base)
        mapping = "--map=/blog/=%s" % prefix
    elif fmt == "remark42":
        data, ids = samples.remark42(base)
        path = tmp_path / "remark42.gz"
        path.write_bytes(data)
    else:
        data, ids = samples.disqus(base)
        path = tmp_path / "disqus.xml"
        path.write_bytes(data)
    return path, ids, mapping


def test_wordpress_comments_come_in_and_pingbacks_pending_spam_trash_stay_out(
        mariadb, tmp_path):
    prefix = "/wp-%s/" % RUN
    path, ids, mapping = import_sample("wordpress", tmp_path, fresh_base(), prefix)
    code, report = run_import(mariadb, "wordpress", path, mapping)
    first = imported(mariadb, "wordpress", ids["first"])
    assert (first["path"], first["title"]) == (prefix + "2019/07/travel-policy/",
                                               "Travel policy 2019")
    assert first["body"] == ("Does this cover **trains**?\nAnd night buses?\n\n"
                             "Thanks & regards")
    assert first["created"] == "2019-07-02T08:30:00.000000"
    assert (first["author"], first["name"]) == ("import:wordpress:Walter-Visitor",
                                                "Walter Visitor")
    answer = imported(mariadb, "wordpress", ids["answer"])
    assert answer["parent"] == first["id"] and answer["body"] == "Yes, trains too."
    for key, why in (("pingback", "a pingback, not a comment"),
                     ("pending", "pending approval"), ("spam", "marked as spam"),
                     ("trash", "deleted")):
        assert imported(mariadb, "wordpress", ids[key]) is None
        assert "skipped wordpress comment %s (post %s): %s" % (ids[key], ids["post"], why) \
            in report, report
    assert "2 comments imported on 1 pages" in summary(report)
    assert "4 skipped" in summary(report)


def test_isso_comments_come_in_with_their_likes_counted(mariadb, tmp_path):
    prefix = "/isso-%s/" % RUN
    path, ids, mapping = import_sample("isso", tmp_path, fresh_base(), prefix)
    code, report = run_import(mariadb, "isso", path, mapping)
    top = imported(mariadb, "isso", ids["top"])
    assert (top["path"], top["title"]) == (prefix + "isso-post.html", "Isso post")
    assert top["body"] == "Hello **world**, *from* Isso."
    assert top["created"] == "2019-01-01T11:00:00.250000"
    assert top["likes"] == 3 and top["name"] == "Iris Isso"
    assert top["author"] == "import:isso:Iris-Isso"
    reply = imported(mariadb, "isso", ids["reply"])
    assert reply["parent"] == top["id"] and reply["body"] == "A reply\nover two lines."
    assert reply["edited"] == "2019-01-01T13:00:00" and reply["name"] == "Guest"
    # no person is made up for a like the source only counted
    assert mariadb.sql("SELECT COUNT(*) FROM social_likes WHERE target_kind = 'comment' "
                       "AND target_id = %d" % top["id"]) == [["0"]]
    assert "skipped isso comment %s: pending approval" % ids["pending"] in report
    assert "skipped isso comment %s: deleted" % ids["deleted"] in report
    assert "2 comments imported on 1 pages" in summary(report)


def test_remark42_backup_comes_in_with_up_votes_as_its_like_count(mariadb, tmp_path):
    prefix = "/r42-%s/" % RUN
    path, ids, mapping = import_sample("remark42", tmp_path, fresh_base(), prefix)
    code, report = run_import(mariadb, "remark42", path, mapping)
    top = imported(mariadb, "remark42", ids["top"])
    assert (top["path"], top["title"]) == (prefix + "r42.html", "Remark post")
    assert top["body"] == "Remark with a [link](https://example.org/x) and `code`."
    assert top["created"] == "2020-02-03T10:05:06.789000"      # -06:00 as UTC
    assert (top["author"], top["name"]) == ("import:remark42:github_1f2e", "R\u00e9my Mark")
    assert top["likes"] == 2                                   # two up, one down
    reply = imported(mariadb, "remark42", ids["reply"])
    assert reply["parent"] == top["id"] and reply["edited"] == "2020-02-04T10:05:00"
    assert "skipped remark42 comment %s (line 4): deleted" % ids["deleted"] in report
    assert "2 comments imported on 1 pages" in summary(report)


# ------------------------------------------------------- running it twice

@pytest.mark.parametrize("fmt", ["disqus", "wordpress", "isso", "remark42"])
def test_importing_the_same_file_again_changes_nothing(mariadb, tmp_path, fmt):
    prefix = "/twice-%s-%s/" % (fmt, RUN)
    path, ids, mapping = import_sample(fmt, tmp_path, fresh_base(), prefix)
    code, first = run_import(mariadb, fmt, path, mapping)
    made = int(re.search(r"(\d+) comments imported", summary(first)).group(1))
    assert made >= 2, first
    before = tables_state(mariadb)
    code, second = run_import(mariadb, fmt, path, mapping)
    assert tables_state(mariadb) == before
    assert "0 comments imported on 0 pages" in summary(second), second
    assert "%d already there" % made in summary(second), second


# --------------------------------------------------------------- URLs

def test_addresses_become_page_keys_by_their_path_or_by_the_map_rule(mariadb, tmp_path):
    base = fresh_base()
    extra = """
    <post dsq:id="{id}">
        <message><![CDATA[<p>On another host</p>]]></message>
        <createdAt>2019-05-01T10:00:00Z</createdAt>
        <isDeleted>false</isDeleted>
        <isSpam>false</isSpam>
        <author><email/><name>Host Two</name><isAnonymous>true</isAnonymous></author>
        <thread dsq:id="{thread}"/>
    </post>""".format(id=base + 100, thread=base + 200)
    extra = """
    <thread dsq:id="{thread}">
        <link>http://legacy.example.net/Old%20Blog/./2019/../index.html?utm=1#top</link>
        <title>Legacy index</title>
        <isDeleted>false</isDeleted>
    </thread>""".format(thread=base + 200) + extra
    data, ids = samples.disqus(base, posts_extra=extra)
    path = tmp_path / "disqus.xml"
    path.write_bytes(data)
    prefix = "/mapped-%s/" % RUN
    code, report = run_import(mariadb, "disqus", path,
                              "--map=https://old.example.com/blog/=%s" % prefix,
                              "--map=https://old.example.com/=/unused-%s/" % RUN)
    # the longest rule wins; a host without a rule gives its path alone,
    # made canonical as the module makes page keys
    assert imported(mariadb, "disqus", ids["top"])["path"] == prefix + "2019/offsite.html"
    assert imported(mariadb, "disqus", str(base + 100))["path"] == "/Old%20Blog/"
    # a second file without --map: the old path itself
    base2 = fresh_base()
    data, ids2 = samples.disqus(base2)
    path2 = tmp_path / "disqus2.xml"
    path2.write_bytes(data)
    run_import(mariadb, "disqus", path2)
    assert imported(mariadb, "disqus", ids2["top"])["path"] == "/blog/2019/offsite.html"
    # a rule that is not OLD=NEW is refused before anything is read
    code, report = run_import(mariadb, "disqus", path2, "--map=nothing", ok=False)
    assert code == 1 and "--map nothing: want OLD=NEW" in report


def test_a_dry_run_reports_and_writes_nothing(mariadb, tmp_path):
    path, ids, mapping = import_sample("wordpress", tmp_path, fresh_base(), "/dry-%s/" % RUN)
    before = tables_state(mariadb)
    code, report = run_import(mariadb, "wordpress", path, mapping, "--dry-run")
    assert tables_state(mariadb) == before
    assert "dry run, nothing written: 2 comments imported" in summary(report)
    assert "skipped wordpress comment %s" % ids["spam"] in report


# ---------------------------------------------------------- export, round trip

@pytest.fixture
def empty_database(mariadb):
    name = "social_rt_%s_%s" % (RUN, uuid.uuid4().hex[:6])
    res = social_db(mariadb, "upgrade", database=name)
    assert res.returncode == 0, res.stderr
    yield name
    mariadb.sql("DROP DATABASE `%s`" % name, database=None)


def export(mariadb, *args, database=harness.DB_NAME):
    res = social_db(mariadb, "export", *args, database=database)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_export_import_export_gives_the_same_file(server, mariadb, tmp_path, empty_database):
    prefix = "/rt-%s/" % RUN
    # imported comments of two systems, and comments written here, with
    # likes of people, a hidden one and a passage comment
    for fmt in ("disqus", "isso"):
        path, ids, mapping = import_sample(fmt, tmp_path, fresh_base(), prefix)
        run_import(mariadb, fmt, path, mapping)
    page = prefix + "native.html"
    server.write_file(page, PAGE_TEMPLATE.format(title="Native"))
    alice, bob, carol = (Client(server, u) for u in ("alice", "bob", "carol"))
    first = alice.create(page, "Written here, **with** style")
    second = bob.create(page, "A reply \u00e9\u00e8 \U0001F600", parent=first["id"])
    hidden = bob.create(page, "to be hidden")
    assert bob.api("PUT", "comments/%d/like" % first["id"]).status == 200
    assert carol.api("PUT", "comments/%d/like" % first["id"]).status == 200
    mariadb.sql("UPDATE social_comments SET status = 'hidden' WHERE id = %d" % hidden["id"])
    mariadb.sql("UPDATE social_comments SET anchor_exact = 'opening hours', anchor_prefix = "
                "'Caf\u00e9 ', anchor_suffix = ' & the', anchor_position = 5 WHERE id = %d"
                % second["id"])

    one = export(mariadb, "--site=%s" % SITE, "--page=%s" % prefix)
    doc = json.loads(one)
    assert doc["format"] == "mod_social-comments" and doc["version"] == 1
    pages = {p["page"]: p for p in doc["pages"]}
    assert set(pages) == {prefix + "2019/offsite.html", prefix + "2019/canteen.html",
                          prefix + "isso-post.html", page}
    native = pages[page]["comments"]
    assert [c["body"] for c in native] == ["Written here, **with** style",
                                           "A reply \u00e9\u00e8 \U0001F600", "to be hidden"]
    assert native[0]["ref"] == "mod_social:%s/%d" % (SITE, first["id"])
    assert native[1]["parent"] == native[0]["ref"] and native[2]["status"] == "hidden"
    assert sorted(l["user"] for l in native[0]["likes"]) == ["bob", "carol"]
    assert native[1]["anchor"]["exact"] == "opening hours"
    isso_top = [c for c in pages[prefix + "isso-post.html"]["comments"]
                if c["parent"] is None][0]
    assert isso_top["ref"].startswith("isso:") and isso_top["source_likes"] == 3

    dump = tmp_path / "one.json"
    dump.write_bytes(one)
    code, report = run_import(mariadb, "mod_social", dump, database=empty_database)
    assert summary(report).endswith(" 0 already there, 0 skipped"), report
    assert ": skipped " not in report, report
    two = export(mariadb, "--site=%s" % SITE, "--page=%s" % prefix, database=empty_database)
    assert two == one
    # and once more into the same database: nothing changes
    before = tables_state(mariadb, empty_database)
    code, report = run_import(mariadb, "mod_social", dump, database=empty_database)
    assert tables_state(mariadb, empty_database) == before
    assert "0 comments imported" in summary(report)
    # read back into the database it came from: every comment is there already
    before = tables_state(mariadb)
    code, report = run_import(mariadb, "mod_social", dump)
    assert tables_state(mariadb) == before
    assert "0 comments imported on 0 pages" in summary(report), report
    assert "%d already there" % sum(len(p["comments"]) for p in doc["pages"]) \
        in summary(report), report


# --------------------------------------------------------------- bad input

def bad_files(tmp_path):
    base = fresh_base()
    disqus, _ = samples.disqus(base)
    wxr, _ = samples.wordpress(base)
    truncated = tmp_path / "truncated.xml"
    truncated.write_bytes(disqus[:len(disqus) // 2])
    wxr_path = tmp_path / "wxr.xml"
    wxr_path.write_bytes(wxr)
    disqus_path = tmp_path / "disqus.xml"
    disqus_path.write_bytes(disqus)
    text = tmp_path / "notes.txt"
    text.write_text("just some notes\n")
    remark_bad = tmp_path / "remark.json"
    remark_bad.write_text('{"version":1,"users":[],"posts":[]}\n{"id": "x", "text": \n')
    export_bad = tmp_path / "export.json"
    export_bad.write_text(json.dumps({"format": "mod_social-comments", "version": 1,
                                      "pages": [{"site": SITE, "page": "/x.html",
                                                 "comments": [{"ref": "mod_social:x/1"}]}]}))
    return {
        "truncated": ("disqus", truncated, "not well-formed XML"),
        "wxr as disqus": ("disqus", wxr_path, "not a Disqus export: the root element is <rss>"),
        "disqus as wordpress": ("wordpress", disqus_path,
                                "not a WordPress WXR file: the root element is <disqus>"),
        "xml as isso": ("isso", disqus_path, "not an Isso database: not an SQLite 3 file"),
        "text as remark42": ("remark42", text, "line 1: not JSON"),
        "broken remark42 line": ("remark42", remark_bad, "line 2: not JSON"),
        "export without fields": ("mod_social", export_bad,
                                  'pages[0].comments[0]: "author" is not a string'),
        "missing file": ("disqus", tmp_path / "nowhere.xml", "No such file"),
    }


@pytest.mark.parametrize("case", ["truncated", "wxr as disqus", "disqus as wordpress",
                                  "xml as isso", "text as remark42", "broken remark42 line",
                                  "export without fields", "missing file"])
def test_bad_input_is_refused_clearly_and_writes_nothing(mariadb, tmp_path, case):
    fmt, path, why = bad_files(tmp_path)[case]
    before = tables_state(mariadb)
    code, report = run_import(mariadb, fmt, path, ok=False)
    assert code == 1, report
    assert why in report, report
    assert report.rstrip().endswith("social-db: nothing imported"), report
    assert tables_state(mariadb) == before


def test_a_database_error_halfway_writes_nothing(mariadb, tmp_path, empty_database):
    """One transaction: a statement the database refuses late in the
    import (here a trigger on the last comment, standing in for a full
    disk or a lost connection) leaves no page and no comment behind."""
    base = fresh_base()
    data, ids = samples.disqus(base)
    path = tmp_path / "disqus.xml"
    path.write_bytes(data)
    # (strict mode refuses -1 in an unsigned column)
    mariadb.sql("CREATE TRIGGER refuse_one BEFORE INSERT ON social_imports FOR EACH ROW "
                "SET NEW.likes = IF(NEW.source_id = '%s', -1, NEW.likes)" % ids["hostile"],
                database=empty_database)
    code, report = run_import(mariadb, "disqus", path, database=empty_database, ok=False)
    assert code == 1 and "Out of range value" in report and "nothing imported" in report
    assert mariadb.sql("SELECT (SELECT COUNT(*) FROM social_pages), "
                       "(SELECT COUNT(*) FROM social_comments), "
                       "(SELECT COUNT(*) FROM social_imports)",
                       database=empty_database) == [["0", "0", "0"]]
    # without the trigger the same file goes in whole
    mariadb.sql("DROP TRIGGER refuse_one", database=empty_database)
    code, report = run_import(mariadb, "disqus", path, database=empty_database)
    assert "7 comments imported on 2 pages" in summary(report)


def test_an_old_schema_is_refused_with_what_to_do(mariadb, tmp_path, empty_database):
    path, ids, mapping = import_sample("isso", tmp_path, fresh_base(), "/old-%s/" % RUN)
    mariadb.sql("DELETE FROM social_schema_version WHERE version >= 12",
                database=empty_database)
    code, report = run_import(mariadb, "isso", path, database=empty_database, ok=False)
    assert code == 1 and "run social-db upgrade first" in report
