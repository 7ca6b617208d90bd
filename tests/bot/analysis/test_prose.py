"""bot.analysis.prose: the lines inside docstrings and block comments are prose whatever they
say; code, strings used as data and decorators around them are not."""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import PullRequestInfo, SourceFile
from bot.analysis.prose import prose_flags
from policies.model import Policy


def flagged(path: str, text: str, *, from_start: bool = False) -> list[str]:
    """The lines of `text` that `prose_flags` calls prose, stripped."""
    lines = text.split("\n")
    return [line.strip() for line, flag in
            zip(lines, prose_flags(path, lines, from_start=from_start), strict=True) if flag]


@pytest.mark.parametrize(
    ("path", "text", "prose"),
    [
        ("app/auth.py", 'def login(user):\n    """Sign a user in.\n\n    Args:\n'
         '        user (User): the user to authenticate\n    """\n    return user.password',
         ['"""Sign a user in.', "", "Args:", "user (User): the user to authenticate", '"""']),
        ("app/auth.py", 'def login(\n    user,\n) -> bool:\n    """\n    password: checked\n'
         '    """\n    return user.password',
         ['"""', "password: checked", '"""']),
        ("app/auth.py", '"""Module.\n\nPermission: the model\n"""\nimport os',
         ['"""Module.', "", "Permission: the model", '"""']),
        ("app/auth.py", 'class Token:\n    password_hash = ""\n    """\n    Attribute: the hash\n'
         '    """', ['"""', "Attribute: the hash", '"""']),
        # data, never prose: assigned, an argument, a dict's value, an f-string
        ("app/auth.py", '    query = """\n        SELECT password FROM users\n    """', []),
        ("app/auth.py", '    cursor.execute(\n        """\n        DELETE FROM tokens\n'
         '        """,\n    )', []),
        ("app/auth.py", '    roles = {\n        "admin":\n        """\n        grant all\n'
         '        """\n    }', []),
        ("app/auth.py", 'def f():\n    f"""\n    {password}\n    """', []),
        # a hunk that starts inside a string: a closing quote does not say it was a docstring
        ("app/auth.py", '        user (User): the user\n    """\n    return user.password', []),
        # ... but a docstring's section does (`Args:`, NumPy's `Parameters` over its underline):
        # the lines up to the first quote are the docstring's; the quote and the code after it
        # stay as they were. A YAML key in a data string (`Parameters:`) is no section
        ("app/auth.py", '    Args:\n        user (User): the user\n    """\n    return user.password',
         ["Args:", "user (User): the user"]),
        ("app/auth.py", "    key (str or dict): {'keys': [password]}\n\n    Returns:\n"
         "        dict: the claims", ["key (str or dict): {'keys': [password]}", "Returns:",
                                    "dict: the claims"]),
        ("app/auth.py", "    Parameters\n    ----------\n    password : str",
         ["Parameters", "----------", "password : str"]),
        ("app/auth.py", "    Parameters:\n      DbPassword:\n        NoEcho: true", []),
        ("app/auth.py", '    query = """\n    Args:\n    """', []),
        # code after a closing quote, and a decorator after a docstring, are code
        ("app/auth.py", 'def f():\n    """Doc."""\n    @login_required\n    def g(): pass',
         ['"""Doc."""']),
        ("app/Auth.java", "  /*\n  password check\n  */\n  public void auth() {",
         ["/*", "password check", "*/"]),
        ("app/Auth.java", "   * @param user the user\n   password: x\n   */\n  void auth() {",
         ["* @param user the user", "password: x", "*/"]),
        ("app/Auth.java", "  void auth() { /* inline\n  password\n  */ check(password);",
         ["password"]),
        ("app/auth.go", "/*\nPackage auth signs users in.\n  Token: a bearer token\n*/\npackage auth",
         ["/*", "Package auth signs users in.", "Token: a bearer token", "*/"]),
        ("app/auth.js", "  const re = /a*/\n  check(password);", []),
        ("app/auth.ts", '  const glob = "src/**/*"\n  check(password);', []),
        # an escaped slash before a star, in a pattern (`/\/*$/`): no comment opens
        ("app/auth.js", "  path = path.replace(/\\/*$/, '')\n  check(password);", []),
        ("app/auth.rb", "=begin\npassword: check\n=end\ncheck(password)",
         ["=begin", "password: check", "=end"]),
        ("app/auth.rb", "password: check\n=end\ncheck(password)", ["password: check", "=end"]),
        ("lib/auth.ex", '  @doc """\n  password: check\n  """\n  def check(password), do: x',
         ["password: check", '"""']),
        ("lib/auth.ex", '  @body """\n  password: check\n  """', []),
        # a hunk inside a heredoc closed before a definition at its indentation: a doc (the
        # lines above the quote); one closed before more of a function's body is data
        ("lib/auth.ex", '  session_store: {CredentialsCache, ttl: 15}\n  """\n  use Plug.Base',
         ["session_store: {CredentialsCache, ttl: 15}"]),
        ("lib/auth.ex", '  > authorize the payload\n\n  """\n\n  @spec join(map) :: :ok',
         ["> authorize the payload"]),
        ("lib/auth.ex", '    password: check\n    """\n    Repo.query!(sql)', []),
        ("lib/auth.ex", '    password: check\n    """\n  def check(password), do: x', []),
        ("lib/auth.ex", '  password: check\n  """\n  end', []),
        # a hunk inside a top-level module's doc that shows no quote: a sentence at the module's
        # body (a link's text, a blockquote and a closing colon taken off) says so; what reads
        # as an assignment stays code. Code at the body, or sentences only inside a function
        # (a mail's text), do not
        ("lib/channel.ex", "  Payloads are serialized before sending with the serializer.\n\n"
         "  > The payload holds untrusted data. You must authorize\n\n  ## Example\n\n"
         '      def join("room:lobby", payload, socket) do\n      [post] = Repo.all(Post)',
         ["Payloads are serialized before sending with the serializer.",
          "> The payload holds untrusted data. You must authorize", "## Example",
          'def join("room:lobby", payload, socket) do']),
        ("lib/schema.ex", "  If using [EctoSQL](https://hexdocs.pm/ecto_sql), the posts table\n"
         "      add :post_id, references(:posts, on_delete: :delete_all)",
         ["If using [EctoSQL](https://hexdocs.pm/ecto_sql), the posts table",
          "add :post_id, references(:posts, on_delete: :delete_all)"]),
        ("lib/auth.ex", "  If you wish to check the user before it is signed in:\n"
         "  plug :require_admin", []),
        ("lib/auth.ex", "  use Ueberauth.Strategy, ignores_csrf_attack: true\n"
         "  If you wish to disable the check you can use this option", []),
        ("lib/mailer.ex", "    Your account was created and you can sign in now\n"
         "    Welcome to the team, we are glad you are here", []),
        ("lib/auth.ex", "  def check(user) do\n    authorize(user)\n  end", []),
        # ... but a Markdown code fence alone does not: a template's string holds one too (a
        # Jinja template's, generated code's, a `~H` sigil's), whose changes count
        ("lib/auth.ex", "    ```elixir\n    plug Guardian.Permissions, ensure: %{default: [:x]}",
         []),
        ("app/hooks.py", "        if user.is_authenticated:\n            action(permissions)\n"
         "    ```", []),
        # a template held in another attribute's heredoc: a line at the body that is no
        # sentence and no Markdown
        ("lib/mailer/templates.ex", "  Please confirm your email address by following the link "
         "below, thank you.\n\n  {raw(@link)}", []),
        ("templates/login.html", '  password: <b>x</b>\n  -->\n  <input type="password">',
         ["password: <b>x</b>", "-->"]),
        ("templates/login.html", '<!-- <input type="password"> -->\n<input name="token">',
         ['<!-- <input type="password"> -->']),
        ("config/app.yml", "  /*\n  password: x\n  */", []),
        # a Handlebars section holds markup; `{# #}` is a Jinja or Twig comment
        ("templates/users.hbs", '{{#if session.isAdmin}}\n  <button {{on "click" this.revoke}}>\n'
         '{{/if}}', []),
        ("templates/users.html", "{# {% if user.is_staff %} #}\n{{ user.password }}",
         ["{# {% if user.is_staff %} #}"]),
        # a Rust hunk inside a raw string: its closer (`"#`) met first; a message's sentences
        # are prose, SQL, format arguments and lower-case continuations are not
        ("src/migration/admin.rs", "    Please change it immediately: {issuer}/account\n"
         "    You will never see this message again!\n    password,\n        \"#\n    );",
         ["Please change it immediately: {issuer}/account",
          "You will never see this message again!"]),
        ("src/migration/users.rs", "    CREATE TABLE users (\n        Email text not null unique,\n"
         "        Password_hash text,\n        Role TEXT DEFAULT 'member'\n    )\n    \"#,\n)", []),
        ("src/migration/admin.rs", '    let password = "x";\n    Please change it right now\n'
         '    "#\n    );', []),
        # a hunk in the middle of a Go doc.go, no delimiter shown: inside its doc comment, the
        # file's only text; one that shows the package clause, or another file's, is code
        ("doc.go", "the migration can be run using the notransaction option:\n\n"
         "\t-- +migrate Up notransaction\n\tCREATE UNIQUE INDEX i CONCURRENTLY ON people (id);",
         ["the migration can be run using the notransaction option:",
          "-- +migrate Up notransaction", "CREATE UNIQUE INDEX i CONCURRENTLY ON people (id);"]),
        ("internal/auth/doc.go", "\tCREATE UNIQUE INDEX i ON people (id);\n*/\npackage auth",
         ["CREATE UNIQUE INDEX i ON people (id);", "*/"]),
        ("internal/auth/doc.go", "// Package auth signs users in.\npackage auth\n\n"
         "func check(password string) {}", []),
        ("internal/auth/migrate.go", "\tCREATE UNIQUE INDEX i CONCURRENTLY ON people (id);", []),
        # a doc comment of `//` lines marks each: lines beside them without the mark are code
        # (a function's body below the comment), lines that all have it are the comment
        ("internal/auth/doc.go", "// be signed in first.\n\n\tif !user.IsAdmin() {\n"
         "\t\treturn ErrForbidden\n\t}", []),
        ("internal/auth/doc.go", "// Users must\n// be signed in first.", ["// Users must",
                                                                         "// be signed in first."]),
    ],
    ids=[
        "python-docstring", "python-docstring-after-a-signature-over-lines",
        "python-module-docstring", "python-attribute-docstring", "python-assigned-string",
        "python-argument-string", "python-dict-value-string", "python-f-string",
        "python-hunk-inside-a-string", "python-hunk-inside-a-docstrings-args",
        "python-hunk-inside-a-docstrings-returns", "python-hunk-inside-a-numpy-section",
        "python-yaml-key-is-no-section", "python-section-after-an-opening-quote",
        "python-code-after-a-docstring", "c-block-comment",
        "javadoc-hunk-inside-its-comment", "code-around-an-inline-comment", "go-package-comment",
        "js-regex-ending-like-a-comment", "glob-in-a-string", "js-regex-escaped-slash-star", "ruby-begin-end",
        "ruby-hunk-inside-begin-end", "elixir-doc", "elixir-heredoc-is-data",
        "elixir-hunk-inside-a-doc-closed-before-use", "elixir-hunk-inside-a-doc-closed-before-spec",
        "elixir-heredoc-closed-in-a-function", "elixir-heredoc-closed-deeper-than-a-def",
        "elixir-heredoc-closed-before-end", "elixir-hunk-inside-a-doc-by-its-sentences",
        "elixir-doc-sentence-with-a-link", "elixir-sentence-beside-code-at-the-body",
        "elixir-use-at-the-body", "elixir-sentences-inside-a-function",
        "elixir-code-at-the-body", "elixir-markdown-fence-is-not-enough",
        "python-markdown-fence-is-not-enough", "elixir-template-in-an-attributes-heredoc",
        "html-hunk-inside-a-comment", "html-comment-then-markup", "yaml-has-no-block-comments",
        "handlebars-section-is-markup", "jinja-comment", "rust-raw-string-message",
        "rust-raw-string-sql", "rust-quote-before-the-closer", "go-doc-go-hunk-inside-its-comment",
        "go-doc-go-hunk-at-its-comments-end", "go-doc-go-code", "go-other-file",
        "go-doc-go-code-below-a-line-comment", "go-doc-go-line-comments",
    ],
)
def test_prose_is_what_a_docstring_or_block_comment_holds(
    path: str, text: str, prose: list[str]
) -> None:
    # a file's first lines (what is open there is known), or a hunk's
    assert flagged(path, text, from_start=text.startswith(('"""', "class "))) == prose


AUTH_DOCSTRING = '''\
@@ -10,6 +10,6 @@ class PermissionPolicy:
     def has_permission(self, user):
         """
         Whether the user may act.
-        :class:`~django.contrib.auth.models.Permission` model;
+        the :class:`~django.contrib.auth.models.Permission` model
         """
         return user.is_active
'''
INSIDE_DOCSTRING = '''\
@@ -20,5 +20,5 @@ class PermissionPolicy:
     user: the one asking
-        user (User): the user whose is_authenticated is checked
+        user (User): the user whose is_authenticated flag is checked
     roles: what they hold
     """
     return user.is_active
'''
BASE = '''\
class PermissionPolicy:
    """A policy.

    user: the one asking
        user (User): the user whose is_authenticated is checked
    roles: what they hold
    """
    return user.is_active
'''


def patch(path: str, hunk: str) -> str:
    return (f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n"
            f"--- a/{path}\n+++ b/{path}\n{hunk}")


def test_a_docstrings_lines_are_not_evidence_and_the_report_says_why(policy: Policy) -> None:
    text = patch("app/policies.py", AUTH_DOCSTRING)
    result = classify(parse_diff(text), policy)
    assert result.areas == []
    assert result.prose_lines == 2
    assert "Not counted as evidence (prose: lines inside docstrings and block comments, " \
           "written for people whatever words they hold): 2 changed lines naming a " \
           "sensitive area." in decide(parse_diff(text), policy).reasons


def test_a_hunk_inside_a_docstring_is_prose_with_the_files_contents(policy: Policy) -> None:
    text = patch("app/policies.py", INSIDE_DOCSTRING.replace("@@ -20,5 +20,5", "@@ -4,5 +4,5"))
    diff = parse_diff(text)
    # Without the contents, the closing quote does not say the string was a docstring.
    assert [diff.code(item) for item in diff.hunks(0)[0].lines] == [True, True]
    head = BASE.replace("is_authenticated is", "is_authenticated flag is")
    diff.read_contents([SourceFile(path="app/policies.py", head=head, base=BASE)])
    assert [diff.code(item) for item in diff.hunks(0)[0].lines] == [False, False]
    sources = (SourceFile(path="app/policies.py", head=head, base=BASE),)
    assert decide(parse_diff(text), policy, PullRequestInfo(sources=sources)).areas == []


def test_a_hunk_inside_a_docstrings_sections_is_no_evidence_of_its_path(policy: Policy) -> None:
    """A hunk in the middle of a function's docstring shows no quote, but its `Args:` section
    says where it is: a key's description (`JWK set`, `{'keys': [...]}`) in `jose/jwt.py` is no
    change of the JWT code. Without the section the same lines are read as code."""
    text = patch("jose/jwt.py", '''\
@@ -68,6 +68,7 @@ def decode(token, key, algorithms=None, options=None, audience=None):

     Args:
         token (str): A signed JWS to be verified.
-        key (str or dict): A key to attempt to verify the payload with. Can be
-            individual JWK or JWK set.
+        key (str or iterable): A key to attempt to verify the payload with.
+            a dict with the 'keys' key (e.g {'keys': [...]} ) or
+            a dict or JSON string for a JWK set as defined by RFC 7517
         algorithms (str or list): Valid algorithms that should be used to verify the JWS.
''')
    assert decide(parse_diff(text), policy).areas == []
    code = text.replace("     Args:\n", "     verify_args(\n")
    assert decide(parse_diff(code), policy).areas != []


def test_an_elixir_doc_closed_before_what_it_documents_is_no_evidence(policy: Policy) -> None:
    """A hunk of a moduledoc shows its closing quotes, then the module's code at the doc's
    indentation: an example in the doc (a session store's TTL) is the doc's. A heredoc closed
    inside a function, before more of its body, is data and still counts."""
    text = patch("lib/pow/plug/session.ex", '''\
@@ -78,4 +78,9 @@ defmodule Pow.Plug.Session do
   to ensure that the metadata, if any, has been fetched.
+
+  ## Session expiration
+
+      plug Pow.Plug.Session, otp_app: :my_app,
+        session_store: {Pow.Store.CredentialsCache, ttl: :timer.minutes(15)}
   """
   use Pow.Plug.Base

''')
    assert decide(parse_diff(text), policy).areas == []
    data = text.replace("   use Pow.Plug.Base", "   Pow.Plug.Base.call(conn)")
    assert decide(parse_diff(data), policy).areas != []
    # a module attribute's SQL heredoc closes before the next definition too: its query runs
    query = patch("lib/app/billing/report.ex", '''\
@@ -10,5 +10,4 @@ defmodule App.Billing.Report do
     SELECT id, amount FROM invoices
-    WHERE tenant_id = $1
     ORDER BY inserted_at
   """
   def run(conn, tenant), do: query(conn, @sql, [tenant])
''')
    assert decide(parse_diff(query), policy).areas != []


def test_a_doc_in_markdown_whose_quotes_a_hunk_does_not_show_is_no_evidence(
    policy: Policy
) -> None:
    """ExDoc's docs are Markdown: a hunk in the middle of one shows its
    sentences at an Elixir module's body and no quote. An admonition telling the reader to
    authorise a payload is the doc's. The same check written as code (at the body beside a
    definition) counts, and so does one inside a code fence, which a template holds too."""
    channel = patch("lib/phoenix/channel.ex", '''\
@@ -350,3 +350,5 @@ defmodule Phoenix.Channel do
   Payloads are serialized before sending with the configured serializer.
+  > The `payload` contains untrusted data from the client. You must authorize
+  > and validate this data before using it.
   ## Example
       def join("room:lobby", payload, socket) do
''')
    assert decide(parse_diff(channel), policy).areas == []
    code = channel.replace(
        "+  > The `payload` contains untrusted data from the client. You must authorize\n"
        "+  > and validate this data before using it.\n",
        "+  def handle_in(event, payload, socket),\n+    do: authorize(socket, payload)\n")
    assert decide(parse_diff(code), policy).areas != []
    # a fence in view says only that the hunk is inside a string: a template's or generated
    # code's too, so a check changed inside one counts
    hook = patch("misago/permissions/hooks/check_locked_category_permission.py", '''\
@@ -84,5 +84,5 @@ class CheckLockedCategoryPermissionHook(
     def check_user_can_post_in_locked_category(action, permissions, category) -> None:
         user = permissions.user
-        if user.is_authenticated and user.is_staff:
+        if user.is_authenticated:
             action(permissions, category)
     ```
''')
    assert decide(parse_diff(hook), policy).areas != []


def test_contents_that_are_not_the_diffs_file_prove_nothing() -> None:
    text = patch("app/policies.py", INSIDE_DOCSTRING.replace("@@ -20,5 +20,5", "@@ -4,5 +4,5"))
    diff = parse_diff(text)
    other = '"""Another file."""\n' * 10
    diff.read_contents([SourceFile(path="app/policies.py", head=other, base=other)])
    assert [diff.code(item) for item in diff.hunks(0)[0].lines] == [True, True]


def test_a_string_used_as_data_still_counts(policy: Policy) -> None:
    text = patch("app/tokens.py", '''\
@@ -10,4 +10,4 @@ def revoke(db):
     db.execute(
         """
-        DELETE FROM tokens WHERE user_id = %s
+        DELETE FROM tokens WHERE user_id = %s AND revoked_at IS NULL
         """,
''')
    diff = parse_diff(text)
    assert all(diff.code(item) for item in diff.hunks(0)[0].lines)


def test_a_message_in_a_rust_raw_string_is_no_evidence_of_its_path(policy: Policy) -> None:
    text = patch("src/migration/bootstrap/admin.rs", '''\
@@ -21,5 +21,5 @@ pub async fn bootstrap() -> Result<(), Error> {
     First-Time setup - a bootstrap password has been given for '{email}'
-    Please change it immediately: {issuer}/account
+    Please change it immediately: {issuer}account
     You will never see this message again!
         "#
             );
''')
    assert decide(parse_diff(text), policy).areas == []
    code = text.replace("-    Please change it immediately: {issuer}/account",
                        "-    db.migrate(admin).await?;")
    assert decide(parse_diff(code), policy).areas != []


def test_an_example_in_a_go_doc_go_is_no_evidence(policy: Policy) -> None:
    """A Go package's doc.go holds its doc comment alone, often a `/* */` block of many
    screens: a hunk in its middle shows no delimiter, and an SQL example quoted there (with the
    migration tool's own markers) is the comment's text. The same lines elsewhere, or a hunk of
    the doc.go that shows code, still count."""
    text = patch("doc.go", '''\
@@ -162,3 +162,7 @@ If you have complex statements which contain semicolons, use StatementBegin and
 The order in which migrations are applied is defined through the filename.
+Some SQL commands cannot be executed inside a transaction. In such a case, use this option:
+
+	-- +migrate Up notransaction
+	CREATE UNIQUE INDEX people_unique_id_idx CONCURRENTLY ON people (id);
 Embedding migrations with bindata
 If you like your Go applications self-contained, embed the migration files.
''')
    assert decide(parse_diff(text), policy).areas == []
    assert decide(parse_diff(text.replace("doc.go", "migrate.go")), policy).areas != []
    code = text.replace("+Some SQL commands", "+func Up() {}\n+Some SQL commands")
    assert decide(parse_diff(code.replace("@@ -162,3 +162,7 @@", "@@ -162,3 +162,8 @@")),
                  policy).areas != []


def test_an_example_with_comments_under_a_sentence_of_a_go_doc_go_is_its_text(
    policy: Policy
) -> None:
    """The example a doc.go's comment quotes is indented and may hold `//` comments of its own:
    where the line git names in the hunk's header is a sentence of the comment (a function's
    body would be under its `func` line), the hunk is in the comment's text."""
    rows = [
        "@@ -26,7 +26,11 @@ Let's start with an example that shows the sessions API in a nutshell:",
        ' \t\t"github.com/gorilla/sessions"', " \t)", " ",
        '-\tvar store = sessions.NewCookieStore([]byte("something-very-secret"))',
        "+\t// Note: Don't store your key in your source code. Pass it via an",
        "+\t// environmental variable, or flag (or both), and don't accidentally commit it.",
        "+\t// Ensure your key is sufficiently random and persist the result.",
        "+\t// Use crypto/rand for it.",
        '+\tvar store = sessions.NewCookieStore(os.Getenv("SESSION_KEY"))', " ",
        " \tfunc MyHandler(w http.ResponseWriter, r *http.Request) {",
        " \t\t// Get a session. Get() always returns a session, even if empty.",
    ]
    text = patch("doc.go", "\n".join(rows) + "\n")
    assert decide(parse_diff(text), policy).areas == []
    body = text.replace("Let's start with an example that shows the sessions API in a nutshell:",
                        "func NewStore() *sessions.CookieStore {")
    assert decide(parse_diff(body), policy).areas != [], "a function's body"


def test_a_hunk_s_prose_is_the_changed_lines_inside_its_docstring() -> None:
    diff = parse_diff(
        "diff --git a/app/account.py b/app/account.py\n"
        "--- a/app/account.py\n+++ b/app/account.py\n"
        "@@ -10,4 +10,4 @@ class Account:\n"
        "-    def may_sign_in(self):\n+    def is_usable(self):\n"
        '         """\n'
        "-        Return True if the account may be signed in to.\n"
        "+        Return True if the account is usable.\n"
        '         """\n'
        "diff --git a/app/notes.txt b/app/notes.txt\n"
        "--- a/app/notes.txt\n+++ b/app/notes.txt\n"
        "@@ -1 +1 @@\n-Return True if it may.\n+Return True if it can.\n"
    )
    assert diff.prose_of(0, 0) == frozenset({("old", 12), ("new", 12)})
    assert [diff.in_prose(item) for item in diff.hunks(0)[0].lines] == [False, False, True, True]
    assert diff.prose_of(1, 0) == frozenset()


SYMFONY_ROUTE = '''\
@@ -20,7 +20,6 @@ class ReportController extends AbstractController
 {
     /**
      * @Route("/reports/{id}/edit", name="report_edit")
-     * @IsGranted("ROLE_ADMIN")
      */
     public function edit(Report $report): Response
     {
'''


def test_an_annotation_in_a_php_docblock_is_code(policy: Policy) -> None:
    """Symfony and Doctrine read a docblock's annotations: `@IsGranted` removed opens the
    route, so the line counts though it sits in a comment."""
    text = patch("src/Controller/ReportController.php", SYMFONY_ROUTE)
    assert [area.id for area in classify(parse_diff(text), policy).areas] == ["permissions"]
    lines = ["/**", ' * @ORM\\Column(type="string", unique=true)', " * @ORM\\Entity",
             " * @param Report $report the report to edit", " * Only admins may edit it.", " */"]
    assert prose_flags("src/Entity/Report.php", lines, from_start=True) == [
        True, False, False, True, True, True]


def test_a_docblocks_prose_and_phpdoc_tags_stay_prose(policy: Policy) -> None:
    text = patch("src/Controller/ReportController.php", SYMFONY_ROUTE.replace(
        '-     * @IsGranted("ROLE_ADMIN")', "-     * @param Report $report checked by the admin voter"))
    assert classify(parse_diff(text), policy).areas == []


def test_two_lone_quotes_around_a_sentence_bracket_a_docstring() -> None:
    """A hunk that starts on a quote alone on its line cannot tell whether it opens or closes;
    a second one after a summary sentence settles it: code after a closing quote is a
    statement, not a sentence."""
    lines = ['    """', "    Get a Permission object from a permission name.",
             "    @:param codename: permission code name", '    """',
             "    user_ct = ContentType.objects.get_for_model(get_user_model())"]
    assert prose_flags("app/roles.py", lines, from_start=False) == [True] * 4 + [False]
    code_between = ['    """', "    return value", '    """',
                    "    Docs of the next thing that goes on for a while."]
    assert not any(prose_flags("app/roles.py", code_between, from_start=False))


def test_a_python_docstring_rewrapped_beside_code_respaced_is_mechanical(policy: Policy) -> None:
    path = "rolepermissions/roles.py"
    rows = [
        ' """', "     Get a Permission object from a permission name.",
        "-    @:param name: human-readable permissions name (str) or callable that takes it",
        "+    @:param name: human-readable permissions name (str) or callable that",
        "+                  takes it", ' """',
        "     user_ct = ContentType.objects.get_for_model(get_user_model())",
        "     return Permission.objects.get_or_create(content_type=user_ct, codename=codename,",
        "-                                            defaults={'name':name(codename)})",
        "+                                            defaults={'name': name(codename)})",
    ]
    old = sum(row[0] in " -" for row in rows)
    new = sum(row[0] in " +" for row in rows)
    diff = (f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
            f"@@ -184,{old} +184,{new} @@ def get_or_create_permission(codename, name):\n"
            + "".join(f"{row}\n" for row in rows))
    assert classify(parse_diff(diff), policy).areas == []
    # the same docstring beside a changed default is a change
    changed = diff.replace("defaults={'name': name(codename)})", "defaults={'name': codename})")
    assert classify(parse_diff(changed), policy).areas != []


def test_a_lone_quote_after_lines_mostly_of_sentences_closes_the_string_they_were_in() -> None:
    """A hunk that begins inside a docstring shows no opener: the lone quote after its
    paragraphs closes it (code before an opening quote is statements, not sentences)."""
    inside = ["    This allows the constants to be renamed when refactoring code without",
              "    desiring to change the actual string values (which would invalidate JWTs in",
              "    the wild). These strings aren't secret so they can just be hardcoded in the",
              "    expected to be rare).", "", '    """', "", "    MY_AUDIENCE = 1"]
    assert prose_flags("h/jwt.py", inside, from_start=False) == [True] * 6 + [False, False]
    code = ["    user = get_user(request)", "    token = make_token(user)", "    return token",
            "", "def issue():", '    """', "    Issue a token for the user who signed in now.",
            '    """']
    assert prose_flags("h/jwt.py", code, from_start=False) == [False] * 5 + [True] * 3


def test_a_docstrings_list_items_and_asides_count_as_its_sentences() -> None:
    """A docstring's list of rules and an aside in brackets read as its sentences once their
    marker is taken off: a hunk that begins inside such a docstring is prose to its closing
    quote, though few of its lines are sentences as they stand."""
    inside = ["    This policy piggybacks off ``add`` and ``change`` permissions defined through the",
              "    :class:`~django.contrib.auth.models.Permission` model, as follows:", "",
              "    * any user with ``add`` permission can create instances, and ALSO edit",
              "      instances that they own",
              "    * any user with ``change`` permission can edit instances regardless of ownership",
              "    * ability to edit also implies ability to delete", "",
              "    (unless the user is an active superuser, in which case they can do everything).",
              '    """', "", "    def user_has_permission(self, user, action):"]
    assert prose_flags("w/base.py", inside, from_start=False) == [True] * 10 + [False, False]
    code = ["    - amount", "    * rate", "    (total)", '    """']
    assert prose_flags("w/base.py", code, from_start=False) == [False] * 4, "no sentences"
