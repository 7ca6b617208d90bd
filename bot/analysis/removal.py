"""Code deleted whole: definitions a change removes with nothing in their place and that
nothing left in the change names.

On real commits the deletion of dead code (an unused helper, a DAO method whose callers moved to
another, login backends for services that no longer exist) was a steady source of false alarms:
the deleted lines are full of sensitive words, and a word on a removed line weighs as much as
one on an added line. That is right for a check taken out of code that still runs, and wrong for
a unit nothing calls any more. What tells the two apart is a shape, the same in every language:

- the hunk adds no code, and each of its runs of removed lines is one or more complete
  definitions (`def`, `func`, `class`, a Java or C# method signature, an interface's method
  declared without a body in Java, C# or Go, a CommonJS `exports.name = function`, ...), with
  their decorators, comments and closing brackets, and the imports they used;
- the names those definitions give appear on no added or unchanged line of the change (their
  callers, if any, are deleted too);
- a definition indented inside something that survives (a method of a class the change keeps)
  counts only in the languages that mark an override (`@Override`, `override`): there a method
  without the mark is called by name, and one with it only when the overridden declaration goes
  too. In Python, Ruby, PHP or JavaScript a framework may call a method by convention
  (`has_permission`, `authenticate`), so deleting one changes what runs, unless the change
  also takes out the tests' calls of it by name (`contribution.can_refund?` in its spec): then
  the tests were its only callers, and nothing that runs called it;
- a name only tests still mention (an unchanged `context "#idempotent_replayed?"`) is no use
  of it: tests exercise code, they make none of it run;
- a definition with a decorator or annotation that registers it (`@app.before_request`,
  `@Component`, `[HttpGet]`) is not dead: the framework calls it. Those that only document or
  type (`@Override`, `@property`, `[Obsolete]`) are kept out of that;
- nor is an export a JavaScript framework runs by its name in a module it loads by path, before
  the pages it guards (Next.js's `middleware`, SvelteKit's `handle` and `load`, a Remix route's
  `loader`): nothing names it, and deleting it leaves those pages open.

A check deleted inside a surviving function, a decorator taken off a view, a `before_action`
line removed: none is a complete definition, so each stays evidence.

What goes with dead code goes with it too:
- an unchanged line that declares the same name is no use of it: another overload of a Java or
  C# method (`getInvoices(boolean)` beside the `getInvoices(offset, limit)` deleted);
- a route or a router's entry that only registers dead handlers the change deletes
  (`_bp.add_url_rule('/oauth/errors', 'oauth_errors', RHOAuthErrors)`, `path("x/",
  views.dead)`, a tRPC router's `deleteRole: deleteRole,`): the endpoint goes with its handler.
  A middleware unmounted (`app.use("/admin", requireAdmin)`) or a handler registered inside a
  call (`login_required(view)`) is no such line;
- a hunk of imports that only stops importing dead code the change deletes (a name a dead
  definition gave, a deleted file that held only dead definitions: `require
  'shop/helpers/auth'`, `import { deleteRole } from "./rbac/deleteRole"`), lines of an import
  list re-wrapped without such a name included;
- a deleted file's path, when it held only dead definitions (its `package` line, its Lombok
  annotations and a Ruby `class Shop::BaseController < ApplicationController` among them) and
  the change takes out what loaded it by name, every removed line of a surviving file that
  names it being itself such a removal (`Removals.deleted`). A file nothing named (a
  migration, a file-system route) runs by convention, and one unregistered (`app.use(auth)`
  removed, `include Helpers::Auth` taken out of a controller that stays) took a protection from
  code that runs: both keep their path's weight;
- a deleted Rust module whose `mod` declaration the change takes out, whatever it held: Rust
  runs nothing when a module loads and builds no module nothing declares, so what used it
  would not compile, and a use taken out of code that stays is evidence of its own (Cargo's
  own targets, a crate's root or a test, have no declaration; code that runs with no call
  naming it, registered at load or link time (`#[ctor]`, `inventory::submit!`), exported by
  name (`#[no_mangle]`) or a trait's impl (`impl Drop for Key`), keeps the module's weight).

A change that deletes files and nothing else (its tests and docs aside) leaves no line of code
that could name them: had anything still named one (an import, a call, a script's path), the
change would break it. What such a file held (a console script, a template, a one-off task, a
helper module) ran only when called, so it is no evidence, path included (`_abandoned`), unless
something runs it by its place (`_BY_CONVENTION`: a workflow, infrastructure code, a migration,
configuration such as Rails' initializers, a module a framework discovers, a file-system route)
or it registers code as it loads (a framework's annotation, Go's `func init()`). A Rust file is
left to its `mod` declaration (above). On real commits the deletions of a `bin/console`, a
seeder's template, a rake task already run and a key-generation module nothing imported were
false alarms; a deleted initializer and deleted release workflows were the critical ones.

Where a definition or an import goes on over several lines, it is read whole: a signature
closed by its result's type (`): Promise<T> {`), a template literal or a Go raw string at the
left margin, the rows of an import's list in a hunk git's header places inside it (`@@ ... @@
import (`), a module's list of what it re-exports (`export { a } from "./x"`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence

from bot.analysis.diff import ChangedLine, Diff, Hunk, is_substantive
from bot.analysis.lazyre import compile_lazily
from policies.plain import Plain

__all__ = ["Removals"]

#: a definition's opening line: the keyword that gives a name (with modifiers before it), or a
#: typed method signature (Java, C#, Kotlin, Swift, Scala)
_KEYWORD_DEFINITION = compile_lazily(
    r"^\s*(?:(?:export|default|public|private|protected|internal|static|final|abstract|async|"
    r"override|virtual|sealed|open|suspend|partial|unsafe|extern|inline|data|pub(?:\([\w:]+\))?)"
    r"\s+)*(defp|defmacrop?|def|class|func|function|fn|fun|interface|struct|trait|enum|module|record|object|"
    r"type|impl|sub|proc|const|let|var|val|namespace|package)\s+"
    r"(?:\([^)]*\)\s*)?(?:self\.)?([A-Za-z_$][\w$]*(?:(?:::|\.)[A-Za-z_$][\w$]*)*[?!]?)"
)
_SIGNATURE = compile_lazily(
    r"^\s*(?:(?:public|private|protected|internal|static|final|abstract|async|override|"
    r"virtual|sealed|synchronized|native|default|partial|unsafe|extern|new)\s+)+"
    r"(?:[\w<>\[\],.?]+\s+)*([A-Za-z_]\w*)\s*(?:<[^>]*>)?\s*\("
)
#: a CommonJS export defined by assignment (`exports.mysqlQuery = function (...) {`,
#: `module.exports.check = async (req) => {`): the module's `export function`, named by what it
#: exports
_EXPORT_ASSIGNMENT = compile_lazily(
    r"^\s*(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=\s*(?:async\s+)?"
    r"(?:function\b|\([^)]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)"
)
#: definitions that only hold others: their names are everyone's (`module Spree`, `package
#: org.pac4j.couch;`, `namespace App.Billing;`)
_CONTAINERS = frozenset({"module", "namespace", "package"})
#: a Ruby class made in a namespace, its superclass stated: a new class, where a bare
#: `class ActionView::Base` reopens one that survives
_SUBCLASS = compile_lazily(r"^\s*class\s+[\w:]+\s*<\s*[A-Z][\w:]*")
#: a line that closes what a definition opened, or opens its body alone: the end of a signature
#: over several lines with its result's type (Python's `) -> int:`, TypeScript's `): string {`
#: or `): Promise<T> => {`, Go's `) (string, error) {`)
_CLOSER = compile_lazily(
    r"^\s*(?:[{}()\[\];,]+|end\b.*|\)\s*(?:->.*)?:?"
    r"|\)\s*(?::\s*[\w$<>\[\]|&.,?'\" ]+?|\([\w\s*.,\[\]]*\)|[\w*.\[\]]+)?\s*(?:=>\s*)?\{)\s*$"
)
#: a decorator or annotation line (`@login_required`, `@Override`, `#[test]`, `[HttpGet]`)
_DECORATOR = compile_lazily(r"^\s*(?:@([\w.]+)|#\[([\w:]+)|\[([\w.]+)[\](])")
#: decorators and annotations that describe a definition without registering it anywhere
_DESCRIPTIVE = frozenset({
    "Override", "override", "Deprecated", "deprecated", "staticmethod", "classmethod",
    "property", "cached_property", "functools.cached_property", "abstractmethod",
    "abc.abstractmethod", "SuppressWarnings", "Nullable", "NonNull", "Nonnull", "NotNull",
    "Obsolete", "inline", "must_use", "allow", "cfg", "doc", "JvmStatic", "Throws",
    "CheckReturnValue", "VisibleForTesting", "typing.overload", "overload", "wraps",
    "functools.wraps", "SafeVarargs", "FunctionalInterface", "Pure", "MethodImpl",
    # Lombok's: they write a class's own accessors and constructors, registering nothing
    "Getter", "Setter", "ToString", "EqualsAndHashCode", "Data", "Value", "Builder",
    "NoArgsConstructor", "AllArgsConstructor", "RequiredArgsConstructor", "Slf4j", "Log4j2",
    # Elixir's typespecs: they say what a function takes and gives
    "spec",
})


def _decorator_name(text: str) -> str | None:
    """The name a line's decorator or annotation gives (`_DECORATOR`: `@app.route`, `#[ctor]`,
    `[HttpGet]`), or None for a line that opens with none."""
    found = _DECORATOR.match(text)
    return None if found is None else next(group for group in found.groups() if group)
#: an import, or a module's list of the names it exports or re-exports (`export { a, b } from
#: "./x"`, `export {` over several lines, `export * from "./y"`), which an import's words read
_IMPORT = compile_lazily(
    r"\s*(import\s|from\s+\S+\s+import\s|using\s|require(_relative|_dependency)?[\s(]|use\s|"
    r"#\s*include\s|export\s+(type\s+)?(\{|\*\s)|"
    r"(const|let|var)\s+.*=\s*require\()"
)
#: languages in which a method that overrides says so: one without the mark is called by name.
#: Elixir's too: a module's function is called by its name (`UserSessions.all_for(user)`), and
#: one a behaviour calls is marked `@impl` (a registering decorator here), but for the
#: callbacks its frameworks call by name, marked or not (`_ELIXIR_CALLBACKS`)
_EXPLICIT_OVERRIDE = compile_lazily(r"\.(java|kt|kts|cs|scala|swift|rs|go|ex)$")
_OVERRIDE = compile_lazily(r"@Override\b|\boverride\b")
#: the functions of an Elixir module that Phoenix, Plug, LiveView, GenServer and the
#: authorisation libraries call by their names (a plug's `call`, a LiveView's `mount`, a
#: Bodyguard policy's `authorize`), `@impl` or not: deleting one changes what runs
_ELIXIR_CALLBACKS = frozenset({
    "call", "init", "mount", "on_mount", "handle_params", "handle_event", "handle_info",
    "handle_call", "handle_cast", "handle_continue", "terminate", "authorize", "permit",
    "can?", "update", "render", "start_link", "child_spec", "fetch_current_user",
})
_ELIXIR = compile_lazily(r"\.ex$")
#: an Elixir doc's heredoc opened on its own line (`@doc """`, `@moduledoc ~S"""`)
_ELIXIR_DOC_OPENS = compile_lazily(r'\s*@(?:module|type)?doc\s+(?:~[sS])?"""\s*$')
#: files written for people: a name there is a mention (a changelog's "removed `f`"), not a use
_PROSE_FILE = compile_lazily(
    r"\.(md|mdx|markdown|rst|txt|adoc)$|(^|/)(CHANGELOG|CHANGES|HISTORY|NEWS|UPGRADING)[^/]*$",
    re.I,
)
#: a method declared without a body (an interface's, an abstract one): `T name(args);`
_DECLARATION = compile_lazily(
    r"^\s*(?:[\w<>\[\],.?@]+\s+)+([A-Za-z_]\w*)\s*\([^;{]*\)\s*(?:throws\s+[\w.,\s]+)?;\s*$"
)
#: a Go interface's method (`ListAll(ctx context.Context) ([]Model, error)`), the counterpart of
#: `_DECLARATION`'s abstract methods: no `func`, no body, and each parameter named and typed
#: (`ctx context.Context`, `a, b string`), which no call's arguments are, or none and a result
#: (`Close() error`; `Close()` alone is a call); its results one type or a bracketed list
_GO_DECLARATION = compile_lazily(
    r"^\s*([A-Za-z_]\w*)\((?:(?:[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*\s+\.{0,3}[\w.*\[\]]+"
    r"(?:\s*,\s*[A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*\s+\.{0,3}[\w.*\[\]]+)*)\)\s*"
    r"|\)\s*(?=\S))(?:\([^()]*\)|[\w.*\[\]]+)?\s*$"
)
#: a constant given a literal string or number (`READABILITY_API = "https://..."`): a name
#: like any other definition's (its booleans and lists stay statements: a deleted settings
#: file's `SESSION_COOKIE_SECURE = True` is configuration)
_LITERAL_CONSTANT = compile_lazily(
    r"""^\s*([A-Z][A-Z0-9_]*)\s*(?::\s*[\w.\[\]]+)?\s*=\s*(?:f?"[^"]*"|f?'[^']*'|-?\d[\d_.]*)\s*;?$"""
)
#: functions a language's runtime calls with no name at the call site, so that nothing ever
#: names them: Go's `init` (run when its package loads; the specification forbids referring
#: to it). Deleting one changes what runs, as a registering decorator's removal does
_RUN_UNNAMED = frozenset({"init"})
#: modules a JavaScript framework loads by their path, and the exports it runs in them before
#: the code they guard, with no call site anywhere: Next.js's middleware (and its `config`
#: matcher; `proxy` since Next.js 16), Astro's and Cloudflare Pages' `onRequest`, SvelteKit's
#: server hooks and `load`, a Next.js page's `getServerSideProps`, a Remix or React Router
#: route's `loader`. Deleting one leaves the pages it gated reachable without its checks. A
#: handler (`GET`, `action`, a page's default export) deleted takes its endpoint with it, as
#: a view deleted with its URL pattern does, and stays a removal
_CONVENTION_GATES: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = tuple(
    (compile_lazily(path), frozenset(names.split())) for path, names in (
        (r"(^|/)(middleware|proxy|_middleware)\.[cm]?[jt]s$|(^|/)middleware/index\.[cm]?[jt]s$",
         "middleware proxy config onRequest"),
        (r"(^|/)hooks\.server\.[jt]s$", "handle handleFetch"),
        (r"(^|/)\+(page|layout)(\.server)?\.[jt]s$", "load"),
        (r"(^|/)pages/.+\.[cm]?[jt]sx?$", "getServerSideProps"),
        (r"(^|/)(routes/.+|root)\.[cm]?[jt]sx?$",
         "loader clientLoader middleware unstable_middleware onRequest"),
    )
)
#: a docstring's quotes (Python's, or Kotlin's and Swift's raw strings)
_DOC_QUOTES = compile_lazily(r'"""|\'\'\'')
#: a backtick not escaped, and the end of a string's last line that closes it with brackets
#: at most (a backtick, then `;`, `)`, `},`)
_BACKTICK = compile_lazily(r"(?<!\\)`")
_STRING_END = compile_lazily(r"`[\s)\]};,]*$")


def _indent(text: str) -> int:
    stripped = text.lstrip(" \t")
    return len(text[: len(text) - len(stripped)].expandtabs(4))


def _definition(text: str) -> tuple[str, str] | None:
    """(keyword, name) of a definition's opening line; the keyword is "" for a signature."""
    found = _KEYWORD_DEFINITION.match(text)
    if found is not None:
        return found.group(1), found.group(2)
    exported = _EXPORT_ASSIGNMENT.match(text)
    if exported is not None:
        return "function", exported.group(1)
    found = (_SIGNATURE.match(text) or _DECLARATION.match(text) or _GO_DECLARATION.match(text)
             or _LITERAL_CONSTANT.match(text))
    return ("", found.group(1)) if found is not None else None


def _word_goes_on(text: str, at: int, word_marks: str) -> bool:
    """Whether the character at offset `at` continues the word before it: a letter, a digit or
    one of `word_marks` (`_$`, and Ruby's `?!` ending a method's name)."""
    return at < len(text) and (text[at].isalnum() or text[at] in word_marks)


def _line_end(text: str, at: int) -> int:
    """Where the line holding offset `at` ends (the text's end for its last line)."""
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _declares(text: str, name: str) -> bool:
    """Whether a line declares the name rather than uses it: another overload of a method
    (`List<Invoice> getInvoices(boolean all);` beside the `getInvoices(offset, limit)` deleted),
    resolved by its parameters and no caller of the one deleted."""
    found = _definition(text)
    return found is not None and found[1] == name


#: definitions of types: one indented is in a namespace or an outer type, and goes whole
_TYPES = frozenset({"class", "interface", "struct", "trait", "enum", "record", "object", "type",
                    "impl"})


class _Unit(Plain):
    """What a run of removed lines deletes: the names of its outermost definitions, whether
    one is a function nested in something that survives (a method), and whether one overrides;
    or, for a run of registrations (`_registrations`), the names it registers, which must all
    be dead code the change deletes elsewhere."""

    names: tuple[str, ...]
    nested: bool
    overrides: bool
    registers: tuple[str, ...] = ()


#: a route registered by a call that names its URL first, then its handler: Flask's
#: `add_url_rule`, Django's `path`/`re_path`/`url`, FastAPI's `add_api_route`, Express's,
#: Sinatra's, Laravel's and the Go routers' verbs (`router.get`, `Route::post`, `r.HandleFunc`,
#: `e.GET`), the URL a path (a slash in it, or a regular expression's `^`) or empty (Django's
#: root). A middleware mounted on a path (`app.use("/admin", requireAdmin)`) is no route:
#: `use` and `all` are left out, so its removal stays evidence
_ROUTE_CALL = compile_lazily(
    r"""\s*(?:[\w$]+(?:\.|::|->))*(?:add_url_rule|add_api_route|add_route|path|re_path|url|"""
    r"""route|get|post|put|patch|delete|head|options|match|Handle|HandleFunc|GET|POST|PUT|PATCH|"""
    r"""DELETE|HEAD|OPTIONS|Get|Post|Put|Patch|Delete)\s*\(\s*"""
    r"""(["'`])(?:\^?[^"'`]*/[^"'`]*|\^[^"'`]*)?\1\s*,(.*)\)\s*[;,]?\s*"""
)
#: an entry of a table keyed by its handler's own name (`deleteRole: deleteRole,` in a tRPC
#: router, `"oauth_errors": oauth_errors` in a dispatch dict): the key says what it registers
_NAMED_ENTRY = compile_lazily(r"""\s*(["']?)([A-Za-z_$][\w$]*)\1\s*:\s*\2\s*,?\s*""")
#: a string literal, left out of a registration's words (a URL, a route's name)
_STRING = compile_lazily(r"""(["'`])(?:\\.|(?!\1).)*\1""")
#: a keyword argument's name (`methods=`, `name=`), and brackets holding nothing but layout
#: once strings are left out (`methods=("GET",)`, `as_view()`)
_KEYWORD = compile_lazily(r"[A-Za-z_$][\w$]*\s*=(?!=)")
_EMPTY_BRACKETS = compile_lazily(r"\(\s*[\s,]*\)")
#: a reference to a handler: a name, or a dotted one (`views.dead_view`, `DeadView.as_view`,
#: `DeadController::class`)
_REFERENCE = compile_lazily(r"[A-Za-z_$][\w$]*(?:\s*(?:\.|::|->)\s*[A-Za-z_$][\w$]*)*")
_SEPARATOR = compile_lazily(r"\s*(?:\.|::|->)\s*")


def _registrations(lines: Sequence[str]) -> tuple[str, ...] | None:
    """The handlers a run of removed lines registers (each reference's names joined by `.`),
    when each of its lines of code registers handlers and does nothing else: a route to a
    handler (`_ROUTE_CALL`, its other arguments strings and keyword arguments) or an entry
    keyed by its handler's name (`_NAMED_ENTRY`). None for anything else. Whether the
    handlers are dead is asked later (`Removals._dead`): a route goes with the view it served,
    as the view's URL pattern does, and takes its endpoint with it, while a middleware
    unregistered (`app.use(auth)`) is no such line and stays evidence."""
    references: list[str] = []
    for text in _code(lines):
        entry = _NAMED_ENTRY.fullmatch(text)
        if entry is not None:
            references.append(entry.group(2))
            continue
        route = _ROUTE_CALL.fullmatch(text)
        if route is None:
            return None
        arguments = _EMPTY_BRACKETS.sub(" ", _KEYWORD.sub(" ", _STRING.sub(" ", route.group(2))))
        found = [_SEPARATOR.sub(".", found.group(0)) for found in _REFERENCE.finditer(arguments)]
        if not found or _REFERENCE.sub(" ", arguments).strip(" \t,[]"):
            return None  # a call or an expression around the handler (`login_required(v)`)
        references += found
    return tuple(references) or None


def _code(lines: Sequence[str]) -> list[str]:
    """The substantive lines of a run, docstrings left out (a module's docstring names what it
    is for in short lines that read as code: "Clef OAuth support."), and the lines a string
    between backticks goes on over (a JavaScript template literal's or a Go raw string's SQL,
    at any indent, from the line that opens it to the one that ends it). The line that opens
    one is code; the one that ends it must end it with closing brackets at most: a string
    that code follows, or one the run does not end, is half of something, read as no
    definition (a line of a backtick alone, which none is)."""
    code: list[str] = []
    in_doc = False
    in_string = False
    for text in lines:
        if in_string:
            if len(_BACKTICK.findall(text)) % 2 == 1:
                in_string = False
                if not _STRING_END.search(text):
                    code.append("`")  # code after the string: the backticks were no string's
            continue
        if not in_doc and _ELIXIR_DOC_OPENS.match(text):
            in_doc = True  # what it documents follows its closing quotes
            continue
        quotes = len(_DOC_QUOTES.findall(text))
        if in_doc or (quotes and text.lstrip()[:3] in ('"""', "'''")):
            in_doc = in_doc != (quotes % 2 == 1)
            continue
        if is_substantive(text):
            code.append(text)
            in_string = len(_BACKTICK.findall(text)) % 2 == 1
    if in_string:
        code.append("`")
    return code


def _unit(lines: Sequence[str]) -> _Unit | None:
    """The definitions a run of removed lines deletes whole, or None when it deletes anything
    else too (a statement outside any definition, a registering decorator, half a definition)."""
    code = _code(lines)
    if not code:
        return None
    base = min(map(_indent, code))
    names: list[str] = []
    functions = False
    overrides = False
    stack: list[tuple[int, bool]] = []  # open definitions: (indent, is a container)
    importing = False  # inside an import's parentheses
    for text in code:
        indent = _indent(text)
        while stack and stack[-1][0] >= indent and not _CLOSER.match(text):
            stack.pop()
        name = _decorator_name(text)
        if name is not None:
            outermost = all(container for _, container in stack)
            if outermost and name not in _DESCRIPTIVE:
                return None  # registers what it decorates: the framework calls it
            overrides = overrides or name in ("Override", "override")
            continue
        found = _definition(text)
        if found is not None:
            keyword, name = found
            if ("." in name or "::" in name) and keyword not in _CONTAINERS:
                if not (keyword == "class" and _SUBCLASS.match(text)):
                    return None  # `class ActionView::Base`, `fun String.x`: extends what survives
                name = name.rpartition("::")[2]  # `class Spree::BaseController < Controller`
            overrides = overrides or _OVERRIDE.search(text) is not None
            if all(container for _, container in stack) and keyword not in _CONTAINERS:
                names.append(name)  # outermost but for containers
                functions = functions or (keyword not in _TYPES and indent > 0)
            stack.append((indent, keyword in _CONTAINERS))
            continue
        if (stack and indent > stack[-1][0]) or _CLOSER.match(text):
            continue  # a definition's body, its closing bracket
        if _IMPORT.match(text) or importing:
            opened = text.count("(") + text.count("{")
            closed = text.count(")") + text.count("}")
            importing = opened > closed or (importing and not closed)
            continue  # an import it used (over several lines: `from x import (`)
        return None  # a statement outside any definition
    if not names or _RUN_UNNAMED.intersection(names):
        return None
    return _Unit(names=tuple(names), nested=functions and base > 0, overrides=overrides)


def _runs(lines: Iterable[ChangedLine]) -> list[list[ChangedLine]]:
    """The removed lines in runs of consecutive old line numbers (between unchanged lines)."""
    runs: list[list[ChangedLine]] = []
    for item in lines:
        if runs and item.line == runs[-1][-1].line + 1:
            runs[-1].append(item)
        else:
            runs.append([item])
    return runs


#: a name an import binds or a word of its statement, and the quoted module it names
_NAME = compile_lazily(r"[A-Za-z_$][\w$]*(?:(?:\.|::|\\)[A-Za-z_$][\w$]*)*")
_QUOTED = compile_lazily(r"""(["'`])([^"'`\s]+)\1""")
#: the words of import statements themselves, in the languages `_IMPORT` reads
_IMPORT_WORDS = frozenset({
    "import", "from", "as", "type", "typeof", "require", "require_relative",
    "require_dependency", "use", "using", "include", "static", "const", "let", "var", "export",
    "function", "default",
})
#: a word of code as a name is written (`supported_currency?` among them)
_WORD = compile_lazily(r"[A-Za-z_$][\w$]*[?!]?")
#: a line of an import's list of names, over several lines
_IMPORT_LIST = compile_lazily(r"""[\s\w$,.{}()\\]*(?:from\s+["'][^"']*["'];?)?\s*$""")
_FROM = compile_lazily(r"\s*from\s+(\S+)\s+import\b")
#: a row of an import's list, read where the list opened before a hunk: names, each perhaps
#: renamed or a type's (`  ForeignKey,`, `    RHOAuthToken as Token, Other`), a Go import
#: block's path, named or not (`jose "gopkg.in/square/go-jose.v2"`; a blank `_` or dot import
#: loads its package for what its `init` does, and is none), or the list's closing bracket
#: (`} from "./types";`, `)`). A call, an assignment or a condition is none: the list ended
_LISTED_NAME = r"(?:type\s+)?[A-Za-z_$][\w$]*(?:\s+as\s+[A-Za-z_$][\w$]*)?"
_LISTED_ROW = compile_lazily(
    rf"""\s*(?:{_LISTED_NAME}(?:\s*,\s*{_LISTED_NAME})*\s*,?)?\s*$"""
    r"""|\s*(?:[A-Za-z]\w*\s+)?"[^"\s]+"\s*$"""
    r"""|\s*[)}]\s*(?:from\s+["'][^"']+["'])?\s*;?\s*$"""
)
#: a Rust module declared without a body (`pub mod platform;`): it loads the file
#: `platform.rs` or `platform/mod.rs` beside the declaring one, and nothing else does
_RUST_MOD = compile_lazily(r"\s*(?:pub(?:\([\w:\s]+\))?\s+)?mod\s+([A-Za-z_]\w*)\s*;\s*$")
#: what makes a Rust module's code run with no call naming it: a constructor run at load
#: (`#[ctor]`), an entry of a slice gathered at link time (`#[distributed_slice]`), an
#: `inventory::submit!`, a symbol exported by name (`#[no_mangle]`, `extern "C"`,
#: `#[wasm_bindgen]`), the allocator or the panic handler, and a trait's impl (`impl Drop for
#: SecretKey` zeroizes a key with no call: taken out, the code that stays still compiles)
_RUST_REGISTERS = compile_lazily(
    r"#\[(?:\w+::)*(?:ctor|dtor|distributed_slice|no_mangle|export_name|link_section|"
    r"global_allocator|panic_handler|wasm_bindgen|unsafe)\b|\bsubmit!|\bextern\s+\"|"
    r"\bimpl\b[^{;]*\bfor\b"
)
#: a Rust file whose modules sit in its own folder rather than in one named after it
_RUST_ROOT = compile_lazily(r"(^|/)(mod|lib|main)\.rs$")
#: the languages whose line opening with `@name`, `[Name]` or `#[name]` is a decorator or an
#: annotation (not Ruby's instance variable, Elixir's module attribute or Blade's directive)
_ANNOTATED = compile_lazily(
    r"(?<!\.blade)\.(?:py|java|kt|kts|scala|groovy|[cm]?[jt]sx?|cs|dart|swift|php)$"
)
#: a file something runs or reads by its place, with no line of code naming it: a CI or deploy
#: file, infrastructure code, a migration or a schema, configuration (Rails' initializers, a
#: settings module), a module a framework discovers (Django's `admin.py`, Celery's `tasks.py`),
#: a file-system route or a middleware a JavaScript framework loads by path
_BY_CONVENTION = compile_lazily(
    r"(?i)(?:^|/)(?:\.github|\.circleci|\.buildkite|\.gitlab|\.tekton|charts?|helm|k8s|"
    r"kubernetes|deploy(?:ment)?s?|manifests|terraform|ansible|infra(?:structure)?|config|conf|"
    r"settings|initializers|migrat\w*|db|schemas?|pages|routes)/|(?:^|/)(?:\.gitlab-ci\.ya?ml|"
    r"\.travis\.ya?ml|\.drone\.ya?ml|Jenkinsfile|azure-pipelines[^/]*|bitbucket-pipelines\.yml|"
    r"Procfile|fly\.toml|vercel\.json|netlify\.toml|app\.ya?ml|serverless\.ya?ml|"
    r"(?:docker-)?compose[^/]*\.ya?ml|[^/]*Dockerfile[^/]*|[^/]*\.dockerfile|\.env[^/]*|"
    r"\.htaccess|web\.config|settings\.py|(?:admin|tasks|signals|apps|urls|models|conftest)\.py|"
    r"middleware\.[cm]?[jt]sx?|(?:page|route|layout)\.[cm]?[jt]sx?|"
    r"\+(?:page|layout|server)[^/]*)$|\.(?:tf|tfvars|hcl|sql|ini|conf|cfg|toml|ya?ml|json|xml|"
    r"properties|env|nix|j2|tpl)$"
)


def _import_row(text: str) -> bool:
    """Whether a line reads as a row of an import's list (`_LISTED_ROW`)."""
    return bool(_LISTED_ROW.match(text))


def _rust_module(path: str, name: str) -> str:
    """The module (`_module_of`) a `mod name;` in the Rust file `path` loads: `src/platform`
    from `src/lib.rs` or `src/platform.rs`'s neighbour `src/mod.rs`, `src/a/name` from
    `src/a.rs`."""
    base = path.rpartition("/")[0] if _RUST_ROOT.search(path) else _module_of(path)
    return f"{base}/{name}" if base else name


#: a file's extension, and the file that stands for its folder (`index.ts`, `__init__.py`)
_EXTENSION = compile_lazily(r"(/(index|__init__|mod))?\.\w+$")


def _import_words(text: str) -> tuple[set[str], set[str]]:
    """The names an import line binds and the modules it names: a quoted path (`"./rbac/x"`,
    `'spree/core/auth'`) or a dotted one (`org.pac4j.couch.Profile`, `app.auth.backends`,
    `App\\Auth\\Guard`) as a path (`org/pac4j/couch/Profile`); a module's segments are not names."""
    modules = {found.group(2) for found in _QUOTED.finditer(text)}
    source = _FROM.match(text)
    if source is not None:  # Python's `from app.auth import x`: the module binds nothing
        modules.add(source.group(1))
        text = text[source.end():]
    names: set[str] = set()
    for found in _NAME.finditer(_QUOTED.sub(" ", text)):
        word = found.group(0)
        if word in _IMPORT_WORDS:
            continue
        if any(mark in word for mark in (".", "::", "\\")):
            modules.add(word)
            names.add(re.split(r"\.|::|\\", word)[-1])
        else:
            names.add(word)
    return names, modules


def _importing(item: ChangedLine) -> bool:
    """Whether a line may be an import or a line of an import's list (`    a, b)`, `} from
    "./x";`): what `Removals._import_rows` reads the hunk for (most added code is not)."""
    return bool(_IMPORT.match(item.text) or _IMPORT_LIST.match(item.text))


def _folded(word: str) -> str:
    """A word as a file's name and a constant's compare (`controller_helpers` and
    `ControllerHelpers`, `order-helper` and `OrderHelper`)."""
    return word.replace("_", "").replace("-", "").lower()


def _module_of(path: str) -> str:
    """A file as an import names it: its path without the extension (a folder's index file
    as the folder)."""
    return _EXTENSION.sub("", path)


def _names_module(reference: str, module: str) -> bool:
    """Whether an import's module reference resolves to the file (`_module_of`): a relative
    path (`./rbac/deleteRole`, `../auth`) or a path of two segments or more that ends its
    path, a dotted one read as a path."""
    relative = reference.startswith(".") and "/" in reference
    if "/" not in reference:
        reference = re.sub(r"\.|::|\\", "/", reference)
    reference = re.sub(r"^(\.\.?/)+", "", reference)
    if not reference or ("/" not in reference and not relative):
        return False
    return module == reference or module.endswith("/" + reference)


class Removals:
    """Which hunks of a diff only delete unused code (the module's docstring says how), asked
    hunk by hunk and answered once."""

    def __init__(self, diff: Diff, unread: Callable[[int], bool] = lambda _: False) -> None:
        """`unread`: whether no rule reads a file's lines (a test, a doc): a deleted file's
        name removed there (a test's fake controller that included it) loaded it for no code
        that runs."""
        self.diff = diff
        self._unread = unread
        self._hunks: dict[tuple[int, int], bool] = {}
        self._files: dict[int, bool] = {}
        self._units: dict[tuple[int, int], list[_Unit] | None] = {}
        self._referenced: dict[str, bool] = {}
        self._declared: dict[str, bool] = {}
        self._unread_spans: list[tuple[int, int]] | None = None
        self._imports: dict[tuple[int, int], frozenset[tuple[str, int]]] = {}
        self._deleted: dict[int, bool] = {}
        #: whether the change deletes files and nothing else (`_abandoned`), once asked
        self._deletes_only: bool | None = None
        self._words: list[tuple[int, int, frozenset[str], frozenset[str],
                                frozenset[str]]] | None = None
        #: the names and the modules (`_module_of`) of the dead code the change deletes, once
        #: asked (`_dead_code`)
        self._dead_names: frozenset[str] | None = None
        self._dead_modules: tuple[str, ...] = ()
        #: the Rust modules (`_rust_module`) whose `mod` declarations the change takes out, and
        #: those it declares, once asked (`_rust_declarations`)
        self._rust_mods: tuple[frozenset[str], frozenset[str]] | None = None
        #: the deleted files by module, once asked (`_deleted_modules`)
        self._removed_modules: dict[str, int] | None = None
        #: the changed lines whose evidence a removal took out (counted once each)
        self.discounted: set[ChangedLine] = set()
        #: the edited files whose path was no evidence because they only lose unused code
        self.paths: set[str] = set()

    def _hunk_units(self, file: int, number: int) -> list[_Unit] | None:
        """The units a hunk deletes, [] for a hunk that only removes imports, None for a hunk
        that does anything else."""
        key = (file, number)
        if key not in self._units:
            hunk = self.diff.hunks(file)[number]
            units: list[_Unit] | None = []
            if self._adds_code(file, number):
                units = None
            else:
                # the import rows `_adds_code` read where the hunk adds lines; a deletion's
                # are read line by line (`_IMPORT` here and `_unit` over a run), and side by
                # side with the lines around them when a line it removes may be one of an
                # import's list (`  ForeignKey,` in an `import {`, a Go `import (` block's)
                imports = self._imports.get(key, frozenset())
                if not imports and any(
                    item.side == "old" and _import_row(item.text)
                    and is_substantive(item.text) for item in hunk.lines
                ):
                    imports = self._import_rows(file, number)
                for run in _runs(item for item in hunk.lines if item.side == "old"):
                    texts = [item.text for item in run]
                    code = [item for item in run if is_substantive(item.text)]
                    if not code or all(
                        _IMPORT.match(item.text) or ("old", item.line) in imports
                        for item in code
                    ):
                        continue
                    # a Rust module's declaration, the module deleted: a unit naming nothing
                    unit = (_Unit(names=(), nested=False, overrides=False)
                            if self._unloads(file, texts) else _unit(texts))
                    if unit is None and self.diff.files[file].status != "removed":
                        registered = _registrations(texts)
                        if registered is not None:
                            unit = _Unit(names=(), nested=False, overrides=False,
                                         registers=registered)
                    if unit is None:
                        units = None
                        break
                    units.append(unit)  # type: ignore[union-attr]
            self._units[key] = units
        return self._units[key]

    def _adds_code(self, file: int, number: int) -> bool:
        """Whether a hunk adds a line other than an import of names it removed (an import list
        re-wrapped without some of them). Each added line is first asked whether it may be an
        import at all: most hunks that add lines add code, and say so on their first."""
        hunk = self.diff.hunks(file)[number]
        added: list[ChangedLine] = []
        for item in hunk.lines:
            if item.side == "new" and is_substantive(item.text):
                if not _importing(item):
                    return True
                added.append(item)
        if not added:
            return False
        imports = self._import_rows(file, number)
        removed = set().union(*(_import_words(item.text)[0] for item in hunk.lines
                                if item.side == "old" and ("old", item.line) in imports))
        return not (
            all(("new", item.line) in imports for item in added)
            and set().union(*(_import_words(item.text)[0] for item in added)) <= removed
        )

    def _import_rows(self, file: int, number: int) -> frozenset[tuple[str, int]]:
        """The (side, line) of a hunk's changed lines that are imports, read side by side with
        the unchanged lines around them: a line `_IMPORT` matches or one inside its brackets
        (`from x import (` over several lines, a re-wrapped `import {`). A hunk inside an
        import's list that git's header names (`@@ ... @@ import (`: the last line before it
        that starts a statement opened the list) starts inside it, for as long as its rows
        read as an import list's (`_import_row`): the first that does not ends it."""
        key = (file, number)
        found = self._imports.get(key)
        if found is None:
            rows: set[tuple[str, int]] = set()
            hunk = self.diff.hunks(file)[number]
            at = {"old": hunk.starts[0], "new": hunk.starts[1]}
            header = hunk.header.text if hunk.header is not None else ""
            listed = bool(_IMPORT.match(header)) and (
                header.count("(") + header.count("{") > header.count(")") + header.count("}")
            )
            open_ = {"old": listed, "new": listed}
            for row in self.diff.hunk_rows(file, number):
                sides = {"-": ("old",), "+": ("new",), " ": ("old", "new")}.get(row[:1], ())
                text = row[1:]
                if listed and not _import_row(text):
                    listed = False  # not an import's row: the header's list ended before
                    open_ = {"old": False, "new": False}
                for side in sides:
                    if _IMPORT.match(text) or open_[side]:
                        rows.add((side, at[side]))
                        opened = text.count("(") + text.count("{")
                        closed = text.count(")") + text.count("}")
                        open_[side] = opened > closed or (open_[side] and not closed)
                    at[side] += 1
            found = self._imports[key] = frozenset(rows)
        return found

    def _dead_code(self) -> tuple[frozenset[str], tuple[str, ...]]:
        """The names of the definitions the change deletes as dead (in hunks that only remove
        lines), and the modules of the files it deletes that held only such definitions."""
        if self._dead_names is None:
            names: set[str] = set()
            modules: list[str] = []
            for file, change in enumerate(self.diff.files):
                for number, hunk in enumerate(self.diff.hunks(file)):
                    if any(item.side == "new" and is_substantive(item.text)
                           for item in hunk.lines):
                        continue
                    units = [unit for unit in self._hunk_units(file, number) or ()
                             if not unit.registers]  # registrations name dead code, define none
                    if units and all(self._dead(file, unit) for unit in units):
                        names.update(name for unit in units for name in unit.names)
                if change.status == "removed" and self._only_dead(file):
                    modules.append(_module_of(change.path))
            self._dead_names, self._dead_modules = frozenset(names), tuple(modules)
        return self._dead_names, self._dead_modules

    def _only_dead(self, file: int) -> bool:
        """Whether each hunk of a file that changes code deletes dead definitions (and no
        hunk only imports: a deleted file's imports go with its definitions)."""
        numbers = [number for number, hunk in enumerate(self.diff.hunks(file))
                   if any(is_substantive(item.text) for item in hunk.lines)]
        return bool(numbers) and all(
            self._hunk_units(file, number) and self.hunk(file, number) for number in numbers
        )

    def _rust_declarations(self) -> tuple[frozenset[str], frozenset[str]]:
        """The modules the change's removed `mod name;` lines loaded, and those its added
        ones load, read from the changed lines of its Rust files once."""
        if self._rust_mods is None:
            sides: dict[str, set[str]] = {"old": set(), "new": set()}
            for file, change in enumerate(self.diff.files):
                if not change.path.endswith(".rs"):
                    continue
                for hunk in self.diff.hunks(file):
                    for item in hunk.lines:
                        found = _RUST_MOD.match(item.text)
                        if found is not None and item.side in sides:
                            sides[item.side].add(_rust_module(change.path, found.group(1)))
            self._rust_mods = frozenset(sides["old"]), frozenset(sides["new"])
        return self._rust_mods

    def _unloaded(self, index: int) -> bool:
        """Whether a deleted Rust file is a module whose `mod` declaration the change takes
        out and declares nowhere again. Rust runs nothing when a module loads, and a module
        nothing declares is not built: whatever it held (statics, macros, checks) goes with
        it, and what still used it would not compile; a use taken out of code that stays is
        evidence of its own. A crate's root, a binary, a test or a build script, which Cargo
        builds by their paths, has no such declaration and keeps its weight; so does one with
        code that runs with no call naming it (`_RUST_REGISTERS`: a constructor, an exported
        symbol, a trait's impl)."""
        change = self.diff.files[index]
        if change.status != "removed" or not change.path.endswith(".rs"):
            return False
        removed, declared = self._rust_declarations()
        module = _module_of(change.path)
        diff = self.diff
        return (module in removed and module not in declared
                and not _RUST_REGISTERS.search(diff.text, diff.part_end(index - 1),
                                               diff.part_end(index)))

    def _deleted_modules(self) -> dict[str, int]:
        """The change's deleted files by the module each was (`_module_of`), worked out once:
        every run of removed lines of a Rust file asks it (`_unloads`)."""
        if self._removed_modules is None:
            self._removed_modules = {_module_of(change.path): index
                                     for index, change in enumerate(self.diff.files)
                                     if change.status == "removed"}
        return self._removed_modules

    def _unloads(self, file: int, texts: Sequence[str]) -> bool:
        """Whether a run of removed lines of a Rust file only takes out `mod` declarations
        (their `#[cfg]` attributes with them) of modules the change deletes (`_unloaded`)."""
        path = self.diff.files[file].path
        if not path.endswith(".rs"):
            return False
        modules: set[str] = set()
        for text in _code(texts):
            declaration = _RUST_MOD.match(text)
            if declaration is not None:
                modules.add(_rust_module(path, declaration.group(1)))
                continue
            if _decorator_name(text) not in _DESCRIPTIVE:
                return False
        deleted = self._deleted_modules()
        return bool(modules) and all(
            module in deleted and self._unloaded(deleted[module]) for module in modules
        )

    def _dead_imports(self, file: int, number: int) -> bool:
        """Whether a hunk of imports only drops imports of dead code the change deletes: each
        name it stops importing is a dead definition's, each module it stops naming a deleted
        file of dead definitions (`require 'spree/core/helpers/auth'`, `import { deleteRole }
        from "./rbac/deleteRole"`, `RHOAuthErrors` taken out of a re-wrapped import list)."""
        hunk = self.diff.hunks(file)[number]
        imports = self._import_rows(file, number)
        sides: dict[str, tuple[set[str], set[str]]] = {"old": (set(), set()),
                                                       "new": (set(), set())}
        for item in hunk.lines:
            if item.side in sides and is_substantive(item.text):
                if item.side == "old" and not (
                    _IMPORT.match(item.text) or ("old", item.line) in imports
                ):
                    return False
                names, modules = _import_words(item.text)
                sides[item.side][0].update(names)
                sides[item.side][1].update(modules)
        dropped = sides["old"][0] - sides["new"][0]
        references = sides["old"][1] - sides["new"][1]
        if not dropped and not references:
            return False
        # What `_dead_code` finds is first looked for where it can be, before it is worked
        # out (every hunk of the diff read, each definition's name looked for throughout):
        # a module among the deleted files', a name on a removed line outside this hunk
        # (`_removed_elsewhere`). On bench/analysis.py's worst shape no hunk of imports got
        # past this; asked, `_dead_code` was 5% of the analysis.
        deleted = self._deleted_modules()
        if not all(any(_names_module(reference, module) for module in deleted)
                   for reference in references) or not all(
            self._removed_elsewhere(name, hunk) for name in dropped
        ):
            return False
        dead_names, dead_modules = self._dead_code()
        return dropped <= dead_names and all(
            any(_names_module(reference, module) for module in dead_modules)
            for reference in references
        )

    def _removed_elsewhere(self, name: str, hunk: Hunk) -> bool:
        """Whether a line the change removes outside this hunk may hold the name: the diff's
        lines that start with `-` hold it more often than this hunk's removed lines do. A
        definition's name (`_unit`) is part of the removed line that defines it."""
        if not name:
            return True
        own = sum(item.text.count(name) for item in hunk.lines if item.side == "old")
        text = self.diff.text
        found = 0
        for _, start, _ in self._places(name):
            if text[start] == "-":
                found += 1
                if found > own:
                    return True
        return False

    def _declared_elsewhere(self, name: str) -> bool:
        """Whether the change removes the name on two lines or more: an overriding method and
        the declaration it overrides (an interface's) deleted together."""
        found = self._declared.get(name)
        if found is None:
            lines: set[int] = set()
            for _, start, _ in self._places(name):
                if self._removed_line(start):
                    lines.add(start)
                    if len(lines) == 2:
                        break
            found = self._declared[name] = len(lines) >= 2
        return found

    def _tests_called(self, name: str) -> bool:
        """Whether a removed line of a test (a file no rule reads) calls the name as a method,
        on a receiver (`contribution.can_refund?`, `$user->getSession()`): the method was
        called by name, and the change takes that call out."""
        text = self.diff.text
        return any(
            self._removed_line(start) and text[max(start, at - 1):at] in (".", ">")
            and not _word_goes_on(text, end, "_$?!")
            for low, high in self._unread_parts()
            for at, start, end in self._places(name, low, high)
        )

    def _unread_parts(self) -> list[tuple[int, int]]:
        """Where the parts of the diff of the files no rule reads lie in its text (start and
        end offsets, neighbours joined, in order), worked out when first asked: the text before
        the first file (a commit message) is no test's. A name holds no line break, so each
        place of it lies in one file's part: `_tests_called` searches these parts alone, not
        the whole text once for each name (on bench/analysis.py's "worst" shape, 0.47 s of CPU
        for its 64 names, 0.02 s this way)."""
        if self._unread_spans is None:
            diff = self.diff
            spans: list[tuple[int, int]] = []
            low = diff.part_end(-1)
            for index in range(len(diff.files)):
                high = diff.part_end(index)
                if high > low and self._unread(index):
                    if spans and spans[-1][1] == low:
                        spans[-1] = (spans[-1][0], high)
                    else:
                        spans.append((low, high))
                low = high
            self._unread_spans = spans
        return self._unread_spans

    def _places(self, name: str, low: int = 0, high: int | None = None
                ) -> Iterator[tuple[int, int, int]]:
        """Each place the diff's text (or its part from `low` to `high`) holds the name, in
        order: where it starts, where its line starts and where it ends. Looked at in turn, a
        caller stops at the first that answers: a dead name occurs on few lines, and a regular
        expression over every line of a large diff cost seconds."""
        text = self.diff.text
        if high is None:
            high = len(text)
        at = text.find(name, low, high)
        while at >= 0:
            end = at + len(name)
            yield at, text.rfind("\n", 0, at) + 1, end
            at = text.find(name, end, high)

    def _removed_line(self, start: int) -> bool:
        """Whether the diff's line starting at `start` is a removed line (not a `---` header)."""
        text = self.diff.text
        return text[start] == "-" and not text.startswith("--- ", start)

    def _referenced_name(self, name: str) -> bool:
        """Whether an added or unchanged line of code names it: a file's `+++` line aside, and
        the lines of docs, changelogs and tests (`_mention`), each place the name occurs looked
        at in turn (`_places`), stopping at the first use."""
        found = self._referenced.get(name)
        if found is None:
            found = self._referenced[name] = self._used(name)
        return found

    def _used(self, name: str) -> bool:
        text = self.diff.text
        return any(
            text[start] in "+ " and not text.startswith("+++ ", start)
            and not (at > 0 and (text[at - 1].isalnum() or text[at - 1] in "_$"))
            and not _word_goes_on(text, end, "_$")
            and not self._mention(self.diff.file_at(at))
            and not _declares(text[start + 1: _line_end(text, end)], name)
            for at, start, end in self._places(name)
        )

    def _mention(self, file: int) -> bool:
        """Whether a name on a file's lines only mentions it: a doc, a changelog or the commit
        message before the first file (-1) says what was removed, and a test exercises code
        without making it run."""
        return (file < 0 or bool(_PROSE_FILE.search(self.diff.files[file].path))
                or self._unread(file))

    def _dead(self, file: int, unit: _Unit) -> bool:
        if unit.registers:  # a route or an entry of handlers the change deletes as dead
            dead = self._dead_code()[0]
            return all(dead.intersection(reference.split(".")) for reference in unit.registers)
        path = self.diff.files[file].path
        if any(gated.search(path) and names.intersection(unit.names)
               for gated, names in _CONVENTION_GATES):
            return False  # the framework runs it by its name and its module's path
        if unit.nested:
            if not _EXPLICIT_OVERRIDE.search(path) and not all(
                map(self._tests_called, unit.names)
            ):
                return False  # a method a framework may call by convention
            if _ELIXIR.search(path) and _ELIXIR_CALLBACKS.intersection(unit.names):
                return False
            if unit.overrides and not all(map(self._declared_elsewhere, unit.names)):
                return False
        return not any(map(self._referenced_name, unit.names))

    def hunk(self, file: int, number: int) -> bool:
        """Whether hunk `number` of a file only deletes unused definitions (and imports, where
        the file's change deletes such a definition too)."""
        key = (file, number)
        found = self._hunks.get(key)
        if found is None:
            units = self._hunk_units(file, number)
            if self._unloaded(file):
                found = True  # a Rust module no declaration loads any more: none of it builds
            elif units is None:
                found = self._abandoned(file)
            elif not units:  # imports only: removal if they went with a unit of their file
                found = any(
                    other != number and self._hunk_units(file, other)
                    and self.hunk(file, other)
                    for other in range(len(self.diff.hunks(file)))
                ) or self._dead_imports(file, number)  # or are of dead code deleted elsewhere
            else:
                found = all(self._dead(file, unit) for unit in units)
            self._hunks[key] = found
        return found

    def deleted(self, index: int) -> bool:
        """Whether a deleted file's path is no evidence: it held only dead definitions, the
        change takes out what loaded it by name (an import or a `require` of it, in a file that
        survives), and every removed line of a surviving file that names it (one of its
        definitions, or its file's name: `include Helpers::Auth`) is itself a removal. A file
        nothing named (a migration, a file-system route, `middleware.ts`) runs by convention,
        and one whose registration goes (`app.use(auth)`, a `before_action`, a settings entry)
        took a protection from code that runs: both keep their path's weight. A Rust module
        whose `mod` declaration the change takes out is not built any more, whatever it held
        (`_unloaded`)."""
        found = self._deleted.get(index)
        if found is None:
            change = self.diff.files[index]
            module = _module_of(change.path)
            found = change.status == "removed" and self._only_dead(index)
            if found:
                references = self._references(index, module)
                found = bool(references) and all(
                    self.hunk(file, number) for file, number in references
                )
            found = found or self._unloaded(index) or (
                self._abandoned(index) and all(
                    self.hunk(index, number) for number in range(len(self.diff.hunks(index)))
                )
            )
            if found:
                self.paths.add(change.path)
            self._deleted[index] = found
        return found

    def _abandoned(self, index: int) -> bool:
        """Whether a file is deleted by a change that deletes files and nothing else (the
        tests and docs aside), runs by no convention (`_BY_CONVENTION`) and registers nothing
        as it loads (`_registers`). No line of code is left in the change to name it, so if
        anything named it (an import, a call, a script's path) the change would break it: what
        it held (a script, a template, a helper module) ran only when something called it, and
        nothing can any more. Its complete definitions are asked of `_dead` as before; this
        answers for the hunks that hold something else."""
        if self._deletes_only is None:
            self._deletes_only = all(
                change.status == "removed" or self._unread(file)
                for file, change in enumerate(self.diff.files)
            )
        change = self.diff.files[index]
        return (self._deletes_only and change.status == "removed"
                and not change.path.endswith(".rs")  # a module's declaration says (`_unloaded`)
                and not _BY_CONVENTION.search(change.path) and not self._registers(index))

    def _registers(self, index: int) -> bool:
        """Whether a file's removed lines register code with what loads it (a decorator or
        an annotation not only descriptive, `_DECORATOR`, in a language that has them) or run
        it as it loads (Go's `func init()`): a framework scanning a package, or the build,
        runs it with no name naming it."""
        annotated = _ANNOTATED.search(self.diff.files[index].path) is not None
        for hunk in self.diff.hunks(index):
            for item in hunk.lines:
                name = _decorator_name(item.text) if annotated else None
                if ((name is not None and name not in _DESCRIPTIVE)
                        or item.text.startswith("func init()")):
                    return True
        return False

    def _references(self, index: int, module: str) -> set[tuple[int, int]]:
        """The hunks of surviving files with a removed line that names a deleted file: one of
        its definitions, its file's name as a word, or its module in an import."""
        names = {name for number in range(len(self.diff.hunks(index)))
                 for unit in self._hunk_units(index, number) or () for name in unit.names}
        stem = _folded(module.rpartition("/")[2])
        return {
            (file, number) for file, number, words, folded, modules in self._removed_words()
            if names & words or stem in folded
            or any(_names_module(reference, module) for reference in modules)
        }

    def _removed_words(self) -> list[tuple[int, int, frozenset[str], frozenset[str],
                                           frozenset[str]]]:
        """The removed lines of code of the surviving files, read once: (file, hunk, its
        words, the same folded as a file's name is, the modules it imports). What a deleted
        file or a test named goes with it, or never ran."""
        if self._words is None:
            self._words = []
            for file, change in enumerate(self.diff.files):
                if change.status == "removed" or self._unread(file):
                    continue
                for number, hunk in enumerate(self.diff.hunks(file)):
                    for item in hunk.lines:
                        if item.side == "old" and is_substantive(item.text):
                            words = frozenset(_WORD.findall(item.text))
                            modules = (_import_words(item.text)[1] if _IMPORT.match(item.text)
                                       else set())
                            self._words.append((file, number, words,
                                                frozenset(map(_folded, words)),
                                                frozenset(modules)))
        return self._words

    def line(self, item: ChangedLine) -> bool:
        """Whether a changed line (or hunk header) is in a hunk that only deletes unused code;
        such a line is remembered as discounted."""
        if self.hunk(item.file, item.hunk):
            self.discounted.add(item)
            return True
        return False

    def file(self, index: int) -> bool:
        """Whether every hunk of an edited file that changes code only deletes unused code
        (and the imports of dead code): then the file's path is no evidence either (and the
        file is remembered as such)."""
        found = self._files.get(index)
        if found is None:
            hunks = self.diff.hunks(index)
            numbers = [
                number for number, hunk in enumerate(hunks)
                if any(is_substantive(item.text) for item in hunk.lines)
            ]
            found = self._files[index] = bool(numbers) and all(
                self.hunk(index, number) for number in numbers
            )
            if found:
                self.paths.add(self.diff.files[index].path)
        return found
