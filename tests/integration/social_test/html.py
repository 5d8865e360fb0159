"""A small HTML tree (html.parser) and the discussion markup read from it."""

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
        "meta", "param", "source", "track", "wbr"}


class Node:
    """An element of a parsed document; children are Nodes and strings."""

    def __init__(self, tag, attrs, parent=None):
        self.tag = tag
        self.attrs = dict(attrs)
        self.attr_list = list(attrs)
        self.parent = parent
        self.children = []

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    def get(self, name, default=None):
        value = self.attrs.get(name, default)
        return default if value is None else value

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        found = []
        for node in self.iter():
            if node is self:
                continue
            if tag is not None and node.tag != tag:
                continue
            if cls is not None and cls not in node.classes:
                continue
            if any(node.attrs.get(k.rstrip("_").replace("_", "-")) != v
                   for k, v in attrs.items()):
                continue
            found.append(node)
        return found

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent

    def __repr__(self):
        return "<%s %r>" % (self.tag, self.attrs)


class TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        node = Node(tag, attrs, self.stack[-1])
        self.stack[-1].children.append(node)

    def handle_endtag(self, tag):
        for k in range(len(self.stack) - 1, 0, -1):
            if self.stack[k].tag == tag:
                del self.stack[k:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse_html(data):
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    builder = TreeBuilder()
    builder.feed(data)
    builder.close()
    return builder.root


class Discussion:
    """The discussion HTML (the #social div of a page, or a fragment)."""

    def __init__(self, root):
        self.root = root

    @property
    def items(self):
        """{id: li element} of every comment."""
        out = {}
        for li in self.root.find_all("li", cls="social-comment"):
            m = re.fullmatch(r"comment-(\d+)", li.get("id", ""))
            assert m, li
            out[int(m.group(1))] = li
        return out

    def ids(self):
        return [int(li.get("id")[len("comment-"):])
                for li in self.root.find_all("li", cls="social-comment")]

    def item(self, cid):
        return self.items.get(cid)

    @staticmethod
    def own(li, cls):
        """The first element with class cls that belongs to this comment
        itself, not to one of its replies."""
        for node in li.find_all(cls=cls):
            owner = next(a for a in node.ancestors() if "social-comment" in a.classes)
            if owner is li:
                return node
        return None

    def body_text(self, cid):
        body = self.own(self.items[cid], "social-body")
        return None if body is None else body.text()

    def author(self, cid):
        node = self.own(self.items[cid], "social-author")
        return None if node is None else node.text()

    def depth(self, cid):
        classes = self.items[cid].classes
        depths = [c for c in classes if c.startswith("social-depth-")]
        assert len(depths) == 1, classes
        return int(depths[0][len("social-depth-"):])

    def forms(self, cid=None):
        """The forms in the discussion (or of one comment). A button of
        another form (form="ID" formaction="URL", a comment's like, follow,
        delete and hide buttons of the discussion's shared form) counts as
        the form it sends: a form element with the button's formaction as
        its action, the owner form's fields and the button's name and value
        as inputs, and the button inside."""
        scope = self.root if cid is None else self.items[cid]
        forms = []
        for node in scope.find_all():
            if node.tag == "form":
                form = node
            elif node.tag == "button" and node.get("form") and node.get("formaction"):
                form = self.button_form(node)
            else:
                continue
            if cid is not None:
                owner = next(a for a in node.ancestors() if "social-comment" in a.classes
                             or a is self.root)
                if owner is not scope:
                    continue
            forms.append(form)
        return forms

    def button_form(self, button):
        owner = self.root.find("form", id=button.get("form"))
        assert owner is not None, "no form#%s for %r" % (button.get("form"), button)
        attrs = [("action", button.get("formaction")), ("method", owner.get("method")),
                 ("class", owner.get("class"))]
        if button.get("data-social-confirm") is not None:
            attrs.append(("data-social-confirm", button.get("data-social-confirm")))
        form = Node("form", attrs)
        form.children = [Node("input", [("type", "hidden"), ("name", i.get("name")),
                                        ("value", i.get("value", ""))])
                         for i in owner.find_all("input")]
        if button.get("name"):
            form.children.append(Node("input", [("type", "hidden"), ("name", button.get("name")),
                                                ("value", button.get("value", ""))]))
        form.children.append(button)
        return form

    def form_fields(self, form):
        fields = {}
        for node in form.find_all("input"):
            fields[node.get("name")] = node.get("value", "")
        return fields

    def action_form(self, cid, action):
        for form in self.forms(cid):
            if self.form_fields(form).get("action") == action:
                return form
        return None

    def new_form(self):
        return self.root.find("form", cls="social-new")

    def token(self):
        form = self.new_form()
        assert form is not None, "no form.social-new in the discussion"
        return self.form_fields(form)["token"]

    def text(self):
        return self.root.text()


def social_div(body):
    """The #social element of a page."""
    root = parse_html(body)
    div = root.find("div", id="social")
    assert div is not None, body[-2000:]
    return div


