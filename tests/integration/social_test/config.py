"""httpd configuration snippets the test modules share.

Every function returns configuration text ending in a newline. `htpasswd`
defaults to the placeholder "@HTPASSWD@", for module constants that are
completed with .replace("@HTPASSWD@", path) once the fixture has written
the file.
"""

HTPASSWD = "@HTPASSWD@"
DISPLAY_NAME_VAR = "AUTHENTICATE_DISPLAYNAME"
EMAIL_VAR = "AUTHENTICATE_MAIL"


def block(path, *directives, kind="Location", indent=""):
    """<Location path> (or another section) holding the directives."""
    lines = ["%s<%s %s>" % (indent, kind, path)]
    lines += ["%s    %s" % (indent, d) for d in directives]
    lines.append("%s</%s>" % (indent, kind))
    return "\n".join(lines) + "\n"


def basic_login(htpasswd=HTPASSWD, realm="Intranet"):
    """The directives of HTTP Basic login against an htpasswd file."""
    return ["AuthType Basic", 'AuthName "%s"' % realm, "AuthBasicProvider file",
            'AuthUserFile "%s"' % htpasswd]


def moderator(user):
    return "SocialModerator \"%%{REMOTE_USER} == '%s'\"" % user


def login(htpasswd=HTPASSWD, moderator_user="carol", display_name=False, email=False,
          require=True, path="/", realm="Intranet", extra=(), indent=""):
    """Login for the whole site (<Location />): HTTP Basic users from the
    htpasswd file, `moderator_user` (None: nobody) the moderator; with
    display_name and email the module reads a person's name and e-mail from
    AUTHENTICATE_DISPLAYNAME and AUTHENTICATE_MAIL (set by SetEnvIf lines,
    standing in for a directory lookup)."""
    directives = basic_login(htpasswd, realm)
    if require:
        directives.append("Require valid-user")
    if moderator_user is not None:
        directives.append(moderator(moderator_user))
    if display_name:
        directives.append("SocialDisplayNameVar " + DISPLAY_NAME_VAR)
    if email:
        directives.append("SocialEmailVar " + EMAIL_VAR)
    directives += list(extra)
    return block(path, *directives, indent=indent)


def optional_login(path="/_social", extra=(), indent=""):
    """Optional login at the endpoint: credentials are checked when sent,
    visitors without them are anonymous."""
    directives = list(extra) + [
        "<If \"-n req('Authorization')\">",
        "    Require valid-user",
        "</If>",
        "<Else>",
        "    Require all granted",
        "</Else>",
    ]
    return block(path, *directives, indent=indent)


def anonymous(path, policy=None):
    """A folder without login; policy is its SocialAnonymous (Off, Read,
    Write) or None for the default."""
    directives = ["AuthType None", "Require all granted"]
    if policy is not None:
        directives.append("SocialAnonymous " + policy)
    return block(path, *directives)


def set_display_name(authorization, name):
    """Stands in for a directory lookup: the display name of the visitor
    whose Authorization header is `authorization` (a regex, anchored)."""
    return 'SetEnvIf Authorization "^%s$" "%s=%s"\n' % (authorization, DISPLAY_NAME_VAR, name)


def comments_site(htpasswd=HTPASSWD):
    """The site of test_comments (and of the modules that test more of the
    same site): login everywhere with carol the moderator, alice's name and
    e-mail from the "directory", optional login at the endpoint, folders
    for the render mode, edit windows, Social Off and a short length limit,
    and one public folder for each SocialAnonymous policy."""
    return (
        "# Stands in for an LDAP attribute lookup: the display name and e-mail of\n"
        "# alice, keyed by her (verified) credentials.\n"
        'SetEnvIf Authorization "^Basic YWxpY2U6YWxpY2U=$" '
        '"AUTHENTICATE_DISPLAYNAME=Alice Liddell" AUTHENTICATE_MAIL=alice@example.org\n'
        "\n"
        + block('"latin1-*.html"', 'ForceType "text/html; charset=ISO-8859-1"', kind="Files")
        + "\n"
        + login(htpasswd, display_name=True, email=True)
        + "\n"
        + optional_login()
        + "\n"
        + block("/deferred", "SocialRender Deferred")
        + block("/noedit", "SocialEditWindow 0")
        + block("/shortedit", "SocialEditWindow 2s")
        + block("/nosocial", "Social Off")
        + block("/short", "SocialMaxCommentLength 10")
        + "\n"
        + anonymous("/pub-off", "Off")
        + anonymous("/pub-read", "Read")
        + anonymous("/pub-write", "Write")
        + anonymous("/pub-default")
    )
