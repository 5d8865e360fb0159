"""Sample files of the comment systems `social-db import` reads, written
the way each system writes them (the shapes cite where they come from),
with ids from `base` so that every test run brings in comments of its own
(social_imports is shared by every test on the database).

Each builder returns the file's bytes (or, for Isso, writes the database)
and a dict naming the ids it used.
"""

import gzip
import json
import sqlite3
from xml.sax.saxutils import escape


def cdata(text):
    return "<![CDATA[%s]]>" % text.replace("]]>", "]]]]><![CDATA[>")


# Disqus XML export: the shape Disqus documents ("Comments Export",
# help.disqus.com) and that umputun/remark42's
# backend/app/migrator/testdata/disqus2.xml holds: a <disqus> root in the
# http://disqus.com namespace with dsq: (http://disqus.com/disqus-internals)
# ids; <category>, <thread dsq:id> (<id>, <forum>, <category>, <link>,
# <title>, <message>, <createdAt>, <author>, <ipAddress>, <isClosed>,
# <isDeleted>), then <post dsq:id> (<id>, <message> with HTML in CDATA,
# <createdAt>, <isDeleted>, <isSpam>, <author> (<email>, <name>,
# <isAnonymous>, <username>), <ipAddress>, <thread dsq:id/>, and
# <parent dsq:id/> for a reply).
def disqus(base, host="https://old.example.com", colleague_email="",
           posts_extra=""):
    ids = {k: str(base + n) for n, k in enumerate(
        ["thread_a", "thread_b", "thread_gone", "top", "reply", "reply2", "spam",
         "deleted", "orphan_reply", "on_gone", "on_b", "hostile"], 1)}

    def thread(key, link, title, deleted="false"):
        return """
    <thread dsq:id="{id}">
        <id>{link}</id>
        <forum>oldblog</forum>
        <category dsq:id="707279"/>
        <link>{link}</link>
        <title>{title}</title>
        <message/>
        <createdAt>2019-03-01T08:00:00Z</createdAt>
        <author>
            <email>editor@example.com</email>
            <name>Editor</name>
            <isAnonymous>false</isAnonymous>
            <username>editor</username>
        </author>
        <ipAddress>192.0.2.1</ipAddress>
        <isClosed>false</isClosed>
        <isDeleted>{deleted}</isDeleted>
    </thread>""".format(id=ids[key], link=escape(link), title=escape(title), deleted=deleted)

    def post(key, thread_key, message, created, name, username, email="",
             parent=None, deleted="false", spam="false"):
        parent_el = '\n        <parent dsq:id="%s"/>' % ids[parent] if parent else ""
        user_el = "\n            <username>%s</username>" % username if username else ""
        return """
    <post dsq:id="{id}">
        <id>wp_id={id}</id>
        <message>{message}</message>
        <createdAt>{created}</createdAt>
        <isDeleted>{deleted}</isDeleted>
        <isSpam>{spam}</isSpam>
        <author>
            <email>{email}</email>
            <name>{name}</name>
            <isAnonymous>{anon}</isAnonymous>{user}
        </author>
        <ipAddress>198.51.100.7</ipAddress>
        <thread dsq:id="{thread}"/>{parent}
    </post>""".format(id=ids[key], message=cdata(message), created=created, deleted=deleted,
                      spam=spam, email=escape(email), name=escape(name),
                      anon="false" if username else "true", user=user_el,
                      thread=ids[thread_key], parent=parent_el)

    xml = """<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://disqus.com/api/schemas/1.0/disqus.xsd http://disqus.com/api/schemas/1.0/disqus-internals.xsd">
    <category dsq:id="707279">
        <forum>oldblog</forum>
        <title>General</title>
        <isDefault>true</isDefault>
    </category>"""
    xml += thread("thread_a", host + "/blog/2019/offsite.html", "Offsite 2019")
    xml += thread("thread_b", host + "/blog/2019/canteen.html", "Canteen & menus")
    xml += thread("thread_gone", host + "/blog/2019/gone.html", "Gone", deleted="true")
    xml += post("top", "thread_a",
                '<p>Great <b>offsite</b>, thanks!</p><p>The <a href="https://example.com/agenda" '
                'rel="nofollow noopener" title="agenda">agenda</a> is here.</p>',
                "2019-03-04T10:00:00Z", "Jane Guest", "janeguest")
    xml += post("reply", "thread_a", "<p>Agreed, see you there.</p>",
                "2019-03-04T11:15:30Z", "Colleague", "colleague-disqus",
                email=colleague_email, parent="top")
    xml += post("reply2", "thread_a", "<p>Third level: <i>really</i>.</p>",
                "2019-03-05T09:45:00Z", "Jane Guest", "janeguest", parent="reply")
    xml += post("spam", "thread_a", "<p>Cheap watches</p>", "2019-03-05T10:00:00Z",
                "Spammer", "spammer", spam="true")
    xml += post("deleted", "thread_a", "<p>I take it back</p>", "2019-03-06T10:00:00Z",
                "Regretful", "regretful", deleted="true")
    xml += post("orphan_reply", "thread_a", "<p>Answering a deleted comment.</p>",
                "2019-03-06T12:00:00Z", "Bob Outside", "", parent="deleted")
    xml += post("on_gone", "thread_gone", "<p>On a deleted thread</p>",
                "2019-03-07T10:00:00Z", "Jane Guest", "janeguest")
    xml += post("on_b", "thread_b", "<p>Menus &amp; prices:</p><ul><li>soup</li><li>salad</li></ul>",
                "2019-04-01T12:00:00Z", "Jane Guest", "janeguest")
    xml += post("hostile", "thread_b",
                '<p>Look <script>alert(1)</script><img src=x onerror="alert(2)"> '
                '<a href="javascript:alert(3)">here</a></p>',
                "2019-04-02T12:00:00Z", "<b>Mallory</b>", "mallory")
    xml += posts_extra
    xml += "\n</disqus>\n"
    return xml.encode("utf-8"), ids


# WordPress WXR 1.2, as wp-admin/includes/export.php (WordPress/WordPress)
# writes it: an RSS 2.0 <rss> with the excerpt, content, wfw, dc and wp
# (http://wordpress.org/export/1.2/) namespaces; <channel> with
# <wp:wxr_version>1.2</wp:wxr_version>, <wp:base_site_url>,
# <wp:base_blog_url>; one <item> per post with <title>, <link>, <pubDate>,
# <dc:creator>, <guid>, <content:encoded>, <wp:post_id>, <wp:post_date_gmt>,
# <wp:post_type>, <wp:status>, and one <wp:comment> per comment:
# wp:comment_id, comment_author, comment_author_email, comment_author_url,
# comment_author_IP, comment_date, comment_date_gmt, comment_content,
# comment_approved (1, 0, spam, trash), comment_type (comment, pingback,
# trackback; "" in older files), comment_parent, comment_user_id.
def wordpress(base, host="https://old.example.com"):
    ids = {k: str(base + n) for n, k in enumerate(
        ["post", "first", "answer", "pingback", "pending", "spam", "trash"], 1)}

    def comment(key, author, email, date_gmt, content, approved="1", kind="comment",
                parent="0"):
        return """
		<wp:comment>
			<wp:comment_id>{id}</wp:comment_id>
			<wp:comment_author>{author}</wp:comment_author>
			<wp:comment_author_email>{email}</wp:comment_author_email>
			<wp:comment_author_url>https://example.net/</wp:comment_author_url>
			<wp:comment_author_IP>{ip}</wp:comment_author_IP>
			<wp:comment_date>{local}</wp:comment_date>
			<wp:comment_date_gmt>{gmt}</wp:comment_date_gmt>
			<wp:comment_content>{content}</wp:comment_content>
			<wp:comment_approved>{approved}</wp:comment_approved>
			<wp:comment_type>{kind}</wp:comment_type>
			<wp:comment_parent>{parent}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>""".format(id=ids[key], author=cdata(author), email=cdata(email),
                                ip=cdata("203.0.113.9"), local=cdata(date_gmt),
                                gmt=cdata(date_gmt), content=cdata(content),
                                approved=cdata(approved), kind=cdata(kind),
                                parent=ids[parent] if parent != "0" else "0")

    xml = """<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="http://wordpress.org/export/1.2/"
>
<channel>
	<title>Old blog</title>
	<link>{host}/blog</link>
	<description>Just another WordPress site</description>
	<pubDate>Mon, 01 Jul 2019 10:00:00 +0000</pubDate>
	<language>en-US</language>
	<wp:wxr_version>1.2</wp:wxr_version>
	<wp:base_site_url>{host}/blog</wp:base_site_url>
	<wp:base_blog_url>{host}/blog</wp:base_blog_url>
	<generator>https://wordpress.org/?v=5.2.2</generator>
	<item>
		<title>Travel policy 2019</title>
		<link>{host}/blog/2019/07/travel-policy/</link>
		<pubDate>Mon, 01 Jul 2019 09:00:00 +0000</pubDate>
		<dc:creator>{editor}</dc:creator>
		<guid isPermaLink="false">{host}/blog/?p={post}</guid>
		<description></description>
		<content:encoded>{body}</content:encoded>
		<excerpt:encoded>{empty}</excerpt:encoded>
		<wp:post_id>{post}</wp:post_id>
		<wp:post_date>{date}</wp:post_date>
		<wp:post_date_gmt>{date}</wp:post_date_gmt>
		<wp:comment_status>{open}</wp:comment_status>
		<wp:ping_status>{open}</wp:ping_status>
		<wp:post_name>{name}</wp:post_name>
		<wp:status>{publish}</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>{kind}</wp:post_type>
		<wp:post_password>{empty}</wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>""".format(
        host=host, editor=cdata("editor"), post=ids["post"], body=cdata("<p>The policy.</p>"),
        empty=cdata(""), date=cdata("2019-07-01 09:00:00"), open=cdata("open"),
        name=cdata("travel-policy"), publish=cdata("publish"), kind=cdata("post"))
    xml += comment("first", "Walter Visitor", "walter@example.net", "2019-07-02 08:30:00",
                   "Does this cover <strong>trains</strong>?\nAnd night buses?\n\n"
                   "Thanks &amp; regards")
    xml += comment("answer", "Editor", "editor@example.com", "2019-07-02 09:05:10",
                   "Yes, trains too.", parent="first")
    xml += comment("pingback", "Another blog", "", "2019-07-03 10:00:00",
                   "[&#8230;] see the travel policy [&#8230;]", kind="pingback")
    xml += comment("pending", "Waiting Person", "wait@example.net", "2019-07-04 10:00:00",
                   "Still in the queue", approved="0")
    xml += comment("spam", "Spam Bot", "bot@example.net", "2019-07-05 10:00:00",
                   "Buy now", approved="spam")
    xml += comment("trash", "Trashed", "t@example.net", "2019-07-06 10:00:00",
                   "Binned", approved="trash")
    xml += "\n\t</item>\n</channel>\n</rss>\n"
    return xml.encode("utf-8"), ids


# Isso's SQLite database, with the tables as isso/db/threads.py and
# isso/db/comments.py (isso-comments/isso) create them; text is the
# Markdown as written, created/modified Unix time as REAL, mode 1
# accepted, 2 pending, 4 deleted; voters a Bloom filter (256 bytes).
def isso(path, base, uri="/blog/isso-post.html"):
    ids = {k: base + n for n, k in enumerate(["thread", "top", "reply", "pending", "deleted"], 1)}
    db = sqlite3.connect(path)
    db.executescript("""
        CREATE TABLE IF NOT EXISTS preferences (key VARCHAR PRIMARY KEY, value VARCHAR);
        CREATE TABLE IF NOT EXISTS threads (
            id INTEGER PRIMARY KEY, uri VARCHAR(256) UNIQUE, title VARCHAR(256));
        CREATE TABLE IF NOT EXISTS comments (
            tid REFERENCES threads(id), id INTEGER PRIMARY KEY, parent INTEGER,
            created FLOAT NOT NULL, modified FLOAT, mode INTEGER, remote_addr VARCHAR,
            text VARCHAR, author VARCHAR, email VARCHAR, website VARCHAR,
            likes INTEGER DEFAULT 0, dislikes INTEGER DEFAULT 0, voters BLOB NOT NULL,
            notification INTEGER NOT NULL DEFAULT 0);
    """)
    db.execute("INSERT INTO preferences VALUES ('session-key', '0123456789abcdef')")
    db.execute("INSERT INTO threads (id, uri, title) VALUES (?, ?, ?)",
               (ids["thread"], uri, "Isso post"))
    voters = bytes(256)
    rows = [
        (ids["top"], None, 1546340400.25, None, 1, "Hello **world**, *from* Isso.",
         "Iris Isso", "iris@example.net", 3),
        (ids["reply"], ids["top"], 1546344000.0, 1546347600.0, 1, "A reply\nover two lines.",
         None, None, 0),
        (ids["pending"], None, 1546350000.0, None, 2, "Not yet approved", "Pat", None, 0),
        (ids["deleted"], None, 1546360000.0, None, 4, "", None, None, 0),
    ]
    for cid, parent, created, modified, mode, text, author, email, likes in rows:
        db.execute("INSERT INTO comments (tid, id, parent, created, modified, mode, remote_addr, "
                   "text, author, email, website, likes, dislikes, voters, notification) "
                   "VALUES (?, ?, ?, ?, ?, ?, '192.0.2.0', ?, ?, ?, NULL, ?, 0, ?, 0)",
                   (ids["thread"], cid, parent, created, modified, mode, text, author, email,
                    likes, voters))
    db.commit()
    db.close()
    return {k: str(v) for k, v in ids.items()}


# Remark42 backup, as backend/app/migrator/native.go (umputun/remark42)
# writes it (gzipped in var/backup): a first line of meta
# {"version":1,"users":[...],"posts":[...]}, then one store.Comment per
# line (backend/app/store/comment.go, user.go): id, pid, text (HTML),
# orig, user {name, id, picture, ip, admin}, locator {site, url}, score,
# votes {user id: up?}, time (RFC 3339), edit {time, summary}, delete,
# title.
def remark42(base, host="https://old.example.com", gzipped=True):
    ids = {k: "%s-%d" % (k, base) for k in ("top", "reply", "deleted")}
    url = host + "/blog/r42.html"
    meta = {"version": 1,
            "users": [{"id": "github_1f2e", "blocked": {"status": False,
                                                        "until": "0001-01-01T00:00:00Z"},
                       "verified": True}],
            "posts": [{"url": url, "read_only": False}]}

    def comment(key, pid, text, user_name, user_id, time, votes=None, score=0, deleted=False,
                edit=None):
        c = {"id": ids[key], "pid": ids[pid] if pid else "", "text": text,
             "user": {"name": user_name, "id": user_id, "picture": "",
                      "ip": "293ec5b0cf154855258824ec7fac5dc63d176915", "admin": False},
             "locator": {"site": "oldblog", "url": url}, "score": score,
             "votes": votes or {}, "time": time, "title": "Remark post"}
        if deleted:
            c["delete"] = True
        if edit:
            c["edit"] = {"time": edit, "summary": ""}
        return json.dumps(c, ensure_ascii=False)

    lines = [json.dumps(meta),
             comment("top", None, '<p>Remark with a <a href="https://example.org/x" '
                     'rel="nofollow">link</a> and <code>code</code>.</p>\n',
                     "Rémy Mark", "github_1f2e", "2020-02-03T04:05:06.789-06:00",
                     votes={"github_aa": True, "google_bb": True, "github_cc": False}, score=1),
             comment("reply", "top", "<p>Reply to Rémy</p>\n", "Anon Visitor",
                     "anonymous_3c4d", "2020-02-04T10:00:00Z",
                     edit="2020-02-04T10:05:00Z"),
             comment("deleted", None, "", "deleted", "deleted", "2020-02-05T10:00:00Z",
                     deleted=True)]
    data = ("\n".join(lines) + "\n").encode("utf-8")
    return (gzip.compress(data) if gzipped else data), ids
