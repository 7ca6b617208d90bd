"""The escaping every renderer relies on: what comes out must be inert as Markdown and HTML."""

from __future__ import annotations

import pytest

from bot.render._escape import clip, clip_middle, code, inline, plain, terminal, text

ZWJ = "\u200d"


@pytest.mark.parametrize(
    ("raw", "absent", "present"),
    [
        ("<script>alert(1)</script>", "<script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("a | b", "|", "a &#124; b"),
        ("`code`", "`", "&#96;code&#96;"),
        ("**bold** _it_ ~~s~~", "*", "&#42;&#42;bold&#42;&#42;"),
        ("[x](http://e.vil)", "[x]", "&#91;x&#93;(http:" + ZWJ + "//e.vil)"),
        ("www.e.vil", "www.e", "www" + ZWJ + ".e.vil"),
        ("ping @octocat", "@octocat", "@" + ZWJ + "octocat"),
        ("team @org/team", "@org", "@" + ZWJ + "org/team"),
        ("see #12 and o/r#3", "#12", "&#35;" + ZWJ + "12"),
        ("$x^2$", "$", "&#36;x^2&#36;"),
        ("a\\|b", "\\", "a&#92;&#124;b"),
        ("- item", "- item", "&#45; item"),
        ("+ item", "+ item", "&#43; item"),
        ("12. item", "12. item", "12&#46; item"),
        ("3) item", "3) item", "3&#41; item"),
        ("line\nbreak\r\nand\u2028more", "\n", "line break and more"),
        ("tab\there", "\t", "tab here"),
    ],
)
def test_text_is_inert(raw: str, absent: str, present: str) -> None:
    out = text(raw)
    assert absent not in out
    assert present in out


def test_text_leaves_plain_words_alone() -> None:
    assert text("Touches Authentication (critical): 1 file, 2 pieces.") == (
        "Touches Authentication (critical): 1 file, 2 pieces."
    )


@pytest.mark.parametrize(
    "raw",
    ["a|b", "``x``", "<b>x</b>", "@octocat", "*x*", "\\|", "$a$", "[l](u)"],
)
def test_code_is_one_element_with_nothing_active_inside(raw: str) -> None:
    out = code(raw)
    assert out.startswith("<code>")
    assert out.endswith("</code>")
    inner = out[len("<code>") : -len("</code>")]
    for char in "|`<>@*\\$[]":
        assert char not in inner


def test_inline_renders_core_backticks_as_code() -> None:
    out = inline("Add a line `Model: GPT-5.4` or comment `/x <reason>`.")
    assert out == (
        "Add a line <code>Model: GPT-5.4</code> or comment <code>/x &lt;reason&gt;</code>."
    )


def test_inline_with_a_stray_backtick_stays_inert() -> None:
    out = inline("Unknown: `a ` b @octocat <i>` end")
    assert "<i>" not in out
    assert "@octocat" not in out
    assert "`" not in out


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\x1b[31mred\x1b[0m", "[U+001B][31mred[U+001B][0m"),
        ("a\u202eb", "a[U+202E]b"),
        ("bell\x07", "bell[U+0007]"),
        ("ok", "ok"),
    ],
)
def test_plain_and_terminal_make_control_characters_visible(raw: str, expected: str) -> None:
    assert plain(raw) == expected
    assert terminal(raw) == expected


@pytest.mark.parametrize(
    ("value", "limit", "expected"),
    [("abcdef", 10, "abcdef"), ("abcdef", 4, "abc…"), ("abcdef", 0, ""), ("abcdef", 6, "abcdef")],
)
def test_clip(value: str, limit: int, expected: str) -> None:
    assert clip(value, limit) == expected


def test_clip_middle_keeps_the_file_name() -> None:
    out = clip_middle("very/long/directory/structure/down/to/the/file_name.py", 24)
    assert len(out) == 24
    assert out.startswith("very/long/")
    assert out.endswith("file_name.py")
