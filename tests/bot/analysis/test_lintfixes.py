"""Lines a linter's fix rewrites (bot/analysis/lintfixes.py): the older idiom and the newer one
are the same program, so a lint pass over a sensitive module is mechanical; a rewrite that
changes what runs, or a real change beside one, still counts."""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from bot.analysis.lintfixes import if_chains, modernised
from policies.model import Policy
from tests.bot._diffs import edit


def _areas(path: str, removed: list[str], added: list[str], policy: Policy) -> set[str]:
    return {area.id for area in classify(parse_diff(edit(path, added, removed)), policy).areas}


@pytest.mark.parametrize(
    ("path", "removed", "added"),
    [
        ("auth/login.go", ['\tpwd = "pass:" + strings.Replace(passphrase, " ", "\\\\", -1)'],
         ['\tpwd = "pass:" + strings.ReplaceAll(passphrase, " ", "\\\\")']),
        ("auth/login.go", ['\treturn errors.New(fmt.Sprintf("bad password for %s", user))'],
         ['\treturn fmt.Errorf("bad password for %s", user)']),
        ("auth/login.go", ["\tif len(password) == 0 {"], ['\tif password == "" {']),
        # a line that is not ASCII is read by `re`, whose \w holds the letters RE2's does not
        ("auth/login.go", ["\tif len(contraseña) == 0 {"], ['\tif contraseña == "" {']),
        ("auth/session.go", ["\tdefer sessionStore.Close()"],
         ["\tdefer func() { _ = sessionStore.Close() }()"]),
        ("auth/proxy.go", ['\tif fwd := req.Header.Get("x-forwarded-for"); fwd != "" {'],
         ['\tif fwd := req.Header.Get("X-Forwarded-For"); fwd != "" {']),
        ("auth/auth.go", ["func (u Users) Validate(user string, password string) bool {"],
         ["func (u Users) Validate(user, password string) bool {"]),
        ("app/auth.py", ["        super(PasswordForm, self).__init__(*args, **kwargs)"],
         ["        super().__init__(*args, **kwargs)"]),
        ("app/auth.py", ["class PasswordForm(object):"], ["class PasswordForm:"]),
        ("app/auth.py", ["    if not password in allowed:"], ["    if password not in allowed:"]),
        ("app/auth.py", ["    access_tokens = set([a, b])"], ["    access_tokens = {a, b}"]),
        ("app/auth.py", ["    tokens = dict()"], ["    tokens = {}"]),
        ("src/auth.js", ["  const password = req.body.password;"],
         ["  const { password } = req.body;"]),
        ("app/models/user.rb", ["    validates_presence_of :password, :email"],
         ["    validates :password, :email, presence: true"]),
        ("src/Auth.php", ["        $passwords = array($a, array($b));"],
         ["        $passwords = [$a, [$b]];"]),
        ("src/Auth.php", ["        if (is_null($password)) {"],
         ["        if ($password === null) {"]),
        ("src/auth.rs", ['    let password = String::from("x");'],
         ['    let password = "x".to_string();']),
        ("src/Auth.cs",
         ["        if (password == null) throw new ArgumentNullException(nameof(password));"],
         ["        ArgumentNullException.ThrowIfNull(password);"]),
    ],
    ids=["go-replace-all", "go-errorf", "go-empty-string", "go-empty-string-unicode",
         "go-deferred-close",
         "go-canonical-header", "go-shared-parameter-type", "py-super",
         "py-object-base", "py-not-in", "py-set-literal", "py-dict-literal", "js-destructuring",
         "rb-validates", "php-short-array", "php-is-null", "rs-to-string", "cs-throw-if-null"],
)
def test_a_linters_rewrite_of_a_sensitive_line_is_mechanical(
    path: str, removed: list[str], added: list[str], policy: Policy
) -> None:
    assert _areas(path, removed, added, policy) == set()


@pytest.mark.parametrize(
    ("path", "removed", "added"),
    [
        # only the first occurrence replaced: not ReplaceAll
        ("auth/login.go", ['\tpwd = strings.Replace(passphrase, " ", "", 1)'],
         ['\tpwd = strings.ReplaceAll(passphrase, " ", "")']),
        # the header's map read directly: its key is not canonicalised
        ("auth/proxy.go", ['\tfwd := req.Header["x-forwarded-for"]'],
         ['\tfwd := req.Header["X-Forwarded-For"]']),
        # a parameter's type changed while they were combined
        ("auth/auth.go", ["func Validate(user string, password []byte) bool {"],
         ["func Validate(user, password string) bool {"]),
        # an ORM's column compares with `==`: `is None` is always false there
        ("app/auth.py", ["    users = User.query.filter(User.password == None)"],
         ["    users = User.query.filter(User.password is None)"]),
        # the negation dropped
        ("app/auth.py", ["    if not password in allowed:"], ["    if password in allowed:"]),
        # an empty set is not an empty dict
        ("app/auth.py", ["    access_tokens = set([])"], ["    access_tokens = {}"]),
        # a validation's condition dropped with the rewrite
        ("app/models/user.rb", ["    validates_presence_of :password, if: :local?"],
         ["    validates :password, presence: true"]),
        # the other case's value changed in the switch
        ("auth/login.go",
         ["\tif method == AuthPassword {", "\t} else if method == AuthToken {"],
         ["\tswitch method {", "\tcase AuthPassword:", "\tcase AuthNone:"]),
    ],
    ids=["go-replace-once", "go-map-read-keeps-case", "go-parameter-type-changed",
         "py-orm-is-none", "py-negation-dropped", "py-empty-set",
         "rb-condition-dropped", "go-switch-other-value"],
)
def test_a_rewrite_that_changes_what_runs_still_counts(
    path: str, removed: list[str], added: list[str], policy: Policy
) -> None:
    assert _areas(path, removed, added, policy) != set()


def test_an_if_chain_on_one_value_is_its_switch(policy: Policy) -> None:
    """gocritic's ifElseChain: the `if`/`else if`/`else` arms around unchanged bodies."""
    text = (
        "diff --git a/auth/keys.go b/auth/keys.go\nindex 1111111..2222222 100644\n"
        "--- a/auth/keys.go\n+++ b/auth/keys.go\n@@ -1,7 +1,8 @@\n"
        "-\tif key.Algorithm == x509.RSA {\n"
        "+\tswitch key.Algorithm {\n"
        "+\tcase x509.RSA:\n"
        " \t\treturn verifyRSA(key, signature)\n"
        "-\t} else if key.Algorithm == x509.ECDSA {\n"
        "+\tcase x509.ECDSA:\n"
        " \t\treturn verifyECDSA(key, signature)\n"
        "-\t} else {\n"
        "+\tdefault:\n"
        " \t\treturn errors.New(\"unknown signature algorithm\")\n"
        " \t}\n"
    )
    assert classify(parse_diff(text), policy).areas == []


def test_the_newer_forms_are_written_bracket_by_bracket() -> None:
    assert modernised('x := strings.Replace(s, ")", "\\\\", -1) + y') == (
        'x := strings.ReplaceAll(s, ")", "\\\\") + y')
    assert modernised("return errors.New(fmt.Sprintf(\"%d\", n)) // done") == (
        'return fmt.Errorf("%d", n) // done')
    assert modernised("return errors.New(fmt.Sprintf(a) + b)") == (
        "return errors.New(fmt.Sprintf(a) + b)"), "not the whole argument"
    assert modernised("x = set([a, (b, c)])") == "x = {a, (b, c)}"
    assert modernised("$a = array(1, array(2), 'x)')") == "$a = [1, [2], 'x)']"
    assert modernised('w.Header().Set("www-authenticate", v)') == (
        'w.Header().Set("Www-Authenticate", v)'), "Go's canonical form"
    assert modernised("func f(a, b int, c string, d string) (n int, err error) {") == (
        "func f(a, b int, c, d string) (n int, err error) {")
    assert modernised("func f(a int, b string) (string, error) {") == (
        "func f(a int, b string) (string, error) {"), "types alone are no names"
    assert if_chains(["\tswitch kind {", "\tcase A, B:", "\t\tf()", "\t}", "\tcase C:"]) == [
        "\tif kind == A || kind == B {", "\t\tf()", "\t}", "\tcase C:"], "the switch closed"
