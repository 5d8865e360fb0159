"""Helpers shared by the integration and browser tests.

- client: a visitor (Basic user or anonymous) speaking the JSON API, the
  forms and the pages; the standard page template and fresh pages.
- html: a small HTML tree and the discussion markup read from it.
- asserts: the shapes of error answers and of comment items.
- config: httpd configuration snippets (login, optional login at the
  endpoint, anonymous folders) and the comments site of test_comments.

The server harness itself (httpd, MariaDB) stays in harness.py.
"""
