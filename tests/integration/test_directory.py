"""The company directory, for real: people log in with their password from
a real OpenLDAP server (Debian's slapd, private, on loopback) through
httpd's mod_authnz_ldap; their display name and e-mail come from the
directory's attributes (AUTHENTICATE_DISPLAYNAME, AUTHENTICATE_MAIL), the
moderators are a directory group (memberOf, AUTHENTICATE_MEMBEROF), the
people look-up is filled from an ldapsearch export before anyone logs in,
and a person renamed in the directory shows under the new name.

The README's "The company directory" quotes LDAP_CONF, GROUP_CONF,
KERBEROS_CONF and OIDC_CONF below (with example host names and bind DNs
in place of the test's).

The OpenID Connect case runs without a provider (none can run here): a
second server sets the variables mod_auth_openidc would set
(OIDC_CLAIM_name, OIDC_CLAIM_email, OIDC_CLAIM_groups) with SetEnvIf and
maps them with the same directives the README gives.

User names are made fresh for this run: the people table is shared by
every test module on the database.
"""

import base64
import hashlib
import hmac
import json
import shutil
import subprocess
import time
import uuid
from urllib.parse import quote

import pytest

import harness
from social_test import config
from social_test.client import PAGE_TEMPLATE, Client, fresh_page
from social_test.directory import (GROUPS, PEOPLE, ROOT_DN, ROOT_PASSWORD, Slapd,
                                   group_ldif, person_ldif)
from social_test.html import parse_html

RUN = uuid.uuid4().hex[:8]
ERIN, FRANK, GRACE, HENRY = ("%s-%s" % (who, RUN) for who in ("erin", "frank", "grace", "henry"))
PASSWORDS = {ERIN: "Erin's-pass-1", FRANK: "frank pass 2", GRACE: "grace-3", HENRY: "henry-4"}
NAMES = {ERIN: "Erin \u00c9clair", FRANK: "Frank Fischer", GRACE: "Grace G\u00f6del",
         HENRY: "Henry Hill"}


def mail(user):
    return "%s@example.com" % user


MODERATORS_DN = "cn=moderators," + GROUPS

LDAP_MODULES = [("ldap_module", "mod_ldap.so"), ("authnz_ldap_module", "mod_authnz_ldap.so")]

# The README's block, with the test's port and password.
LDAP_CONF = """\
# mod_ldap keeps what it found for LDAPCacheTTL seconds (600 by default):
# a rename shows in the directory's answers after that.
LDAPCacheTTL 2
LDAPOpCacheTTL 2

<Location />
    AuthType Basic
    AuthName "Intranet"
    AuthBasicProvider ldap
    AuthLDAPURL "ldap://127.0.0.1:@LDAPPORT@/ou=people,dc=example,dc=com?uid,displayName,mail,memberOf?one?(objectClass=inetOrgPerson)"
    AuthLDAPBindDN "@BINDDN@"
    AuthLDAPBindPassword "@BINDPW@"
    Require valid-user

    SocialDisplayNameVar AUTHENTICATE_DISPLAYNAME
    SocialEmailVar AUTHENTICATE_MAIL
    SocialModerator "reqenv('AUTHENTICATE_MEMBEROF') =~ /(^|; )cn=moderators,ou=groups,dc=example,dc=com(;|$)/i"
</Location>

# The discussion cache keeps a rendered discussion this long (30s by
# default): pages show a new name after it.
SocialCacheTTL 1s
"""

# mod_auth_basic says so at level error when a password is wrong or the
# directory does not know the user.
ERROR_LOG_ALLOW = [r"AH01617: user [^:]+: authentication failure",
                   r"AH01618: user [^ ]+ not found",
                   # and mod_authz_core when the directory does not know a
                   # user another login let in
                   r"AH01631: user outsider-[0-9a-f]+: authorization failure"]


class DirectoryClient(Client):
    """A visitor who logs in with their directory password."""

    def __init__(self, server, user, password):
        super().__init__(server, user)
        self.password = password

    def headers(self, extra=None, write=False):
        raw = ("%s:%s" % (self.user, self.password)).encode("utf-8")
        hdrs = {"Authorization": "Basic " + base64.b64encode(raw).decode()}
        hdrs.update(extra or {})
        return super().headers(hdrs, write)


@pytest.fixture(scope="module")
def directory():
    slapd = Slapd().start()
    ldif = slapd.base_ldif()
    for user in (ERIN, FRANK, GRACE, HENRY):
        ldif += person_ldif(user, NAMES[user], mail(user), PASSWORDS[user])
    # a groupOfNames needs a member: the directory's own admin stays one
    ldif += group_ldif("moderators", [ERIN], extra=[ROOT_DN])
    ldif += group_ldif("staff", [ERIN, FRANK, GRACE, HENRY])
    slapd.add(ldif)
    yield slapd
    slapd.close()


@pytest.fixture(scope="module")
def server(httpd_factory, directory):
    conf = (LDAP_CONF.replace("@LDAPPORT@", str(directory.port))
            .replace("@BINDDN@", ROOT_DN).replace("@BINDPW@", ROOT_PASSWORD))
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=conf, modules=LDAP_MODULES)


def person(server, user):
    return DirectoryClient(server, user, PASSWORDS[user])


def comments_by(mariadb, user):
    return int(mariadb.sql("SELECT COUNT(*) FROM social_comments WHERE author = '%s'"
                           % user)[0][0])


# ------------------------------------------------------------ logging in

def test_a_directory_password_logs_in_and_the_comment_carries_the_directory_name(
        server, mariadb):
    erin = person(server, ERIN)
    page = fresh_page(server)
    assert erin.get(page).status == 200
    made = erin.create(page, "Hello from the directory")
    comments = erin.listing(page)["comments"]
    assert [(c["id"], c["author"]) for c in comments] \
        == [(made["id"], {"user": ERIN, "name": NAMES[ERIN]})]
    assert mariadb.sql("SELECT author_name FROM social_comments WHERE id = %d"
                       % made["id"]) == [[NAMES[ERIN]]]
    # the page as people see it names her too
    names = [n.text() for n in parse_html(erin.page(page).body).find_all("bdi")]
    assert NAMES[ERIN] in names, names


@pytest.mark.parametrize("user, password", [
    ("ERIN", "wrong"), ("ERIN", ""), ("nobody-%s" % RUN, "whatever")])
def test_a_wrong_password_gets_401_and_stores_nothing(server, mariadb, user, password):
    user = {"ERIN": ERIN}.get(user, user)
    page = fresh_page(server)
    before = comments_by(mariadb, user)
    intruder = DirectoryClient(server, user, password)
    resp = intruder.get(page)
    assert resp.status == 401, resp
    assert resp.header("WWW-Authenticate", "").startswith("Basic"), resp
    resp = intruder.api("POST", "comments", {"page": page, "body": "not me"})
    assert resp.status == 401, (resp, resp.body[:300])
    assert comments_by(mariadb, user) == before
    assert person(server, ERIN).listing(page)["comments"] == []


def test_the_directory_mail_reaches_the_module(server, mariadb):
    frank = person(server, FRANK)
    me = frank.me()
    assert (me["user"], me["name"], me["email"], me["moderator"]) \
        == (FRANK, NAMES[FRANK], mail(FRANK), False)
    # what notification digests are sent to
    frank.create(fresh_page(server), "noted")
    assert mariadb.sql("SELECT display_name, email FROM social_people WHERE user = '%s'"
                       % FRANK) == [[NAMES[FRANK], mail(FRANK)]]


# ------------------------------------------------------------ moderators

def test_a_member_of_the_moderators_group_moderates(server, directory):
    assert "memberOf: " + MODERATORS_DN in directory.search(
        PEOPLE, "(uid=%s)" % ERIN, "memberOf").decode()
    erin, frank = person(server, ERIN), person(server, FRANK)
    assert erin.me()["moderator"] is True
    page = fresh_page(server)
    theirs = frank.create(page, "a comment by someone else")
    resp = erin.delete(theirs["id"])
    assert resp.status == 204, (resp, resp.body[:300])
    assert erin.listing(page)["comments"] == []
    resp = erin.get("/_social/admin")
    assert resp.status == 200, (resp, resp.body[:300])


def test_someone_outside_the_group_does_not_moderate(server):
    erin, frank = person(server, ERIN), person(server, FRANK)
    assert frank.me()["moderator"] is False
    page = fresh_page(server)
    theirs = erin.create(page, "mine, not Frank's")
    resp = frank.delete(theirs["id"])
    assert resp.status == 403, (resp, resp.body[:300])
    assert [c["id"] for c in frank.listing(page)["comments"]] == [theirs["id"]]
    assert frank.get("/_social/admin").status == 403


def test_joining_the_group_in_the_directory_makes_a_moderator(server, directory):
    henry = person(server, HENRY)
    assert henry.me()["moderator"] is False
    directory.modify("dn: %s\nchangetype: modify\nadd: member\nmember: uid=%s,%s\n"
                     % (MODERATORS_DN, HENRY, PEOPLE))
    try:
        assert harness.wait_until(lambda: henry.me()["moderator"] is True, 10, 0.5), \
            henry.me()
    finally:
        directory.modify("dn: %s\nchangetype: modify\ndelete: member\nmember: uid=%s,%s\n"
                         % (MODERATORS_DN, HENRY, PEOPLE))
    assert harness.wait_until(lambda: henry.me()["moderator"] is False, 10, 0.5)


# ------------------------------------------------------------ a rename

def test_a_person_renamed_in_the_directory_shows_under_the_new_name(server, directory,
                                                                     mariadb):
    frank = person(server, FRANK)
    page, elsewhere = fresh_page(server), fresh_page(server)
    old = frank.create(page, "written under the old name")
    shared = frank.api("POST", "shares", {"page": elsewhere, "note": "see this"})
    assert shared.status == 201, (shared, shared.body[:300])
    assert [c["author"]["name"] for c in frank.listing(page)["comments"]] == [NAMES[FRANK]]
    frank.page(page)       # his page view of the day is recorded already
    new_name = "Frank Neumann-%s" % RUN
    directory.modify("dn: uid=%s,%s\nchangetype: modify\nreplace: displayName\n"
                     "displayName: %s\n" % (FRANK, PEOPLE, new_name))
    time.sleep(2.5)        # LDAPCacheTTL 2: mod_ldap asks the directory again

    # Frank logs in again and reads a page: that is all
    assert frank.me()["name"] == new_name
    frank.page(fresh_page(server))
    assert mariadb.sql("SELECT display_name FROM social_people WHERE user = '%s'"
                       % FRANK) == [[new_name]]
    # what he wrote before shows the new name, to everyone
    erin = person(server, ERIN)
    assert [c["author"]["name"] for c in erin.listing(page)["comments"]] == [new_name]
    assert {"user": FRANK, "name": new_name} in erin.api(
        "GET", "people?q=" + quote("Frank Neu")).json()["people"]
    time.sleep(1.2)        # SocialCacheTTL 1s: the rendered discussion
    names = [n.text() for n in parse_html(erin.page(page).body).find_all("bdi")]
    assert new_name in names and NAMES[FRANK] not in names, names
    stream = erin.api("GET", "activity?user=" + quote(FRANK)).json()["items"]
    mine = {(i["kind"], i["name"]) for i in stream}
    assert ("comment", new_name) in mine and ("share", new_name) in mine, stream
    assert not any(i["name"] == NAMES[FRANK] for i in stream), stream
    # the comment row keeps what it was written under (exports, audits)
    assert mariadb.sql("SELECT author_name FROM social_comments WHERE id = %d"
                       % old["id"]) == [[NAMES[FRANK]]]


# ------------------------------------------------------------ people, in advance

def ldif_to_csv(ldif, *args):
    return subprocess.run([str(harness.REPO / "scripts" / "social-ldif-people")] + list(args),
                          input=ldif, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=60)


def test_the_directory_export_makes_people_known_before_they_log_in(server, directory,
                                                                     mariadb, tmp_path):
    erin = person(server, ERIN)
    assert erin.api("GET", "people?q=" + quote(GRACE)).json()["people"] == []
    exported = directory.search(PEOPLE, "(objectClass=inetOrgPerson)",
                                "uid", "displayName", "cn", "mail")
    # ldapsearch writes a name that is not plain ASCII in base64
    assert b"displayName:: " in exported, exported
    res = ldif_to_csv(exported)
    assert res.returncode == 0, res.stderr
    assert b"4 people" in res.stderr, res.stderr
    rows = res.stdout.decode("utf-8").splitlines()
    assert rows[0] == "user,name,email"
    assert "%s,%s,%s" % (GRACE, NAMES[GRACE], mail(GRACE)) in rows, rows
    path = tmp_path / "staff.csv"
    path.write_bytes(res.stdout)
    load = subprocess.run([str(harness.SOCIAL_DB_TOOL), "people", str(path),
                           "--socket=%s" % mariadb.socket, "--user=root",
                           "--database=%s" % harness.DB_NAME],
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    assert load.returncode == 0, load.stdout
    # Grace has never logged in: she is found, can be shared with and mentioned
    found = erin.api("GET", "people?q=" + quote("Grace G")).json()["people"]
    assert {"user": GRACE, "name": NAMES[GRACE]} in found, found
    page = fresh_page(server)
    resp = erin.api("POST", "shares", {"page": page, "to": [GRACE]})
    assert resp.status == 201, (resp, resp.body[:300])
    assert mariadb.sql("SELECT email FROM social_people WHERE user = '%s'"
                       % GRACE) == [[mail(GRACE)]]


def test_the_export_takes_active_directory_attributes_and_refuses_what_is_not_ldif():
    ad = ("dn: CN=Ida Ivanova,OU=Staff,DC=corp,DC=example\n"
          "sAMAccountName: ida\n"
          "userPrincipalName: ida@CORP.EXAMPLE\n"
          "displayName:: " + base64.b64encode("Ida Ivanova \u0418".encode()).decode() + "\n"
          "mail: ida@corp.example\n\n"
          "# a computer account has no mail and no display name\n"
          "dn: CN=PC1,OU=Machines,DC=corp,DC=example\n"
          "sAMAccountName: PC1$\n\n"
          "dn: CN=Service,OU=Staff,DC=corp,DC=example\n"
          "cn: Service\n\n").encode()
    res = ldif_to_csv(ad, "--user", "sAMAccountName")
    assert res.returncode == 0, res.stderr
    assert res.stdout.decode().splitlines() == [
        "user,name,email", "ida,Ida Ivanova \u0418,ida@corp.example", "PC1$,PC1$,"]
    assert b"1 entries without sAMAccountName skipped" in res.stderr, res.stderr
    res = ldif_to_csv(ad, "--user", "userPrincipalName")
    assert res.stdout.decode().splitlines()[1] == "ida@CORP.EXAMPLE,Ida Ivanova \u0418," \
        "ida@corp.example"
    # folded lines go on
    res = ldif_to_csv(b"dn: uid=jo,dc=x\nuid: jo\ndisplayName: Jo Ver\n y Long\n")
    assert res.stdout.decode().splitlines()[1] == "jo,Jo Very Long,"
    for bad in (b"user,name,email\nalice,Alice,\n", b"uid: jo\n\n",
                b"dn: uid=jo,dc=x\nuid:: ////\n"):
        res = ldif_to_csv(bad)
        assert res.returncode == 1 and res.stdout.count(b"\n") <= 1, (bad, res)
        assert res.stderr.startswith(b"social-ldif-people: "), res.stderr
    # a file that is not there: a line that says so, no traceback
    res = ldif_to_csv(b"", "/nonexistent/people.ldif")
    assert res.returncode == 1 and res.stdout == b"", res
    assert res.stderr == (b"social-ldif-people: cannot read /nonexistent/people.ldif: "
                          b"No such file or directory\n"), res.stderr


# ------------------------------------------------------------ OpenID Connect

def oidc_claims(user, name, email, groups):
    """What mod_auth_openidc sets for a person, set here by SetEnvIf on the
    person's credentials (no OpenID provider can run in the tests)."""
    auth = base64.b64encode(("%s:%s" % (user, user)).encode()).decode()
    return "".join('    SetEnvIf Authorization "^Basic %s$" "%s=%s"\n' % (auth, var, value)
                   for var, value in (("OIDC_CLAIM_name", name), ("OIDC_CLAIM_email", email),
                                      ("OIDC_CLAIM_groups", groups)))


# The README's mapping; the claims come from SetEnvIf instead of the module.
OIDC_CONF = """\
<Location />
    AuthType Basic
    AuthName "Intranet"
    AuthBasicProvider file
    AuthUserFile "@HTPASSWD@"
    Require valid-user
@CLAIMS@
    SocialDisplayNameVar OIDC_CLAIM_name
    SocialEmailVar OIDC_CLAIM_email
    SocialModerator "reqenv('OIDC_CLAIM_groups') =~ /(^|,)community-managers(,|$)/"
</Location>
"""


@pytest.fixture(scope="module")
def oidc_server(httpd_factory, htpasswd):
    claims = (oidc_claims("alice", "Alice Liddell", "alice.l@example.com",
                          "staff,community-managers")
              + oidc_claims("bob", "Bob Baker", "bob.b@example.com",
                            "staff,community-managers-emeritus"))
    conf = OIDC_CONF.replace("@HTPASSWD@", htpasswd).replace("@CLAIMS@", claims)
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=conf, name="directory-oidc")


def test_oidc_claims_map_name_email_and_moderator_group(oidc_server):
    alice, bob = Client(oidc_server, "alice"), Client(oidc_server, "bob")
    me = alice.me()
    assert (me["user"], me["name"], me["email"], me["moderator"]) \
        == ("alice", "Alice Liddell", "alice.l@example.com", True)
    me = bob.me()
    assert (me["user"], me["name"], me["email"], me["moderator"]) \
        == ("bob", "Bob Baker", "bob.b@example.com", False)
    page = fresh_page(oidc_server)
    theirs = bob.create(page, "Bob's words")
    assert [c["author"]["name"] for c in alice.listing(page)["comments"]] == ["Bob Baker"]
    resp = bob.delete(alice.create(page, "Alice's words")["id"])
    assert resp.status == 403, (resp, resp.body[:300])
    resp = alice.delete(theirs["id"])
    assert resp.status == 204, (resp, resp.body[:300])
    # carol has no claims: her user name stands in, and she moderates nothing
    me = Client(oidc_server, "carol").me()
    assert (me["name"], me["email"], me["moderator"]) == ("carol", None, False)


# ------------------------------------------------------------ Kerberos

# Kerberos (mod_auth_gssapi, GssapiLocalName On) gives REMOTE_USER without
# a directory: mod_authnz_ldap then only authorizes, and sets its
# attributes as AUTHORIZE_*. Here an htpasswd file stands in for the
# Kerberos login (no KDC runs in the tests); the directory half is real.
KERBEROS_CONF = """\
<Location />
    AuthType Basic
    AuthName "Intranet"
    AuthBasicProvider file
    AuthUserFile "@HTPASSWD@"
    AuthLDAPURL "ldap://127.0.0.1:@LDAPPORT@/ou=people,dc=example,dc=com?uid,displayName,mail,memberOf?one?(objectClass=inetOrgPerson)"
    AuthLDAPBindDN "@BINDDN@"
    AuthLDAPBindPassword "@BINDPW@"
    Require ldap-attribute objectClass=inetOrgPerson

    SocialDisplayNameVar AUTHORIZE_DISPLAYNAME
    SocialEmailVar AUTHORIZE_MAIL
    SocialModerator "reqenv('AUTHORIZE_MEMBEROF') =~ /(^|; )cn=moderators,ou=groups,dc=example,dc=com(;|$)/i"
</Location>
"""


@pytest.fixture(scope="module")
def kerberos_server(httpd_factory, directory):
    folder, htpasswd = harness.make_htpasswd([ERIN, HENRY, "outsider-" + RUN])
    conf = (KERBEROS_CONF.replace("@HTPASSWD@", htpasswd)
            .replace("@LDAPPORT@", str(directory.port))
            .replace("@BINDDN@", ROOT_DN).replace("@BINDPW@", ROOT_PASSWORD))
    yield httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                        conf=conf, modules=LDAP_MODULES, name="directory-kerberos")
    shutil.rmtree(folder, ignore_errors=True)


def test_a_login_without_the_directory_takes_names_and_groups_from_it(kerberos_server):
    # the htpasswd passwords are the user names (the harness's way)
    erin, henry = Client(kerberos_server, ERIN), Client(kerberos_server, HENRY)
    me = erin.me()
    assert (me["user"], me["name"], me["email"], me["moderator"]) \
        == (ERIN, NAMES[ERIN], mail(ERIN), True)
    me = henry.me()
    assert (me["name"], me["email"], me["moderator"]) == (NAMES[HENRY], mail(HENRY), False)
    page = fresh_page(kerberos_server)
    theirs = henry.create(page, "from a Kerberos login")
    assert [c["author"]["name"] for c in erin.listing(page)["comments"]] == [NAMES[HENRY]]
    assert henry.delete(erin.create(page, "Erin's")["id"]).status == 403
    assert erin.delete(theirs["id"]).status == 204
    # someone the directory does not know is not let in
    resp = Client(kerberos_server, "outsider-" + RUN).get(page)
    assert resp.status == 401, resp


# ------------------------------------------------------------ Require ldap-group

# A directory without memberOf (OpenLDAP without the memberof overlay,
# posixGroup ...): the group itself is asked, as `Require ldap-group` asks.
GROUP_CONF = """\
# mod_ldap keeps a compare's answer for LDAPOpCacheTTL seconds (600 by
# default): who joins or leaves the group moderates or stops after that.
LDAPOpCacheTTL 2
LDAPCacheTTL 2

<Location />
    AuthType Basic
    AuthName "Intranet"
    AuthBasicProvider ldap
    AuthLDAPURL "ldap://127.0.0.1:@LDAPPORT@/ou=people,dc=example,dc=com?uid,displayName,mail?one?(objectClass=inetOrgPerson)"
    AuthLDAPBindDN "@BINDDN@"
    AuthLDAPBindPassword "@BINDPW@"
    Require valid-user

    SocialDisplayNameVar AUTHENTICATE_DISPLAYNAME
    SocialEmailVar AUTHENTICATE_MAIL
    SocialModeratorRequire ldap-group cn=moderators,ou=groups,dc=example,dc=com
</Location>
"""


def group_conf(directory, text=GROUP_CONF):
    return (text.replace("@LDAPPORT@", str(directory.port))
            .replace("@BINDDN@", ROOT_DN).replace("@BINDPW@", ROOT_PASSWORD))


@pytest.fixture(scope="module")
def group_server(httpd_factory, directory):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=group_conf(directory), modules=LDAP_MODULES,
                         name="directory-group")


def test_the_directory_group_itself_decides_who_moderates(group_server, directory):
    erin, henry = person(group_server, ERIN), person(group_server, HENRY)
    me = erin.me()
    assert (me["name"], me["moderator"]) == (NAMES[ERIN], True)
    assert henry.me()["moderator"] is False
    page = fresh_page(group_server)
    theirs = henry.create(page, "Henry's words")
    assert henry.delete(erin.create(page, "Erin's words")["id"]).status == 403
    assert henry.get("/_social/admin").status == 403
    assert erin.delete(theirs["id"]).status == 204
    assert erin.get("/_social/admin").status == 200
    # Erin leaves the group: once mod_ldap's cache lets the answer go
    # (LDAPOpCacheTTL), she moderates no more
    directory.modify("dn: %s\nchangetype: modify\ndelete: member\nmember: uid=%s,%s\n"
                     % (MODERATORS_DN, ERIN, PEOPLE))
    try:
        assert harness.wait_until(lambda: erin.me()["moderator"] is False, 10, 0.5)
        assert erin.delete(henry.create(page, "again")["id"]).status == 403
    finally:
        directory.modify("dn: %s\nchangetype: modify\nadd: member\nmember: uid=%s,%s\n"
                         % (MODERATORS_DN, ERIN, PEOPLE))


@pytest.mark.parametrize("line, why", [
    ("SocialModeratorRequire ldap-group", "ldap-group needs the group"),
    ("SocialModeratorRequire no-such-provider cn=x", "no authorization provider named "
                                                     "'no-such-provider'"),
    ("SocialModeratorRequire all granted", "does not say who a person is"),
    ("SocialModeratorRequire", "takes an authorization provider"),
])
def test_a_wrong_moderator_require_line_stops_httpd(mariadb, directory, line, why):
    conf = group_conf(directory).replace(
        "SocialModeratorRequire ldap-group cn=moderators,ou=groups,dc=example,dc=com", line)
    srv = harness.Httpd(db=mariadb, conf=conf, modules=LDAP_MODULES, name="directory-bad")
    try:
        code, output = srv.config_test()
    finally:
        srv.cleanup()
    assert code != 0, output
    assert "SocialModeratorRequire" in output and why in output, output


def test_moderator_require_none_clears_a_parents(httpd_factory, directory):
    conf = group_conf(directory) + config.block("/_social/api/v1/me",
                                                "SocialModeratorRequire none")
    srv = httpd_factory(conf=conf, modules=LDAP_MODULES, name="directory-none")
    erin = person(srv, ERIN)
    assert erin.me()["moderator"] is False
    assert erin.get("/_social/admin").status == 200


# ------------------------------------------------------------ mod_auth_openidc itself

# mod_auth_openidc, loaded for real, in its resource-server mode: it checks
# a bearer JWT (signed here with a shared key) without any provider and
# sets the token's claims as the same OIDC_CLAIM_* variables the
# openid-connect flow sets (that flow needs a provider and a browser).
OIDC_KEY = "0123456789abcdef0123456789abcdef"
OIDC_MODULE = [("auth_openidc_module", "mod_auth_openidc.so")]
OIDC_JWT_CONF = """\
OIDCOAuthVerifySharedKeys plain#k1#@KEY@
OIDCOAuthRemoteUserClaim preferred_username
OIDCCryptoPassphrase test-only-passphrase

<Location />
    AuthType oauth20
    Require valid-user

    SocialDisplayNameVar OIDC_CLAIM_name
    SocialEmailVar OIDC_CLAIM_email
    SocialModerator "reqenv('OIDC_CLAIM_groups') =~ /(^|,)community-managers(,|$)/"
</Location>
"""


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def bearer_token(claims, key=OIDC_KEY):
    """An HS256 JWT of the claims (issued now, good for ten minutes)."""
    now = int(time.time())
    claims = dict(claims, iat=now, exp=now + 600)
    head = b64url(json.dumps({"alg": "HS256", "typ": "JWT", "kid": "k1"}).encode())
    body = b64url(json.dumps(claims).encode())
    mac = hmac.new(key.encode(), ("%s.%s" % (head, body)).encode(), hashlib.sha256)
    return "%s.%s.%s" % (head, body, b64url(mac.digest()))


class BearerClient(Client):
    """A visitor who brings an OpenID Connect access token."""

    def __init__(self, server, user, token):
        super().__init__(server, user)
        self.token = token

    def headers(self, extra=None, write=False):
        hdrs = {"Authorization": "Bearer " + self.token}
        hdrs.update(extra or {})
        hdrs = super().headers(hdrs, write)
        hdrs["Authorization"] = "Bearer " + self.token
        return hdrs


@pytest.fixture(scope="module")
def openidc_server(httpd_factory):
    return httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                         conf=OIDC_JWT_CONF.replace("@KEY@", OIDC_KEY),
                         modules=OIDC_MODULE, name="directory-openidc",
                         error_log_allow=[r"auth_openidc:error.*(signature verification "
                                          r"failed|signature could not be validated)"])


def test_mod_auth_openidc_claims_map_name_email_and_moderator_group(openidc_server):
    ida_user, jo_user = "ida-" + RUN, "jo-" + RUN
    ida = BearerClient(openidc_server, ida_user, bearer_token({
        "sub": "0001", "preferred_username": ida_user, "name": "Ida \u00d6berg",
        "email": "ida@example.com", "groups": ["staff", "community-managers"]}))
    jo = BearerClient(openidc_server, jo_user, bearer_token({
        "sub": "0002", "preferred_username": jo_user, "name": "Jo Jones",
        "email": "jo@example.com", "groups": ["staff", "community-managers-emeritus"]}))
    me = ida.me()
    assert (me["user"], me["name"], me["email"], me["moderator"]) \
        == (ida_user, "Ida \u00d6berg", "ida@example.com", True)
    me = jo.me()
    assert (me["user"], me["name"], me["email"], me["moderator"]) \
        == (jo_user, "Jo Jones", "jo@example.com", False)
    page = fresh_page(openidc_server)
    theirs = jo.create(page, "Jo's words")
    assert [c["author"]["name"] for c in ida.listing(page)["comments"]] == ["Jo Jones"]
    assert jo.delete(ida.create(page, "Ida's words")["id"]).status == 403
    assert ida.delete(theirs["id"]).status == 204
    # a token signed with another key lets nobody in
    forged = BearerClient(openidc_server, ida_user, bearer_token(
        {"sub": "0001", "preferred_username": ida_user, "name": "Mallory"}, key="x" * 32))
    resp = forged.api("POST", "comments", {"page": page, "body": "forged"})
    assert resp.status == 401, resp
    assert [c["body"] for c in ida.listing(page)["comments"]] == ["Ida's words"]


DOWN_CONF = """\
<Location />
    AuthType Basic
    AuthName "Intranet"
    AuthBasicProvider file
    AuthUserFile "@HTPASSWD@"
    AuthLDAPURL "ldap://127.0.0.1:@LDAPPORT@/ou=people,dc=example,dc=com?uid?one?(objectClass=inetOrgPerson)"
    Require valid-user
    SocialModeratorRequire ldap-group cn=moderators,ou=groups,dc=example,dc=com
</Location>
"""


def test_an_unreachable_directory_makes_no_moderator_and_costs_no_page(httpd_factory):
    # the login is an htpasswd file; the moderators group lives in a
    # directory that does not answer (nothing listens on its port)
    folder, htpasswd = harness.make_htpasswd(["kim-" + RUN])
    try:
        conf = (DOWN_CONF.replace("@HTPASSWD@", htpasswd)
                .replace("@LDAPPORT@", str(harness.free_port())))
        srv = httpd_factory(files={"index.html": PAGE_TEMPLATE.format(title="Home")},
                            conf=conf, modules=LDAP_MODULES, name="directory-down",
                            error_log_allow=[r"SOCIAL1941"])
        kim = Client(srv, "kim-" + RUN)
        page = fresh_page(srv)
        assert kim.page(page).status == 200
        me = kim.me()
        assert (me["user"], me["moderator"]) == ("kim-" + RUN, False)
        assert kim.get("/_social/admin").status == 403
        assert kim.create(page, "the intranet comes first")["id"] > 0
        assert [c["body"] for c in kim.listing(page)["comments"]] \
            == ["the intranet comes first"]
    finally:
        shutil.rmtree(folder, ignore_errors=True)
