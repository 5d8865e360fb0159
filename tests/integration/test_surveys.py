"""Surveys declared by page markers: creation on the first page view, the
plain form (no JavaScript), the JSON API, required questions, results with
SVG bars, closing, results visibility and min-responses, moderators'
exports, marker edits, restricted pages, one response per person under a
race, and anonymous surveys that leave no join in the database between a
person and their answers.

The intranet is behind login (alice, bob, carol, dave and r1..r8; carol
moderates); /secret is readable by alice only; /pub-read is public
(SocialAnonymous Read); /deferred renders with SocialRender Deferred.
Every test works on pages of its own.
"""

import csv
import io
import re
import threading
import time
import uuid
from datetime import datetime, timedelta, timezone
from urllib.parse import quote, urlencode

import pytest

from harness import BLOCK_START
from social_test import config
from social_test.asserts import assert_html_error, assert_json_error
from social_test.client import Client
from social_test.html import parse_html

RESPONDENTS = tuple("r%d" % k for k in range(1, 9))
HTPASSWD_USERS = ("alice", "bob", "carol", "dave") + RESPONDENTS

HTTPD_CONF = r"""
# The module's notices (SOCIAL2100, SOCIAL2101) say how surveys change; at
# info level it also says that a response to an anonymous survey came.
LogLevel warn social:info
""" + (config.login() + config.optional_login()
       + config.block("/secret", "Require user alice")
       + config.block("/deferred", "SocialRender Deferred")
       + config.anonymous("/pub-read", "Read"))

PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title}</title></head>
<body>
<h1>{title}</h1>
<p>Before the survey.</p>
{markers}
<p>After the survey.</p>
</body>
</html>
"""


def survey_marker(name="fb", title="Team feedback", **attrs):
    extra = "".join(' %s="%s"' % (k.replace("_", "-"), v) for k, v in attrs.items())
    return '<!--social:survey name="%s" title="%s"%s-->' % (name, title, extra)


def question(name, qtype, label, survey="fb", **attrs):
    extra = "".join(' %s="%s"' % (k, v) for k, v in attrs.items())
    return ('<!--social:question survey="%s" name="%s" type="%s" label="%s"%s-->'
            % (survey, name, qtype, label, extra))


Q_TEAM = question("team", "choice", "Which team?", options="Sales|Support|Engineering",
                  required="yes")
Q_TOOLS = question("tools", "multiple", "Which tools?", options="Wiki|Chat|Tracker")
Q_CLARITY = question("clarity", "scale", "How clear were your goals?", min="1", max="5",
                     required="yes")
Q_MORE = question("more", "text", "Anything else?")
QUESTIONS = (Q_TEAM, Q_TOOLS, Q_CLARITY, Q_MORE)

# bob asking for /secret pages: httpd logs the refusal.
ERROR_LOG_ALLOW = [r"AH01631: user \w+: authorization failure for"]

CROSS_SITE = [{"Origin": "http://evil.example"}, {"Sec-Fetch-Site": "cross-site"}]
ISO_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\Z")


# ---------------------------------------------------------------- fixtures

@pytest.fixture(scope="module")
def server(httpd_factory, htpasswd):
    return httpd_factory(conf=HTTPD_CONF.replace("@HTPASSWD@", htpasswd))


@pytest.fixture(scope="module")
def people(server):
    return [Client(server, u) for u in RESPONDENTS]


# ---------------------------------------------------------------- helpers

def q(page):
    return quote(page, safe="/")


def survey_page(server, *markers, area=""):
    name = "survey-%s.html" % uuid.uuid4().hex[:12]
    path = "/%s/%s" % (area, name) if area else "/" + name
    server.write_file(path, PAGE.format(title="Survey page", markers="\n".join(markers)))
    return path


def edit_page(server, path, *markers):
    server.write_file(path, PAGE.format(title="Survey page", markers="\n".join(markers)),
                      mtime=time.time())


def served(client, path):
    resp = client.get(path)
    assert resp.status == 200, (resp, resp.body[:300])
    return resp


def surveys(client, path):
    resp = client.api("GET", "surveys?page=" + q(path))
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()["surveys"]


def the_survey(client, path, name="fb"):
    resp = client.api("GET", "surveys?page=%s&name=%s" % (q(path), name))
    assert resp.status == 200, (resp, resp.body[:300])
    return resp.json()


def created(client, path, name="fb"):
    served(client, path)
    return the_survey(client, path, name)


def respond(client, sid, answers, headers=None):
    return client.api("PUT", "surveys/%d/response" % sid, {"answers": answers},
                      headers=headers)


def respond_ok(client, sid, answers):
    resp = respond(client, sid, answers)
    assert resp.status == 200, (resp, resp.body[:400])
    return resp.json()


def results(client, sid):
    resp = client.api("GET", "surveys/%d/results" % sid)
    assert resp.status == 200, (resp, resp.body[:300])
    return {r["name"]: r for r in resp.json()["questions"]}


def survey_div(body, name="fb"):
    div = parse_html(body).find("div", id="survey-" + name)
    assert div is not None, "no div#survey-%s in the page" % name
    return div


def the_form(div):
    forms = div.find_all("form", cls="social-survey-form")
    return forms[0] if forms else None


def hidden_fields(form):
    return {i.get("name"): i.get("value", "") for i in form.find_all("input")
            if i.get("type") == "hidden"}


def form_post(client, path, fields, headers=None):
    hdrs = {"Content-Type": "application/x-www-form-urlencoded"}
    hdrs.update(headers or {})
    return client.request("POST", path, body=urlencode(fields, doseq=True).encode(),
                          headers=hdrs)


def log_lines_since(server, offset, pattern):
    return [line for line in server.error_log_lines(offset) if re.search(pattern, line)]


GOOD = {"team": "Support", "tools": ["Wiki", "Tracker"], "clarity": 4, "more": "Fine"}


def assert_survey_shape(s):
    assert set(s) >= {"id", "page", "name", "title", "anonymous", "closes", "closed",
                      "results_visibility", "min_responses", "responses", "responded",
                      "can_respond", "editable", "questions", "response", "results"}, s
    assert isinstance(s["id"], int) and not isinstance(s["id"], bool)
    for key in ("anonymous", "closed", "responded", "can_respond", "editable"):
        assert isinstance(s[key], bool), key
    assert s["closes"] is None or ISO_Z.match(s["closes"])
    assert s["results_visibility"] in ("always", "after-response", "after-close")
    for question in s["questions"]:
        assert set(question) >= {"name", "type", "label", "required"}
        assert question["type"] in ("choice", "multiple", "scale", "text")


# ---------------------------------------------------------------- creation and HTML

def test_survey_is_created_on_first_view_with_its_questions_in_page_order(server, alice):
    path = survey_page(server, survey_marker(), *QUESTIONS)
    assert surveys(alice, path) == []
    s = created(alice, path)
    assert_survey_shape(s)
    assert s["title"] == "Team feedback" and s["anonymous"] is False
    assert [x["name"] for x in s["questions"]] == ["team", "tools", "clarity", "more"]
    team, tools, clarity, more = s["questions"]
    assert team == {"name": "team", "type": "choice", "label": "Which team?",
                    "required": True, "options": ["Sales", "Support", "Engineering"]}
    assert tools["type"] == "multiple" and tools["required"] is False
    assert clarity["min"] == 1 and clarity["max"] == 5 and clarity["required"] is True
    assert more["type"] == "text" and "options" not in more
    assert s["response"] is None and s["responded"] is False and s["can_respond"] is True
    assert s["responses"] == 0 and s["min_responses"] == 1
    assert surveys(alice, path) == [s]


def test_served_page_has_one_plain_form_with_progress(server, alice, strip_blocks):
    markers = (survey_marker(),) + QUESTIONS
    path = survey_page(server, *markers)
    body = served(alice, path).body
    # the page's own bytes are kept (markers included)
    assert strip_blocks(body) == PAGE.format(title="Survey page",
                                             markers="\n".join(markers)).encode()
    div = survey_div(body)
    forms = div.find_all("form")
    assert len(forms) == 1
    form = forms[0]
    assert form.get("method") == "post"
    assert form.get("action") == "/_social/surveys/%d" % the_survey(alice, path)["id"]
    fields = hidden_fields(form)
    assert fields["action"] == "respond" and fields["token"]
    sets = form.find_all("fieldset")
    assert len(sets) == 4
    progress = [" ".join(f.find(cls="social-survey-progress").text().split()) for f in sets]
    assert progress == ["Question %d of 4" % k for k in range(1, 5)]
    assert [p.get("value") for p in form.find_all("progress")] == ["25", "50", "75", "100"]
    radios = [i for i in sets[0].find_all("input") if i.get("type") == "radio"]
    assert [i.get("value") for i in radios] == ["Sales", "Support", "Engineering"]
    assert all(i.get("name") == "q-team" for i in radios)
    boxes = [i for i in sets[1].find_all("input") if i.get("type") == "checkbox"]
    assert [i.get("value") for i in boxes] == ["Wiki", "Chat", "Tracker"]
    scale = [i.get("value") for i in sets[2].find_all("input") if i.get("type") == "radio"]
    assert scale == ["1", "2", "3", "4", "5"]
    assert sets[3].find("textarea").get("name") == "q-more"
    assert "(required)" in sets[0].text() and "(required)" not in sets[1].text()


def test_labels_are_text_not_markup(server, alice):
    path = survey_page(server, survey_marker(title="&lt;b&gt;Bold&lt;/b&gt;"),
                       question("x", "choice", "&lt;i&gt;Q&lt;/i&gt;",
                                options="&lt;script&gt;|B"))
    body = served(alice, path).body
    assert b"<b>Bold" not in body and b"<script>" not in body and b"<i>Q" not in body
    s = the_survey(alice, path)
    assert s["title"] == "<b>Bold</b>" and s["questions"][0]["options"][0] == "<script>"


@pytest.mark.parametrize("marker", [
    '<!--social:survey title="No name"-->',
    '<!--social:survey name="Bad Name" title="T"-->',
    '<!--social:survey name="s"-->',
    '<!--social:survey name="s" title="T" anonymous="maybe"-->',
    '<!--social:survey name="s" title="T" results="never"-->',
    '<!--social:survey name="s" title="T" closes="2026-02-30"-->',
    '<!--social:survey name="s" title="T" min-responses="0"-->',
    '<!--social:survey name="s" title="T" colour="red"-->',
])
def test_invalid_survey_marker_is_left_alone(server, alice, strip_blocks, marker):
    path = survey_page(server, marker, question("a", "text", "A", survey="s"))
    body = served(alice, path).body
    assert b"social-marker-survey" not in body
    assert surveys(alice, path) == []


@pytest.mark.parametrize("marker", [
    question("a", "choice", "A"),                              # no options
    question("a", "choice", "A", options="X"),                 # one option
    question("a", "choice", "A", options="X|X"),               # twice
    question("a", "rating", "A"),                              # unknown type
    question("a", "scale", "A", min="5", max="1"),
    question("a", "text", "A", options="X|Y"),
    question("a", "text", "A", required="perhaps"),
    '<!--social:question survey="fb" name="a" type="text"-->',  # no label
])
def test_invalid_question_marker_is_left_out(server, alice, marker):
    path = survey_page(server, survey_marker(), marker, question("ok", "text", "Fine"))
    s = created(alice, path)
    assert [x["name"] for x in s["questions"]] == ["ok"]


def test_questions_may_come_before_the_survey_marker_and_belong_by_name(server, alice):
    path = survey_page(server, question("early", "text", "Early", survey="two"),
                       survey_marker(), Q_TEAM,
                       survey_marker(name="two", title="Second"),
                       question("late", "scale", "Late", survey="two"))
    assert [x["name"] for x in created(alice, path)["questions"]] == ["team"]
    two = the_survey(alice, path, "two")
    assert [x["name"] for x in two["questions"]] == ["early", "late"]
    assert two["questions"][1]["min"] == 1 and two["questions"][1]["max"] == 5


# ---------------------------------------------------------------- responding

def test_respond_then_change_the_response(server, alice, bob):
    path = survey_page(server, survey_marker(), *QUESTIONS)
    s = created(alice, path)
    got = respond_ok(alice, s["id"], GOOD)
    assert got["responded"] is True and got["editable"] is True and got["responses"] == 1
    assert got["response"] == {"team": "Support", "tools": ["Wiki", "Tracker"],
                               "clarity": 4, "more": "Fine"}
    # a single choice may come as a one-item list; optional ones may be left out
    got = respond_ok(alice, s["id"], {"team": ["Sales"], "clarity": 2})
    assert got["response"] == {"team": "Sales", "clarity": 2}
    assert got["responses"] == 1
    # others do not see alice's response, only their own (none)
    theirs = the_survey(bob, path)
    assert theirs["response"] is None and theirs["responded"] is False
    assert theirs["responses"] == 1


@pytest.mark.parametrize("answers,field", [
    ({"tools": ["Wiki"], "clarity": 3}, "team"),
    ({"team": None, "clarity": 3}, "team"),
    ({"team": "", "clarity": 3}, "team"),
    ({"team": []}, "team"),
    ({"team": "Sales"}, "clarity"),
    ({"team": "Sales", "clarity": None}, "clarity"),
])
def test_required_question_left_out_is_422_naming_it(server, alice, answers, field):
    path = survey_page(server, survey_marker(), *QUESTIONS)
    s = created(alice, path)
    doc = assert_json_error(respond(alice, s["id"], answers), 422, "answer_required")
    assert doc["error"]["field"] == field
    assert the_survey(alice, path)["responses"] == 0


@pytest.mark.parametrize("answers,field,code", [
    (dict(GOOD, team="Marketing"), "team", "invalid_answer"),
    (dict(GOOD, team=["Sales", "Support"]), "team", "invalid_answer"),
    (dict(GOOD, team=3), "team", "invalid_answer"),
    (dict(GOOD, tools=["Wiki", "Wiki"]), "tools", "invalid_answer"),
    (dict(GOOD, tools=["Fax"]), "tools", "invalid_answer"),
    (dict(GOOD, tools=[1]), "tools", "invalid_answer"),
    (dict(GOOD, clarity=6), "clarity", "invalid_answer"),
    (dict(GOOD, clarity=0), "clarity", "invalid_answer"),
    (dict(GOOD, clarity="4"), "clarity", "invalid_answer"),
    (dict(GOOD, clarity=4.5), "clarity", "invalid_answer"),
    (dict(GOOD, more=["a"]), "more", "invalid_answer"),
    (dict(GOOD, more="x" * 4001), "more", "invalid_answer"),
    (dict(GOOD, nosuch="x"), "nosuch", "unknown_question"),
])
def test_invalid_answers_are_422_naming_the_field(server, alice, answers, field, code):
    path = survey_page(server, survey_marker(), *QUESTIONS)
    s = created(alice, path)
    doc = assert_json_error(respond(alice, s["id"], answers), 422, code)
    assert doc["error"]["field"] == field
    assert the_survey(alice, path)["responses"] == 0


@pytest.mark.parametrize("body", [b'{"answers": []}', b'{"answers": "x"}', b'{}'])
def test_answers_must_be_an_object(server, alice, body):
    s = created(alice, survey_page(server, survey_marker(), Q_MORE))
    resp = alice.api("PUT", "surveys/%d/response" % s["id"], raw=body)
    assert assert_json_error(resp, 422, "invalid_answers")["error"]["field"] == "answers"


def test_body_errors_follow_the_api_conventions(server, alice):
    s = created(alice, survey_page(server, survey_marker(), Q_MORE))
    rel = "surveys/%d/response" % s["id"]
    assert_json_error(alice.api("PUT", rel, raw=b"{not json"), 400)
    assert_json_error(alice.api("PUT", rel, raw=b'{"answers": {}}', content_type="text/plain"),
                      415)


@pytest.mark.parametrize("headers", CROSS_SITE)
def test_cross_site_response_is_403(server, alice, headers):
    s = created(alice, survey_page(server, survey_marker(), Q_MORE))
    assert_json_error(respond(alice, s["id"], {"more": "x"}, headers), 403, "cross_origin")
    assert the_survey(alice, s["page"])["responses"] == 0


def test_anonymous_visitor_may_read_but_not_respond(server, alice, anon):
    path = survey_page(server, survey_marker(), *QUESTIONS, area="pub-read")
    s = created(anon, path)
    assert s["can_respond"] is False
    assert_json_error(respond(anon, s["id"], GOOD), 401, "login_required")
    assert the_form(survey_div(served(anon, path).body)) is None
    assert "Log in to respond" in survey_div(served(anon, path).body).text()
    # behind login, an anonymous visitor learns nothing
    inside = created(alice, survey_page(server, survey_marker(), Q_MORE))
    assert_json_error(anon.api("GET", "surveys?page=" + q(inside["page"])), 401)
    assert_json_error(anon.api("GET", "surveys/%d" % inside["id"]), 404, "not_found")


def test_api_errors(server, alice):
    s = created(alice, survey_page(server, survey_marker(), Q_MORE))
    assert_json_error(alice.api("GET", "surveys/999999999999"), 404, "not_found")
    assert_json_error(alice.api("GET", "surveys/abc"), 404, "not_found")
    assert_json_error(alice.api("GET", "surveys/%d/other" % s["id"]), 404, "not_found")
    assert_json_error(respond(alice, 999999999999, {"more": "x"}), 404, "not_found")
    assert_json_error(alice.api("GET", "surveys"), 400)
    assert_json_error(alice.api("GET", "surveys?page=relative.html"), 400)
    assert_json_error(alice.api("GET", "surveys?page=/missing-%s.html" % uuid.uuid4().hex), 404)
    assert_json_error(alice.api("GET", "surveys?page=%s&name=nosuch" % q(s["page"])), 404)
    assert alice.api("GET", "surveys/%d" % s["id"]).json()["id"] == s["id"]


@pytest.mark.parametrize("method,rel,allowed", [
    ("POST", "surveys?page=/x.html", {"GET", "HEAD"}),
    ("PUT", "surveys/{id}", {"GET", "HEAD", "PATCH"}),
    ("DELETE", "surveys/{id}", {"GET", "HEAD", "PATCH"}),
    ("GET", "surveys/{id}/response", {"PUT"}),
    ("POST", "surveys/{id}/response", {"PUT"}),
    ("PUT", "surveys/{id}/results", {"GET", "HEAD"}),
    ("POST", "surveys/{id}/export.csv", {"GET", "HEAD"}),
])
def test_wrong_methods_are_405(server, alice, method, rel, allowed):
    s = created(alice, survey_page(server, survey_marker(), Q_MORE))
    resp = alice.api(method, rel.format(id=s["id"]), raw=b"{}")
    assert_json_error(resp, 405)
    assert {m.strip() for m in resp.header("Allow").split(",")} == allowed


# ---------------------------------------------------------------- results

def test_results_counts_percentages_mean_and_texts(server, alice, bob, carol, dave):
    path = survey_page(server, survey_marker(), *QUESTIONS)
    s = created(alice, path)
    respond_ok(alice, s["id"], {"team": "Sales", "tools": ["Wiki", "Chat"], "clarity": 5,
                                "more": "Great"})
    respond_ok(bob, s["id"], {"team": "Sales", "tools": ["Wiki"], "clarity": 2})
    respond_ok(carol, s["id"], {"team": "Support", "clarity": 2, "more": "Okay"})
    respond_ok(dave, s["id"], {"team": "Sales", "tools": ["Tracker"], "clarity": 3})
    res = results(bob, s["id"])
    team = res["team"]
    assert team["answered"] == 4
    assert team["options"] == [{"label": "Sales", "count": 3, "percent": 75},
                               {"label": "Support", "count": 1, "percent": 25},
                               {"label": "Engineering", "count": 0, "percent": 0}]
    tools = res["tools"]
    assert tools["answered"] == 3   # a response counts once whatever it chose
    assert [(o["label"], o["count"], o["percent"]) for o in tools["options"]] == [
        ("Wiki", 2, 67), ("Chat", 1, 33), ("Tracker", 1, 33)]
    clarity = res["clarity"]
    assert clarity["mean"] == 3.0 and clarity["answered"] == 4
    assert [(d["value"], d["count"]) for d in clarity["distribution"]] == [
        (1, 0), (2, 2), (3, 1), (4, 0), (5, 1)]
    assert sorted(res["more"]["answers"]) == ["Great", "Okay"]
    # the same in the survey object and in the page
    assert the_survey(dave, path)["results"] == list(
        the_survey(dave, path)["results"])
    div = survey_div(served(bob, path).body)
    charts = div.find_all("table", cls="social-survey-chart")
    assert len(charts) == 3
    rows = charts[0].find_all("tr")
    assert [" ".join(r.find("th").text().split()) for r in rows] == [
        "Sales", "Support", "Engineering"]
    figures = [" ".join(r.find("td", cls="social-survey-figure").text().split())
               for r in rows]
    assert figures == ["3 (75%)", "1 (25%)", "0 (0%)"]
    widths = [int(r.find("rect").get("width")) for r in rows]
    assert widths[0] == 240 and widths[1] == 80 and widths[2] == 0
    assert all(r.find("svg").get("xmlns") == "http://www.w3.org/2000/svg" for r in rows)
    assert "Mean: 3.00" in div.text()
    assert "Great" in div.text() and "Okay" in div.text()


def test_results_after_response(server, alice, bob, carol):
    path = survey_page(server, survey_marker(results="after-response"), Q_TEAM)
    s = created(alice, path)
    respond_ok(alice, s["id"], {"team": "Sales"})
    assert the_survey(alice, path)["results"] is not None
    hidden = the_survey(bob, path)
    assert hidden["results"] is None
    assert_json_error(bob.api("GET", "surveys/%d/results" % s["id"]), 403, "results_hidden")
    assert "once you have responded" in survey_div(served(bob, path).body).text()
    assert the_survey(carol, path)["results"] is not None     # moderator
    respond_ok(bob, s["id"], {"team": "Support"})
    assert results(bob, s["id"])["team"]["answered"] == 2


def test_results_after_close(server, alice, bob):
    past = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")
    future = (datetime.now(timezone.utc) + timedelta(days=30)).strftime("%Y-%m-%d")
    path = survey_page(server, survey_marker(results="after-close", closes=future), Q_TEAM)
    s = created(alice, path)
    respond_ok(alice, s["id"], {"team": "Sales"})
    assert the_survey(alice, path)["results"] is None
    edit_page(server, path, survey_marker(results="after-close", closes=past), Q_TEAM)
    s = created(bob, path)
    assert s["closed"] is True and s["results"][0]["answered"] == 1


def test_min_responses_hold_results_back_even_from_moderators(server, alice, bob, carol):
    path = survey_page(server, survey_marker(min_responses="3"), Q_TEAM)
    s = created(alice, path)
    respond_ok(alice, s["id"], {"team": "Sales"})
    respond_ok(bob, s["id"], {"team": "Sales"})
    for who in (alice, carol):
        assert the_survey(who, path)["results"] is None
        assert_json_error(who.api("GET", "surveys/%d/results" % s["id"]), 403,
                          "results_hidden")
    assert "once 3 people have responded" in survey_div(served(carol, path).body).text()
    respond_ok(carol, s["id"], {"team": "Support"})
    assert results(alice, s["id"])["team"]["answered"] == 3


# ---------------------------------------------------------------- closing

def test_closes_date_means_open_through_that_day(server, alice):
    today = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    s = created(alice, survey_page(server, survey_marker(closes=today), Q_MORE))
    assert s["closed"] is False and s["can_respond"] is True
    assert s["closes"] == today + "T00:00:00Z" or s["closes"] > today
    respond_ok(alice, s["id"], {"more": "still open today"})


def test_survey_past_its_date_takes_no_responses(server, alice, bob):
    past = (datetime.now(timezone.utc) - timedelta(days=1)).strftime("%Y-%m-%d")
    path = survey_page(server, survey_marker(closes=past), Q_TEAM)
    s = created(alice, path)
    assert s["closed"] is True and s["can_respond"] is False
    assert_json_error(respond(bob, s["id"], {"team": "Sales"}), 409, "survey_closed")
    div = survey_div(served(bob, path).body)
    assert the_form(div) is None and "The survey is closed" in div.text()


def test_response_can_be_changed_until_the_survey_closes(server, alice):
    future = (datetime.now(timezone.utc) + timedelta(days=3)).strftime("%Y-%m-%d")
    past = (datetime.now(timezone.utc) - timedelta(days=3)).strftime("%Y-%m-%d")
    path = survey_page(server, survey_marker(closes=future), Q_TEAM)
    s = created(alice, path)
    respond_ok(alice, s["id"], {"team": "Sales"})
    respond_ok(alice, s["id"], {"team": "Support"})
    edit_page(server, path, survey_marker(closes=past), Q_TEAM)
    s = created(alice, path)
    assert s["editable"] is False and s["response"] == {"team": "Support"}
    assert_json_error(respond(alice, s["id"], {"team": "Sales"}), 409, "survey_closed")


def test_moderator_closes_and_reopens(server, mariadb, alice, bob, carol):
    path = survey_page(server, survey_marker(results="after-close"), Q_TEAM)
    s = created(alice, path)
    respond_ok(alice, s["id"], {"team": "Sales"})
    assert_json_error(alice.api("PATCH", "surveys/%d" % s["id"], {"closed": True}), 403,
                      "forbidden")
    for doc in ({}, {"closed": "yes"}, {"closed": 1}):
        assert_json_error(carol.api("PATCH", "surveys/%d" % s["id"], doc), 422)
    assert_json_error(carol.api("PATCH", "surveys/%d" % s["id"], {"closed": True},
                                headers=CROSS_SITE[0]), 403, "cross_origin")
    offset = server.error_log_size()
    resp = carol.api("PATCH", "surveys/%d" % s["id"], {"closed": True})
    assert resp.status == 200 and resp.json()["closed"] is True
    assert log_lines_since(server, offset, r"SOCIAL2111: survey fb on .* closed by carol")
    closed = the_survey(bob, path)
    assert closed["closed"] is True and closed["can_respond"] is False
    assert closed["results"][0]["answered"] == 1          # after-close: shown now
    assert_json_error(respond(bob, s["id"], {"team": "Support"}), 409, "survey_closed")
    assert_json_error(respond(alice, s["id"], {"team": "Support"}), 409, "survey_closed")
    # reopened by form, as a moderator does without JavaScript
    div = survey_div(served(carol, path).body)
    [form] = [f for f in div.find_all("form")
              if hidden_fields(f).get("action") in ("close", "reopen")]
    assert hidden_fields(form)["action"] == "reopen"
    resp = form_post(carol, form.get("action"), hidden_fields(form))
    assert resp.status == 303 and resp.header("Location").endswith("#survey-fb")
    assert the_survey(bob, path)["closed"] is False
    # both changes are in the audit log, with the survey they were about
    rows = mariadb.sql("SELECT actor, action, target FROM social_audit WHERE target_kind = "
                       "'survey' AND target_id = %d ORDER BY id" % s["id"])
    assert rows == [["carol", "close", path + "#survey-fb"],
                    ["carol", "reopen", path + "#survey-fb"]], rows
    respond_ok(bob, s["id"], {"team": "Support"})
    # others see no such form, and a forged one is refused
    assert not [f for f in survey_div(served(bob, path).body).find_all("form")
                if hidden_fields(f).get("action") in ("close", "reopen")]
    token = hidden_fields(the_form(survey_div(served(bob, path).body)))["token"]
    assert_html_error(form_post(bob, form.get("action"), {"token": token,
                                                           "action": "close"}), 403)
    assert the_survey(bob, path)["closed"] is False


# ---------------------------------------------------------------- exports

def test_export_is_for_moderators(server, alice, bob, carol):
    path = survey_page(server, survey_marker(), *QUESTIONS)
    s = created(alice, path)
    respond_ok(alice, s["id"], {"team": "Sales", "tools": ["Wiki", "Chat"], "clarity": 5,
                                "more": "=1+1"})
    respond_ok(bob, s["id"], {"team": "Support", "clarity": 1})
    for who in (alice, bob):
        assert_json_error(who.api("GET", "surveys/%d/export.csv" % s["id"]), 403, "forbidden")
        assert_json_error(who.api("GET", "surveys/%d/export.json" % s["id"]), 403)
    resp = carol.api("GET", "surveys/%d/export.csv" % s["id"])
    assert resp.status == 200 and resp.content_type.startswith("text/csv")
    assert resp.body.endswith(b"\r\n")
    lines = list(csv.reader(io.StringIO(resp.body.decode(), newline="")))
    assert lines[0] == ["respondent", "team", "tools", "clarity", "more"]
    assert sorted(lines[1:]) == [["alice", "Sales", "Wiki; Chat", "5", "'=1+1"],
                                 ["bob", "Support", "", "1", ""]]
    doc = carol.api("GET", "surveys/%d/export.json" % s["id"]).json()
    assert doc["count"] == 2 and doc["anonymous"] is False
    assert {r["respondent"]: r["answers"]["team"] for r in doc["responses"]} == {
        "alice": "Sales", "bob": "Support"}
    # the moderator sees the export links in the page, others do not
    assert "export.csv" in survey_div(served(carol, path).body).text() or \
        any("export.csv" in (a.get("href") or "")
            for a in survey_div(served(carol, path).body).find_all("a"))
    assert not any("export" in (a.get("href") or "")
                   for a in survey_div(served(bob, path).body).find_all("a"))


# ---------------------------------------------------------------- the form without JS

def test_respond_by_form_and_change_it(server, alice):
    path = survey_page(server, survey_marker(), *QUESTIONS)
    form = the_form(survey_div(served(alice, path).body))
    fields = list(hidden_fields(form).items())
    fields += [("q-team", "Engineering"), ("q-tools", "Chat"), ("q-tools", "Tracker"),
               ("q-clarity", "3"), ("q-more", "From the form")]
    resp = form_post(alice, form.get("action"), fields)
    assert resp.status == 303, (resp, resp.body[:300])
    assert resp.header("Location") == path + "?social=responded#survey-fb"
    s = the_survey(alice, path)
    assert s["response"] == {"team": "Engineering", "tools": ["Chat", "Tracker"],
                             "clarity": 3, "more": "From the form"}
    div = survey_div(served(alice, path).body)
    checked = sorted(i.get("value") for i in div.find_all("input") if "checked" in i.attrs)
    assert checked == ["3", "Chat", "Engineering", "Tracker"]
    assert div.find("textarea").text() == "From the form"
    assert "Change my answers" in div.text()
    fields = list(hidden_fields(the_form(div)).items()) + [("q-team", "Sales"),
                                                          ("q-clarity", "1")]
    assert form_post(alice, form.get("action"), fields).status == 303
    assert the_survey(alice, path)["response"] == {"team": "Sales", "clarity": 1}


def test_form_errors(server, alice, bob):
    path = survey_page(server, survey_marker(), *QUESTIONS)
    form = the_form(survey_div(served(alice, path).body))
    good = dict(hidden_fields(form), **{"q-team": "Sales", "q-clarity": "2"})
    # a required question left out: the page names it
    resp = form_post(alice, form.get("action"), dict(hidden_fields(form), **{"q-clarity": "2"}))
    assert_html_error(resp, 422)
    assert b"Which team?" in resp.body
    bad = dict(good, **{"q-clarity": "9"})
    assert_html_error(form_post(alice, form.get("action"), bad), 422)
    # another person's token, or none
    bobs = hidden_fields(the_form(survey_div(served(bob, path).body)))["token"]
    assert_html_error(form_post(alice, form.get("action"), dict(good, token=bobs)), 403)
    assert_html_error(form_post(alice, form.get("action"), dict(good, token="")), 403)
    assert_html_error(form_post(alice, form.get("action"), dict(good, action="vote")), 422)
    assert_html_error(form_post(alice, "/_social/surveys/999999999", good), 404)
    assert the_survey(alice, path)["responses"] == 0
    assert form_post(alice, form.get("action"), good).status == 303


def test_form_with_fragment_header_returns_the_survey(server, alice):
    path = survey_page(server, survey_marker(), Q_TEAM)
    form = the_form(survey_div(served(alice, path).body))
    resp = form_post(alice, form.get("action"), dict(hidden_fields(form), **{"q-team": "Sales"}),
                     headers={"X-Social-Fragment": "1"})
    assert resp.status == 200 and resp.content_type.startswith("text/html")
    assert BLOCK_START not in resp.body
    section = parse_html(resp.body).find("section", cls="social-survey")
    assert "Your answers are saved" in section.text()
    assert "1 (100%)" in section.text()


def test_deferred_page_has_an_empty_placeholder_and_the_fragment(server, alice):
    path = survey_page(server, survey_marker(), Q_TEAM, area="deferred")
    div = survey_div(served(alice, path).body)
    assert div.find("section") is None
    resp = alice.get("/_social/survey?page=%s&name=fb" % q(path))
    assert resp.status == 200
    assert parse_html(resp.body).find("form", cls="social-survey-form") is not None
    assert alice.get("/_social/survey?page=%s&name=nosuch" % q(path)).status == 404


# ---------------------------------------------------------------- marker edits

def test_marker_edits_match_questions_by_name(server, alice, bob):
    path = survey_page(server, survey_marker(), Q_TEAM, Q_MORE)
    s = created(alice, path)
    respond_ok(alice, s["id"], {"team": "Sales", "more": "Kept"})
    offset = server.error_log_size()
    # "more" goes, "clarity" comes, team's label changes
    edit_page(server, path, survey_marker(title="Renamed"),
              question("team", "choice", "Your team?", options="Sales|Support|Engineering"),
              Q_CLARITY)
    s2 = created(bob, path)
    assert s2["id"] == s["id"] and s2["title"] == "Renamed"
    assert [(x["name"], x["label"]) for x in s2["questions"]] == [
        ("team", "Your team?"), ("clarity", "How clear were your goals?")]
    assert "more" not in results(bob, s["id"])
    assert log_lines_since(server, offset, r"SOCIAL2101: .*question \"more\" is no longer")
    assert log_lines_since(server, offset, r"SOCIAL2100: survey fb on .* updated")
    # the answer is kept out of sight, and survives alice's edit
    assert the_survey(alice, path)["response"] == {"team": "Sales"}
    respond_ok(alice, s["id"], {"team": "Support", "clarity": 3})
    # back in the page: the kept answer shows again
    edit_page(server, path, survey_marker(title="Renamed"), Q_TEAM, Q_CLARITY, Q_MORE)
    s3 = created(alice, path)
    assert s3["response"] == {"team": "Support", "clarity": 3, "more": "Kept"}
    assert results(alice, s["id"])["more"]["answers"] == ["Kept"]


def test_unchanged_page_writes_nothing(server, alice):
    path = survey_page(server, survey_marker(), Q_TEAM)
    offset = server.error_log_size()
    served(alice, path)
    served(alice, path)
    assert len(log_lines_since(server, offset, r"SOCIAL2100: survey fb on ")) == 1


# ---------------------------------------------------------------- access

def test_survey_on_a_restricted_page(server, alice, bob, carol):
    path = survey_page(server, survey_marker(), Q_TEAM, area="secret")
    assert bob.get(path).status in (401, 403)
    s = created(alice, path)
    respond_ok(alice, s["id"], {"team": "Sales"})
    for rel in ("surveys?page=" + q(path), "surveys?page=%s&name=fb" % q(path)):
        resp = bob.api("GET", rel)
        assert_json_error(resp, resp.status)
        assert resp.status in (401, 403) and b"Sales" not in resp.body
    for who in (bob, carol):       # a moderator who cannot read the page either
        assert_json_error(who.api("GET", "surveys/%d" % s["id"]), 404, "not_found")
        assert_json_error(respond(who, s["id"], {"team": "Support"}), 404, "not_found")
        assert_json_error(who.api("GET", "surveys/%d/results" % s["id"]), 404, "not_found")
        assert_json_error(who.api("GET", "surveys/%d/export.csv" % s["id"]), 404, "not_found")
        frag = who.get("/_social/survey?page=%s&name=fb" % q(path))
        assert frag.status in (401, 403, 404) and b"Sales" not in frag.body
    resp = form_post(bob, "/_social/surveys/%d" % s["id"], {"token": "x", "action": "respond",
                                                            "q-team": "Support"})
    assert resp.status == 404
    assert the_survey(alice, path)["responses"] == 1


# ---------------------------------------------------------------- races

def race(calls):
    start = threading.Barrier(len(calls))
    out = [None] * len(calls)

    def run(k):
        start.wait()
        out[k] = calls[k]()

    threads = [threading.Thread(target=run, args=(k,)) for k in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_one_response_per_person_under_a_race(server, mariadb, alice):
    path = survey_page(server, survey_marker(), Q_TEAM)
    s = created(alice, path)
    clients = [Client(server, "dave") for _ in range(8)]
    labels = ["Sales", "Support", "Engineering"]
    got = race([lambda c=c, k=k: respond(c, s["id"], {"team": labels[k % 3]})
                for k, c in enumerate(clients)])
    assert [r.status for r in got] == [200] * 8, [r.body[:200] for r in got]
    assert the_survey(alice, path)["responses"] == 1
    assert mariadb.sql("SELECT COUNT(*) FROM social_survey_respondents WHERE survey_id = %d"
                       % s["id"]) == [["1"]]
    assert mariadb.sql("SELECT COUNT(*) FROM social_survey_answers a JOIN "
                       "social_survey_responses o ON o.id = a.response_id "
                       "WHERE o.survey_id = %d" % s["id"]) == [["1"]]


def test_one_anonymous_response_per_person_under_a_race(server, mariadb, alice):
    path = survey_page(server, survey_marker(anonymous="yes", min_responses="1"), Q_TEAM)
    s = created(alice, path)
    clients = [Client(server, "dave") for _ in range(8)]
    got = race([lambda c=c: respond(c, s["id"], {"team": "Sales"}) for c in clients])
    assert sorted(r.status for r in got) == [200] + [409] * 7
    for r in got:
        if r.status == 409:
            assert_json_error(r, 409, "already_responded")
    assert results(alice, s["id"])["team"]["answered"] == 1
    assert mariadb.sql("SELECT COUNT(*) FROM social_survey_responses WHERE survey_id = %d"
                       % s["id"]) == [["1"]]


# ---------------------------------------------------------------- anonymous means anonymous

def test_anonymous_survey_cannot_be_edited_and_shows_no_response(server, alice):
    path = survey_page(server, survey_marker(anonymous="yes"), Q_TEAM, Q_MORE)
    s = created(alice, path)
    assert s["anonymous"] is True and s["min_responses"] == 5
    got = respond_ok(alice, s["id"], {"team": "Sales", "more": "secret"})
    assert got["responded"] is True and got["response"] is None
    assert got["can_respond"] is False and got["editable"] is False
    assert_json_error(respond(alice, s["id"], {"team": "Support"}), 409, "already_responded")
    div = survey_div(served(alice, path).body)
    assert the_form(div) is None
    assert "Anonymous responses cannot be changed" in div.text()
    assert "secret" not in div.text()


def test_anonymous_results_wait_for_min_responses_and_export_has_no_names(
        server, alice, carol, people):
    path = survey_page(server, survey_marker(anonymous="yes"), Q_TEAM, Q_MORE)
    s = created(alice, path)
    for k, who in enumerate(people[:4]):
        respond_ok(who, s["id"], {"team": "Sales", "more": "text %d" % k})
    assert the_survey(carol, path)["results"] is None
    assert_json_error(carol.api("GET", "surveys/%d/results" % s["id"]), 403, "results_hidden")
    assert_json_error(carol.api("GET", "surveys/%d/export.csv" % s["id"]), 403,
                      "results_hidden")
    respond_ok(people[4], s["id"], {"team": "Support", "more": "text 4"})
    res = results(alice, s["id"])
    assert res["team"]["answered"] == 5
    assert sorted(res["more"]["answers"]) == ["text %d" % k for k in range(5)]
    resp = carol.api("GET", "surveys/%d/export.csv" % s["id"])
    lines = list(csv.reader(io.StringIO(resp.body.decode(), newline="")))
    assert lines[0] == ["response", "team", "more"]
    assert sorted(line[0] for line in lines[1:]) == ["1", "2", "3", "4", "5"]
    assert sorted(line[2] for line in lines[1:]) == ["text %d" % k for k in range(5)]
    assert not any(p.user in resp.body.decode() for p in people)
    doc = carol.api("GET", "surveys/%d/export.json" % s["id"]).json()
    assert doc["anonymous"] is True and all(set(r) == {"answers"} for r in doc["responses"])


def columns(mariadb, table):
    rows = mariadb.sql("SELECT COLUMN_NAME, DATA_TYPE, EXTRA FROM information_schema.COLUMNS "
                       "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '%s'" % table)
    return {name: (kind, extra) for name, kind, extra in rows}


def test_anonymous_survey_leaves_no_join_between_a_person_and_answers(
        server, mariadb, alice, people):
    """For an anonymous survey the database holds who responded (for one
    response per person) and what was answered, and nothing that joins
    the two: no user on the response, no shared id, no order, no time."""
    path = survey_page(server, survey_marker(anonymous="yes"), Q_TEAM, Q_MORE)
    s = created(alice, path)
    offset = server.error_log_size()
    # each person writes their own name, so the test knows whose each response is
    for who in people:
        respond_ok(who, s["id"], {"team": "Sales", "more": "I am " + who.user})
    sid = s["id"]
    # the module's log says a response came, and names nobody who responded
    assert len(log_lines_since(server, offset, r"SOCIAL2109: a response to anonymous "
                                               r"survey fb")) == len(people)
    assert not [line for line in server.error_log_lines(offset)
                if any(re.search(r"\b%s\b" % who.user, line) for who in people)]
    responses = mariadb.sql("SELECT id, user FROM social_survey_responses "
                            "WHERE survey_id = %d" % sid)
    respondents = mariadb.sql("SELECT * FROM social_survey_respondents "
                              "WHERE survey_id = %d" % sid)
    assert len(responses) == len(people) and len(respondents) == len(people)
    # 1. no user on a response
    assert all(user is None for _, user in responses)
    # 2. no shared id: the respondent rows hold nothing found in a response or answer
    response_ids = {rid for rid, _ in responses}
    assert all(re.fullmatch(r"[0-9a-f]{32}", rid) for rid in response_ids)
    answer_rows = mariadb.sql("SELECT a.* FROM social_survey_answers a JOIN "
                              "social_survey_responses o ON o.id = a.response_id "
                              "WHERE o.survey_id = %d" % sid)
    respondent_values = {v for row in respondents for v in row} - {str(sid)}
    answer_values = {v for row in answer_rows for v in row} | response_ids
    assert not respondent_values & answer_values
    # the columns: what each table may hold, and nothing else
    assert set(columns(mariadb, "social_survey_respondents")) == {
        "survey_id", "user", "responded_on"}
    assert columns(mariadb, "social_survey_respondents")["responded_on"][0] == "date"
    assert set(columns(mariadb, "social_survey_responses")) == {"id", "survey_id", "user"}
    assert set(columns(mariadb, "social_survey_answers")) == {
        "response_id", "question", "seq", "value"}
    # 3. no exact time and no counter anywhere on what was answered
    for table in ("social_survey_responses", "social_survey_answers",
                  "social_survey_respondents"):
        for name, (kind, extra) in columns(mariadb, table).items():
            assert kind not in ("timestamp", "datetime", "time"), (table, name, kind)
            assert "auto_increment" not in extra.lower(), (table, name)
    # 4. no order: the ids, in the order the responses came, are not sorted
    # (8 responses: a random order matches by chance once in 40320)
    whose = dict(mariadb.sql("SELECT a.value, a.response_id FROM social_survey_answers a "
                             "JOIN social_survey_responses o ON o.id = a.response_id "
                             "WHERE o.survey_id = %d AND a.question = 'more'" % sid))
    in_order = [whose["I am " + who.user] for who in people]
    assert in_order != sorted(in_order)
    stored_order = [rid for [rid] in mariadb.sql(
        "SELECT id FROM social_survey_responses WHERE survey_id = %d" % sid)]
    assert stored_order != in_order


def test_survey_that_is_not_anonymous_does_link_responses(server, mariadb, alice, bob):
    """The control of the test above: without anonymous="yes" the
    response row carries its person (so it can be edited)."""
    s = created(alice, survey_page(server, survey_marker(), Q_TEAM))
    respond_ok(alice, s["id"], {"team": "Sales"})
    respond_ok(bob, s["id"], {"team": "Support"})
    assert sorted(u for [u] in mariadb.sql(
        "SELECT user FROM social_survey_responses WHERE survey_id = %d" % s["id"])) == [
        "alice", "bob"]


def test_survey_made_anonymous_forgets_whose_responses_were(server, mariadb, alice):
    path = survey_page(server, survey_marker(), Q_TEAM)
    s = created(alice, path)
    respond_ok(alice, s["id"], {"team": "Sales"})
    edit_page(server, path, survey_marker(anonymous="yes"), Q_TEAM)
    s = created(alice, path)
    assert s["anonymous"] is True and s["response"] is None and s["responded"] is True
    assert mariadb.sql("SELECT user FROM social_survey_responses WHERE survey_id = %d"
                       % s["id"]) == [[None]]
    assert_json_error(respond(alice, s["id"], {"team": "Support"}), 409, "already_responded")


# ---------------------------------------------------------------- the demo intranet

def test_demo_assessment_questionnaire(server, alice):
    import harness
    source = harness.REPO / "demo" / "intranet" / "news" / \
        "2026-12-collaboration-assessment.html"
    path = "/demo-%s/assessment.html" % uuid.uuid4().hex[:8]
    server.write_file(path, source.read_text(encoding="utf-8"))
    s = created(alice, path, "assessment")
    assert s["anonymous"] is True and s["min_responses"] == 5
    assert s["results_visibility"] == "after-response"
    assert s["closes"] == "2027-01-16T00:00:00Z"
    assert [(x["name"], x["type"]) for x in s["questions"]] == [
        ("department", "choice"), ("find", "scale"), ("tools", "multiple"),
        ("meetings", "scale"), ("training", "choice"), ("wish", "text")]
    form = the_form(survey_div(served(alice, path).body, "assessment"))
    assert len(form.find_all("fieldset")) == 6


# ---------------------------------------------------------------- locks and long pages

def test_locked_discussion_takes_responses_only_from_moderators(server, alice, carol):
    from test_admin import admin_ok
    path = survey_page(server, survey_marker(), Q_TEAM)
    s = created(alice, path)
    admin_ok(carol, "/lock", {"page": path, "action": "lock"})
    assert the_survey(alice, path)["can_respond"] is False
    assert_json_error(respond(alice, s["id"], {"team": "Sales"}), 423, "locked")
    respond_ok(carol, s["id"], {"team": "Support"})
    assert the_survey(alice, path)["responses"] == 1


def test_questions_far_from_their_survey_marker(server, alice):
    """Questions before the survey marker always count; after it, those
    within the next 64 KB of the page (the filter places the survey when
    it passes the page on)."""
    filler = "<p>%s</p>" % ("Lorem ipsum dolor sit amet. " * 2800)     # ~78 KB
    path = survey_page(server, question("early", "text", "Early"), filler, survey_marker(),
                       Q_TEAM, filler, question("late", "text", "Late"))
    offset = server.error_log_size()
    s = created(alice, path)
    assert [x["name"] for x in s["questions"]] == ["early", "team"]
    assert log_lines_since(server, offset, r"SOCIAL2102: question late of survey fb .* "
                                           r"too far after")


def test_results_are_counted_by_the_database_and_list_at_most_200_texts(
        server, mariadb, alice, carol):
    path = survey_page(server, survey_marker(), Q_CLARITY, Q_MORE)
    s = created(alice, path)
    # 250 responses written straight into the tables (people need not exist)
    rows = []
    for k in range(250):
        rid = uuid.uuid4().hex
        rows.append("INSERT INTO social_survey_responses (id, survey_id, user) "
                    "VALUES ('%s', %d, 'bulk%d');" % (rid, s["id"], k))
        rows.append("INSERT INTO social_survey_answers VALUES ('%s', 'clarity', 0, '%d'), "
                    "('%s', 'more', 0, 'text %d');" % (rid, k % 5 + 1, rid, k))
    mariadb.sql("".join(rows))
    res = results(alice, s["id"])
    assert res["clarity"]["answered"] == 250 and res["clarity"]["mean"] == 3.0
    assert [d["count"] for d in res["clarity"]["distribution"]] == [50] * 5
    assert res["more"]["answered"] == 250
    texts = res["more"]["answers"]
    assert len(texts) == 200 and len(set(texts)) == 200
    assert set(texts) <= {"text %d" % k for k in range(250)}
    # the export has every one
    resp = carol.api("GET", "surveys/%d/export.csv" % s["id"])
    assert len(list(csv.reader(io.StringIO(resp.body.decode(), newline="")))) == 251
