"""Polls declared by page markers: creation on the first page view, the
placeholder and the rendered poll, the JSON API, the HTML forms, results
visibility, closing, and edits of the marker in the page file.

The intranet is behind login (alice, bob, carol, dave; carol is the
moderator); /pub-read and /pub-write are public folders, /deferred renders
with SocialRender Deferred. Every test works on pages of its own.
"""

import re
import time
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlencode

import pytest

from harness import BLOCK_END, BLOCK_START, find_blocks
from social_test import config
from social_test.asserts import assert_html_error, assert_json_error
from social_test.html import parse_html

HTTPD_CONF = r"""
# The module's notices (SOCIAL0601, SOCIAL0602) say how polls change.
LogLevel warn social:notice
""" + (config.login() + config.optional_login()
       + config.block("/deferred", "SocialRender Deferred")
       + config.anonymous("/pub-read", "Read") + config.anonymous("/pub-write", "Write"))

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<p>Before the poll.</p>
{markers}
<p>After the poll.</p>
</body>
</html>
"""

LUNCH = '<!--social:poll name="lunch" question="Lunch on Friday?" options="Pizza|Sushi|Salad"-->'

CROSS_SITE = [{"Origin": "http://evil.example"}, {"Origin": "null"},
              {"Sec-Fetch-Site": "cross-site"}]

ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


# ---------------------------------------------------------------- helpers

def q(page):
    return quote(page, safe="/")


def page_text(*markers, title="Poll page"):
    return PAGE.format(title=title, markers="\n".join(markers))


def poll_page(server, *markers, area=""):
    """A new page file with these markers (not served yet); its path."""
    name = "poll-%s.html" % uuid.uuid4().hex[:12]
    path = "/%s/%s" % (area, name) if area else "/" + name
    server.write_file(path, page_text(*markers))
    return path


def edit_page(server, path, *markers):
    """Rewrite the page file between requests, as an author would."""
    server.write_file(path, page_text(*markers), mtime=time.time())


def served(client, path):
    resp = client.get(path)
    assert resp.status == 200, (resp, resp.body[:300])
    return resp


def polls(client, path):
    resp = client.api("GET", "polls?page=" + q(path))
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()["polls"]


def the_poll(client, path, name=None):
    found = [p for p in polls(client, path) if name is None or p["name"] == name]
    assert len(found) == 1, found
    return found[0]


def created_poll(client, path, name=None):
    """View the page (which creates its polls), then the poll."""
    served(client, path)
    return the_poll(client, path, name)


def vote(client, poll_id, choices, headers=None):
    return client.api("PUT", "polls/%d/vote" % poll_id, {"choices": choices}, headers=headers)


def vote_ok(client, poll_id, choices):
    resp = vote(client, poll_id, choices)
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()


def patch(client, poll_id, doc, headers=None):
    return client.api("PATCH", "polls/%d" % poll_id, doc, headers=headers)


def index_of(poll, label):
    [index] = [o["index"] for o in poll["options"] if o["label"] == label]
    return index


def votes(poll):
    """{label: votes} of the options shown."""
    return {o["label"]: o["votes"] for o in poll["options"]}


def labels(poll):
    return [o["label"] for o in poll["options"]]


def poll_div(body, name):
    """The placeholder element of poll `name` in a served page."""
    root = parse_html(body)
    div = root.find("div", id="poll-" + name)
    assert div is not None, "no div#poll-%s in the page" % name
    return div


def form_post(client, path, fields, headers=None):
    hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
    hdrs.update(headers or {})
    return client.request("POST", path, body=urlencode(fields, doseq=True).encode(),
                          headers=hdrs)


def vote_form(div):
    found = [f for f in div.find_all("form") if any(
        i.get("name") == "action" and i.get("value") == "vote" for i in f.find_all("input"))]
    return found[0] if found else None


def hidden_fields(form):
    return {i.get("name"): i.get("value", "") for i in form.find_all("input")
            if i.get("type") == "hidden"}


def figures(div):
    """{label: figure text} of the rendered results ('' if hidden)."""
    out = {}
    for li in div.find_all("li"):
        label = li.find("label") or li.find(cls="social-poll-label")
        if label is None:
            continue
        text = " ".join(label.text().split())
        text = re.sub(r"\s*your choice$", "", text)
        fig = li.find(cls="social-poll-figure")
        out[text] = "" if fig is None else " ".join(fig.text().split())
    return out


def log_lines_since(server, offset, pattern):
    return [line for line in server.error_log_lines(offset) if re.search(pattern, line)]


def assert_poll_shape(poll):
    assert set(poll) >= {"id", "page", "name", "question", "multiple", "closes", "closed",
                         "results", "ballots", "options", "my_choices", "can_vote"}, poll
    assert isinstance(poll["id"], int) and not isinstance(poll["id"], bool)
    assert isinstance(poll["multiple"], bool) and isinstance(poll["closed"], bool)
    assert isinstance(poll["can_vote"], bool)
    assert poll["closes"] is None or ISO_Z.match(poll["closes"]), poll["closes"]
    assert poll["results"] in ("always", "after-vote", "after-close")
    assert poll["ballots"] is None or isinstance(poll["ballots"], int)
    indexes = [o["index"] for o in poll["options"]]
    assert len(set(indexes)) == len(indexes)
    for option in poll["options"]:
        assert set(option) >= {"index", "label", "votes"}
        assert isinstance(option["index"], int)
        assert option["votes"] is None or isinstance(option["votes"], int)
    assert all(isinstance(i, int) for i in poll["my_choices"])


# ---------------------------------------------------------------- creation and HTML

def test_poll_is_created_the_first_time_the_page_is_served(server, alice):
    path = poll_page(server, LUNCH)
    assert polls(alice, path) == []
    poll = created_poll(alice, path)
    assert_poll_shape(poll)
    assert poll["page"] == path
    assert poll["name"] == "lunch"
    assert poll["question"] == "Lunch on Friday?"
    assert poll["multiple"] is False
    assert poll["closes"] is None and poll["closed"] is False
    assert poll["results"] == "always"
    assert poll["ballots"] == 0
    assert labels(poll) == ["Pizza", "Sushi", "Salad"]
    assert votes(poll) == {"Pizza": 0, "Sushi": 0, "Salad": 0}
    assert poll["my_choices"] == [] and poll["can_vote"] is True
    resp = alice.api("GET", "polls/%d" % poll["id"])
    assert resp.status == 200
    assert resp.json() == poll
    # a second view creates nothing new
    served(alice, path)
    assert [p["id"] for p in polls(alice, path)] == [poll["id"]]


def test_served_page_keeps_the_marker_and_adds_the_poll(server, alice, strip_blocks):
    path = poll_page(server, LUNCH)
    resp = served(alice, path)
    assert strip_blocks(resp.body) == server.file_bytes(path)
    marker = LUNCH.encode()
    at = resp.body.index(marker) + len(marker)
    block = [b for b in find_blocks(resp.body) if b[0] == at]
    assert len(block) == 1, resp.body[at:at + 200]
    block = block[0][2]
    assert block.endswith(b"</div>" + BLOCK_END)
    [element] = [n for n in parse_html(block[len(BLOCK_START):]).children
                 if not isinstance(n, str)]
    assert element.tag == "div"
    assert element.classes[:2] == ["social-marker", "social-marker-poll"]
    assert element.get("id") == "poll-lunch"
    assert element.get("data-social-name") == "lunch"
    poll = the_poll(alice, path)
    div = poll_div(resp.body, "lunch")
    section = div.find("section", cls="social-poll")
    assert section is not None
    question = section.find("h2", cls="social-poll-question")
    assert question is not None and question.text().strip() == "Lunch on Friday?"
    form = vote_form(section)
    assert form is not None
    assert form.get("method", "").lower() == "post"
    assert form.get("action") == "/_social/polls/%d" % poll["id"]
    assert hidden_fields(form)["token"]
    inputs = [i for i in form.find_all("input") if i.get("name") == "choice"]
    assert [i.get("type") for i in inputs] == ["radio"] * 3
    assert [int(i.get("value")) for i in inputs] == [o["index"] for o in poll["options"]]
    assert figures(section) == {"Pizza": "0 votes (0%)", "Sushi": "0 votes (0%)",
                                "Salad": "0 votes (0%)"}
    assert len(section.find_all(cls="social-poll-bar")) == 3


def test_multiple_choice_poll_has_checkboxes(server, alice):
    path = poll_page(server, '<!--social:poll name="langs" question="Languages?" '
                             'options="C|Python|Rust|Go" multiple-->')
    resp = served(alice, path)
    poll = the_poll(alice, path)
    assert poll["multiple"] is True
    form = vote_form(poll_div(resp.body, "langs"))
    inputs = [i for i in form.find_all("input") if i.get("name") == "choice"]
    assert [i.get("type") for i in inputs] == ["checkbox"] * 4


def test_results_text_and_bars(server, alice, bob, carol):
    path = poll_page(server, LUNCH)
    poll = created_poll(alice, path)
    vote_ok(alice, poll["id"], [index_of(poll, "Pizza")])
    vote_ok(bob, poll["id"], [index_of(poll, "Pizza")])
    vote_ok(carol, poll["id"], [index_of(poll, "Sushi")])
    div = poll_div(served(alice, path).body, "lunch")
    figs = figures(div)
    assert figs["Pizza"] == "2 votes (67%)"
    assert re.fullmatch(r"1 votes? \(33%\)", figs["Sushi"]), figs
    assert figs["Salad"] == "0 votes (0%)"
    bars = div.find_all(cls="social-poll-bar")
    widths = [re.search(r"width:\s*(\d+)%", " ".join(
        n.get("style", "") for n in bar.iter())) for bar in bars]
    assert [int(m.group(1)) for m in widths] == [67, 33, 0]


def test_two_polls_on_one_page(server, alice):
    path = poll_page(server, LUNCH, '<!--social:poll name="drinks" question="Drinks?" '
                                    'options="Coffee|Tea"-->')
    resp = served(alice, path)
    found = polls(alice, path)
    assert sorted(p["name"] for p in found) == ["drinks", "lunch"]
    poll_div(resp.body, "lunch")
    poll_div(resp.body, "drinks")
    drinks = the_poll(alice, path, "drinks")
    vote_ok(alice, drinks["id"], [index_of(drinks, "Tea")])
    assert the_poll(alice, path, "lunch")["ballots"] == 0
    assert the_poll(alice, path, "drinks")["ballots"] == 1


def test_polls_are_per_page(server, alice):
    one = poll_page(server, LUNCH)
    two = poll_page(server, LUNCH)
    first = created_poll(alice, one)
    second = created_poll(alice, two)
    assert first["id"] != second["id"]
    vote_ok(alice, first["id"], [index_of(first, "Pizza")])
    assert the_poll(alice, two)["ballots"] == 0


def test_deferred_page_has_an_empty_placeholder_and_the_poll_endpoint(server, alice,
                                                                       strip_blocks):
    path = poll_page(server, LUNCH, area="deferred")
    resp = served(alice, path)
    assert strip_blocks(resp.body) == server.file_bytes(path)
    div = poll_div(resp.body, "lunch")
    assert div.get("data-social-name") == "lunch"
    assert "social-marker-poll" in div.classes
    assert all(isinstance(c, str) and not c.strip() for c in div.children), div.children
    assert b"Lunch on Friday?" not in resp.body.replace(LUNCH.encode(), b"")
    # the poll exists all the same
    poll = the_poll(alice, path)
    frag = alice.get("/_social/poll?page=%s&name=lunch" % q(path))
    assert frag.status == 200, (frag, frag.body[:300])
    assert frag.content_type.startswith("text/html")
    assert BLOCK_START not in frag.body
    section = parse_html(frag.body).find("section", cls="social-poll")
    assert section is not None
    assert section.find("h2", cls="social-poll-question").text().strip() == "Lunch on Friday?"
    assert vote_form(section).get("action") == "/_social/polls/%d" % poll["id"]
    resp = alice.get("/_social/poll?page=%s&name=nosuch" % q(path))
    assert resp.status == 404
    resp = alice.get("/_social/poll?page=%s" % q(path))
    assert resp.status == 404


def test_question_and_options_are_text_not_markup(server, alice):
    path = poll_page(server, '<!--social:poll name="esc" '
                             'question="Tea &amp; &lt;b&gt;cake&lt;/b&gt;? &quot;yes&quot;" '
                             'options="&lt;i&gt;A&lt;/i&gt;|B &amp; C"-->')
    resp = served(alice, path)
    poll = the_poll(alice, path)
    assert poll["question"] == 'Tea & <b>cake</b>? "yes"'
    assert labels(poll) == ["<i>A</i>", "B & C"]
    section = poll_div(resp.body, "esc").find("section", cls="social-poll")
    question = section.find("h2", cls="social-poll-question")
    assert question.text().strip() == 'Tea & <b>cake</b>? "yes"'
    assert question.find("b") is None and section.find("i") is None
    assert set(figures(section)) == {"<i>A</i>", "B & C"}


@pytest.mark.parametrize("spelling", [" lunch ", "l&#x75;nch", "&#108;unch"])
def test_placeholder_names_the_poll_by_its_name(server, alice, spelling):
    """The marker's name as the poll has it (decoded, trimmed) is the one
    the placeholder, the redirect after a vote and the poll endpoint use."""
    marker = LUNCH.replace('name="lunch"', 'name="%s"' % spelling)
    path = poll_page(server, marker)
    resp = served(alice, path)
    poll = the_poll(alice, path)
    assert poll["name"] == "lunch"
    div = poll_div(resp.body, "lunch")
    assert div.get("data-social-name") == "lunch"
    fields = dict(hidden_fields(vote_form(div)), choice=str(index_of(poll, "Pizza")))
    resp = form_post(alice, "/_social/polls/%d" % poll["id"], fields)
    assert resp.header("Location") == path + "?social=voted#poll-lunch"
    deferred = poll_page(server, marker, area="deferred")
    div = poll_div(served(alice, deferred).body, "lunch")
    resp = alice.get("/_social/poll?page=%s&name=%s" % (q(deferred),
                                                        quote(div.get("data-social-name"))))
    assert resp.status == 200, resp


INVALID_MARKERS = {
    "no-name": '<!--social:poll question="Q?" options="A|B"-->',
    "no-question": '<!--social:poll name="bad" options="A|B"-->',
    "no-options": '<!--social:poll name="bad" question="Q?"-->',
    "one-option": '<!--social:poll name="bad" question="Q?" options="A"-->',
    "duplicate-options": '<!--social:poll name="bad" question="Q?" options="A|B|A"-->',
    "bad-date": '<!--social:poll name="bad" question="Q?" options="A|B" closes="2026-02-30"-->',
    "bad-time": '<!--social:poll name="bad" question="Q?" options="A|B" '
                'closes="2026-12-31T25:00"-->',
    "unknown-attribute": '<!--social:poll name="bad" question="Q?" options="A|B" color="red"-->',
    "bad-results": '<!--social:poll name="bad" question="Q?" options="A|B" results="never"-->',
    "bad-name": '<!--social:poll name="Bad Name" question="Q?" options="A|B"-->',
}


@pytest.mark.parametrize("kind", sorted(INVALID_MARKERS))
def test_invalid_marker_gets_no_placeholder(server, alice, strip_blocks, kind):
    path = poll_page(server, INVALID_MARKERS[kind])
    resp = served(alice, path)
    assert strip_blocks(resp.body) == server.file_bytes(path)
    assert b"social-marker-poll" not in resp.body
    assert b"social-poll" not in resp.body.replace(INVALID_MARKERS[kind].encode(), b"")
    assert INVALID_MARKERS[kind].encode() in resp.body
    # the page is otherwise served normally, with its discussion
    root = parse_html(resp.body)
    assert root.find("div", id="social") is not None
    assert polls(alice, path) == []


def test_invalid_marker_beside_a_valid_one(server, alice):
    path = poll_page(server, INVALID_MARKERS["one-option"], LUNCH)
    resp = served(alice, path)
    assert [p["name"] for p in polls(alice, path)] == ["lunch"]
    assert resp.body.count(b"social-marker-poll") == 1


# ---------------------------------------------------------------- voting by API

def test_vote_and_change_the_vote(server, alice, bob, carol):
    path = poll_page(server, LUNCH)
    poll = created_poll(alice, path)
    pizza, sushi = index_of(poll, "Pizza"), index_of(poll, "Sushi")
    got = vote_ok(alice, poll["id"], [pizza])
    assert_poll_shape(got)
    assert got["id"] == poll["id"]
    assert got["my_choices"] == [pizza]
    assert got["ballots"] == 1
    assert votes(got) == {"Pizza": 1, "Sushi": 0, "Salad": 0}
    assert got["can_vote"] is True
    # the same vote again changes nothing
    assert votes(vote_ok(alice, poll["id"], [pizza])) == {"Pizza": 1, "Sushi": 0, "Salad": 0}
    # a changed vote replaces the old one
    got = vote_ok(alice, poll["id"], [sushi])
    assert got["my_choices"] == [sushi] and got["ballots"] == 1
    assert votes(got) == {"Pizza": 0, "Sushi": 1, "Salad": 0}
    got = vote_ok(bob, poll["id"], [sushi])
    assert got["ballots"] == 2 and got["my_choices"] == [sushi]
    assert votes(got) == {"Pizza": 0, "Sushi": 2, "Salad": 0}
    # each sees their own choices
    assert the_poll(alice, path)["my_choices"] == [sushi]
    assert the_poll(carol, path)["my_choices"] == []


def test_multiple_choice_vote(server, alice, bob):
    path = poll_page(server, '<!--social:poll name="langs" question="Languages?" '
                             'options="C|Python|Rust|Go" multiple-->')
    poll = created_poll(alice, path)
    c, py, rust, go = (index_of(poll, x) for x in ("C", "Python", "Rust", "Go"))
    got = vote_ok(alice, poll["id"], [py, rust])
    assert sorted(got["my_choices"]) == sorted([py, rust])
    assert got["ballots"] == 1
    assert votes(got) == {"C": 0, "Python": 1, "Rust": 1, "Go": 0}
    got = vote_ok(bob, poll["id"], [c, py, rust, go])
    assert got["ballots"] == 2
    assert votes(got) == {"C": 1, "Python": 2, "Rust": 2, "Go": 1}
    got = vote_ok(alice, poll["id"], [go])
    assert got["my_choices"] == [go] and got["ballots"] == 2
    assert votes(got) == {"C": 1, "Python": 1, "Rust": 1, "Go": 2}


@pytest.mark.parametrize("choices", [[], [0, 1], [0, 0], [99], [-1], ["0"], [1.5], [True],
                                     [None], [[0]], "0", 0, None, {"0": 1}])
def test_invalid_choices_single_choice_poll_are_422(server, alice, choices):
    path = poll_page(server, LUNCH)
    poll = created_poll(alice, path)
    pizza = index_of(poll, "Pizza")
    vote_ok(alice, poll["id"], [pizza])
    real = [o["index"] for o in poll["options"]]
    if isinstance(choices, list):
        # choices that name options name real ones; 99 and -1 name none
        choices = [real[c] if type(c) is int and 0 <= c < len(real) else c for c in choices]
        assert 99 not in real
    resp = vote(alice, poll["id"], choices)
    assert_json_error(resp, 422, "invalid_choices")
    after = the_poll(alice, path)
    assert after["my_choices"] == [pizza] and after["ballots"] == 1


def test_invalid_choices_without_the_field_are_422(server, alice):
    poll = created_poll(alice, poll_page(server, LUNCH))
    assert_json_error(alice.api("PUT", "polls/%d/vote" % poll["id"], {"choice": [0]}),
                      422, "invalid_choices")
    resp = alice.api("PUT", "polls/%d/vote" % poll["id"], [0])
    assert resp.status in (400, 422)
    assert_json_error(resp, resp.status)


@pytest.mark.parametrize("picks", [[], ["C", "C"], ["C", 99]])
def test_invalid_choices_multiple_choice_poll_are_422(server, alice, picks):
    path = poll_page(server, '<!--social:poll name="langs" question="Languages?" '
                             'options="C|Python|Rust|Go" multiple-->')
    poll = created_poll(alice, path)
    choices = [index_of(poll, p) if isinstance(p, str) else p for p in picks]
    assert_json_error(vote(alice, poll["id"], choices), 422, "invalid_choices")
    assert the_poll(alice, path)["ballots"] == 0


@pytest.mark.parametrize("area", ["pub-read", "pub-write"])
def test_anonymous_vote_is_401(server, alice, anon, area):
    path = poll_page(server, LUNCH, area=area)
    poll = created_poll(anon, path)
    assert poll["can_vote"] is False and poll["my_choices"] == []
    assert_json_error(vote(anon, poll["id"], [index_of(poll, "Pizza")]), 401)
    assert the_poll(alice, path)["ballots"] == 0
    # the rendered poll offers no vote form to anonymous visitors
    assert vote_form(poll_div(served(anon, path).body, "lunch")) is None


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_cross_site_vote_is_403(server, alice, headers):
    path = poll_page(server, LUNCH)
    poll = created_poll(alice, path)
    assert_json_error(vote(alice, poll["id"], [index_of(poll, "Pizza")], headers), 403)
    assert the_poll(alice, path)["ballots"] == 0


def test_poll_api_errors(server, alice, anon):
    assert_json_error(alice.api("GET", "polls/999999999999"), 404)
    assert_json_error(alice.api("GET", "polls/abc"), 404)
    assert_json_error(vote(alice, 999999999999, [0]), 404)
    assert_json_error(alice.api("GET", "polls"), 400)
    assert_json_error(alice.api("GET", "polls?page=relative.html"), 400)
    assert_json_error(alice.api("GET", "polls?page=/missing-%s.html" % uuid.uuid4().hex), 404)
    # a page behind login
    path = poll_page(server, LUNCH)
    poll = created_poll(alice, path)
    assert_json_error(anon.api("GET", "polls?page=" + q(path)), 401)
    # an id on it answers like an unknown id (no 401 oracle; test_access.py)
    assert_json_error(anon.api("GET", "polls/%d" % poll["id"]), 404, "not_found")


@pytest.mark.parametrize("method,rel,allowed", [
    ("POST", "polls?page=/x.html", {"GET"}),
    ("DELETE", "polls/{id}", {"GET", "PATCH"}),
    ("PUT", "polls/{id}", {"GET", "PATCH"}),
    ("GET", "polls/{id}/vote", {"PUT"}),
    ("POST", "polls/{id}/vote", {"PUT"}),
])
def test_poll_wrong_methods_are_405(server, alice, method, rel, allowed):
    poll = created_poll(alice, poll_page(server, LUNCH))
    resp = alice.api(method, rel.format(id=poll["id"]), raw=b"{}")
    assert_json_error(resp, 405)
    allow = {m.strip().upper() for m in (resp.header("Allow") or "").split(",")}
    assert allowed <= allow and method not in allow, resp.headers


# ---------------------------------------------------------------- closing

def test_moderator_closes_and_reopens(server, alice, bob, carol):
    path = poll_page(server, LUNCH)
    poll = created_poll(alice, path)
    pizza = index_of(poll, "Pizza")
    vote_ok(alice, poll["id"], [pizza])
    resp = patch(carol, poll["id"], {"closed": True})
    assert resp.status == 200, resp.body
    got = resp.json()
    assert got["closed"] is True and got["can_vote"] is False
    assert the_poll(bob, path)["closed"] is True
    assert the_poll(bob, path)["can_vote"] is False
    assert_json_error(vote(bob, poll["id"], [pizza]), 409, "poll_closed")
    assert_json_error(vote(alice, poll["id"], [index_of(poll, "Salad")]), 409, "poll_closed")
    after = the_poll(alice, path)
    assert after["ballots"] == 1 and after["my_choices"] == [pizza]
    # only moderators close and reopen
    assert_json_error(patch(alice, poll["id"], {"closed": False}), 403)
    assert_json_error(patch(bob, poll["id"], {"closed": False}), 403)
    assert the_poll(bob, path)["closed"] is True
    resp = patch(carol, poll["id"], {"closed": False})
    assert resp.status == 200 and resp.json()["closed"] is False
    assert vote_ok(bob, poll["id"], [pizza])["ballots"] == 2
    assert_json_error(patch(bob, poll["id"], {"closed": True}), 403)
    assert the_poll(bob, path)["closed"] is False


@pytest.mark.parametrize("doc", [{}, {"closed": "yes"}, {"closed": 1}, {"question": "x"}])
def test_patch_needs_a_boolean_closed(server, alice, carol, doc):
    poll = created_poll(alice, poll_page(server, LUNCH))
    resp = patch(carol, poll["id"], doc)
    assert resp.status in (400, 422), resp
    assert_json_error(resp, resp.status)
    assert the_poll(alice, poll["page"])["closed"] is False


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_cross_site_close_is_403(server, alice, carol, headers):
    poll = created_poll(alice, poll_page(server, LUNCH))
    assert_json_error(patch(carol, poll["id"], {"closed": True}, headers), 403)
    assert the_poll(alice, poll["page"])["closed"] is False


def test_closes_date_means_open_through_that_day(server, alice):
    path = poll_page(server, '<!--social:poll name="lunch" question="Lunch on Friday?" '
                             'options="Pizza|Sushi|Salad" closes="2026-12-31"-->')
    poll = created_poll(alice, path)
    assert poll["closes"] == "2027-01-01T00:00:00Z"
    now = datetime.now(timezone.utc)
    assert poll["closed"] is (now >= datetime(2027, 1, 1, tzinfo=timezone.utc))


def test_poll_past_its_date_is_closed(server, alice, bob):
    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")
    path = poll_page(server, '<!--social:poll name="past" question="Past?" options="A|B" '
                             'closes="%s"-->' % yesterday)
    poll = created_poll(alice, path)
    end = datetime.strptime(yesterday, "%Y-%m-%d") + timedelta(days=1)
    assert poll["closes"] == end.strftime("%Y-%m-%dT00:00:00Z")
    assert poll["closed"] is True and poll["can_vote"] is False
    assert_json_error(vote(bob, poll["id"], [index_of(poll, "A")]), 409, "poll_closed")
    assert the_poll(bob, path)["ballots"] == 0
    # the page shows results and no vote form
    div = poll_div(served(bob, path).body, "past")
    assert vote_form(div) is None
    assert figures(div) == {"A": "0 votes (0%)", "B": "0 votes (0%)"}


def test_closes_with_a_time_is_exact(server, alice):
    past = (datetime.now(timezone.utc) - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    future = (datetime.now(timezone.utc) + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    path = poll_page(server,
                     '<!--social:poll name="early" question="Q?" options="A|B" '
                     'closes="%s"-->' % past,
                     '<!--social:poll name="later" question="Q?" options="A|B" '
                     'closes="%s"-->' % future)
    served(alice, path)
    early, later = the_poll(alice, path, "early"), the_poll(alice, path, "later")
    assert early["closes"] == past + ":00Z" and early["closed"] is True
    assert later["closes"] == future + ":00Z" and later["closed"] is False
    assert later["can_vote"] is True


def test_closes_date_after_2038_is_kept(server, alice):
    path = poll_page(server, '<!--social:poll name="far" question="Far?" options="A|B" '
                             'closes="2045-06-30"-->')
    poll = created_poll(alice, path)
    assert poll["closes"] == "2045-07-01T00:00:00Z"
    assert poll["closed"] is False


# ---------------------------------------------------------------- results visibility

def test_results_after_vote(server, alice, bob, carol, dave):
    path = poll_page(server, '<!--social:poll name="secret" question="Q?" options="A|B" '
                             'results="after-vote"-->')
    poll = created_poll(alice, path)
    assert poll["results"] == "after-vote"
    a = index_of(poll, "A")
    for client in (alice, bob, dave):
        p = the_poll(client, path)
        assert p["ballots"] is None and all(o["votes"] is None for o in p["options"]), p
    got = vote_ok(alice, poll["id"], [a])
    assert got["ballots"] == 1 and votes(got) == {"A": 1, "B": 0}
    # bob has not voted: still hidden, in JSON and in the page
    p = the_poll(bob, path)
    assert p["ballots"] is None and votes(p) == {"A": None, "B": None}
    div = poll_div(served(bob, path).body, "secret")
    assert figures(div) == {"A": "", "B": ""}
    assert not div.find_all(cls="social-poll-bar")
    # the moderator sees them without voting
    p = the_poll(carol, path)
    assert p["ballots"] == 1 and votes(p) == {"A": 1, "B": 0}
    # bob votes and sees
    got = vote_ok(bob, poll["id"], [index_of(poll, "B")])
    assert votes(got) == {"A": 1, "B": 1} and got["ballots"] == 2
    assert figures(poll_div(served(bob, path).body, "secret"))["A"].startswith("1 vote")
    # closed: everybody sees
    assert votes(the_poll(dave, path)) == {"A": None, "B": None}
    assert patch(carol, poll["id"], {"closed": True}).status == 200
    p = the_poll(dave, path)
    assert p["ballots"] == 2 and votes(p) == {"A": 1, "B": 1}


def test_results_after_close(server, alice, bob, carol):
    path = poll_page(server, '<!--social:poll name="blind" question="Q?" options="A|B" '
                             'results="after-close"-->')
    poll = created_poll(alice, path)
    assert poll["results"] == "after-close"
    got = vote_ok(alice, poll["id"], [index_of(poll, "A")])
    assert got["ballots"] is None and votes(got) == {"A": None, "B": None}
    assert got["my_choices"] == [index_of(poll, "A")]
    assert votes(the_poll(bob, path)) == {"A": None, "B": None}
    assert figures(poll_div(served(alice, path).body, "blind")) == {"A": "", "B": ""}
    p = the_poll(carol, path)
    assert p["ballots"] == 1 and votes(p) == {"A": 1, "B": 0}
    assert patch(carol, poll["id"], {"closed": True}).status == 200
    for client in (alice, bob):
        p = the_poll(client, path)
        assert p["ballots"] == 1 and votes(p) == {"A": 1, "B": 0}
    assert re.fullmatch(r"1 votes? \(100%\)",
                        figures(poll_div(served(bob, path).body, "blind"))["A"])


def test_results_always_even_for_anonymous(server, alice, anon):
    path = poll_page(server, '<!--social:poll name="open" question="Q?" options="A|B" '
                             'results="always"-->', area="pub-read")
    poll = created_poll(alice, path)
    vote_ok(alice, poll["id"], [index_of(poll, "B")])
    p = the_poll(anon, path)
    assert p["ballots"] == 1 and votes(p) == {"A": 0, "B": 1}


def test_results_past_closes_date_are_shown(server, alice, bob):
    path = poll_page(server, '<!--social:poll name="done" question="Q?" options="A|B" '
                             'results="after-close" closes="2026-01-15"-->')
    p = created_poll(alice, path)
    assert p["closed"] is True
    assert p["ballots"] == 0 and votes(p) == {"A": 0, "B": 0}


# ---------------------------------------------------------------- forms

def test_vote_by_form_and_change_it(server, alice, bob):
    path = poll_page(server, LUNCH)
    div = poll_div(served(alice, path).body, "lunch")
    poll = the_poll(alice, path)
    form = vote_form(div)
    fields = hidden_fields(form)
    assert fields["action"] == "vote"
    fields["choice"] = str(index_of(poll, "Sushi"))
    resp = form_post(alice, form.get("action"), fields)
    assert resp.status == 303, (resp, resp.body[:300])
    assert resp.header("Location") == path + "?social=voted#poll-lunch"
    got = the_poll(alice, path)
    assert got["my_choices"] == [index_of(poll, "Sushi")] and got["ballots"] == 1
    # the page shows the choice checked
    div = poll_div(served(alice, path).body, "lunch")
    checked = [i.get("value") for i in div.find_all("input")
               if i.get("name") == "choice" and "checked" in i.attrs]
    assert checked == [str(index_of(poll, "Sushi"))]
    fields = hidden_fields(vote_form(div))
    fields["choice"] = str(index_of(poll, "Salad"))
    assert form_post(alice, form.get("action"), fields).status == 303
    got = the_poll(bob, path)
    assert votes(got) == {"Pizza": 0, "Sushi": 0, "Salad": 1} and got["ballots"] == 1


def test_multiple_choice_vote_by_form(server, alice):
    path = poll_page(server, '<!--social:poll name="langs" question="Languages?" '
                             'options="C|Python|Rust|Go" multiple-->')
    div = poll_div(served(alice, path).body, "langs")
    poll = the_poll(alice, path)
    fields = list(hidden_fields(vote_form(div)).items())
    fields += [("choice", str(index_of(poll, "C"))), ("choice", str(index_of(poll, "Go")))]
    resp = form_post(alice, "/_social/polls/%d" % poll["id"], fields)
    assert resp.status == 303, (resp, resp.body[:300])
    assert resp.header("Location") == path + "?social=voted#poll-langs"
    got = the_poll(alice, path)
    assert sorted(got["my_choices"]) == sorted([index_of(poll, "C"), index_of(poll, "Go")])
    assert votes(got) == {"C": 1, "Python": 0, "Rust": 0, "Go": 1}


def test_vote_form_with_fragment_header_returns_the_poll(server, alice):
    path = poll_page(server, LUNCH)
    div = poll_div(served(alice, path).body, "lunch")
    poll = the_poll(alice, path)
    fields = dict(hidden_fields(vote_form(div)), choice=str(index_of(poll, "Pizza")))
    resp = form_post(alice, "/_social/polls/%d" % poll["id"], fields,
                     headers={"X-Social-Fragment": "1"})
    assert resp.status == 200, (resp, resp.body[:300])
    assert resp.content_type.startswith("text/html")
    assert resp.header("Location") is None
    assert BLOCK_START not in resp.body
    section = parse_html(resp.body).find("section", cls="social-poll")
    assert section is not None
    assert re.fullmatch(r"1 votes? \(100%\)", figures(section)["Pizza"])


def test_vote_form_errors(server, alice, bob):
    path = poll_page(server, LUNCH)
    div = poll_div(served(alice, path).body, "lunch")
    poll = the_poll(alice, path)
    action = "/_social/polls/%d" % poll["id"]
    fields = dict(hidden_fields(vote_form(div)), choice=str(index_of(poll, "Pizza")))
    bobs = hidden_fields(vote_form(poll_div(served(bob, path).body, "lunch")))["token"]
    for token in (None, "", "forged", bobs):
        bad = dict(fields)
        if token is None:
            del bad["token"]
        else:
            bad["token"] = token
        assert_html_error(form_post(alice, action, bad), 403)
    for choice in (None, "99", "x", "-1", "1.5"):
        bad = dict(fields)
        if choice is None:
            del bad["choice"]
        else:
            bad["choice"] = choice
        assert_html_error(form_post(alice, action, bad), 422)
    bad = list(fields.items()) + [("choice", str(index_of(poll, "Sushi")))]
    assert_html_error(form_post(alice, action, bad), 422)
    for headers in CROSS_SITE:
        assert form_post(alice, action, fields, headers=headers).status == 403
    assert form_post(alice, "/_social/polls/999999999999", fields).status == 404
    resp = alice.get(action)
    assert resp.status == 405 and "POST" in (resp.header("Allow") or "")
    assert the_poll(alice, path)["ballots"] == 0


def test_moderator_closes_and_reopens_by_form(server, alice, bob, carol):
    path = poll_page(server, LUNCH)
    div = poll_div(served(carol, path).body, "lunch")
    poll = the_poll(carol, path)
    close = [f for f in div.find_all("form") if hidden_fields(f).get("action") == "close"]
    assert len(close) == 1, "no close form for the moderator"
    resp = form_post(carol, close[0].get("action"), hidden_fields(close[0]))
    assert resp.status == 303, (resp, resp.body[:300])
    assert resp.header("Location") == path + "?social=poll-closed#poll-lunch"
    assert the_poll(bob, path)["closed"] is True
    # the notice the moderator reads back on the page
    back = carol.get(resp.header("Location").split("#")[0])
    assert back.status == 200 and b"Poll closed" in back.body, back
    # a vote by form is refused while closed
    assert vote_form(poll_div(served(alice, path).body, "lunch")) is None
    fields = {"token": form_token(alice, path), "action": "vote",
              "choice": str(index_of(poll, "Pizza"))}
    assert_html_error(form_post(alice, "/_social/polls/%d" % poll["id"], fields), 409)
    assert the_poll(alice, path)["ballots"] == 0
    div = poll_div(served(carol, path).body, "lunch")
    reopen = [f for f in div.find_all("form") if hidden_fields(f).get("action") == "reopen"]
    assert len(reopen) == 1, "no reopen form for the moderator"
    resp = form_post(carol, reopen[0].get("action"), hidden_fields(reopen[0]))
    assert resp.status == 303 and "?social=poll-reopened#" in resp.header("Location"), resp
    assert the_poll(bob, path)["closed"] is False
    # others have no close form, and a forged one is refused
    div = poll_div(served(bob, path).body, "lunch")
    assert not [f for f in div.find_all("form") if hidden_fields(f).get("action") == "close"]
    fields = dict(hidden_fields(vote_form(div)), action="close")
    assert_html_error(form_post(bob, "/_social/polls/%d" % poll["id"], fields), 403)
    assert the_poll(bob, path)["closed"] is False


def form_token(client, path):
    """A valid form token of the client (from the page's discussion)."""
    root = parse_html(served(client, path).body)
    form = root.find("form", cls="social-new")
    return hidden_fields(form)["token"]


# ---------------------------------------------------------------- marker edits

def test_marker_edits_update_the_poll(server, alice, bob, carol, dave):
    path = poll_page(server, LUNCH)
    mark = server.error_log_size()
    poll = created_poll(alice, path)
    pizza, sushi, salad = (index_of(poll, x) for x in ("Pizza", "Sushi", "Salad"))
    vote_ok(alice, poll["id"], [pizza])
    vote_ok(bob, poll["id"], [sushi])
    vote_ok(carol, poll["id"], [salad])
    vote_ok(dave, poll["id"], [pizza])
    assert log_lines_since(server, mark, r"\[social:notice\].*SOCIAL0602")
    # an unchanged marker changes nothing and logs nothing
    mark = server.error_log_size()
    served(alice, path)
    assert log_lines_since(server, mark, r"SOCIAL060[12]") == []

    # Salad goes, Soup comes
    edit_page(server, path, '<!--social:poll name="lunch" question="Lunch on Friday?" '
                            'options="Pizza|Sushi|Soup"-->')
    mark = server.error_log_size()
    assert labels(the_poll(alice, path)) == ["Pizza", "Sushi", "Salad"], \
        "the poll changed before the page was viewed"
    p = created_poll(alice, path)
    assert sorted(labels(p)) == ["Pizza", "Soup", "Sushi"]
    assert (index_of(p, "Pizza"), index_of(p, "Sushi")) == (pizza, sushi)
    soup = index_of(p, "Soup")
    assert soup not in (pizza, sushi, salad)
    assert votes(p) == {"Pizza": 2, "Sushi": 1, "Soup": 0}
    lines = log_lines_since(server, mark, r"SOCIAL0601")
    assert lines and all("[social:notice]" in l for l in lines), lines
    assert any("Salad" in l for l in lines), lines
    assert log_lines_since(server, mark, r"\[social:notice\].*SOCIAL0602")
    # carol's ballot names only the removed option: her choices name no
    # option the poll shows
    mine = the_poll(carol, path)
    assert set(mine["my_choices"]) <= {o["index"] for o in mine["options"]}, mine
    assert_json_error(vote(bob, poll["id"], [salad]), 422, "invalid_choices")
    assert the_poll(bob, path)["my_choices"] == [sushi]
    # the page shows the new options only
    div = poll_div(served(bob, path).body, "lunch")
    assert set(figures(div)) == {"Pizza", "Sushi", "Soup"}
    values = [i.get("value") for i in div.find_all("input") if i.get("name") == "choice"]
    assert str(salad) not in values and str(soup) in values

    # Sushi renamed: a new option with a new index, the old one removed
    edit_page(server, path, '<!--social:poll name="lunch" question="Lunch on Friday?" '
                            'options="Pizza|Sushi bar|Soup"-->')
    p = created_poll(alice, path)
    assert sorted(labels(p)) == ["Pizza", "Soup", "Sushi bar"]
    sushi_bar = index_of(p, "Sushi bar")
    assert sushi_bar not in (pizza, sushi, salad, soup)
    assert votes(p) == {"Pizza": 2, "Sushi bar": 0, "Soup": 0}

    # Salad is back, with its old index and its vote
    edit_page(server, path, '<!--social:poll name="lunch" question="Lunch on Friday?" '
                            'options="Pizza|Sushi bar|Soup|Salad"-->')
    p = created_poll(alice, path)
    assert index_of(p, "Salad") == salad
    assert votes(p) == {"Pizza": 2, "Sushi bar": 0, "Soup": 0, "Salad": 1}
    assert the_poll(carol, path)["my_choices"] == [salad]
    assert votes(vote_ok(bob, poll["id"], [salad])) == {
        "Pizza": 2, "Sushi bar": 0, "Soup": 0, "Salad": 2}
    # the poll kept its id throughout
    assert [x["id"] for x in polls(alice, path)] == [poll["id"]]


def test_marker_edit_of_question_results_multiple_and_closes(server, alice, bob):
    path = poll_page(server, LUNCH)
    poll = created_poll(alice, path)
    vote_ok(bob, poll["id"], [index_of(poll, "Pizza")])
    edit_page(server, path, '<!--social:poll name="lunch" question="Lunch on Thursday?" '
                            'options="Pizza|Sushi|Salad" multiple results="after-close" '
                            'closes="2026-12-31T18:00"-->')
    p = created_poll(alice, path)
    assert p["id"] == poll["id"]
    assert p["question"] == "Lunch on Thursday?"
    assert p["multiple"] is True
    assert p["results"] == "after-close"
    assert p["closes"] == "2026-12-31T18:00:00Z"
    assert votes(p) == {"Pizza": None, "Sushi": None, "Salad": None}
    div = poll_div(served(alice, path).body, "lunch")
    assert div.find("h2", cls="social-poll-question").text().strip() == "Lunch on Thursday?"
    kinds = {i.get("type") for i in div.find_all("input") if i.get("name") == "choice"}
    assert kinds == {"checkbox"}
    # back to the first marker: back to the first poll, votes intact
    edit_page(server, path, LUNCH)
    p = created_poll(alice, path)
    assert p["question"] == "Lunch on Friday?" and p["multiple"] is False
    assert p["closes"] is None and p["results"] == "always"
    assert votes(p) == {"Pizza": 1, "Sushi": 0, "Salad": 0}


def test_marker_made_invalid_leaves_the_poll_alone(server, alice, strip_blocks):
    path = poll_page(server, LUNCH)
    poll = created_poll(alice, path)
    vote_ok(alice, poll["id"], [index_of(poll, "Pizza")])
    edit_page(server, path, INVALID_MARKERS["one-option"].replace('"bad"', '"lunch"'))
    resp = served(alice, path)
    assert strip_blocks(resp.body) == server.file_bytes(path)
    assert b"social-marker-poll" not in resp.body
    p = the_poll(alice, path)
    assert labels(p) == ["Pizza", "Sushi", "Salad"]
    assert votes(p)["Pizza"] == 1
