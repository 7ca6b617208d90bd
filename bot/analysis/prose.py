"""Prose inside code: the lines of docstrings and block comments.

A line inside a Python docstring, a `/* */` or Javadoc block, a Ruby `=begin`/`=end` block, an
Elixir `@doc` heredoc or a template's comment is written for people, whatever words it holds
(`Args:`, `user (User): the user to sign in`, :class:`~django.contrib.auth.models.Permission`).
`diff.is_substantive` reads a line alone, so it knows prose only by a comment marker at the
line's start or by sentences; what a line is inside is known from the lines above it.

The lines are read as a lexer reads them, by language family (the file's extension): from a
file's first line, where what is open is known (nothing), or from a hunk's first line, where
it is not until a delimiter settles it. A delimiter that can only close (`*/` ending a
comment's line, `=end`, `-->`) says the lines above it were inside a block comment; one that
can only open (`/*`, a triple quote with a summary after it) says they were code. A Python or
Elixir closing quote does not say whether the string was a docstring or data (an SQL
statement), so the lines above it stay code: with the file's contents, read from its first
line, nothing is unknown. A string that is data is never prose: a Python triple-quoted string
that is not a statement of its own (assigned, an argument, a dict's value, an f-string or
bytes) and an Elixir heredoc other than `@doc`, `@moduledoc` and `@typedoc`. A line is prose
only when all of it is: code before an opening or after a closing delimiter on its line counts.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.analysis.lazyre import compile_lazily
from bot.analysis.mechanical import ELIXIR, prose_line
from policies.plain import Plain

__all__ = ["GO_DOC", "elixir_doc_inside", "go_doc_inside", "markers", "prose_flags",
           "python_doc_inside"]

_SHORT_STRINGS = r""""(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'"""


class _Family(Plain):
    """How one family of languages writes prose blocks: what a lexer meets in code (`tokens`:
    strings it skips, line comments that end the line's code, block openers), each opener's
    closer, and the substrings without which a line holds no delimiter at all (`Plain` data,
    not a dataclass, whose methods are compiled when its class is defined)."""

    tokens: re.Pattern[str]
    #: a block opener's text -> the closer it waits for
    closers: dict[str, str]
    #: line comment markers: what follows them on a line is no delimiter
    comments: tuple[str, ...]
    markers: tuple[str, ...]
    #: whether a block is prose by what opens it (comments), or by where it stands (strings)
    quoted: bool = False
    #: closers that can only close (a lexer meeting one at a hunk's start knows it was inside)
    certain_closers: tuple[str, ...] = ()


#: openers that are a delimiter only where the character before them does not make them part
#: of other syntax: `/*` after a backslash is an escaped slash and a `*` in a JavaScript pattern
#: (`/\/*$/`, trailing slashes), not a comment; Jinja's and Twig's comment `{#` inside `{{#` is
#: a Handlebars or Mustache section (`{{#if}}`, `{{#each}}`), which is markup
_GUARDED = {"/*": r"(?<!\\)/\*", "{#": r"(?<!\{)\{#"}


def _family(openers: Sequence[str], closers: Sequence[str], comments: Sequence[str],
            strings: str | None = _SHORT_STRINGS, *, quoted: bool = False) -> _Family:
    # openers first: at a quote, `"""` must win over the empty string `""`
    alternatives = [*(_GUARDED.get(opener, re.escape(opener)) for opener in openers),
                    *map(re.escape, comments), *([strings] if strings else [])]
    return _Family(
        tokens=compile_lazily("|".join(alternatives)),
        closers=dict(zip(openers, closers, strict=True)),
        comments=tuple(comments),
        markers=tuple(dict.fromkeys((*openers, *closers))),
        quoted=quoted,
        certain_closers=() if quoted else tuple(dict.fromkeys(closers)),
    )


_C = _family(["/*"], ["*/"], ["//"], _SHORT_STRINGS + r"|`(?:\\.|[^`\\\n])*`")
_PHP = _family(["/*"], ["*/"], ["//", "#"])
_SQL = _family(["/*"], ["*/"], ["--"])
_CSS = _family(["/*"], ["*/"], [])
_PYTHON = _family(['"""', "'''"], ['"""', "'''"], ["#"], quoted=True)
_ELIXIR = _family(['"""'], ['"""'], ["#"], quoted=True)
_MARKUP = _family(["<!--", "{#", "{{!--", "{{--"], ["-->", "#}", "--}}", "--}}"], [], None)
_MIXED = _family(["<!--", "{{!--", "{{--", "/*"], ["-->", "--}}", "--}}", "*/"], ["//"])

_FAMILIES: tuple[tuple[re.Pattern[str], _Family], ...] = (
    (compile_lazily(r"\.(pyi?)$"), _PYTHON),
    (ELIXIR, _ELIXIR),
    (compile_lazily(r"\.(vue|svelte)$"), _MIXED),
    (compile_lazily(r"\.(html?|xml|xhtml|jinja2?|j2|twig|hbs|handlebars|mustache|njk|liquid|"
                    r"erb|ejs|cshtml|razor|jsp|svg)$|\.blade\.php$"), _MARKUP),
    (compile_lazily(r"\.php$"), _PHP),
    (compile_lazily(r"\.sql$"), _SQL),
    (compile_lazily(r"\.(css|scss|less|sass)$"), _CSS),
    (compile_lazily(r"\.(c|h|cc|cpp|cxx|hpp|hh|m|mm|java|kt|kts|scala|groovy|gradle|cs|fs|go|rs|"
                    r"swift|dart|js|jsx|mjs|cjs|ts|tsx|mts|cts|proto|zig)$"), _C),
)
_RUBY = compile_lazily(r"\.(rb|rake|gemspec|ru)$|(^|/)(Gemfile|Rakefile)$")
_RUST = compile_lazily(r"\.rs$")
#: Go's `doc.go`: the file the Go documentation conventions give a package's doc comment alone
#: (a comment, then the `package` clause), often a `/* */` block of many screens
GO_DOC = compile_lazily(r"(?:^|/)doc\.go$")
#: a line of Go code at a file's top level (the package clause, an import, a declaration, a
#: build directive), which gofmt starts at the margin: a hunk of a `doc.go` that shows one is
#: outside the doc comment. An example in the comment's text is indented (`\tvar store = ...`)
_GO_TOP_LEVEL = compile_lazily(r"(?:package|import|func|var|const|type)\b|//go:")
#: a line that only closes a Rust raw string (`"#`, `"##);`): in code a `"` would open a string,
#: so a hunk that meets one before any quote of its own starts inside a raw string
_RAW_CLOSER = compile_lazily(r'\s*"#+[),;]*\s*$')
#: a sentence of a message written in a raw string (`You will never see this message again!`):
#: a capitalised word, then three words or more of letters with sentence punctuation between,
#: once format placeholders (`{issuer}`) and quoted names (`'{email}'`) are taken out; a
#: statement, an SQL line (`CREATE TABLE`, `id INTEGER PRIMARY KEY,`) or a lower-case
#: continuation is no such line
_MESSAGE_LINE = compile_lazily(
    r"[A-Z][a-z][A-Za-z'-]*(?:[ ,.:!?/-]+[A-Za-z][A-Za-z'-]*){3,}[ ,.:!?/-]*"
)
#: words of a column's definition in SQL, which a raw string often holds (`email text not null`,
#: `role TEXT DEFAULT 'member'`: keywords in capitals, two in a row)
_SQL_WORDS = compile_lazily(
    r"(?i:\b(?:null|primary\s+key|foreign\s+key|references)\b)|\b[A-Z]{2,}\s+[A-Z]{2,}\b"
)
_PLACEHOLDER = compile_lazily(r"'[^'\n]*'|\{\w*\}")
_BEGIN, _END = compile_lazily(r"=begin(\s|$)"), compile_lazily(r"=end(\s|$)")
#: a section of a Google-style docstring opening on a line of its own (`Args:`, `Returns:`,
#: `Raises:`), or a NumPy-style one's name above its underline (`Parameters` over `----------`,
#: `_DOC_UNDERLINE`): no Python statement (a capitalised name and a colon alone is none), so a
#: hunk of a Python file that shows one lies inside a triple-quoted string, and one that holds
#: the sections of a function's documentation is its docstring
_DOC_SECTION = compile_lazily(
    r"\s*(?:Args|Arguments|Keyword Args|Keyword Arguments|Returns|Yields|Raises):\s*"
)
#: ... NumPy's names, only over their underline: a data string's YAML may hold `Parameters:`
#: (a CloudFormation template's)
_DOC_SECTION_NAME = compile_lazily(
    r"\s*(?:Parameters|Other Parameters|Returns|Yields|Raises|Attributes|Examples)\s*"
)
_DOC_UNDERLINE = compile_lazily(r"\s*-{3,}\s*")
#: what stands at an Elixir module's top level after a doc's heredoc: the definition the doc
#: documents, or the module's next attribute or directive (`defmacro __using__`, `use Plug.Builder`,
#: `@spec`, `@doc`): a heredoc closed on the line above one, at its indentation, was a doc
_ELIXIR_TOP_LEVEL = compile_lazily(
    r"(\s*)(?:(?:def|defp|defmacro|defmacrop|defdelegate|defguard|defguardp|defstruct|"
    r"defexception|defimpl|defprotocol|defmodule|defoverridable|use|import|alias|require)\b|"
    r"@(?:doc|moduledoc|typedoc|spec|impl|callback|macrocallback|type|typep|opaque|behaviour|"
    r"deprecated|since)\b)"
)
#: a line of a heredoc that reads as what runs, not as a doc's text: an SQL clause's keyword as
#: SQL writes it, or an assignment or comparison (`_elixir_doc_flags`)
_HEREDOC_CODE = compile_lazily(
    r"\b(SELECT|FROM|WHERE|JOIN|INSERT|UPDATE|DELETE|VALUES|SET|AND|OR|ORDER BY|GROUP BY|"
    r"HAVING|LIMIT|RETURNING|GRANT|REVOKE)\b|="
)

#: the indentation of a top-level Elixir module's body, where `@moduledoc` and `@doc` stand and
#: so where their heredocs' text does (the closing quotes' indentation is taken off each line)
_ELIXIR_BODY = "  "
#: a call at a module's body, a macro of a library's DSL (`plug :require_admin`, `field :role,
#: :string`, `pipe_through [:browser]`, `plug Guardian.Plug.EnsureAuthenticated`): a name, then
#: parentheses or a term (an atom, a list, a map, a string, a module) where a sentence has a word
_ELIXIR_BODY_CALL = compile_lazily(r"\s*[a-z_]\w*[!?]?(?:\(|\s+(?:[:@%\[{\"'~&^]|[A-Z]\w*\.))")
#: what a template's line holds and a doc's text at a module's body does not: a HEEx or EEx
#: expression (`{raw(@link)}`, `<%= @name %>`), a markup tag (`<a href={@url}>`). A module
#: attribute other than a doc may hold a template in a heredoc at the same indentation
_TEMPLATE_LINE = compile_lazily(r"[{}]|<%|</?[A-Za-z][^>]*>")
#: an ExDoc admonition's class (`> #### Security Note {: .warning}`), no template's expression
_ADMONITION_CLASS = compile_lazily(r"\{:\s*\.[\w-]+\s*\}")
#: the Markdown an ExDoc page's sentence is written with, taken off before the line is read as
#: one: a link (`[Associations cheatsheet](associations.cheatmd)`, its text kept) or a bare URL
#: (read as a word); a blockquote's `>` (an admonition, `> #### Security Note {: .warning}`) and
#: a closing colon (`as shown in this example:`) are taken off by `_doc_sentence`
_DOC_LINK = compile_lazily(r"\[([^\]\n]*)\]\([^)\s]*\)|(https?://\S+)")


#: how a docstring's text sets a sentence apart besides its words: a list item's marker (`* any
#: user with add permission can ...`, `1. the owner`) and the brackets of an aside (`(unless the
#: user is an active superuser, ...)`)
_LISTED = compile_lazily(r"\s*(?:[*+-]|\d{1,2}[.)])\s+(?=[A-Za-z`])|\s*\((?=[a-z])")


def _listed_sentence(text: str) -> bool:
    """Whether a line reads as a sentence (`prose_line`) once a list item's marker or an
    aside's opening bracket is taken off its start: the lines a hunk that starts inside a
    docstring shows are counted with it (`_Lexer._unknown`)."""
    found = _LISTED.match(text)
    return prose_line(text[found.end():] if found else text)


def _doc_sentence(text: str) -> bool:
    """Whether a line of a doc's text reads as a sentence (`prose_line`) once its Markdown
    (`_DOC_LINK`, a blockquote's marker, a closing colon) is taken off."""
    stripped = text.strip().removeprefix(">").removesuffix(":")
    if "](" in stripped or "://" in stripped:
        stripped = _DOC_LINK.sub(lambda found: found.group(1) or "link", stripped)
    return prose_line(stripped)


#: a Python string's prefix (`r`, `b`, `rb`...): only `r` and `u` can prefix a docstring
_PREFIX = compile_lazily(r"[rRbBuUfF]{1,2}")
_DOC_PREFIX = compile_lazily(r"[rRuU]?")
#: an Elixir heredoc that documents: `@doc """`, `@moduledoc ~S"""`
_ELIXIR_DOC = compile_lazily(r"@(?:module|type)?doc\s+(?:~[sS])?")
#: a Python line that opens a block (or ends a signature written over lines, `) -> None:`): a
#: string after it is the block's first statement
_BLOCK_OPENER = compile_lazily(
    r"\s*(?:(?:async\s+)?(?:def|class|if|elif|else|for|while|with|try|except|finally|match|"
    r"case)\b|\)).*:\s*(?:#.*)?$"
)
#: what text before a quote ends with when the quote starts an expression (data): an operator,
#: an opening bracket, a separator, a keyword that takes a value
_EXPRESSION = compile_lazily(
    r"(?:[=(\[{,+%:*<>|&!-]|\b(?:return|yield|in|and|or|not|else|lambda|await|assert|print))\s*$"
)
#: where a quote's neighbour says it closes a string used as a value (`""")`, `""".format(`)
_AFTER_VALUE = ("(", ")", ",", ".", "]", "}", ";", ":", "%", "+")


class _Lexer:
    """One side's lines read in order, with what is open at each point."""

    def __init__(self, family: _Family, known: bool) -> None:
        self.family = family
        #: the closer of the open block, "" in code, None while unknown (a hunk's start)
        self.closer: str | None = "" if known else None
        #: whether the open block is prose
        self.prose = False
        #: the last line of code read (what a Python string after it is part of)
        self.previous: str | None = None if known else ""
        #: the lines read while unknown, each with whether it is all prose if they were
        #: inside a comment
        self.pending: list[int] = []
        #: while unknown, the line of the first Python quote alone on its line (`_settle` could
        #: not tell whether it opens or closes), and whether the first line after it that is
        #: not blank is a sentence (None until one is read)
        self.lone: int | None = None
        self.summary: bool | None = None
        #: while unknown, how many lines read were not blank, and how many of them sentences
        self.written = 0
        self.sentences = 0

    def line(self, text: str, at: int, flags: list[bool]) -> None:
        """Read one line; set `flags[at]` (and those pending) to whether it is all prose."""
        if self.closer is None:
            self._unknown(text, at, flags)
            return
        flags[at] = self._read(text, 0)

    def _read(self, text: str, start: int) -> bool:
        """Read a line from `start`, known state: whether all of it from there is prose."""
        all_prose = True
        position = start
        while True:
            if self.closer:  # inside a block
                end = text.find(self.closer, position)
                if end < 0:
                    return all_prose and self.prose
                all_prose = all_prose and self.prose
                self.closer, position = "", end + len(self.closer)
                continue
            opened = self._next_opener(text, position)
            if opened is None:
                rest = text[position:]
                if rest.strip() and not rest.lstrip().startswith(self.family.comments or "\0"):
                    all_prose = False
                    self.previous = text
                return all_prose and position > 0  # a blank line of code is not prose
            begin, end, opener = opened
            before = text[position:begin]
            self.prose = self._opens_prose(text[:begin], opener)
            if before.strip() and not (self.family.quoted and _PREFIX.fullmatch(before.strip())):
                all_prose = False
            self.closer, position = self.family.closers[opener], end

    def _next_opener(self, text: str, position: int) -> tuple[int, int, str] | None:
        for found in self.family.tokens.finditer(text, position):
            token = found.group(0)
            if token in self.family.closers:
                return found.start(), found.end(), token
            if token in self.family.comments:
                return None
        return None

    def _opens_prose(self, before: str, opener: str) -> bool:
        """Whether a block opened after `before` (the line's text up to the opener) is prose."""
        if not self.family.quoted:
            return True
        if self.family is _ELIXIR:
            return _ELIXIR_DOC.fullmatch(before.strip() + " ") is not None
        stripped = before.strip()
        if not _DOC_PREFIX.fullmatch(stripped):
            return False  # `x = """`, `f("""`, an f-string or bytes
        previous = self.previous
        if previous is None:
            return True  # a file's first statement: its docstring
        return bool(previous) and (
            _BLOCK_OPENER.match(previous) is not None
            or (_EXPRESSION.search(previous.split("#")[0].rstrip()) is None
                and not previous.rstrip().endswith("\\"))
        )

    def _unknown(self, text: str, at: int, flags: list[bool]) -> None:
        """Read a line while what the hunk starts inside is unknown: a delimiter that settles
        it ends the wait; the lines before it are prose if it closed a comment."""
        family = self.family
        for found in family.tokens.finditer(text):
            token = found.group(0)
            if token in family.comments:
                break
            if token not in family.closers:
                continue  # a string on one line
            closes = self._settle(text, found.start(), token)
            if closes is None and family is _PYTHON and self.lone is not None and self.summary:
                # A second lone quote after a sentence: the first opened a docstring (code
                # after a closing quote is a statement, not a summary sentence), this one
                # closes it. The lines from the first are the docstring's.
                for line in (self.lone, *(line for line in self.pending if line > self.lone)):
                    flags[line] = True
                self.closer, self.prose, self.pending = token, True, []
                flags[at] = self._read(text, 0)
                return
            if closes is None and family is _PYTHON and self.lone is None and (
                self.written >= 2 and 2 * self.sentences > self.written
            ):
                # The first lone quote, after lines mostly of sentences: it closes the string
                # the hunk began in (code before an opening quote is statements, not
                # sentences), and every line before it was the string's.
                for line in (*self.pending, at):
                    flags[line] = True
                self.closer, self.prose, self.pending, self.previous = "", False, [], text
                return
            if closes is None:
                if self.lone is None:
                    self.lone = at
                break  # a lone quote: open or close, no one can tell
            # A quote that closes says nothing of what the string was: the lines before it
            # stay code, and so does the line (`self.prose` False).
            self.closer, self.prose, self.pending = token if closes else "", False, []
            flags[at] = self._read(text, 0)
            return
        closer = None if family.quoted else self._comment_closer(text)
        if closer is not None:
            for line in self.pending:
                flags[line] = True
            self.closer, self.prose, self.pending = closer, True, []
            flags[at] = self._read(text, 0)
            return
        if self.lone is not None and self.lone != at and self.summary is None and text.strip():
            self.summary = prose_line(text)
        if text.strip():
            self.written += 1
            self.sentences += _listed_sentence(text)
        self.pending.append(at)
        if text.strip() and not text.lstrip().startswith(family.comments or "\0"):
            self.previous = text

    def _comment_closer(self, text: str) -> str | None:
        """The closer a line ends a block comment with, if only a comment's end looks so: the
        closer ends the line, and what is before it holds no opener, no assignment and no
        statement's end (`/a*/` is a JavaScript pattern)."""
        stripped = text.strip()
        for closer in self.family.certain_closers:
            if not stripped.endswith(closer):
                continue
            before = stripped[: -len(closer)]
            if any(opener in before for opener in self.family.closers):
                return None
            if closer != "*/" or not before or before.startswith("*") or not any(
                c in before for c in "/=;{}\"`"
            ):
                return closer
        return None

    def _settle(self, text: str, begin: int, token: str) -> bool | None:
        """Whether a delimiter met while unknown closes (True) or opens (False) a block; None
        when it could do either (a Python quote alone on its line after no telling line). Only
        a quoted family's delimiter needs it: a comment's opener (`/*`) only opens."""
        if not self.family.quoted:
            return False
        before, after = text[:begin].strip(), text[begin + len(token):].strip()
        if token in after or (self.family is _ELIXIR and _ELIXIR_DOC.fullmatch(before + " ")):
            return False  # a string on one line, or an Elixir doc's heredoc: it opens
        if before and not _PREFIX.fullmatch(before):
            return _EXPRESSION.search(before) is None  # `text."""` closes, `x = """` opens
        if after:
            return after.startswith(_AFTER_VALUE)  # `""")` closes, `"""Summary` opens
        previous = self.previous.split("#")[0].rstrip() if self.previous else ""
        if previous and (_BLOCK_OPENER.match(previous) or _EXPRESSION.search(previous)):
            return False
        return None


def _ruby_flags(lines: Sequence[str], known: bool) -> list[bool]:
    """Ruby's `=begin`/`=end` blocks (at a line's start): `=end` met first closes one."""
    flags = [False] * len(lines)
    inside: bool | None = False if known else None
    pending: list[int] = []
    for at, text in enumerate(lines):
        if inside:
            flags[at] = True
            inside = _END.match(text) is None
        elif _BEGIN.match(text):
            flags[at], inside, pending = True, True, []
        elif inside is None and _END.match(text):
            for line in (*pending, at):
                flags[line] = True
            inside = False
        elif inside is None:
            pending.append(at)
    return flags


#: a docblock line that is an annotation PHP's frameworks read as code (Doctrine's, Symfony's:
#: `* @IsGranted("ROLE_ADMIN")`, `* @ORM\Column(type="string")`, `* @ORM\Entity`): a capitalised
#: name, called or namespaced; PHPDoc's own tags (`@param`, `@return`) are lowercase
_ANNOTATION = compile_lazily(r"\*\s*@[A-Z]\w*(?:\\[A-Z]\w*)*\s*(?:\(|$)|\*\s*@[A-Z]\w*\\")


def docblock_annotation(text: str) -> bool:
    """Whether a comment line is an annotation that a framework reads: who may reach a route,
    how a column is stored. Removing `@IsGranted` from a controller's docblock opens the route,
    so such a line is code although it sits in a comment."""
    stripped = text.lstrip()
    return stripped.startswith("*") and _ANNOTATION.match(stripped) is not None


def _family_of(path: str) -> _Family | None:
    return next((family for pattern, family in _FAMILIES if pattern.search(path)), None)


def markers(path: str) -> tuple[str, ...]:
    """What a line must hold for a docstring or a block comment of the file's language to open
    or close on it (none: a language without them). A hunk with none of them, its unchanged
    lines included, starts and ends inside one or outside, as the file says."""
    if _RUBY.search(path):
        return ("=begin", "=end")
    if _RUST.search(path):
        return (*_C.markers, '"#')
    family = _family_of(path)
    return () if family is None else family.markers


def prose_flags(path: str, lines: Sequence[str], *, from_start: bool, header: str = ""
                ) -> list[bool]:
    """For each line, whether all of it is inside a docstring or a block comment of the file's
    language (none: a language without such blocks). `from_start`: the lines start at the
    file's first line (else a hunk's, where what is open is unknown at first, and `header` is
    the line git names in its header, `go_doc_inside`)."""
    if _RUBY.search(path):
        if not any(line.startswith(("=begin", "=end")) for line in lines):
            return [False] * len(lines)
        return _ruby_flags(lines, from_start)
    family = _family_of(path)
    if family is None:
        return [False] * len(lines)
    if not from_start and GO_DOC.search(path) and go_doc_inside(lines, header):
        return [bool(line.strip()) for line in lines]
    flags = _lexed(family, lines, from_start=from_start)
    if not from_start and family is _PYTHON:
        return _doc_section_flags(lines, flags)
    if not from_start and family is _ELIXIR:
        if elixir_doc_inside(lines):
            return _doc_text_flags(lines, flags, len(lines))
        return _elixir_doc_flags(lines, flags)
    if _RUST.search(path) and not from_start:
        return _raw_text_flags(lines, flags)
    return flags


def go_doc_inside(lines: Sequence[str], header: str = "") -> bool:
    """Whether a hunk of a Go `doc.go` (`GO_DOC`) lies inside its doc comment: it holds no
    delimiter of a block comment (`/*`, `*/`: where it opens or closes, the lexer reads it) and
    no line of code at a file's top level (`_GO_TOP_LEVEL`: the package clause the comment
    stands above). The file holds the comment and the package clause alone, so what else a
    hunk in the middle of it shows (`CREATE INDEX ... CONCURRENTLY;`, `-- +migrate Up`, a
    paragraph ending in a colon) is the comment's text, an example quoted for the reader.
    A comment written with `//` marks each of its lines: a hunk that shows such lines and others
    that are not blank shows code outside the comment (a function body below it, whose
    top-level line the hunk does not reach), unless the line git names in the hunk's `header`
    (the nearest line above that starts at the margin) is a sentence: above a function's body
    it would be the `func` line, so such a hunk is in the comment's text, and the `//` lines it
    shows are an example's comments, indented as the example is."""
    if any("/*" in line or "*/" in line or _GO_TOP_LEVEL.match(line) for line in lines):
        return False
    if header and _doc_sentence(header):
        return True
    texts = [line.strip() for line in lines if line.strip()]
    marked = sum(text.startswith("//") for text in texts)
    return marked in (0, len(texts))


def _first_triple_quote(lines: Sequence[str]) -> int:
    """The index of the first line holding a triple quote (either kind), or the lines' count."""
    return next((at for at, line in enumerate(lines) if '"""' in line or "'''" in line),
                len(lines))


def python_doc_inside(lines: Sequence[str]) -> bool:
    """Whether a Python hunk's lines show a docstring's section (`_DOC_SECTION`, a NumPy
    section's name over its underline) before any triple quote: the hunk starts inside a
    docstring, though it shows no quote that says so. (A Markdown code fence says only that the
    hunk is inside a string: a template's, generated code's or a prompt's as well as a doc's.)"""
    return any(
        _DOC_SECTION.fullmatch(line) or (
            _DOC_SECTION_NAME.fullmatch(line) and at + 1 < len(lines)
            and _DOC_UNDERLINE.fullmatch(lines[at + 1])
        )
        for at, line in enumerate(lines[:_first_triple_quote(lines)])
    )


def elixir_doc_inside(lines: Sequence[str]) -> bool:
    """Whether an Elixir hunk's lines lie inside a heredoc of a top-level module's body, though
    they show no quote that says so: a line of sentences (`_doc_sentence`) at the body's
    indentation (`_ELIXIR_BODY`), no line to the left of it, none at it that is a definition,
    an attribute or a directive (`_ELIXIR_TOP_LEVEL`), an `end` or a template's line
    (`_TEMPLATE_LINE`), and no heredoc quote (where one opens or closes, the lexer reads it). A
    sentence is no Elixir code, so the lines are a string's; at a module's body, not in a
    function, it is its `@moduledoc` or a `@doc` (a Markdown code fence alone says only that it
    is a string's: a template's as well, `~H`'s).
    A line with an odd count of quotes opens or closes a string written over lines, where no
    one can tell: such a hunk is not known to."""
    if any('"""' in line or "'''" in line or line.replace('\\"', "").count('"') % 2
           for line in lines):
        return False
    body = len(_ELIXIR_BODY)
    sentence = False
    for line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        indent = len(line) - len(line.lstrip())
        if indent < body:
            return False
        if indent == body:
            if (_ELIXIR_TOP_LEVEL.match(line) or _ELIXIR_BODY_CALL.match(line)
                    or stripped == "end" or stripped.startswith("end ")):
                return False
            if _TEMPLATE_LINE.search(_ADMONITION_CLASS.sub("", stripped)):
                return False  # a template's line (`{raw(@link)}`), in another attribute's heredoc
            sentence = sentence or _doc_sentence(line)
    return sentence


def _doc_section_flags(lines: Sequence[str], flags: list[bool]) -> list[bool]:
    """A Python hunk that starts inside a docstring (`python_doc_inside`): its lines up to the
    first triple quote are the docstring's (a signature in an `Args:` entry, an example's
    `{'keys': [...]}`), prose as the lexer would find them with the opening quote in view. The
    quote and what follows stay as the lexer read them."""
    if not python_doc_inside(lines):
        return flags
    end = _first_triple_quote(lines)
    return [flag or (at < end and bool(line.strip()))
            for at, (flag, line) in enumerate(zip(flags, lines, strict=True))]


def _elixir_doc_flags(lines: Sequence[str], flags: list[bool]) -> list[bool]:
    """An Elixir hunk whose first heredoc quote closes a doc: the three quotes alone on a line,
    the next line that is not blank standing at the module's top level at the same indentation
    (`_ELIXIR_TOP_LEVEL`: `defmacro __using__`, `use Pow.Plug.Base`), every line above it indented
    at least as far. A heredoc of data closes inside a function, before more of its body or its
    `end`; one that documents closes before what it documents. The lines above it are the doc's
    (its prose and the examples quoted in it), but for a line that reads as a query or an
    assignment (`_HEREDOC_CODE`): a module attribute's heredoc (`@sql` and its quotes) closes
    before the next definition too, and its SQL is what runs."""
    for at, line in enumerate(lines):
        if '"""' not in line:
            continue
        if line.strip() != '"""':
            return flags
        indent = len(line) - len(line.lstrip())
        following = next((text for text in lines[at + 1:] if text.strip()), None)
        found = None if following is None else _ELIXIR_TOP_LEVEL.match(following)
        if found is None or len(found.group(1)) != indent or any(
            text.strip() and len(text) - len(text.lstrip()) < indent for text in lines[:at]
        ):
            return flags
        return _doc_text_flags(lines, flags, at)
    return flags


def _doc_text_flags(lines: Sequence[str], flags: list[bool], end: int) -> list[bool]:
    """`flags`, and the lines above `end` of a heredoc that documents: its text and examples
    (what is not blank), but for a line that reads as a query or an assignment
    (`_HEREDOC_CODE`)."""
    return [flag or (index < end and bool(text.strip()) and not _HEREDOC_CODE.search(text))
            for index, (flag, text) in enumerate(zip(flags, lines, strict=True))]


def _raw_text_flags(lines: Sequence[str], flags: list[bool]) -> list[bool]:
    """A Rust hunk's lines above a raw string's closer (`_RAW_CLOSER`) met before any quote:
    the lines of a message's text (`_MESSAGE_LINE`) among them are prose, as a comment is;
    any other line (a format argument, SQL) stays what it was."""
    for at, text in enumerate(lines):
        if _RAW_CLOSER.fullmatch(text):
            return [flag or (index < at and _message_line(line))
                    for index, (flag, line) in enumerate(zip(flags, lines, strict=True))]
        if '"' in text:
            break
    return flags


def _message_line(text: str) -> bool:
    """Whether a line reads as a message's sentence (`_MESSAGE_LINE`)."""
    return (_MESSAGE_LINE.fullmatch(_PLACEHOLDER.sub("", text.strip())) is not None
            and _SQL_WORDS.search(text) is None)


def _lexed(family: _Family, lines: Sequence[str], *, from_start: bool) -> list[bool]:
    """`prose_flags` of a family's lines, read by its lexer."""
    if not any(m in line for line in lines for m in family.markers):
        return [False] * len(lines)
    flags = [False] * len(lines)
    lexer = _Lexer(family, from_start)
    for at, text in enumerate(lines):
        lexer.line(text, at, flags)
    if family is _PHP:
        flags = [flag and not docblock_annotation(text)
                 for flag, text in zip(flags, lines, strict=True)]
    return flags
