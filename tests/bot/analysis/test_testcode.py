"""Test-only code inside a source file (`bot.analysis.testcode`): a Rust item under
`#[cfg(test)]`, or a test function (`#[test]`, `#[tokio::test]`), is built for `cargo test` alone, so a throwaway key or a signer in it is no
evidence, as in a test file; the same code outside such an item, or under an attribute that
builds it outside tests too, still counts."""

from __future__ import annotations

import pytest

from bot.analysis import testcode
from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy


def patch(path: str, hunk: str, *, new: bool = False) -> str:
    """A diff of one file whose hunk header's counts are those of its lines (`hunk`: a header
    `@@ -A +B @@ section` without counts, then the lines)."""
    header, body = hunk.split("\n", 1)
    rows = body.splitlines()
    old = sum(row[:1] in " -" for row in rows)
    added = sum(row[:1] in " +" for row in rows)
    start_old, start_new, section = [*header.split(" ", 4)[1:3], header.partition(" @@")[2]]
    hunk = f"@@ {start_old},{old} {start_new},{added} @@{section}\n{body}"
    if new:
        return (f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..2222222\n"
                f"--- /dev/null\n+++ b/{path}\n{hunk}")
    return (f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n"
            f"--- a/{path}\n+++ b/{path}\n{hunk}")


#: a unit test module added at the end of a file: a signer with a private key of its own
_TEST_MODULE = """\
@@ -40 +40 @@ pub fn sign_request(signer: &dyn Signer, body: &str) -> String {
     signer.sign(body)
 }
+
+#[cfg(test)]
+mod tests {
+    use openssl::{hash::MessageDigest, pkey::PKey};
+
+    #[test]
+    fn signs() {
+        let mut signer = openssl::sign::Signer::new(MessageDigest::sha256(), &key).unwrap();
+        assert!(signer.verify("{", sig).is_ok());
+    }
+}
"""


def _areas(policy: Policy, text: str) -> list[str]:
    return [area.id for area in classify(parse_diff(text), policy).areas]


def test_a_test_module_added_to_a_source_file_is_no_evidence(policy: Policy) -> None:
    assert _areas(policy, patch("src/request.rs", _TEST_MODULE)) == []


@pytest.mark.parametrize(
    "hunk",
    [
        # the same code in an ordinary module ships
        _TEST_MODULE.replace("#[cfg(test)]", "#[cfg(feature = \"openssl\")]"),
        # built outside tests too: test is one condition of several
        _TEST_MODULE.replace("#[cfg(test)]", "#[cfg(any(test, feature = \"mocks\"))]"),
    ],
    ids=["other-cfg", "any-test"],
)
def test_the_same_code_outside_a_test_only_item_counts(policy: Policy, hunk: str) -> None:
    assert _areas(policy, patch("src/request.rs", hunk)) == ["security"]


_INSIDE_TESTS = """\
@@ -120 +120 @@ mod tests {
         verify();
     }
+
+    #[allow(dead_code)]
+    fn signs() {
+        let signer = openssl::sign::Signer::new(MessageDigest::sha256(), &key).unwrap();
+        assert!(signer.sign_to_vec().is_ok());
+    }
 }
"""


def test_a_hunk_that_starts_inside_the_tests_module_is_no_evidence(policy: Policy) -> None:
    # git's header is the last line above the hunk at the left margin: `mod tests {` says the
    # hunk starts inside the module, which goes on to the first line back at the margin
    assert _areas(policy, patch("src/request.rs", _INSIDE_TESTS)) == []
    # the test module's own auth path is no reason to count either (tower-http's
    # `src/auth/async_require_authorization.rs`, its test authorizer changed)
    assert _areas(policy, patch("src/auth/require.rs", _INSIDE_TESTS)) == []
    assert _areas(policy, patch("src/auth/require.rs", _INSIDE_TESTS.replace(
        "@@ mod tests {", "@@ pub mod tests {"))) == []


@pytest.mark.parametrize(
    "hunk",
    [
        # another module's code ships
        _INSIDE_TESTS.replace("@@ mod tests {", "@@ mod signing {"),
        # the code after the module's close at the margin is the file's own
        _INSIDE_TESTS + "+\n+pub fn sign(key: &PKey<Private>) -> Signer {\n"
        "+    openssl::sign::Signer::new(MessageDigest::sha256(), key).unwrap()\n+}\n",
    ],
    ids=["another-module", "after-the-module-closes"],
)
def test_a_hunk_under_another_header_or_past_the_tests_module_counts(
    policy: Policy, hunk: str
) -> None:
    assert _areas(policy, patch("src/request.rs", hunk)) == ["security"]


@pytest.mark.parametrize(
    "attribute",
    ["#[test]", "#[tokio::test]", '#[tokio::test(flavor = "multi_thread")]', "#[sqlx::test]",
     "#[rstest]", "#[test_case(1, 2)]"],
)
def test_a_test_function_added_inside_the_tests_module_is_no_evidence(
    policy: Policy, attribute: str
) -> None:
    # the hunk does not show the module's `#[cfg(test)]`, but each function it adds is a test,
    # compiled for `cargo test` alone
    hunk = _INSIDE_TESTS.replace("#[allow(dead_code)]", attribute)
    assert _areas(policy, patch("src/request.rs", hunk)) == []


def test_a_test_function_beside_a_change_of_the_code_it_tests_says_what_it_is_about(
    policy: Policy,
) -> None:
    # the test asserts a signature; the change it goes with reorders the code it tests: what
    # the test checks says what that change is about, as a lone test does not
    code = patch("src/request.rs", """\
@@ -40 +40 @@ pub fn sign_request(signer: &dyn Signer, body: &str) -> String {
-    let digest = body.trim();
+    let digest = body.trim_end();
     digest.to_owned()
""")
    tests = patch("src/request.rs", _INSIDE_TESTS.replace("#[allow(dead_code)]", "#[test]"))
    both = code + tests.split("\n", 4)[4]
    assert _areas(policy, both) == ["security"]
    assert _areas(policy, code) == []


def test_code_after_a_test_function_closes_counts(policy: Policy) -> None:
    # in a module of its own: inside the tests module the helper would be test code too
    hunk = _INSIDE_TESTS.replace("@@ mod tests {", "@@ mod signing {").replace(
        "#[allow(dead_code)]", "#[tokio::test]").replace(
        "+    }\n", "+    }\n+    fn sign(key: &PKey<Private>) -> Signer {\n"
        "+        openssl::sign::Signer::new(MessageDigest::sha256(), key).unwrap()\n+    }\n")
    assert _areas(policy, patch("src/request.rs", hunk)) == ["security"]


def test_code_after_a_test_module_closes_counts(policy: Policy) -> None:
    after = _TEST_MODULE.replace("+}\n", "+}\n+pub fn sign(key: &PKey<Private>) -> Signer {\n"
                                 "+    openssl::sign::Signer::new(MessageDigest::sha256(), key)\n"
                                 "+}\n")
    assert _areas(policy, patch("src/request.rs", after)) == ["security"]


def test_a_file_of_another_language_is_not_read_for_test_modules(policy: Policy) -> None:
    assert not testcode.reads("src/request.cpp")
    assert _areas(policy, patch("src/request.cpp", _TEST_MODULE)) == ["security"]


def test_tests_moved_out_of_a_test_module_into_a_file_are_moved_code(policy: Policy) -> None:
    body = [
        "let txn = index.env.write_txn().unwrap();",
        "index.put(&mut txn, 1).unwrap();",
        "txn.commit().unwrap();",
    ]
    removed = "".join(f"-        {line}\n" for line in body)
    added = "".join(f"+    {line}\n" for line in body)
    text = patch("src/search.rs", f"""\
@@ -10 +10 @@ pub fn search() {{
 }}
-#[cfg(test)]
-mod tests {{
-    fn puts() {{
{removed}-    }}
-}}
""") + patch("src/search_tests.rs", f"""\
@@ -0 +1 @@
+fn puts() {{
{added}+}}
""", new=True)
    assert "transactions" not in _areas(policy, text)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # the attribute, the module, a brace in a string, the close; code after it ships
        (["#[cfg(test)]", "mod tests {", '    fn x() { "}" }', "}", "fn b() {}"],
         [True, True, True, True, False]),
        # a helper function under the attribute, its signature over several lines
        (["#[cfg(test)]", "#[allow(dead_code)]", "fn helper(", "  a: u8,", ") -> u8 {", "  a",
          "}", "fn real() {}"], [True] * 7 + [False]),
        # a `use` under the attribute is one line
        (["#[cfg(test)]", "use mock::Store;", "use store::Store;"], [True, True, False]),
        # look-alike: built outside tests too
        (['#[cfg(any(test, feature = "mocks"))]', "fn helper() {}"], [False, False]),
        # a test function and what follows it
        (["#[actix_web::test]", "async fn ok() {", "    run().await;", "}", "fn b() {}"],
         [True, True, True, True, False]),
        # look-alikes: attributes that name no test
        (["#[testing]", "fn a() {}", "#[derive(Test)]", "struct T {}", "#[test_helper]",
          "fn c() {}"], [False] * 6),
        # an attribute on a field, a variant, a match arm or a parameter marks that line alone
        (["pub struct Config {", "    #[cfg(test)]", "    pub mock: bool,", "}", "impl Config {",
          "    fn client() {}"], [False, True, True, False, False, False]),
        (["match action {", "    #[cfg(test)]", "    Action::Probe => Ok(()),",
          "    Action::Admin => {", "        check()?;"], [False, True, True, False, False]),
        # ... and nothing where it stands last in its block
        (["    #[cfg(test)]", "}", "fn b() {"], [True, False, False]),
        # braces in a block comment or a raw string are not counted
        (["#[cfg(test)]", "fn t() {", "    /* the `{` case */", "}", "pub fn c() {"],
         [True] * 4 + [False]),
        (["#[cfg(test)]", "fn t() {", '    let s = r#""{"#;', "}", "pub fn c() {"],
         [True] * 4 + [False]),
        # a string over several lines miscounts them: back at the attribute's margin, the
        # code that follows is read as code
        (["#[test]", "fn t() {", '    let s = "fn main() {', '";', "}", "pub fn c() {"],
         [True, True, True, False, False, False]),
        # an attribute inside a block comment marks nothing
        (["/*", "#[test]", "*/", "pub fn client() {", "    build(true)", "}"], [False] * 6),
    ],
    ids=["module", "helper-fn", "use", "any-test", "test-fn", "not-tests", "field", "match-arm",
         "last-in-block", "block-comment", "raw-string", "string-over-lines",
         "attribute-commented-out"],
)
def test_which_lines_are_test_only(lines: list[str], expected: list[bool]) -> None:
    assert testcode.test_flags(lines) == expected
