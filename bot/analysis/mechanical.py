"""Changes that keep behaviour: re-formatting, re-wrapping, quote style, import order, moved code.

A sensitive word on a line that was only re-formatted, or on code that was moved elsewhere in
the same change, is not evidence of a sensitive change: on real commits such edits (lint and
formatter runs, f-string conversions, modules moved) were the largest class of false alarms.

The comparison is on a language-neutral token stream: identifiers, numbers, string contents and
operators, with white space, line breaks, commas, semicolons and quote characters dropped. One
regular expression serves every language; a per-language lexer (Pygments) would give the same
stream here at many times the cost, and the test only needs to know what did not change.
Operators and brackets are kept, so `!`, `==`/`!=`, `+`/`-` and grouping changes stay changes.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from itertools import pairwise, zip_longest
from typing import NamedTuple

from bot.analysis.annotations import without_annotations
from bot.analysis.enclosing import indentation
from bot.analysis.fstrings import as_fstrings
from bot.analysis.lazyre import compile_lazily
from bot.analysis.lintfixes import holds_older_form, if_chains, modernised

__all__ = [
    "ALIAS_WORDS",
    "ELIXIR",
    "EXACT_DIVISION",
    "GO_IMPORT_SPEC",
    "INDENTED",
    "MANIFESTS",
    "MARKUP",
    "MAX_WIDTH",
    "NO_SWAPS",
    "SCRIPT",
    "SOURCE_CODE",
    "Sides",
    "Swaps",
    "aliased_names",
    "defines",
    "definitions_pattern",
    "go_import_specs",
    "hunk_swaps",
    "imported_qualifiers",
    "legible",
    "line_key",
    "may_swap",
    "mechanical_hunk",
    "mechanical_sides",
    "modifiers_added",
    "name_imports",
    "prose_line",
    "python3_branches",
    "relaid",
    "renamed_hunks",
    "same_blocks",
    "script_import",
    "squash",
    "tokens",
    "walrused",
    "without_copy",
    "without_described_values",
    "without_empty_remote_calls",
    "without_imported_qualifiers",
    "without_qualifiers",
]

#: files whose indentation is syntax (Python, YAML, Haml, Slim, Pug, CoffeeScript, Sass, a
#: Makefile): there a line re-indented may leave or enter a block
INDENTED = compile_lazily(
    r"(\.(py|pyi|ya?ml|haml|slim|pug|jade|coffee|sass|styl|nim|fs|fsx)|(^|/)(GNU)?[Mm]akefile)$"
)

#: files written as markup (templates, components), where an element's attributes are read;
#: PHP's own templates too: a `views/` folder's `.php` files (CodeIgniter's, Yii's, Kohana's),
#: Zend's and Magento's `.phtml`, CakePHP's `.ctp`
MARKUP = compile_lazily(
    r"\.(html?|xhtml|erb|jinja2?|j2|twig|hbs|handlebars|mustache|njk|liquid|ejs|cshtml|razor|"
    r"jsx|tsx|vue|svelte|phtml|ctp)$|\.blade\.php$|(^|/)views/(.+/)?[^/]+\.php$"
)
#: an element's attributes that only present it to people: WAI-ARIA's `aria-*` states and
#: properties, HTML's `alt` text and `title` tooltip, its style (`class`, JSX's `className`,
#: `style`) and its `id` (what a style sheet, a script or a `#fragment` link finds it by; a
#: form submits its fields by `name`), bound too: Vue's `:title`, JSX's `alt={...}`. What a
#: screen reader says, a tooltip shows or a style sheet draws, never what a form submits or
#: who may see it. With them a field's `placeholder`, its place in the tab order, and what the
#: browser checks or does before a form is sent (`required`, `autofocus`): the server still
#: validates what it receives
_LABELLING = compile_lazily(
    # the lookahead of the characters a match starts with only makes it faster (`_NEGATED_GROUP`)
    r"""(?=[:vatcsipr])(?:"""
    r"""(?:^|(?<=\s))(?::|v-bind:)?(?:aria-[a-z]+|alt|title|class|className|style|id|"""
    r"""placeholder|tabindex|tabIndex)\s*=\s*(?:"[^"]*"|'[^']*'|\{[^{}]*\})"""
    r"""|(?:^|(?<=\s))(?:required|autofocus|autoFocus)(?=\s|/?>|$))"""
)
#: the HTML attributes a Python form renders on a field: WTForms' `render_kw={"autofocus":
#: True}` and a Django widget's `attrs={...}` (`forms.PasswordInput(attrs={...})`). What the
#: browser shows, like the markup's own (`_LABELLING`); what the form accepts is its
#: validators and fields. With the comma that joined it to the arguments before it
_RENDER_HINTS = compile_lazily(
    r"\s*,?\s*\brender_kw\s*=\s*\{[^{}]*\}|(?<=\()\s*attrs\s*=\s*\{[^{}]*\}\s*,?"
)
_WIDGET_CALL = compile_lazily(r"(?:Input|Select|Textarea|Widget)\($")
#: the keys of such a dict that only present a field (`_RENDER_HINTS`): a placeholder, a
#: style, a tooltip, what the browser fills or checks first, WAI-ARIA's role and states
#: (`aria-*`). Not `value` (what a hidden field submits: `render_kw={"value":
#: config["STRIPE_SECRET_KEY"]}` prints the secret into the page), `name`, `disabled` or
#: `readonly` (what the form sends), `data-*` (what a script reads) or a framework's binding
#: (`x-bind:value`, `@click`): a dict with any other key is compared as code, and so is one
#: whose keys are not all quoted (`VALUE: ...`, `**extra`) or whose values read the
#: configuration, the environment or a secret (`{"placeholder": settings.API_KEY}`)
_PRESENTATION_KEYS = frozenset({
    "placeholder", "class", "style", "id", "title", "autocomplete", "autofocus", "rows",
    "cols", "size", "spellcheck", "tabindex", "inputmode", "dir", "lang", "required",
    "maxlength", "minlength", "role", "type", "min", "max", "step", "pattern", "accept",
})
_HINT_KEY = compile_lazily(r"""["']([^"'\n]+)["']\s*:""")
_STRING_LITERAL = compile_lazily(r""""[^"\n]*"|'[^'\n]*'""")
#: what a presentation dict may not hold, its strings aside (`"new-password"` is a hint's
#: text): a key that is not a quoted string, a spread, a value read from the configuration,
#: the environment or a secret
_HINT_CODE = compile_lazily(
    r"[{,]\s*[A-Za-z_][\w.]*\s*:|\*\*|(?i:\b(config|settings|environ|getenv|env)\b|secret|"
    r"token|passw|api_?key)"
)
#: Python's hashlib flag that declares a digest not used for security (`hashlib.md5(data,
#: usedforsecurity=False)`, Python 3.9): the digest is the same, and a FIPS build then allows
#: the algorithm for a checksum or a cache key. With the comma that joined it to the arguments
_NOT_FOR_SECURITY = compile_lazily(
    r"\s*,\s*usedforsecurity\s*=\s*False\b|(?<=\()\s*usedforsecurity\s*=\s*False\s*,?"
)
#: Django's `on_delete=models.CASCADE` on a `ForeignKey` or a `OneToOneField`: the behaviour
#: such a field had with no `on_delete` before Django 2.0, which deprecated the default (1.9)
#: and then required the argument, so writing it out keeps what deleting the row it points to
#: does; another value (`SET_NULL`, `PROTECT`) is a change. With the comma that joined it
_EXPLICIT_CASCADE = compile_lazily(
    r"\s*,\s*on_delete\s*=\s*(?:(?:django\.db\.)?models\.(?:deletion\.)?)?CASCADE\b"
    r"|(?<=\()\s*on_delete\s*=\s*(?:(?:django\.db\.)?models\.(?:deletion\.)?)?CASCADE\s*,?"
)
_RELATION_FIELD = compile_lazily(r"\b(?:ForeignKey|OneToOneField)\(")
#: the frame a Python warning or log record is reported at (`warnings.warn(msg, Warning,
#: stacklevel=2)`, `logger.warning(msg, stacklevel=2)`), which flake8-bugbear's B028 and ruff's
#: `no-explicit-stacklevel` ask for: the line a warning names, not whether it is issued or what
#: the call does. With the comma that joined it to the arguments, on a line of its own too
_STACK_LEVEL = compile_lazily(
    r"\s*,\s*stacklevel\s*=\s*\d+\b|(?<=\()\s*stacklevel\s*=\s*\d+\s*,?"
    r"|(?:^|(?<=\n))[ \t]*stacklevel\s*=\s*\d+\s*,?[ \t]*(?=\n|$)"
)

#: dependency manifests, where a hunk that only bumps versions is mechanical (a source change,
#: a new or removed package, is not)
MANIFESTS = compile_lazily(
    r"(^|/)(go\.mod|package\.json|requirements[\w.-]*\.txt|pyproject\.toml|Pipfile|Gemfile|"
    r"[\w.-]+\.gemspec|Cargo\.toml|composer\.json|pom\.xml|build\.gradle(\.kts)?|"
    r"[\w.-]+\.csproj|Directory\.Packages\.props|packages\.config|Chart\.yaml|mix\.exs|"
    r"package-lock\.json|yarn\.lock|pnpm-lock\.yaml|Cargo\.lock|Gemfile\.lock|poetry\.lock|"
    r"uv\.lock|composer\.lock|go\.sum|vendor/modules\.txt)$"
)
#: a manifest's line naming what is deployed, not depended on: a Helm chart's `appVersion` is
#: the release of the application the chart runs (its default image tag), so another one is a
#: deploy change, as a new image tag in a Dockerfile or a manifest is
_DEPLOYED = compile_lazily(r"\s*appVersion\s*:")

_TOKEN = compile_lazily(
    r"""[^\W\d]\w*|\d[\w.]*|"(?:\\.|[^"\\])*"?|'(?:\\.|[^'\\])*'?|`(?:\\.|[^`\\])*`?"""
    r"""|===|!==|==|!=|<=|>=|&&|\|\||->|=>|::|\?\?|\S"""
)
_LAYOUT = frozenset({",", ";", "\\"})
_STRING_PREFIXES = frozenset({"f", "r", "b", "u", "rb", "br", "fr", "rf", "F", "R", "B", "U", "@",
                              "$"})
_QUOTES = "\"'`"
_MAX_LINES = 400
#: a line wider than this (in characters) is minified or generated (a bundle, a data blob): no
#: one writes it, re-formats it or reads a condition in it by hand; reading it token by token
#: costs seconds (a rebuilt bundle's 900 kB line), and pairing two such lines token by token
#: (a condition changed, `bot.analysis.guards`) is quadratic
MAX_WIDTH = 2000
#: a hunk side's token stream, read from its start as far as a comparison needs: each call
#: gives the tokens in order, each with whether it was a string literal
_Tokens = Callable[[], Iterator[tuple[str, bool]]]
#: string-building conversions come a line or two at a time; past this a hunk is something else
_FORMATTING_LINES = 20
#: version numbers and commit ids inside a token
_VERSIONS = compile_lazily(r"\b[0-9a-f]{7,64}\b|\d[\w.+*-]*")
_WORD = compile_lazily(r"\w+")
#: an SQL statement's opening words: the verb with what it needs next (`DELETE FROM`,
#: `CREATE TABLE`, `UPDATE users SET`), so that a sentence starting with the same verb ("Create
#: additional schemas", "Update the docs") stays a sentence
_SQL = compile_lazily(
    r"\s*(select\s+(\*|distinct\b|count\s*\(|[\w.]+\s*(,|\bfrom\b|\bas\b))|insert\s+into\b|"
    r"update\s+[\w.\"`]+\s+set\b|delete\s+from\b|with\s+(recursive\s+)?\w+\s+as\b|"
    r"(create|alter|drop)\s+(or\s+replace\s+|unique\s+|temp(orary)?\s+)?(table|index|view|schema|"
    r"sequence|type|function|procedure|trigger|extension|policy|role|user|database|column|"
    r"constraint|materialized)\b|grant\s|revoke\s|truncate\s|merge\s+into\b)",
    re.I,
)
#: a column declared in a table's SQL, below the statement's first line (`id integer PRIMARY KEY
#: GENERATED BY DEFAULT AS IDENTITY,`): a name, an SQL type and a constraint in capitals. Six
#: words of letters, but a table's definition, not a sentence
_SQL_COLUMN = compile_lazily(
    r"[\w\"`\[\]]+\s+(?i:serial|bigserial|integer|int|bigint|smallint|boolean|text|varchar|"
    r"timestamp|timestamptz|datetime|uuid|jsonb?|numeric)\b(?:\(\d+\))?\s+"
    r"(?:NOT\s+NULL|PRIMARY\s+KEY|REFERENCES|GENERATED|DEFAULT)\b"
)
#: a value bound as a parameter where an SQL condition compares it (`reference = ?`,
#: `id = $1`, `name LIKE :q`, `Id = @id`): the string is a query's fragment, even without the
#: statement's opening words. Not `%s`, which a log message's `"id = %s"` uses as well.
_BOUND_PARAMETER = compile_lazily(
    r"(=|<>|<|>|\blike|\bin)\s*\(?\s*(\?|\$\d+|:[a-z_]\w*|@[a-z_]\w*)", re.I
)
#: a query in a string, in the shapes `_SQL` (a statement's opening words) and
#: `_BOUND_PARAMETER` miss: a statement's verb before its clause (`SELECT MAX(id) FROM`, `SELECT
#: EXISTS(...)`, `UPDATE users u SET`), or a clause taking a `%s` or `%(name)s` placeholder
#: (`WHERE u.email = %s`, `LIKE %s`): the driver binds such a placeholder where the value goes as
#: a parameter, and `%` pastes it into the query where it does not
_QUERY = compile_lazily(
    r"\b(?:select|update|delete|insert)\b.{0,200}?\b(?:from|set|where|into|values)\b|"
    r"\b(?:where|having|like|limit|offset|values)\b.{0,80}?%(?:s|\(\w+\)s)",
    re.I,
)
_IMPORT = compile_lazily(
    r"\s*(import\s|from\s+\S+\s+import\s|using\s|require[\s(]|use\s|#\s*include\s|"
    r"(const|let|var)\s+.*=\s*require\()"
)


#: tags that only lay text out (`<br />` -> `<p>...</p>`); a tag with attributes (a form, an
#: input, a link) is kept
_LAYOUT_TAG = compile_lazily(
    r"</?\s*(p|br|hr|div|span|em|strong|b|i|u|small|li|ul|ol|dd|dt|dl|h[1-6]|section|"
    r"header|footer|label|tr|td|th|tbody|thead)\s*/?>",
    re.I,
)
#: `raise X from e` (also `) from e` closing a raise written over several lines) and
#: `except E as e:` (Python): the chaining and the name the handler gives the exception change
#: the traceback, not what is raised or caught
_CHAINED = compile_lazily(
    r"^(\s*raise\b.*?|\s*\))\s+from\s+\w+\s*$|^(\s*except\b.*?)\s+as\s+\w+\s*:"
)
#: a variable annotation (`x: str | None = v` at module level, `let x: T = v`): a type hint,
#: not a value. An indented Python one is left alone: in a dataclass or a model, annotating a
#: class attribute makes it a field.
_ANNOTATED = compile_lazily(
    r"^((?:\s*(?:let|const|var|val)\s+)?(?!(?:else|try|finally|lambda|case|default)\b)"
    r"[A-Za-z_]\w*)\s*:\s*[\w.\[\], |]+?\s*(=[^=])"
)
#: a function's declared return of nothing (`function up(): void`, TypeScript's `(): void`,
#: Python's `def up() -> None:`, Kotlin's `: Unit`, Swift's `-> Void`): what PHP-CS-Fixer's
#: `void_return`, Rector, ruff's ANN rules and ESLint's explicit-function-return-type add to a
#: signature that already returned nothing. It declares, not changes, what the function gives
#: back; a return type naming a value (`-> UserPublic`, which FastAPI reads as the response's
#: model, `: bool`, which PHP enforces) is left as it is
_RETURNS_NOTHING = compile_lazily(
    r"\)\s*(?::\s*(?:void|Unit)|->\s*(?:None|Void))(?=\s*(?:[{:;]|=>|$))"
)
#: `key: key` in a hash or keyword argument, shortened to `key:` (Ruby 3.1) or `{ key }` (JS)
_SHORTHAND = compile_lazily(r"\b([A-Za-z_]\w*):\s*\1\b(?!\s*[(.\[])")


#: a value explicitly discarded (`_ = f.Close()`, `_, _ = w.Write(b)`: Go's linters ask for it)
#: is the call it discards
_DISCARDED = compile_lazily(r"^(\s*)_\s*(?:,\s*_\s*)*=(?!=)\s*")
#: a Go context passed down instead of made on the spot (`f()` -> `f(ctx)`,
#: `context.Background()` -> `ctx`, `func f(ctx context.Context, ...)`): the call is the same,
#: now cancellable
_NEW_CONTEXT = compile_lazily(r"\bcontext\.(?:Background|TODO)\(\)")
_CONTEXT_ARGUMENT = compile_lazily(
    r"(?<=\()\s*ctx(?:\s+context\.Context)?\s*(?:,\s*|(?=\)))"
    r"|,\s*ctx(?:\s+context\.Context)?\s*(?=[,)])"
)
#: Ruby's word and symbol arrays, `%w(a b)` for `['a', 'b']` and `%i(a b)` for `[:a, :b]`
_WORD_ARRAY = compile_lazily(r"%([wiWI])[(\[{]((?:[^)\]}\\]|\\.)*)[)\]}]")
_UNESCAPED_SPACE = compile_lazily(r"(?<!\\)\s+")
#: a Django route written as an anchored regular expression of plain text and named groups
#: (`re_path(r"^apps/(?P<pk>\d+)/$", ...)`) is the same route as `path("apps/<int:pk>/", ...)`
_REGEX_ROUTE = compile_lazily(r"""r(["'])\^((?:[\w/.-]|\\\.|\(\?P<\w+>[^)]*\))*)\$\1""")
_REGEX_ROUTE_CALL = compile_lazily(r"\b(?:re_path|url)\(")
_ROUTE_GROUP = compile_lazily(r"\(\?P<(\w+)>([^)]*)\)")
#: path converters for the usual group patterns (anything else stays a regular expression)
_CONVERTERS = {r"\d+": "int", r"[0-9]+": "int", r"[\w-]+": "slug", r"[-\w]+": "slug",
               r"[-a-zA-Z0-9_]+": "slug", r"[^/]+": "str", r".+": "path"}
#: a comment at the end of a line of code (`x = y  # why`, `f(x) // why`) or on a line of its
#: own: what follows the marker is for people; the quotes before it must be balanced (a `#` in
#: a string is no comment). Also a linter's directive written against the marker at the end of
#: a line of code, which only a linter reads: golangci-lint's `//nolint` and `//nolint:name`
#: (its documented form has no space), staticcheck's `//lint:ignore`, Sonar's `//NOSONAR`.
#: A line of its own opening with `//` is a comment with or without the space (`//todo`, which
#: PSR-12 fixers, Pint and ESLint's spaced-comment rule write as `// todo`), except Go's
#: directives (`//go:build`, `//go:embed`, `// +build`'s older `//+build`) and TypeScript's
#: triple-slash ones (`/// <reference path="..." />`), which the compiler reads
_TRAILING_COMMENT = compile_lazily(
    r"(?:^|\s)(?:#|//)(?:\s.*)?$|\s//(?:nolint\b|lint:ignore\b|NOSONAR\b).*$"
    r"|^\s*//(?!go:|\+build|/\s*<).*$"
)
#: a here-document whose delimiter is in single quotes (`<<'EOF'`, `<<-'EOF'`, Ruby's
#: `<<~'EOS'`, PHP's nowdoc `<<<'EOT'`): the shell, Ruby, PHP and Perl then keep its lines
#: verbatim, no variable or command expanded, so quoting the delimiter is not quote style.
#: After a space only an upper-case word of two letters or more (`cat << 'EOF'`): Ruby's
#: `items << 'done'` and C++'s `out << 'x'` append a string or a character, in either quotes
_VERBATIM_HEREDOC = compile_lazily(r"(<<<?[-~]?)(?:'([A-Za-z_]\w+)'|\s+'([A-Z_][A-Z0-9_]+)')")
#: a here-document's opening by how it treats its body's indentation (Ruby's `<<~SQL`, which
#: strips it, `<<-SQL` and `<<SQL`, which keep it; the shell's and Terraform's `<<-EOT`): the
#: body's lines are the same tokens either way, white space being layout here as everywhere
#: (RuboCop's Layout/HeredocIndentation writes `<<~` for the others). An upper-case delimiter
#: of two letters or more only: `x <<-y` and `x <<~y` shift by a negated value
_HEREDOC_INDENT = compile_lazily(r"<<[~-]?(?=[A-Z_][A-Z0-9_]+\b)")
#: an object made with an empty argument list (`new Foo()`, `new class() extends Base`): PHP and
#: JavaScript make the same object without the parentheses (`new Foo`), and their formatters
#: write one or the other (Laravel Pint's preset drops them, PHP-CS-Fixer's
#: `new_with_parentheses` and Prettier add them). Not where something follows that would then
#: bind to the class name instead (`new Foo().bar`, `new Foo()->bar()`, `new Foo()(x)`)
_NEW_NO_ARGUMENTS = compile_lazily(
    r"\bnew\s+(class\b|[A-Za-z_\\][\w\\]*)\s*\(\s*\)(?!\s*(?:\.|->|\?->|\(|\[|::))"
)
#: a Ruby hash key written as a symbol before a hash rocket (`:notice => 'Signed in'`), which
#: Ruby 1.9's syntax writes `notice: 'Signed in'` (RuboCop's Style/HashSyntax): the same key
_HASH_ROCKET = compile_lazily(r"(?<![\w:]):([A-Za-z_]\w*[?!]?)\s*=>")
#: a constructor call's type arguments that Java 7's diamond (`new HashMap<>()`) and C#'s
#: target-typed `new` infer from the declaration (`new HashMap<String, Token>()`): the same
#: object, its type arguments written or not
_DIAMOND = compile_lazily(r"\bnew\s+([\w.]+)\s*<(?:[^<>()]|<(?:[^<>()]|<[^<>()]*>)*>)*>\s*\(")
#: a local declared with its type (`string token = Issue(user);`, `List<Role> roles = ...`), as
#: C# and Java 10 declare it with `var` (IDE0007, `var` for built-in types): the same local, its
#: type inferred from the same value
_TYPED_LOCAL = compile_lazily(
    r"^(\s*)(?:final\s+)?(?:[A-Z][\w.]*(?:<[^=()]*>)?(?:\[\])?\??|(?:string|int|long|bool|"
    r"double|float|decimal|char|byte|short|object|dynamic|boolean)(?:\[\])?\??)\s+"
    r"([A-Za-z_]\w*)\s*=(?!=)"
)
_VAR_LOCAL = compile_lazily(r"^\s*(?:final\s+)?var\s+[A-Za-z_]\w*\s*=(?!=)")
#: a guard of a member read by its owner (`user && user.isAdmin`), as ESLint's
#: prefer-optional-chain writes it (`user?.isAdmin`): the same test wherever it is read as a
#: condition, the owner a path of plain names
_GUARDED_READ = compile_lazily(
    r"(?<![\w$.?])([A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*) && "
    r"([A-Za-z_$][\w$]*(?:\??\.[A-Za-z_$][\w$]*)*)\."
)
#: Go's error format (`fmt.Errorf("login: %w", err)`), whose `%w` wraps the cause where `%v`
#: formats it (errorlint's fix): the message is the same text; `errors.Is` and `errors.As` now
#: see the cause
_ERROR_FORMAT = compile_lazily(r"\bErrorf\(\s*\"(?:[^\"\\]|\\.)*\"")
#: an octal literal in the explicit `0o` form (Go 1.13, Python 3, ES2015, Rust) that gofumpt,
#: pyupgrade and the like write for the leading-zero form (`0600`): the same file mode
_OCTAL = compile_lazily(r"\b0[oO]([0-7]+)\b")
#: a JavaScript import of a module's default export (`import withActions from './withActions'`,
#: beside named ones: `import React, { useState } from 'react'`), written as the named import
#: of the same name (`import { withActions } from ...`), as a codemod to named exports writes
#: it (ESLint's import/no-default-export): the same module loaded, the same local name bound
_DEFAULT_IMPORT = compile_lazily(
    r"^(\s*import\s+(?:type\s+)?)([A-Za-z_$][\w$]*)\s*(?:,\s*\{([^{}]*)\})?(?=\s*from\s)"
)
#: a function or a class exported as a module's default under its own name (`export default
#: function withAuth(`): the same definition as its named export (`export function withAuth(`)
_DEFAULT_DEFINITION = compile_lazily(
    r"^(\s*export\s+)default\s+(?=(?:async\s+)?function\s*\*?\s*[A-Za-z_$]|class\s+[A-Za-z_$])"
)


#: PHP's explicit nullable type on a parameter whose default is null (`?Scope $scope = null`):
#: the type `Scope $scope = null` already declares, implicitly nullable, which PHP 8.4
#: deprecates and PHP-CS-Fixer's `nullable_type_declaration_for_default_null_value` and Rector
#: rewrite. The `?` is dropped; a default other than null keeps it
_EXPLICIT_NULLABLE = compile_lazily(
    r"(?<![\w?])\?\s*(?=[A-Za-z_\\][\w\\]*\s+&?(?:\.\.\.)?\$\w+\s*=\s*(?i:null)\b)"
)


#: the collection classes `_COLLECTION_TYPE` reads, and the kind each is written as
_COLLECTIONS = {
    "ArrayList": "List", "LinkedList": "List", "IList": "List",
    "HashMap": "Map", "LinkedHashMap": "Map", "TreeMap": "Map", "IDictionary": "Map",
    "Dictionary": "Map",
    "HashSet": "Set", "LinkedHashSet": "Set", "TreeSet": "Set", "ISet": "Set",
}

#: a collection class named as a declaration's type (a variable's, a field's, a parameter's, a
#: return's, a type argument's) where its interface would do: Java's `ArrayList<Integer> ids` and
#: `List<Integer> ids`, C#'s `IList<int> ids` and `List<int> ids`, each name of `_COLLECTIONS`
#: written as its kind. The static type alone: the object and the methods its calls reach are
#: the same. Not where an object is made (`new HashMap<>()` -> `new TreeMap<>()`, Kotlin's
#: `HashMap<K, V>()`: another order, another class) nor where a type is tested or named as a
#: value (`is`, `as`, `typeof(...)`, `instanceof`)
_COLLECTION_TYPE = compile_lazily(
    r"(?<!\bnew )(?<!\bis )(?<!\bas )(?<!typeof\()(?<!instanceof )(?<![\w.$])"
    rf"({'|'.join(_COLLECTIONS)})(?=\s*<)"
)


def _collection_kind(match: re.Match[str]) -> str:
    """A declared collection type's kind (`_COLLECTION_TYPE`), unless its type arguments are
    followed by a call's or an initialiser's bracket (`HashMap<K, V>()`: an object made)."""
    text, depth, at = match.string, 0, match.end()
    while at < len(text):
        char = text[at]
        if char == "<":
            depth += 1
        elif char == ">":
            depth -= 1
            if not depth:
                break
        elif char in "();{}=":
            return match.group(1)  # not a type's arguments
        at += 1
    rest = text[at + 1:].lstrip()
    return match.group(1) if rest[:1] in ("(", "{") else _COLLECTIONS[match.group(1)]


#: Go's `io/ioutil` functions, deprecated since Go 1.16, and what they now call
_IOUTIL = {
    "ReadFile": "os.ReadFile", "WriteFile": "os.WriteFile", "ReadAll": "io.ReadAll",
    "NopCloser": "io.NopCloser", "Discard": "io.Discard", "TempFile": "os.CreateTemp",
    "TempDir": "os.MkdirTemp",
}


#: one operation under two names a language or framework gives it, the older spelling written
#: as the newer one (each with a substring a line needs to hold for its pattern to match): Go's
#: `http.MethodPost` is the string "POST", `interface{}` is `any`, `reflect.TypeOf(T{})` is
#: `reflect.TypeFor[T]()`, protobuf's `proto.String(v)` is Go 1.26's `new(v)`; JavaScript's
#: `substr` is `substring` from 0 or with a start alone that is not negative; Laravel's
#: `bigIncrements('id')` is `id()` and `unsignedBigInteger` is `foreignId`; Rails'
#: `skip_forgery_protection` is documented as a wrapper for `skip_before_action
#: :verify_authenticity_token` (with `raise: false`, its options passed on); Rust's
#: `opt.map_or(false, f)` is `opt.is_some_and(f)` (`res.is_ok_and(f)` on a `Result`, written
#: alike here: the type is not in the line) and `opt.map_or(true, f)` is `opt.is_none_or(f)`,
#: as Clippy's `unnecessary_map_or` rewrites them; a collection's class declared as its
#: interface (`_COLLECTION_TYPE`); a Laravel migration's named class is the anonymous class
#: the file returns (`return new class extends Migration`), which the migrator runs alike since
#: Laravel 8.37; a TypeScript interface of no parent is the type alias of the same object
#: type (`interface Options {` -> `type Options = {`, as typescript-eslint's
#: `consistent-type-definitions` rewrites it: the emitted JavaScript is the same); Go's
#: deprecated `io/ioutil` functions are the `os` and `io` ones its documentation names as their
#: replacements (`_IOUTIL`); Ruby's `BigDecimal.new(v)`, deprecated in bigdecimal 1.3.3 and
#: removed in 2.0, is the `Kernel#BigDecimal(v)` it called (a class of that name inside another
#: namespace, `Money::BigDecimal.new`, is left alone); C#'s `x is object`, the type pattern
#: that matches every value but null, is `x is not null` (C# 9, as the IDE's "use pattern
#: matching" fix writes it; `is object o`, which binds a name, is left alone). A spelling
#: with another meaning (`increments('id')`, an int; `substr(-3)`; `map_or(0, f)`;
#: `ioutil.ReadDir`, which returns other values than `os.ReadDir`) is left alone.
_IDIOMS: tuple[tuple[str, re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    ("http.Method", compile_lazily(r"\bhttp\.Method(Get|Head|Post|Put|Patch|Delete|Connect|"
                                   r"Options|Trace)\b"), lambda m: f'"{m.group(1).upper()}"'),
    ("interface{}", compile_lazily(r"\binterface\{\}"), "any"),
    ("reflect.TypeOf(", compile_lazily(r"\breflect\.TypeOf\((&?)([\w.\[\]*]+)\{\}\)"),
     lambda m: f"reflect.TypeFor[{'*' if m.group(1) else ''}{m.group(2)}]()"),
    ("proto.", compile_lazily(r"\bproto\.(?:String|Bool|Int32|Int64|Uint32|Uint64|Float32|"
                              r"Float64)\("), "new("),
    ("substr(", compile_lazily(r"\.substr\((?=\s*(?:0\s*,|\d+\s*\)))"), ".substring("),
    ("bigIncrements(", compile_lazily(r"->bigIncrements\(\s*(['\"])id\1\s*\)"), "->id()"),
    ("unsignedBigInteger(", compile_lazily(r"->unsignedBigInteger\("), "->foreignId("),
    ("verify_authenticity_token", compile_lazily(
        r"\bskip_before_action\s*\(?\s*:verify_authenticity_token\b(?:\s*,\s*raise:\s*false\b)?"
    ), "skip_forgery_protection"),
    ("map_or(", compile_lazily(r"\.map_or\(\s*false\s*,\s*"), ".is_some_and("),
    ("map_or(", compile_lazily(r"\.map_or\(\s*true\s*,\s*"), ".is_none_or("),
    ("is_ok_and(", compile_lazily(r"\.is_ok_and\("), ".is_some_and("),
    ("<", _COLLECTION_TYPE, _collection_kind),
    ("extends Migration", compile_lazily(r"^\s*class\s+\w+\s+extends\s+Migration\b"),
     "return new class extends Migration"),
    ("interface ", compile_lazily(r"\binterface\s+(\w+)\s*\{"), r"type \1 = {"),
    ("ioutil.", compile_lazily(rf"\bioutil\.({'|'.join(_IOUTIL)})\b"),
     lambda m: _IOUTIL[m.group(1)]),
    ("BigDecimal.new(", compile_lazily(r"(?<![\w.:])BigDecimal\.new\("), "BigDecimal("),
    ("is object", compile_lazily(r"\bis\s+object\b(?!\s*[\w({])"), "is not null"),
)


#: the tokens the older spellings of `_IDIOMS` hold (an HTTP method's name is a string's):
#: only a hunk whose old side holds one is tokenised again with the idioms written alike
#: (scanning every line for the idioms cost 5% of tokenising them; comparing the sides' token
#: sets, 2% of a large analysis)
_OLDER_IDIOM_TOKENS = frozenset({
    "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "CONNECT", "OPTIONS", "TRACE", "interface",
    "TypeOf", "proto", "substr", "bigIncrements", "unsignedBigInteger", "verify_authenticity_token",
    "map_or", "ioutil", "Migration", "BigDecimal", "object", *_COLLECTIONS,
})


def _newer_idioms(line: str) -> str:
    """The line with each older spelling of `_IDIOMS` written as the newer one."""
    for needle, pattern, newer in _IDIOMS:
        if needle in line:
            line = pattern.sub(newer, line)
    return line


def _word_array(match: re.Match[str]) -> str:
    words = [w.replace("\\ ", " ") for w in _UNESCAPED_SPACE.split(match.group(2).strip()) if w]
    quoted = [f":{w}" if match.group(1) in "iI" else f"'{w}'" for w in words]
    return f"[{', '.join(quoted)}]"


def _route(match: re.Match[str]) -> str:
    """The route's regular expression as a `path()` route, if it has one."""
    groups_converted = True

    def group(found: re.Match[str]) -> str:
        nonlocal groups_converted
        converter = _CONVERTERS.get(found.group(2))
        groups_converted = groups_converted and converter is not None
        return f"<{converter}:{found.group(1)}>"

    path = _ROUTE_GROUP.sub(group, match.group(2)).replace("\\.", ".")
    return f'"{path}"' if groups_converted else match.group(0)


def _without_trailing_comment(line: str) -> str:
    match = _TRAILING_COMMENT.search(line)
    if match is None:
        return line
    code = line[: match.start()]
    if any(code.count(quote) % 2 for quote in _QUOTES):
        return line
    if code.strip() and _NOT_A_COMMENT.match(line, match.end() - len(match.group().lstrip())):
        return line
    return code


#: what follows ` # ` or ` // ` after code where it is no comment: a number or a bracket
#: (Python's, Lua's and Perl's `//`, integer division or defined-or: `age // 60 > limit`,
#: `hits // 100`), or a template's placeholder in text (`<p>Order # {{ order.note }}</p>`)
_NOT_A_COMMENT = compile_lazily(r"(?:#|//)\s*(?:[\d(\[]|.*(?:\{\{|\{%|<%|\{!!|\$\{))")


def legible(text: str) -> bool:
    """Whether a line is short enough to be read as written by hand (`MAX_WIDTH`)."""
    return len(text) <= MAX_WIDTH


def _all_legible(removed: Sequence[str], added: Sequence[str]) -> bool:
    """Whether every line of a hunk is `legible`: one wider is read as whole text only."""
    return max(map(len, removed), default=0) <= MAX_WIDTH and (
        max(map(len, added), default=0) <= MAX_WIDTH
    )


def _declarations(lines: Sequence[str]) -> list[str]:
    """A manifest's declarations in a canonical order, comments and blank lines aside: each
    line declares one dependency whole (its name, version and source), wherever it stands."""
    return sorted(key for key in (line_key(_without_trailing_comment(line)) for line in lines)
                  if key)


def _verbatim_heredoc(match: re.Match[str]) -> str:
    """A verbatim here-document's opening as tokens no expanding one makes."""
    return f"{match.group(1)} {match.group(2) or match.group(3)} verbatim"


def _named_import(match: re.Match[str]) -> str:
    """A default import (`_DEFAULT_IMPORT`) as the named import of the same name."""
    names = ", ".join(filter(None, (match.group(2), (match.group(3) or "").strip())))
    return f"{match.group(1)}{{ {names} }}"


def _canonical(line: str) -> str:
    """The line with spellings removed that keep what it does: layout-only markup tags,
    exception chaining, a declared return of nothing, variable annotations, hash shorthand,
    discarded results, a context passed down, Ruby word arrays, plain-text Django routes,
    comments, an empty argument list after `new`, PHP's explicit nullable type of a parameter
    whose default is null, the `0o` of octal literals, Ruby's hash rockets after a symbol, Go's
    `%w` in an error's format, and a JavaScript
    module's default export of a named definition, or its import, written as the named one; and
    a verbatim here-document's quoted delimiter kept apart from an expanding one.

    Each substitution runs only on a line holding a character (or word) it cannot match
    without: most lines hold none, and four substitutions on every line of a hunk were half
    the cost of comparing hunks on a large diff."""
    if "#" in line or "//" in line:
        line = _without_trailing_comment(line)
    if ">" in line:
        line = _LAYOUT_TAG.sub(" ", line)
    if "raise" in line or "except" in line or ") from " in line:
        line = _CHAINED.sub(lambda m: m.group(1) or f"{m.group(2)}:", line)
    if ("void" in line or "None" in line or "Unit" in line or "Void" in line) and ")" in line:
        line = _RETURNS_NOTHING.sub(")", line)
    if ":" in line:
        if "=" in line:
            line = _ANNOTATED.sub(r"\1 \2", line)
        line = _SHORTHAND.sub(r"\1:", line)
    if line.lstrip().startswith("_"):  # the pattern's own anchor: `^\s*_`
        line = _DISCARDED.sub(r"\1", line)
    if "ctx" in line or "context." in line:
        line = _CONTEXT_ARGUMENT.sub("", _NEW_CONTEXT.sub("ctx", line))
    if "<<" in line:
        line = _HEREDOC_INDENT.sub("<<~", _VERBATIM_HEREDOC.sub(_verbatim_heredoc, line))
    if "%" in line:
        line = _WORD_ARRAY.sub(_word_array, line)
    if "new" in line:
        line = _NEW_NO_ARGUMENTS.sub(r"new \1", line)
    if "?" in line and "$" in line:
        line = _EXPLICIT_NULLABLE.sub("", line)
    if "0o" in line or "0O" in line:
        line = _OCTAL.sub(r"0\1", line)
    if "=>" in line and ":" in line:
        line = _HASH_ROCKET.sub(r"\1:", line)
    if "%w" in line and "Errorf(" in line:
        line = _ERROR_FORMAT.sub(lambda found: found.group().replace("%w", "%v"), line)
    if "import" in line:
        line = _DEFAULT_IMPORT.sub(_named_import, line)
    if "export default" in line:
        line = _DEFAULT_DEFINITION.sub(r"\1", line)
    if "path(" in line or "url(" in line or line.lstrip()[:3] in ('r"^', "r'^"):
        line = _REGEX_ROUTE.sub(_route, line)
        if "r\"^" not in line and "r'^" not in line:
            line = _REGEX_ROUTE_CALL.sub("path(", line)
    return line


def _line_stream(line: str) -> tuple[list[str], list[int]]:
    """One line's tokens, layout dropped and strings reduced to their contents; and the indexes
    of the tokens that were string literals. A line's tokens do not depend on its neighbours,
    so a stream of lines is the concatenation of theirs."""
    line = _canonical(line)
    if '"' not in line and "'" not in line and "`" not in line:
        # No string literal (most lines): the tokens as found, layout dropped.
        return [token for token in _TOKEN.findall(line) if token not in _LAYOUT], []
    out: list[str] = []
    strings: list[int] = []
    previous = ""
    for token in _TOKEN.findall(line):
        if token in _LAYOUT:
            continue
        if token[0] in _QUOTES:
            if previous in _STRING_PREFIXES and out and out[-1] == previous:
                out.pop()  # f"..", r'..', @"..": the prefix is style, not content
            token = token.strip(_QUOTES)
            strings.append(len(out))
        out.append(token)
        previous = token
    return out, strings


def _joined(streams: Iterable[tuple[list[str], list[int]]]) -> tuple[list[str], set[int]]:
    """Lines' streams (`_line_stream`) as one: the tokens in order, the string indexes
    shifted to where each line's tokens start."""
    out: list[str] = []
    strings: set[int] = set()
    for line_tokens, line_strings in streams:
        if line_strings:
            strings.update(len(out) + index for index in line_strings)
        out += line_tokens
    return out, strings


def _stream(lines: Iterable[str]) -> tuple[list[str], set[int]]:
    """The lines' tokens, layout dropped and strings reduced to their contents; and the indexes
    of the tokens that were string literals."""
    return _joined(map(_line_stream, lines))


def tokens(lines: Iterable[str]) -> list[str]:
    """The lines' tokens with layout dropped and strings reduced to their contents."""
    return _stream(lines)[0]


def line_key(text: str) -> str:
    """A line's identity for finding it elsewhere in a change (moved code): its tokens."""
    return " ".join(tokens([text]))


#: an import that only brings names into scope, by language: a Go import spec (a package must
#: be used, so the use is a change of its own; a blank `_` or dot import runs or merges the
#: package and is left out), a Java, Kotlin, Scala or Groovy import, a C# using directive, a
#: Rust use declaration. Python, JavaScript, Ruby and PHP are not among them: there an import
#: or a `use` may run code (a module registering signals, a polyfill, a PHP trait).
_NAME_IMPORTS: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (compile_lazily(r"\.go$"),
     compile_lazily(r"\s*(?:import\s*\(?\s*)?(?:[A-Za-z]\w*\s+)?\"[^\"]+\"\s*\)?\s*|\s*\)\s*")),
    (compile_lazily(r"\.(?:java|kt|kts|scala|groovy)$"),
     compile_lazily(r"\s*import\s+(?:static\s+)?[\w.]+(?:\.\*)?(?:\s+as\s+\w+)?\s*;?\s*")),
    (compile_lazily(r"\.cs$"),
     compile_lazily(r"\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?[\w.]+\s*;\s*")),
    (compile_lazily(r"\.rs$"), compile_lazily(r"\s*(?:pub\s+)?use\s+[\w:{}, *]+;\s*")),
    # PHP's imports stand at the start of the line (PSR-12); an indented `use Name;` is a
    # class taking a trait's methods, a change of what the class does
    (compile_lazily(r"\.php$"),
     compile_lazily(r"use\s+(?:function\s+|const\s+)?\\?[\w\\{}, ]+(?:\s+as\s+\w+)?;\s*")),
    # Python's names from a module (`from m import A, B`, or a list of them written over several
    # lines), the typing modules, and a block that imports only for the type checker (`if
    # TYPE_CHECKING:`), which runs nothing. Not a module imported by its own name (`import
    # signals`, `from . import signals`, which a linter is told to allow): that is how Python runs a
    # module for what loading it does, such as connecting signal handlers
    (compile_lazily(r"\.pyi?$"),
     compile_lazily(r"\s*(?:from\s+\.*\w[\w.]*\s+import\s+(?:\(\s*)?[\w, ]*\)?|import\s+(?:typing|"
                    r"typing_extensions|collections\.abc)(?:\s+as\s+\w+)?|\w+(?:\s+as\s+\w+)?,|\)|"
                    r"if\s+(?:typing\.)?TYPE_CHECKING\s*:)\s*")),
)


#: a JavaScript or TypeScript import that binds names from a module of the project itself
#: (`import { A, B } from "./m"`, `import A from "../m"`, `import * as A from "@/m"`, `import type
#: { A } from "~/m"`, a subpath import `#m`), or the line closing one written over several (`}
#: from "./m";`), with the names it binds (group 1). A bare `import "./m"` binds none and is left
#: out: it runs the module; so is an import from a package (`express-session`, `rehype-raw`),
#: which brings the package's code into the project. A re-export from a module of the project
#: (`export * from './api-key/index.js'`, `export { A } from './m'`, `export type { A } from
#: "./m"`, `export * as A from './m'`), as an index file lists its folder's modules, binds names
#: the same way: what they do is in the module, and where they are used
_BINDING_IMPORT = compile_lazily(
    r"""\s*(import\s+(?:type\s+)?(?:[\w$]+\s*,\s*)?(?:\{[^}]*\}|\*\s*as\s+[\w$]+|[\w$]+)"""
    r"""|export\s+(?:type\s+)?(?:\{[^}]*\}|\*(?:\s*as\s+[\w$]+)?)"""
    r"""|\})\s*from\s*["'](?:\.|/|[@~]/|~~/|#)[^"']*["']\s*;?\s*"""
)
#: JavaScript and TypeScript sources, components included
SCRIPT = compile_lazily(r"\.(?:js|jsx|mjs|cjs|ts|tsx|mts|cts|vue|svelte)$")


def script_import(path: str, line: str) -> str | None:
    """The names a line of a JavaScript or TypeScript file imports, as written (`import { A, B }`;
    `}` for the closing line of an import over several), when the line is an import binding
    names from a module of the project (`_BINDING_IMPORT`); else None."""
    if SCRIPT.search(path) is None:
        return None
    found = _BINDING_IMPORT.fullmatch(line)
    return None if found is None else " ".join(found.group(1).split())


def name_imports(path: str, lines: Sequence[str]) -> bool:
    """Whether these lines of a file are imports that only bring names into scope
    (`_NAME_IMPORTS`): what uses the names is a change of its own, elsewhere in the diff."""
    for file_pattern, line_pattern in _NAME_IMPORTS:
        if file_pattern.search(path):
            return bool(lines) and all(map(line_pattern.fullmatch, lines))
    return False


#: the modifiers that only forbid, by language: PHP's `readonly` (a property written once) and
#: `final` (a class not extended, a method or a constant not overridden), Java's `final` (a
#: field, a local or a parameter not assigned again, a class not extended, a method not
#: overridden), TypeScript's `readonly` (a property or an array not written, checked by the
#: compiler and gone from the JavaScript it emits). Adding one leaves everything the code did
#: as it was: code that did what it now forbids no longer compiles or loads, it does not do
#: something else. C#'s `readonly` is not among them: a mutable struct held in a `readonly`
#: field is copied before each call on it (a `SpinLock` so held is never taken)
_TIGHTENING: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = (
    (compile_lazily(r"\.php$"), frozenset({"readonly", "final"})),
    (compile_lazily(r"\.java$"), frozenset({"final"})),
    (compile_lazily(r"\.(?:ts|mts|cts)$"), frozenset({"readonly"})),
)
#: the words of `_TIGHTENING` anywhere in a text, and where one stands as a modifier: before a
#: name, a type or another modifier (`private readonly ?Foo $x`, `final String[] A`,
#: `readonly string[]`, PHP's `\\Ns\\Type`), not before a comma, a bracket or an operator, where
#: it is a name of its own (`[a, readonly]`, `readonly ? a : b`)
_TIGHTENING_WORD = compile_lazily(r"\b(?:readonly|final)\b")
_TIGHTENING_PLACED = compile_lazily(r"\b(readonly|final)[ \t]+(?=[A-Za-z_\\]|\?[A-Za-z_\\])")


#: what stands before a `readonly` that makes it a property's modifier already: a visibility
#: or `static` (`private readonly Foo $x`), or a declaration that ends its line with `;`. A
#: `readonly` written alone in a constructor's parameters (TypeScript's `constructor(readonly
#: token: string)`, PHP's promoted `__construct(readonly string $token)`) declares a property,
#: which a JSON encoding or a clone then carries: more than a restriction
_PROPERTY_ALREADY = compile_lazily(r"\b(?:private|protected|public|static)[ \t]+$")
#: the languages whose statements a line break may end (TypeScript's automatic semicolons: a
#: `return` whose value moved to the line below returns nothing)
_LINE_BREAKS_MATTER = compile_lazily(r"\.(?:ts|mts|cts)$")


def _only_forbids(found: re.Match[str]) -> bool:
    """Whether a modifier `modifiers_added` found is one that only forbids where it stands:
    `final` always, `readonly` after a visibility or `static`, or on a line that ends with
    `;` (`_PROPERTY_ALREADY`)."""
    if found.group(1) != "readonly":
        return True
    text = found.string
    start = text.rfind("\n", 0, found.start()) + 1
    end = text.find("\n", found.end())
    return _PROPERTY_ALREADY.search(text, start, found.start()) is not None or (
        text[found.end():end if end >= 0 else len(text)].rstrip().endswith(";")
    )


def modifiers_added(path: str, removed: Sequence[str], added: Sequence[str]) -> bool:
    """Whether a hunk only adds modifiers that forbid (`_TIGHTENING`: `private Foo $x` ->
    `private readonly Foo $x`, `public static String[] NAME` -> `public static final String[]
    NAME`), white space and layout aside: the added side's tokens, without those modifiers, are
    the removed side's, strings and all. Exact, and only one way: every such word of the added
    side must be a modifier in code (not in a string or a comment, not a name of its own), and
    the removed side must hold none, so that a modifier moved from one declaration to another
    (a field made writable beside another made `readonly`) is never read as one added. Taking
    a modifier away, which lets code write what it could not, is a change."""
    words = next((found for pattern, found in _TIGHTENING if pattern.search(path)), None)
    if words is None or not removed or not added or len(removed) + len(added) > _MAX_LINES:
        return False
    new_text = "\n".join(added)
    if not any(word in new_text for word in words) or not _all_legible(removed, added):
        return False
    if any(found.group(0) in words for found in _TIGHTENING_WORD.finditer("\n".join(removed))):
        return False
    placed = [found for found in _TIGHTENING_PLACED.finditer(new_text) if found.group(1) in words]
    if not placed or len(placed) != sum(
        found.group(0) in words for found in _TIGHTENING_WORD.finditer(new_text)
    ) or not all(map(_only_forbids, placed)):
        return False
    if _LINE_BREAKS_MATTER.search(path) and (len(removed) != len(added) or any(
        _TIGHTENING_PLACED.sub(lambda found: "" if found.group(1) in words else found.group(0),
                               new).split() != old.split()
        for old, new in zip(removed, added, strict=True)
    )):
        return False  # a line joined or split where a line break ends a statement
    new_tokens, new_strings = _stream(added)
    dropped = {
        at for at, token in enumerate(new_tokens) if token in words and at not in new_strings
    }
    if len(dropped) != len(placed):
        return False  # one of them is in a comment, or written where the tokens cannot tell
    old_tokens, old_strings = _stream(removed)
    kept = [(token, at in new_strings) for at, token in enumerate(new_tokens) if at not in dropped]
    return kept == [(token, at in old_strings) for at, token in enumerate(old_tokens)]


#: a Go import spec on a line of its own (a trailing comment aside): a name (an alias, `_`,
#: `.`) or none, and the package's quoted path; the lines that open and close a block of them
GO_IMPORT_SPEC = compile_lazily(r'\s*(?:[A-Za-z_]\w*\s+|\.\s+)?"[^"\s]+"\s*(?://.*)?')
_GO_IMPORT_BLOCK = compile_lazily(r"\s*import\s*\(\s*")
_GO_BLOCK_END = compile_lazily(r"\s*\)\s*")


def go_import_specs(lines: Sequence[str]) -> tuple[list[str], list[str]] | None:
    """A Go file's lines (a hunk's side with the unchanged lines it shows) as the lines outside
    its `import (` blocks, and the specs inside them, each without its white space and its
    trailing comment, sorted: what gofmt and goimports sort within a block is read as a set,
    the rest in order. A spec is only read as one inside a block whose opening line is among
    the lines (the unchanged `import (` above a hunk's changes): a quoted string alone on a
    line elsewhere is code. None where a block holds a line that is not a spec, a comment or
    blank."""
    rest: list[str] = []
    specs: list[str] = []
    inside = False
    for line in lines:
        if not inside:
            rest.append(line)
            inside = _GO_IMPORT_BLOCK.fullmatch(line) is not None
        elif _GO_BLOCK_END.fullmatch(line):
            rest.append(line)
            inside = False
        elif GO_IMPORT_SPEC.fullmatch(line):
            specs.append(squash(line.split("//", 1)[0]))
        elif line.strip() and not line.lstrip().startswith("//"):
            return None
    return rest, sorted(specs)


#: words from which a text is long enough to be read as sentences even with markup, code
#: spans and slashes in it (a help text in HTML, a description naming `options`)
_LONG_PROSE_WORDS = 12


#: where a log or error message takes its values: printf's conversions (`%s`, `%d`, Python's
#: `%(name)s`, Go's `%v`/`%q`/`%w`), Ruby's `%{name}`, and the braces of SLF4J, Python's
#: `str.format`, Rust's `format!` and .NET's composite and structured-logging formats (`{}`,
#: `{0}`, `{name}`)
_PLACEHOLDER = compile_lazily(
    r"%(?:\(\w+\))?[-+ 0#]?\d*(?:\.\d+)?[sdifeEgGxXoucrvqwT](?!\w)|%\{\w+\}|"
    r"\{(?:\d+|[A-Za-z_]\w*)?\}"
)


#: SQL's words of a condition, in the capitals a query writes them (`deleted_at IS NULL AND
#: hidden IS NOT TRUE`): two of them in a text make it a query's condition, not a sentence
_SQL_CONDITION_WORD = compile_lazily(
    r"\b(?:AND|OR|NOT|NULL|IS|IN|LIKE|BETWEEN|EXISTS|TRUE|FALSE)\b"
)

#: a row-locking clause handed to a query builder on its own (Rails' `lock("FOR UPDATE SKIP
#: LOCKED")`, Knex's and Ecto's fragments), in the capitals SQL is written in: a query's part,
#: not a sentence, though it has no statement's opening words
_SQL_LOCK_CLAUSE = compile_lazily(
    r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE)\b|\bLOCK\s+IN\s+SHARE\s+MODE\b"
)


def _prose(text: str) -> bool:
    """Words for people (a label, a help text, a log or error message), not data a program
    acts on: at least three words (two, of letters alone, before a prompt's colon or a
    question mark), almost only letters and spaces, not a SQL statement, a
    condition (`_SQL_CONDITION_WORD`: `AND` -> `OR` in a fragment is another query) nor a row
    lock (`_SQL_LOCK_CLAUSE`). A long text (twelve words or more) may also hold layout tags,
    code spans (`name`), slashes and percent signs; it still may not hold `=`, `;`, braces, `$`
    or backslashes, which code and data need."""
    words = text.split()
    if len(words) == 2 and text.rstrip().endswith((":", "?")) and text.rstrip()[:-1].replace(
        " ", ""
    ).isalpha():
        return True  # a prompt or a label of two words (`"Enter Password: "`, `"Log out?"`)
    if len(words) < 3 or _SQL.match(text):
        return False
    if any(word.isupper() for word in words) and (
        _sql_condition(text) or _SQL_LOCK_CLAUSE.search(text)
    ):
        return False
    if len(words) >= _LONG_PROSE_WORDS and ("<" in text or "`" in text or "/" in text):
        text = _INLINE_CODE.sub("code", _LAYOUT_TAG.sub(" ", text)).replace("/", " ")
        text = text.replace("%", " ")
        if len(text.split()) < _LONG_PROSE_WORDS:
            return False
    if any(c in text for c in "=;{}<>/\\$%"):
        return False
    letters = sum(c.isalpha() or c.isspace() for c in text)
    return letters >= 0.85 * len(text)


def _sql_condition(text: str) -> bool:
    """Whether a text holds two of SQL's words of a condition (`_SQL_CONDITION_WORD`)."""
    found = _SQL_CONDITION_WORD.finditer(text)
    return next(found, None) is not None and next(found, None) is not None


def _message(text: str) -> bool:
    """A log or error message: prose once its placeholders (`_PLACEHOLDER`: `No provider for
    %s`, `Failed for {}`) are read as words. Only for a message reworded in place: the values go
    in as arguments, which are code and compared as such; an added message's words still count
    (`already completed "%s"` beside the check that refuses a replay)."""
    if "%" in text or "{" in text:
        text = _PLACEHOLDER.sub("value", text)
    return _prose(text)


#: a short title for people: capitalised words (`Payout confirmed`, `Sign in`)
_LABEL = compile_lazily(r"[A-Z][a-z]+(?: [A-Za-z][a-z]*)+[.!?]?")


def _label(text: str) -> bool:
    """A label of two words or more (`Payout confirmed`): too short to be read as a sentence,
    but reworded into one (`Occurs whenever a payout is confirmed`) it is copy all the same."""
    return _LABEL.fullmatch(text) is not None


_PROSE_LINE = compile_lazily(r"[^\W\d_](?:[\w .,'`!?\"-]| \(|\))*")
_CODE_WORDS = frozenset({
    "return", "raise", "throw", "yield", "await", "assert", "import", "from", "use", "require",
    "include", "puts", "print", "echo", "if", "unless", "elif", "else", "while", "for", "end",
    "def", "class", "module", "go", "defer", "let", "var", "const", "val", "fn", "func",
    # Dockerfile instructions: `RUN pnpm install --frozen-lockfile` is a command, not a sentence
    "RUN", "FROM", "COPY", "ADD", "ENV", "ARG", "USER", "WORKDIR", "EXPOSE", "ENTRYPOINT", "CMD",
    "LABEL", "VOLUME", "HEALTHCHECK", "SHELL", "ONBUILD", "STOPSIGNAL",
})


#: code named inside a sentence: Markdown's `name`, reStructuredText's :class:`~a.b.C`
_INLINE_CODE = compile_lazily(r"(?::[\w:.-]+:)?`(?!\$\{)[^`\s][^`]*`")
#: a condition written in words, as Python's and SQL's are: an operator word beside an
#: attribute read or a constant (`user is not None and user.is_active`, `or request.user.is_staff`).
#: A sentence puts an operator word beside a dotted name or `None` rarely, and when it does the
#: line is read as code: a docstring line weighed is a false alarm at worst, a condition changed
#: inside a multi-line `if (...)` read as prose is a guard let through
_WORDED_CONDITION = compile_lazily(
    r"\b(?:and|or|not|is|in)\s+(?:[A-Za-z_]\w+\.[A-Za-z_]\w+|None|True|False)\b"
    r"|\b(?:[A-Za-z_]\w+\.[A-Za-z_]\w+|None|True|False)\s+(?:and|or|is|in|not)\b"
)


def prose_line(text: str) -> bool:
    """A line of sentences (a docstring's or a heredoc's, a description's continuation): six
    words or more of letters, digits and sentence punctuation, and not a statement nor a condition
    in words (`_WORDED_CONDITION`). Code named inside the sentence (`prompt_logout`,
    :class:`Permission`) counts as a word."""
    stripped = text.strip()
    if stripped.count(" ") < 5:
        return False  # fewer than six words: the common case, decided without a regex
    if "`" in stripped:
        stripped = _INLINE_CODE.sub("code", stripped)
    words = stripped.split()
    return (
        len(words) >= 6 and words[0] not in _CODE_WORDS and _SQL.match(stripped) is None
        and _PROSE_LINE.fullmatch(stripped) is not None
        and _WORDED_CONDITION.search(stripped) is None and _SQL_COLUMN.match(stripped) is None
    )


def squash(text: str) -> str:
    """A line without its white space: how a line is recognised when only its layout moved."""
    return "".join(text.split())


def _squashed(lines: Sequence[str]) -> list[str]:
    """The lines' `squash`, blank ones left out (a line squashes to nothing exactly when it is
    blank: `split` and `strip` know the same white space)."""
    return [squashed for squashed in ("".join(line.split()) for line in lines) if squashed]


def _identifier(token: str) -> str:
    """A name as its spelling styles share it: `is_admin`, `isAdmin`, `IsAdmin` are one name
    (a snake-to-camel conversion; Go's export by capital letter)."""
    return token.replace("_", "").lower() if _WORD.fullmatch(token) else token


def _respelt(a: str, b: str) -> bool:
    """Names spelt in another style."""
    return _identifier(a) == _identifier(b)


_CONSTANT_NAME = compile_lazily(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{2,}")


def _dotted(stream: Iterable[str]) -> Iterator[str]:
    """The stream with each dotted name (`Page . PERMISSION_CODENAMES . ADD`) as one token,
    each given once the next token does not extend it."""
    last: str | None = None
    for part in stream:
        if last is not None and last.endswith(".") and _WORD.match(part):
            last += part
        elif part == "." and last is not None and _WORD.fullmatch(last.rsplit(".", 1)[-1]):
            last += "."
        else:
            if last is not None:
                yield last
            last = part
    if last is not None:
        yield last


def _name_words(name: str, plural: bool) -> list[str]:
    words = (w.lower() for w in re.split(r"[._]", name) if w)
    return sorted(w.removesuffix("s") for w in words) if plural else sorted(words)


def _regrouped(a: str | None, b: str | None) -> bool:
    """The same constant under another grouping: `Page.ADD_PERMISSION_CODENAME` ->
    `Page.PERMISSION_CODENAMES.ADD`, `ROLE_ADMIN` -> `Role.ADMIN` (constants moved into an enum
    or a namespace keep their words, in another order). A word's plural is the same word only
    where the grouping changed (a namespace named in the plural): in the same one,
    `Scope.READ_USER` -> `Scope.READ_USERS` is another constant. So are the same words in
    another order in the same grouping (`GROUP_OWNER` -> `OWNER_GROUP`): both can be defined,
    and a check that compares with one of them compares with the other. None: past a
    stream's end."""
    if a == b:
        return True
    if a is None or b is None or _CONSTANT_NAME.search(a) is None or (
        _CONSTANT_NAME.search(b) is None
    ) or a.count(".") == b.count("."):
        return False
    return _name_words(a, True) == _name_words(b, True)


def _regrouped_constants(old: _Tokens, new: _Tokens) -> bool:
    """Whether the streams differ only by constants regrouped (`_regrouped`): their dotted
    names pair up, compared up to the first pair that does not (where most hunks part), and
    then the tokens that differ are names, one of them a constant's."""
    names = zip_longest(*(_dotted(token for token, _ in side()) for side in (old, new)))
    if not all(_regrouped(a, b) for a, b in names):
        return False
    differing = {token for token, _ in old()} ^ {token for token, _ in new()}
    return bool(differing) and all(
        part == "." or _WORD.fullmatch(part) for part in differing
    ) and any(_CONSTANT_NAME.fullmatch(part) for part in differing)


def _bumped(a: str, b: str) -> bool:
    """Another version number or commit id (`v3.9.0` -> `v3.10.0`, `"^1.2"` -> `"^1.3"`,
    `github:org/pkg#1d13dd1` -> `github:org/pkg#5e2f0a9`): the same package from the same
    source, another release of it."""
    return _VERSIONS.sub("#", a) == _VERSIONS.sub("#", b)


_FORMAT_WORDS = frozenset({"f", "format", "join", "str", "String", "fmt", "Sprintf", "sprintf",
                           "concat", "to_s", "toString", "Printf", "Print", "Println",
                           "Fprintf", "Fprint", "Fprintln"})
_FORMAT_OPS = frozenset({"+", "%", "(", ")", "[", "]", ".", "{", "}", "$", "#", "<<", ":"})


#: a logging or printing call's formatting variant (`Fatalf`, `Errorf`, `Println`): with a plain
#: string it prints what the plain call (`Fatal`, `Error`) prints
_FORMAT_VARIANT = compile_lazily(
    r"(Fatal|Panic|Error|Warn|Warning|Info|Debug|Trace|Log|Skip|Print|Sprint|Fprint)(?:f|ln)"
)


#: a printf conversion that writes its value as it is (`%s`, Go's `%v`): the place of a value
#: that an f-string or a concatenation writes without one. Not `%d` or `%.2f`, which format it
_AS_IS_CONVERSION = compile_lazily(r"%[sv](?![A-Za-z])")


def _words(stream: Iterable[tuple[str, bool]]) -> Iterator[str]:
    """The words of a stream (`_Tokens`), strings' words included (their `%s` conversions left
    out: `"%s : %s" % (a, b)` -> `f"{a} : {b}"`), format words left out and a formatting
    variant's name as its plain call's (`_string_formatting`), in order."""
    for token, string in stream:
        if string:
            yield from _WORD.findall(_AS_IS_CONVERSION.sub(" ", token) if "%" in token else token)
        elif _WORD.fullmatch(token) and token not in _FORMAT_WORDS:
            variant = _FORMAT_VARIANT.fullmatch(token)
            yield variant.group(1) if variant else token


def _operators(stream: Iterable[tuple[str, bool]]) -> list[str]:
    """The operators of a stream (`_Tokens`) other than those string building uses
    (`_FORMAT_OPS`)."""
    return [
        token for token, string in stream
        if not string and not _WORD.fullmatch(token) and token not in _FORMAT_OPS
    ]


#: a value's place in a string: a brace placeholder (`{}`, `{user}`, Ruby's `#{x}`, a template
#: literal's `${x}`) or a printf conversion (`%s`, `%-5d`)
_PLACE = compile_lazily(r"[#$]?\{[^{}]*\}|%[-+ #0]*\d*(?:\.\d+)?[A-Za-z]")
#: what `_literal_punctuation` leaves out: words, white space, and the doubling of a
#: backslash, which a raw string (`r"\d"`) writes once and a plain one (`"\\d"`) twice
_WORD_OR_SPACE = compile_lazily(r"[\w\s]+|(?<=\\)\\+")


def _literal_punctuation(stream: Iterable[tuple[str, bool]]) -> str:
    """The punctuation the string literals of a stream (`_Tokens`) hold, in order, with the
    places of their values left out: what a string built another way keeps (`"{}:{}"` ->
    `f"{user}:{scope}"` both write `:`), and what a separator or a delimiter changed
    (`scopes.join(",")` -> `scopes.join(" ")`) does not: such a string holds no word for
    `_words` to tell apart, yet it is data another program parses."""
    return "".join(_WORD_OR_SPACE.sub("", _unplaced(token)) for token, string in stream if string)


def _unplaced(text: str) -> str:
    """A string literal's text without the places of its values (`_PLACE`), inner ones first:
    an f-string's value may hold a call with braces of its own (`{urlencode({"a": t})}`)."""
    while True:
        bare = _PLACE.sub("", text)
        if bare == text:
            return bare
        text = bare


#: calls that run a program: given its arguments one by one it runs them as they are, given one
#: string a shell splits and expands it (Ruby's `system`, `spawn`, `exec`, Open3's; Python's
#: subprocess; Node's child_process; Go's exec.Command; Java's ProcessBuilder; PHP's)
_COMMAND_CALLS = frozenset({
    "system", "spawn", "exec", "popen", "Popen", "popen3", "capture2", "capture2e", "capture3",
    "call", "check_call", "check_output", "run", "execFile", "execFileSync", "spawnSync",
    "execSync", "Command", "CommandContext", "ProcessBuilder", "shell_exec", "passthru",
    "proc_open",
})


def _command_shape(stream: Sequence[tuple[str, bool]]) -> tuple[int, list[str]]:
    """How many string literals a stream (`_Tokens`) holds, and its words outside them as
    `_words` reads them, sorted."""
    return (sum(string for _, string in stream),
            sorted(_words(item for item in stream if not item[1])))


def _arguments_joined(old: _Tokens, new: _Tokens) -> bool:
    """On a line that runs a program, a value moved into or out of a string, or the strings
    split or joined (`system("zip", "-r", out)` -> `system("zip -r #{out}")`, `system("convert",
    src, exception: true)` -> `system("convert #{src}", exception: true)`): a program's
    arguments given one by one are run as they are, one string is split and expanded by a
    shell, and a value pasted into it may run commands of its own. A command line built the
    same way on both sides (`"--format=" + f` -> `fmt.Sprintf("--format=%s", f)`) is not."""
    return any(not string and token in _COMMAND_CALLS for side in (old, new)
               for token, string in side()) and (
        _command_shape(list(old())) != _command_shape(list(new())))


def _string_formatting(old: _Tokens, new: _Tokens) -> bool:
    """The same words, strings included, in the same order, the operators differing only by
    concatenation, `%`, placeholders and call parentheses: `"Bearer " + t` -> `f"Bearer {t}"`,
    `"{}:{}".format(user, scope)` -> `f"{user}:{scope}"` (not `.format` against `%`: the
    method's name is a word one side lacks). Both sides must build a string, and neither
    an SQL statement or a condition with a bound parameter (`_BOUND_PARAMETER`): there the same
    words may be a value bound as a parameter on one side and pasted into the query on the other
    (`execute("... id = %s", (i,))` -> `execute("... id = %s" % (i,))`, commas being layout;
    `where("ref = ?", ref)` -> `where("ref = '#{ref}'")`), which is an injection, not a spelling;
    nor a program's arguments joined into one string a shell reads (`_arguments_joined`).

    The words are compared as they are found, up to the first that differs (where most hunks
    part, and past which nothing need be tokenised), and the rest only when all are the same."""
    if any(a != b for a, b in zip_longest(_words(old()), _words(new()))):
        return False
    return (
        any(string for _, string in old()) and any(string for _, string in new())
        and _literal_punctuation(old()) == _literal_punctuation(new())
        and _operators(old()) == _operators(new())
        and not any(
            string and (_SQL.match(token) or _BOUND_PARAMETER.search(token)
                        or _QUERY.search(token))
            for side in (old, new) for token, string in side()
        )
        and not _arguments_joined(old, new)
    )


#: a named constant declared with a literal value, in the languages that say it is one:
#: Java/Kotlin/C#/TypeScript/Go/Rust/PHP/C++ (`static final`, `const`, `static readonly`,
#: `const val`). A plain assignment is not: in Python or Ruby a module's or a settings file's
#: `NAME = value` may be read by a framework by name.
_CONSTANT = compile_lazily(
    r"""\s*(?:(?:public|private|protected|internal|export|pub(?:\([\w:]+\))?)\s+)*"""
    r"""(?:static\s+final|final\s+static|static\s+readonly|readonly\s+static|const(?:\s+val)?)"""
    r"""\s+(?:[\w<>\[\].?]+\s+)?[A-Z][A-Z0-9_]*\s*(?::\s*[&'\w<>\[\] ]+)?\s*=\s*"""
    r"""(?:"[^"\\]*"|'[^'\\]*'|-?\d[\w.]*|true|false)\s*;?\s*"""
)
_COMMENT_START = ("//", "#", "/*", "*", "--")


def _constants_only(added: Sequence[str]) -> bool:
    """Whether added lines declare named constants and nothing else (blank and comment lines
    aside)."""
    code = [line for line in added if line.strip() and not line.strip().startswith(_COMMENT_START)]
    return bool(code) and all(_CONSTANT.fullmatch(line) for line in code)


class Sides:
    """A hunk's removed and added lines, each line tokenised at most once and only when a
    comparison reaches it: whether the hunk is mechanical (`mechanical_hunk`) and which names
    its code lines swap (`Sides.swaps`) are read from the same tokens (tokenising every hunk
    twice was a third of a large analysis), and most hunks that do more than re-format are
    told apart within their first lines (tokenising all of every hunk was a fifth of it)."""

    __slots__ = ("_lines", "_squashed", "added", "removed")

    def __init__(self, removed: Sequence[str], added: Sequence[str]) -> None:
        self.removed, self.added = removed, added
        self._lines: dict[str, list[tuple[list[str], list[int]]]] = {}
        self._squashed: dict[str, list[str]] = {}

    def squashed(self, side: str) -> list[str]:
        """The non-blank lines of one side ("old" or "new") without their white space."""
        lines = self._squashed.get(side)
        if lines is None:
            lines = self._squashed[side] = _squashed(self.removed if side == "old" else self.added)
        return lines

    def stream(self, side: str) -> tuple[list[str], set[int]]:
        """The tokens of one side ("old" or "new") and the indexes of its string literals."""
        return _joined(self._streams(side))

    def tokens(self, side: str) -> Iterator[tuple[str, bool]]:
        """The tokens of one side ("old" or "new") in order, each with whether it was a string
        literal, its lines tokenised as they are reached."""
        for line_tokens, strings in self._streams(side):
            if strings:
                marked = set(strings)  # a minified line holds thousands of strings
                for at, token in enumerate(line_tokens):
                    yield token, at in marked
            else:
                for token in line_tokens:
                    yield token, False

    def idiomatic_stream(self, side: str) -> tuple[list[str], set[int]]:
        """`stream` with the older spellings of `_IDIOMS` written as the newer ones (not kept:
        asked only of the rare hunk whose sides differ by an idiom's token)."""
        lines = self.removed if side == "old" else self.added
        # A line no idiom rewrites keeps the tokens `stream` made of it: most lines of such a
        # hunk hold no older spelling (a token like `id` or `new` is all it takes to ask).
        return _joined(
            streamed if (newer := _newer_idioms(line)) == line else _line_stream(newer)
            for line, streamed in zip(lines, self._streams(side), strict=True)
        )

    def _streams(self, side: str) -> Iterator[tuple[list[str], list[int]]]:
        """The streams (`_line_stream`) of one side's lines in order, each line tokenised when
        first reached and kept for the next reader."""
        done = self._lines.setdefault(side, [])
        lines = self.removed if side == "old" else self.added

        def read() -> Iterator[tuple[list[str], list[int]]]:
            for at, line in enumerate(lines):
                if at == len(done):
                    done.append(_line_stream(line))
                yield done[at]

        return read()

    def swaps(self, keep: Callable[[str], bool], *, python: bool = False) -> Swaps | None:
        """`hunk_swaps` of the lines `keep` accepts, from the tokens `mechanical_hunk` made (and
        those of the lines it did not reach); None when it made none (it decided without
        tokenising). `python`: the hunk is a Python file's (`hunk_swaps`)."""
        if len(self._lines) < 2:
            return None
        if _definition_respelt(self.removed, self.added):
            return NO_SWAPS  # a definition alone respelt renames nothing it is read by
        old, new = (
            (tokens for text, tokens in zip(lines, self._streams(side), strict=True) if keep(text))
            for side, lines in (("old", self.removed), ("new", self.added))
        )
        return _lines_swaps(
            old, new, functools.partial(_module_assignments, self.removed, python, keep)
        )


#: tokens that end the left operand of `instanceof` (read backwards from it)
_OPERAND_ENDS = frozenset({"(", "&&", "||", "!", "=", "==", "!=", "?", ":", "return", "{", "}"})


def _operand(stream: list[str], end: int) -> list[str]:
    """The tokens of the expression that ends just before `end` (`instanceof`'s left operand:
    `authentication`, `principal . getPrincipal ( )`)."""
    at, depth = end, 0
    while at > 0:
        part = stream[at - 1]
        if part in (")", "]"):
            depth += 1
        elif part in ("(", "[") and depth:
            depth -= 1
        elif not depth and part in _OPERAND_ENDS:
            break
        at -= 1
    return stream[at:end]


def _replace(stream: list[str], sought: list[str], by: str) -> list[str]:
    """The stream with each run of tokens equal to `sought` replaced by the one token `by`."""
    out: list[str] = []
    at, size = 0, len(sought)
    while at < len(stream):
        if stream[at: at + size] == sought:
            out.append(by)
            at += size
        else:
            out.append(stream[at])
            at += 1
    return out


def _unwrapped(stream: list[str], token: str) -> list[str]:
    """The stream with `( token )` written `token`: a cast's own parentheses, `((T) x).m()`."""
    out: list[str] = []
    for part in stream:
        out.append(part)
        if part == ")" and out[-3:] == ["(", token, ")"]:
            del out[-3:]
            out.append(token)
    return out


def _pattern_bound(old: list[str], new: list[str]) -> bool:
    """Whether `new` binds with pattern matching what `old` cast by hand (Java 16): `if (x
    instanceof T t) { t.m(); }` for `if (x instanceof T) { ((T) x).m(); }`, or for `T t = (T)
    x;` declared first. Each binding stands for its cast of the same operand; nothing else may
    differ."""
    if "instanceof" not in new:
        return False
    at = new.index("instanceof")
    while at + 2 < len(new):
        kind, name = new[at + 1], new[at + 2]
        if _WORD.fullmatch(kind) and _WORD.fullmatch(name):  # a binding: `instanceof T t`
            operand = _operand(new, at)
            if not operand or name in operand:
                return False
            cast = f"({kind}){''.join(operand)}"
            new = new[: at + 2] + [cast if part == name else part for part in new[at + 3:]]
            old = _replace(old, ["(", kind, ")", *operand], cast)
            # `T t = (T) x;` declared by hand
            old = [part for part in _replace(old, [kind, name, "=", cast], "") if part]
            old, new = _unwrapped(old, cast), _unwrapped(new, cast)
        if "instanceof" not in new[at + 1:]:
            break
        at = new.index("instanceof", at + 1)
    return old == new


_LENGTH_OF = "len\x00(\x00"


def _contained_and_broken(match: re.Match[str]) -> str:
    """A loop that sets something at the first element equal to a value and breaks
    (`for _, v := range exts { if v == ext { ok = true; break } }`) as the `slices.Contains`
    test around what it sets, as gopls' `slicescontains` modernizer writes it; the loop as it
    was when what it sets reads the element (`u` in `grant(u)`): that is not the test's."""
    element = f"\x00{match[1]}\x00"
    body = match["body"] or ""
    value = match["v"] or match["w"]
    if element in f"\x00{body}" or element in f"\x00{value}":
        return match[0]
    return (f"if\x00slices\x00.\x00Contains\x00(\x00{match['s']}{value})\x00{{\x00"
            f"{body}{match['end'] or ''}")


def _ranged(count: str) -> str:
    """What a counted loop ranges over: a slice whose length it counts (`len(ids)`: `ids`), or
    the count itself."""
    if count.startswith(_LENGTH_OF) and count.endswith(")\x00") and count.count("(") == 1:
        return count[len(_LENGTH_OF): -2]
    return count


#: Go's modernizers (`go fix`, gopls' `modernize`): a loop or a call written the older way,
#: as a pattern over a token stream joined with NUL after each token (`_T`: one token, `_E`:
#: an expression, tokens without braces), and the newer form it becomes. A map copied key by
#: key is `maps.Copy`; a loop returning at the first element equal to a value (or satisfying a
#: function) is `slices.Contains` (`slices.ContainsFunc`), and `return true` there with
#: `return false` after it returns the call itself; a counted loop from 0 is a range over the
#: count (over a slice when it counts its length); `[]byte(fmt.Sprintf(...))` is
#: `fmt.Appendf(nil, ...)`. Each must leave the rest of the hunk as it was.
_E = r"(?:[^\x00{}]+\x00)+?"
_GO_MODERNIZERS: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (compile_lazily(rf"for\x00(\w+)\x00(\w+)\x00:\x00=\x00range\x00(?P<src>{_E}){{\x00"
                    rf"(?P<dst>{_E})\[\x00\1\x00]\x00=\x00\2\x00}}\x00"),
     "maps\x00.\x00Copy\x00(\x00\\g<dst>\\g<src>)\x00"),
    (compile_lazily(rf"for\x00_\x00(\w+)\x00:\x00=\x00range\x00(?P<s>{_E}){{\x00if\x00"
                    rf"(?:\1\x00==\x00(?P<v>{_E})|(?P<w>{_E})==\x00\1\x00){{\x00"
                    rf"(?P<body>return\x00(?:{_E})?)}}\x00(?P<end>}}\x00)?"),
     lambda m: (f"if\x00slices\x00.\x00Contains\x00(\x00{m['s']}{m['v'] or m['w']})\x00{{\x00"
                f"{m['body']}{m['end'] or ''}")),
    (compile_lazily(rf"for\x00_\x00(\w+)\x00:\x00=\x00range\x00(?P<s>{_E}){{\x00if\x00"
                    rf"(?:\1\x00==\x00(?P<v>{_E})|(?P<w>{_E})==\x00\1\x00){{\x00"
                    rf"(?P<body>{_E})?break\x00}}\x00(?P<end>}}\x00)?"),
     _contained_and_broken),
    (compile_lazily(rf"for\x00_\x00(\w+)\x00:\x00=\x00range\x00(?P<s>{_E}){{\x00if\x00"
                    rf"(?P<f>{_E})\(\x00\1\x00\)\x00{{\x00(?P<body>return\x00(?:{_E})?)}}\x00"
                    r"(?P<end>}\x00)?"),
     lambda m: (f"if\x00slices\x00.\x00ContainsFunc\x00(\x00{m['s']}{m['f']})\x00{{\x00"
                f"{m['body']}{m['end'] or ''}")),
    (compile_lazily(r"if\x00(slices\x00.\x00Contains(?:Func)?\x00\(\x00(?:[^\x00{}]+\x00)+?)"
                    r"{\x00return\x00true\x00}\x00return\x00false\x00"),
     "return\x00\\1"),
    (compile_lazily(rf"for\x00(\w+)\x00:\x00=\x000\x00\1\x00<\x00(?P<n>{_E})\1\x00\+\x00\+\x00"
                    r"{\x00"),
     lambda m: f"for\x00{m[1]}\x00:\x00=\x00range\x00{_ranged(m['n'])}{{\x00"),
    (compile_lazily(rf"\[\x00]\x00byte\x00\(\x00fmt\x00.\x00Sprint(f|ln|)\x00\(\x00"
                    rf"(?P<args>{_E})\)\x00\)\x00"),
     "fmt\x00.\x00Append\\1\x00(\x00nil\x00\\g<args>)\x00"),
)
#: what the newer forms call: only a hunk whose new side holds one is rewritten
_GO_MODERN_WORDS = frozenset({"maps", "slices", "range", "Append", "Appendf", "Appendln"})


def _go_modernized(old: list[str], new: list[str]) -> bool:
    """Whether `new` is `old` with Go's modernizers applied (`_GO_MODERNIZERS`)."""
    if _GO_MODERN_WORDS.isdisjoint(new) or "\x00" in "".join(old):
        return False
    text = "".join(part + "\x00" for part in old)
    for pattern, newer in _GO_MODERNIZERS:
        text = pattern.sub(newer, text)
    return text == "".join(part + "\x00" for part in new)


def _labels_only(sides: Sides, *, in_code: bool = False) -> bool:
    """Whether a markup hunk's sides differ only by attributes that present elements to people
    (`_LABELLING`: an `aria-label` added, an `alt` text or a `title` reworded, a `class`
    dropped, an `id` given, a field marked `required` for the browser), white space and
    layout tags aside. `in_code`: the hunk is a source file's, whose strings build markup
    (`$res .= '<div class="title">'`); there an attribute is one only after a tag opened on
    its line."""
    text = "\n".join((*sides.removed, *sides.added))  # no word sought holds a line break
    if not any(word in text for word in ("aria-", "alt", "title", "class", "style", "id",
                                         "placeholder", "tab", "required", "auto")):
        return False
    if in_code and "<" not in text:
        return False
    return _squashed([_unlabelled(line, in_code) for line in sides.removed]) == _squashed(
        [_unlabelled(line, in_code) for line in sides.added])


def _unlabelled(line: str, in_code: bool) -> str:
    """The line without its labels (`_without_labels`) and then without the tags that only lay
    text out (`_LAYOUT_TAG`: a `<div class="mb-3">` wrapper added is a `<div>` once its class
    is gone)."""
    line = _without_labels(line, in_code)
    return _LAYOUT_TAG.sub(" ", line) if ">" in line else line


#: a tag opened (`<input `, `<a `): not `<?php`, `<%=` or a spaced comparison `a < b`
_OPENING_TAG = compile_lazily(r"<[A-Za-z][\w.:-]*\s")
#: what may stand on a line before a tag's attribute: an opening tag's name and its other
#: attributes (a tag re-wrapped, one attribute a line), or nothing
_TAG_SO_FAR = compile_lazily(
    r"""\s*(?:<[\w.:-]+\s+)?(?:[\w:@.-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|\{[^{}]*\}))?\s+)*"""
)


#: what writes a value unescaped where a template's plain placeholder escapes it: Handlebars'
#: and Mustache's triple braces (`{{bio}}` -> `{{{bio}}}`), Mustache's `{{&`, Blade's `{!! !!}`,
#: ERB's `<%==` and `raw`, EJS's `<%-`, Rails' `html_safe`, a `|safe`, `|raw` or `|noescape`
#: filter
_UNESCAPED_FORMS = (
    r"""\{\{\{|\{\{&|\{!!|<%==|<%-(?!-)|(?i:\braw\b)|html_safe|\|\s*(?:safe\w*|raw|noescape)\b"""
)
#: a value that writes something unescaped into the attribute: the templates' unescaped forms
#: (`_UNESCAPED_FORMS`), PHP's `<?=` and `<?php echo`, JSP's EL and a JavaScript template
#: literal's `${}`, a string joined to a variable (`'" + cls + "'`, `'.$id.'`): what it writes
#: may close the attribute and open a script
_RAW_VALUE = compile_lazily(
    r"""<\?|""" + _UNESCAPED_FORMS + r"""|\$\{|['"]\s*[+.]|[+.]\s*['"]"""
)
#: in a source file's string, a label whose value is plain text: what code writes into a value
#: (an f-string's or Ruby's `{}`, a call, a variable, a value joined with commas or `+`) may be
#: escaped there, and a change of it is no label's
_LITERAL_LABEL = compile_lazily(
    r"""[^=]*=\s*(?:"[^"{}()$#@,+'`\\<>%]*"|'[^'{}()$#@,+"`\\<>%]*')"""
)


def _without_labels(line: str, in_code: bool = False) -> str:
    """The line without its `_LABELLING` attributes, each only where it stands in a tag: after
    an opening tag not yet closed on the line, or (not `in_code`) after nothing but a tag's
    name and attributes. The same words in code are not markup: in a PHP or ERB view's query
    (`"... WHERE id = '" . escape($id) . "'"`) the quotes of `id = '...'` hold the escaping.
    An attribute whose value writes something unescaped (`_RAW_VALUE`) stays, but for one Vue
    binds: a change of what it writes is no label's."""

    def strip(found: re.Match[str]) -> str:
        attribute = found.group(0)
        if not attribute.startswith((":", "v-bind:")) and _RAW_VALUE.search(attribute):
            return attribute  # (Vue escapes what it binds, a template literal's too)
        if in_code and "=" in attribute and not _LITERAL_LABEL.fullmatch(attribute):
            return attribute
        before = line[: found.start()]
        opened = max((tag.end() for tag in _OPENING_TAG.finditer(before)), default=-1)
        if (opened >= 0 and ">" not in before[opened:]) or (
            not in_code and _TAG_SO_FAR.fullmatch(before)
        ):
            return ""
        return attribute

    return _LABELLING.sub(strip, line)


def _without_render_hints(lines: Sequence[str]) -> list[str]:
    """The lines without the HTML attributes a Python form renders (`_RENDER_HINTS`), read as
    one text so that an argument re-wrapped onto its own line goes with its comma; a Django
    `attrs` only as a widget's argument (`TextInput(attrs={...})`), where elsewhere it may be
    data (`ldap.modify(dn, attrs={...})`); only a dict of keys that present the field
    (`_PRESENTATION_KEYS`), not one that sets what it submits."""
    text = "\n".join(lines)

    def strip(found: re.Match[str]) -> str:
        hint = found.group(0)
        if _HINT_CODE.search(_STRING_LITERAL.sub('""', hint)) or not all(
            key in _PRESENTATION_KEYS or key.startswith("aria-")
            for key in _HINT_KEY.findall(hint)
        ):
            return hint
        if "render_kw" in hint or _WIDGET_CALL.search(text, 0, found.start()):
            return ""
        return hint

    return _RENDER_HINTS.sub(strip, text).split("\n")


def _not_for_security_dropped(lines: Sequence[str]) -> list[str]:
    """The lines without hashlib's `usedforsecurity=False` (`_NOT_FOR_SECURITY`), read as one
    text so that the flag re-wrapped onto its own line goes with its comma: adding it keeps
    every digest as it was, so only what else the hunk changes counts."""
    return _NOT_FOR_SECURITY.sub("", "\n".join(lines)).split("\n")


def _cascade_dropped(lines: Sequence[str]) -> list[str]:
    """The lines without Django's `on_delete=models.CASCADE` (`_EXPLICIT_CASCADE`), read as one
    text so that the argument on a line of its own goes with its comma."""
    return _EXPLICIT_CASCADE.sub("", "\n".join(lines)).split("\n")


def _stack_level_dropped(lines: Sequence[str]) -> list[str]:
    """The lines without a warning's `stacklevel=N` (`_STACK_LEVEL`), read as one text so that
    the argument on a line of its own goes with its comma: adding, dropping or changing it moves
    only the place a warning names."""
    return _STACK_LEVEL.sub("", "\n".join(lines)).split("\n")


def mechanical_hunk(removed: Sequence[str], added: Sequence[str], *, manifest: bool = False,
                    markup: bool = False, code: bool = False, divides: bool = False) -> bool:
    """Whether a hunk's added lines do exactly what its removed lines did.

    True for re-indentation, re-wrapping (a string literal's text split over lines too),
    trailing commas and semicolons, quote style and string prefixes, names respelt (snake to
    camel case, exported or unexported), import lines put in another order or grouped
    otherwise around the same names (`_regrouped_imports`), wording changes of
    prose strings (labels, help texts, messages) with the code around them unchanged, a block of
    one statement under a condition written with a statement modifier (Ruby's `stmt if cond`),
    a method that only forwards written as Rails' `delegate`, a value compared with several
    literals written as one membership test (`[a, b].include?(x)`, `x in (a, b)`), Go's deferred
    call whose error a closure discards (`defer func() { _ = f.Close() }()`),
    a string built another way with the same parts, and, in a dependency
    manifest (`manifest`), version numbers bumped (not what it deploys: a chart's appVersion)
    and the same declarations put in another order, comments aside; in a source file (`code`),
    a release's number in its strings (`_released`: an SDK's version in its User-Agent).
    A hunk that only adds or only removes is mechanical only when all it adds are named
    constants (`private static final String CODE_VALUE = "code_value";`): a constant does
    nothing until code uses it, and that code is a change of its own. In markup (`markup`), a
    hunk that only adds, removes or rewords accessibility labels (`aria-*`, `alt`, `title`) or
    styles (`class`, `className`, `style`); in any file, the HTML attributes a Python form
    renders on a field (`render_kw`, a widget's `attrs`), hashlib's `usedforsecurity=False`,
    a warning's `stacklevel` (`_STACK_LEVEL`) and Django's former default `on_delete=
    models.CASCADE` written out (`_EXPLICIT_CASCADE`), the rest of the hunk mechanical.
    A hunk holding a line wider than `MAX_WIDTH` (minified) is mechanical only when its sides
    are the same text, white space aside. An integer literal written as the product of
    others (`86400` -> `24 * 60 * 60`), or, where `divides` (a language whose `/` of two
    integers that divide exactly is that integer: not Python's, Elixir's or Lua's, which give
    a float), as their exact quotient (`32` -> `256 / 8`), is that literal (`_folded`).
    """
    return mechanical_sides(Sides(removed, added), manifest=manifest, markup=markup, code=code,
                            divides=divides)


def _alike(old: Iterator[tuple[str, bool]], new: Iterator[tuple[str, bool]], *, bumps: bool,
           releases: bool = False) -> tuple[bool, bool]:
    """Whether two streams (`_Tokens`) are the same, and whether they are as long as each other
    and differ only by names respelt (`_respelt`), only by version numbers bumped (`_bumped`,
    asked only when `bumps`), only by a release's number in strings (`_released`, asked only
    when `releases`) or only by prose strings reworded (`_reworded`), names respelt beside them
    (`Github` -> `GitHub` in a type and in its messages). Read up to the first place where
    none of them holds: past it neither answer can be yes."""
    same = respelt = reworded = True
    released = releases
    before: str | None = None  # the token before the one read, the same on both sides
    depth = 0  # the parentheses open before it: inside them, a call's arguments
    key = False  # a name and a string of one text just read: alike only as a key (`"a": 1`)
    named = False  # a name just respelt: no key's nor a keyword argument's (`httpOnly: true`)
    for (a, a_string), (b, b_string) in zip_longest(old, new, fillvalue=(None, False)):
        if key:
            key = False
            if not (a == b == ":"):
                # a name and a string are other values (`DEBUG = False` -> `"False"`, a
                # constant's name passed as its own text), unless keys of one object
                return False, False
        if named:
            named = False
            if a == b and (a == ":" or (a == "=" and depth > 0)):
                # a key or a keyword argument respelt is another one: the framework that reads
                # `httpOnly` or `sameSite` ignores `httponly` and `same_site`
                return False, False
        if a == b:
            key = a_string != b_string
            before = a
            if not a_string:
                depth += (a == "(") - (a == ")")
            continue
        if a is None or b is None:
            return False, False
        same = False
        # a string respelt is another string, data another program reads (`claims["is_admin"]`
        # -> `"isAdmin"`, a role `"ADMIN"` -> `"admin"`); a string and a name respelt are a
        # literal given a constant's name (`"access_token"` -> `ACCESS_TOKEN`)
        names = not (a_string and b_string) and _respelt(a, b)
        named = names and not (a_string or b_string)
        respelt = respelt and names
        bumps = bumps and _bumped(a, b)
        released = released and a_string and b_string and before not in _VERSION_GATES and (
            depth <= 0 and _released(a, b)
        )
        before = a
        reworded = reworded and (names or (a_string and b_string and _reworded(a, b)))
        if not (respelt or bumps or released or reworded):
            return False, False
    if key:
        return False, False
    return same, True


#: source files, where a string holding a release's number is the program's own (`_released`):
#: not a chart's values, a workflow or a Dockerfile, where it names an image or a tool to run
SOURCE_CODE = compile_lazily(
    r"\.(?:py|rb|go|rs|java|kt|scala|cs|php|js|jsx|mjs|cjs|ts|tsx|swift|ex|exs|dart)$"
)
#: a release's number in a string of code: three numbers (`"43.0.1"`, `"square/43.0.1"`,
#: `"2.10.0-beta.1"`), not after `:` or `@`, where a string names another program's release to
#: run or fetch (an image's tag `nginx:1.25.3`, a package's `pkg@1.2.3`, an action's ref), and
#: not four numbers: an IPv4 address (`"10.1.2.3"`, `"10.0.0.0/8"`) says who is let in
_RELEASE = compile_lazily(r"(?<![:@\d.])v?\d+\.\d+\.\d+(?![.\d])(?:[-+][\w.]*)?")


#: what a release's number compared with is (`if version < "2.0.0"`): a gate, not a label; so
#: is one given to a call (`Version("2.0.0")`, `semver.lt(v, "2.3.1")`: `_alike` counts the
#: parentheses open before it)
_VERSION_GATES = frozenset({"<", ">", "<=", ">=", "==", "!=", "===", "!==", "in"})


def _released(a: str, b: str) -> bool:
    """Whether two strings differ only in a release's number (`_RELEASE`): an SDK's own version
    in its User-Agent or a version header, bumped for a release (`"square/43.0.1"` ->
    `"square/43.1.0"`); what the program does is the same, it says another number."""
    if _RELEASE.search(a) is None:
        return False
    return _RELEASE.sub("#", a) == _RELEASE.sub("#", b) and _RELEASE.search(b) is not None


def _reworded(a: str, b: str) -> bool:
    """Two strings of copy, a message on one side at least (`_message`; a label reworded into a
    sentence), or one text of several words recapitalised (`_recased`); not where a word that
    decides (`_DECIDING`) is on one side only: a firewall's policy (`iptables -P INPUT DROP` ->
    `ACCEPT`, `ufw default deny incoming` -> `allow`), a role, a scope list or a mode written as
    words is read by a program, whatever it looks like."""
    return ((_message(a) and (_message(b) or _label(b))) or (_label(a) and _message(b)) or (
        _recased(a, b)
    )) and _deciding(a) == _deciding(b)


#: words that decide what a program lets through, when a string holds them: a policy's verdict,
#: a role or a scope's grant, a permission's sign
_DECIDING = compile_lazily(
    r"(?i)\b(?:allow|deny|accept|drop|reject|grant|revoke|permit|block|enable|disable|admin|"
    r"owner|root|readonly|read-only|public|private|offline_access|superuser)\b|[+-][rwx]\b"
)


def _deciding(text: str) -> list[str]:
    """The deciding words (`_DECIDING`) of a string, in order and lower case."""
    return [word.lower() for word in _DECIDING.findall(text)]


def _recased(a: str, b: str) -> bool:
    """The same text of several words with other capitals (`decoding Github response {err:?}`
    -> `GitHub`: a brand's spelling fixed in a message that also holds a placeholder or a path,
    which `_message` does not read as prose). A single word is a name's (`_respelt`); a text
    with a quote or an `=` is left out (a query's condition, whose quoted values compare with
    their capitals)."""
    return (
        a != b and a.lower() == b.lower() and " " in a.strip()
        and not any(c in a for c in "='\"`")
    )


#: a negated group or a negated test of `_NEGATED_TESTS` as text (`_negations_pushed`). The
#: lookahead of the characters a match starts with only makes it faster: Python's `re` tries a
#: pattern that opens with `\b` or alternatives at each position in turn, and skips the positions
#: a leading lookahead rules out in one scan (5x faster over a large diff's hunks, most of which
#: hold none; it was 7-10% of the analysis of bench/analysis.py's "worst" and "ordinary" shapes)
_NEGATED_GROUP = compile_lazily(r"(?=[!ni])(?:!\s*\(|\bnot\s*\(|\bis_some_and\b|\bis_none_or\b)")
#: what every match of `_NEGATED_GROUP` holds, its word boundaries and lookahead left out
#: (`_searched`): searched about four times as fast over a large diff's hunks
_NEGATED_GROUP_HINT = compile_lazily(r"!\s*\(|not\s*\(|is_(?:some_and|none_or)")
#: the older spellings of `_IDIOMS` as text (a line without one holds no such token)
_OLDER_IDIOM = compile_lazily("|".join(sorted(_OLDER_IDIOM_TOKENS)))
#: the words a shorter form holds (`_pattern_bound`'s `instanceof`, `_GO_MODERN_WORDS`), as
#: text: an added side without one is no such rewrite
_SHORTER_FORM = compile_lazily(r"instanceof|maps|slices|range|Append")


#: a block of one statement under a condition, as Ruby writes it (`if cond` / `stmt` / `end`),
#: and the line that closes it
_CONDITION_LINE = compile_lazily(r"\s*(if|unless)\s+(.+?)\s*")
_END_LINE = compile_lazily(r"\s*end\s*")
#: what cannot be the one statement of such a block: another clause or block of its own
_CLAUSE = compile_lazily(
    r"\s*(?:if|unless|else|elsif|end|when|in|rescue|ensure|then)\b|.*\bdo\s*(?:\|[^|]*\|)?\s*$"
)


def _three_line_blocks(
    lines: Sequence[str], rewrite: Callable[[str, str, str], str | None]
) -> list[str] | None:
    """The lines with each run of three that `rewrite` writes as one line (a Ruby block of one
    statement: its opening line, the statement, `end`) replaced by that line; None when no
    three lines are such a block."""
    out: list[str] = []
    at = 0
    while at < len(lines):
        one = rewrite(lines[at], lines[at + 1], lines[at + 2]) if at + 2 < len(lines) else None
        if one is not None:
            out.append(one)
            at += 3
        else:
            out.append(lines[at])
            at += 1
    return out if len(out) < len(lines) else None


def _modifier_inline(opening: str, statement: str, closing: str) -> str | None:
    """A block of one statement under a condition written as that statement with a modifier
    (`if cond` / `stmt` / `end` -> `stmt if cond`: Ruby's statement modifiers, the same code as
    the block, which RuboCop's Style/IfUnlessModifier writes)."""
    condition = _CONDITION_LINE.fullmatch(opening.rstrip("\n"))
    if (condition is None or not _END_LINE.fullmatch(closing.rstrip("\n"))
            or condition.group(2).endswith("then")
            or _CLAUSE.match(statement) is not None or not statement.strip()):
        return None
    return f"{statement.rstrip()} {condition.group(1)} {condition.group(2)}"


#: what may not stand in the condition of a ternary written as a modifier (`_modifier_of`): an
#: operator that binds more loosely than `?:` (an assignment, Ruby's `and`, `or`, `not`, a
#: `rescue` modifier), a string or another ternary
_LOOSE_CONDITION = compile_lazily(
    r"""(?<![=!<>])=(?![=~>])|\b(?:and|or|not|rescue|if|unless)\b|["'`]| [?:] """
)
_EMPTY_STRINGS = ('""', "''")
#: how a character changes the depth of braces (`_interpolated_modifiers`)
_BRACE_DEPTH = {"{": 1, "}": -1}


def _modifier_of(content: str) -> str | None:
    """A Ruby interpolation's ternary with an empty string for one branch written as the other
    branch with a statement modifier (`#{c ? x : ""}` -> `#{x if c}`, `#{c ? "" : x}` -> `#{x
    unless c}`, as RuboCop's Style/IfUnlessModifier writes it): a modifier whose condition fails
    gives nil, which interpolates as the empty string. None when `content` is no such ternary."""
    condition, mark, rest = content.strip().partition(" ? ")
    if not mark or not condition or _LOOSE_CONDITION.search(condition):
        return None
    if rest[:2] in _EMPTY_STRINGS and rest[2:5] == " : ":
        value, modifier = rest[5:], "unless"
    elif rest[-2:] in _EMPTY_STRINGS and rest[-5:-2] == " : ":
        value, modifier = rest[:-5], "if"
    else:
        return None
    if not value.strip() or " ? " in value or " : " in value:
        return None
    return f"{value.strip()} {modifier} {condition}"


def _interpolated_modifiers(lines: Sequence[str]) -> list[str] | None:
    """The lines with each Ruby interpolation that `_modifier_of` rewrites written so; None when
    none is. An interpolation runs from `#{` to the brace that closes it (the braces of a
    string or a block inside it are balanced)."""
    out: list[str] = []
    for line in lines:
        line = line.rstrip("\n")
        at = line.find("#{")
        while at >= 0:
            depth, end = 0, at + 1
            for end in range(at + 1, len(line)):
                depth += _BRACE_DEPTH.get(line[end], 0)
                if depth == 0:
                    break
            if depth:
                break  # the interpolation goes on past the line
            written = _modifier_of(line[at + 2:end])
            if written is not None:
                line = f"{line[:at + 2]}{written}{line[end:]}"
                end = at + 2 + len(written)
            at = line.find("#{", end)
        out.append(line)
    return _if_rewritten(lines, out)


#: a method of no arguments that calls the same method of another object, as Ruby writes it
#: (`def currency_symbol` / `Spree::Money.currency_symbol` / `end`)
_DEF_LINE = compile_lazily(r"\s*def\s+([a-z_]\w*[?!]?)\s*(?:\(\s*\))?\s*")
_FORWARD_LINE = compile_lazily(r"\s*(@?[A-Za-z_][\w:]*)\.([a-z_]\w*[?!]?)\s*")


def _delegated(opening: str, statement: str, closing: str) -> str | None:
    """A method that only forwards to the same method of another object written as Rails'
    `delegate :name, to: :receiver` (what RuboCop's Rails/Delegate writes: the same method,
    defined by the framework)."""
    definition = _DEF_LINE.fullmatch(opening.rstrip("\n"))
    forward = _FORWARD_LINE.fullmatch(statement.rstrip("\n")) if definition is not None else None
    if (definition is None or forward is None or forward.group(2) != definition.group(1)
            or not _END_LINE.fullmatch(closing.rstrip("\n"))):
        return None
    receiver = forward.group(1)
    target = f"'{receiver}'" if "::" in receiver else receiver
    indent = opening[: len(opening) - len(opening.lstrip())]
    return f"{indent}delegate :{definition.group(1)}, to: :{target}"


#: Go's deferred call whose error is discarded in a closure (errcheck's fix): `defer func(b
#: io.ReadCloser) { _ = b.Close() }(resp.Body)` defers `resp.Body.Close()`, its receiver read
#: when deferred as before; without a parameter the closure reads it when it runs
_DEFERRED_DISCARD = compile_lazily(
    r"\bdefer func\((\w+) [\w.*\[\]]+\) \{ _ = \1\.(\w+)\(\) \}\(([^()]+)\)"
    r"|\bdefer func\(\) \{ _ = ([\w.]+)\(\) \}\(\)"
)


def _undeferred(lines: Sequence[str]) -> list[str] | None:
    """The lines with each deferred call whose error a closure discards (`_DEFERRED_DISCARD`)
    written as the call deferred itself; None when the lines hold no such call."""
    def plain(found: re.Match[str]) -> str:
        if found.group(4) is not None:
            return f"defer {found.group(4)}()"
        return f"defer {found.group(3)}.{found.group(2)}()"

    return _if_rewritten(lines, [_DEFERRED_DISCARD.sub(plain, line.rstrip("\n")) for line in lines])


#: Go's `if` with a simple statement before its condition (`if err := f(x); err != nil {`),
#: the inlined error check gofmt-era linters ask for: it runs the statement, then tests the
#: condition, as the statement on its own line above `if err != nil {` does. The statement
#: is an assignment to names (`:=` or `=`, the names `_`, `err`, `ok`, `v`...) of an
#: expression holding no `;` or `{`; no other language writes `if` without brackets before a
#: `;` (C, Java and JavaScript bracket the condition)
_GO_IF_INIT = compile_lazily(
    r"(\s*)if\s+((?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]\w*)\s*:?=\s*([^;{}\n]+?)\s*;\s*"
    r"([^;{}\n]+?)\s*\{\s*"
)
#: an assignment to names, the statement an inlined check takes into its `if`
_GO_ASSIGNMENT = compile_lazily(
    r"(\s*)((?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]\w*)\s*:?=\s*([^;{}\n]+?)\s*"
)


def _go_checks_split(lines: Sequence[str], *, other: bool = False) -> list[str] | None:
    """The lines with each Go `if` that runs a statement before its condition
    (`_GO_IF_INIT`) written as the statement on its own line and the `if` below it, and each
    assignment to names on the line above an `if` written with `=` (`err := f()` as `err =
    f()`, the inlined check's names being the function's own or new); None when no line is
    such an `if` (the other side of a hunk that has one is given as `other`, and read alike)."""
    out: list[str] = []
    split = other
    for line in (line.rstrip("\n") for line in lines):
        found = _GO_IF_INIT.fullmatch(line)
        if found is not None:
            indent, names, value, condition = found.groups()
            out += [f"{indent}{names} = {value}", f"{indent}if {condition} {{"]
            split = True
        else:
            out.append(line)
    if not split:
        return None
    for at in range(len(out) - 1):
        assigned = _GO_ASSIGNMENT.fullmatch(out[at])
        if assigned is not None and out[at + 1].lstrip().startswith("if "):
            indent, names, value = assigned.groups()
            out[at] = f"{indent}{names} = {value}"
    return _if_rewritten(lines, out)


#: a Python import of names from a module whose names are in brackets, as Black and isort
#: write one too long for its line (`from pkg.mod import (` / `    name,` / `)`): the brackets
#: only let the statement span lines (PEP 328), and import the names `from pkg.mod import name`
#: imports. No other language writes `from X import (`
_BRACKETED_IMPORT = compile_lazily(r"(\s*from\s+\.*[\w.]*\s+import)\s*\((.*)")


def _unbracketed_imports(lines: Sequence[str]) -> list[str] | None:
    """The lines with each bracketed Python import (`_BRACKETED_IMPORT`) written on one line
    without its brackets; None when the lines hold none, or one whose closing bracket they do
    not show."""
    out: list[str] = []
    opened: list[str] | None = None  # the import being gathered: its opening and its names
    for line in lines:
        text = _without_trailing_comment(line.rstrip("\n"))
        if opened is None:
            found = _BRACKETED_IMPORT.match(text)
            if found is None:
                out.append(line.rstrip("\n"))
                continue
            opened, text = [found.group(1)], found.group(2)  # its names start on this line
        names, closed, rest = text.partition(")")
        opened.append(names.strip())
        if closed:
            if rest.strip():
                return None
            out.append(" ".join(filter(None, opened)))
            opened = None
    if opened is not None:
        return None
    return _if_rewritten(lines, out)


#: SQLAlchemy's comparison with a singleton as a column's method (`User.deleted_at.is_(None)`,
#: `.isnot(None)`, 1.4's `.is_not(None)`, `.is_(True)`), which pycodestyle's E711 and E712 ask
#: for where `== None` was written: SQLAlchemy renders `column == None` as `IS NULL` too, so
#: the two build the same query
_SINGLETON_METHOD = compile_lazily(r"\.(is_|isnot|is_not)\(\s*(None|True|False)\s*\)")


def _singleton_compared(lines: Sequence[str]) -> list[str] | None:
    """The lines with each `_SINGLETON_METHOD` call written as the comparison it renders
    (`.is_(None)` -> ` == None`); None when the lines hold none."""
    def compared(found: re.Match[str]) -> str:
        return f" {'==' if found.group(1) == 'is_' else '!='} {found.group(2)}"

    return _if_rewritten(lines, [_SINGLETON_METHOD.sub(compared, line.rstrip("\n"))
                                 for line in lines])


def _if_rewritten(lines: Sequence[str], rewritten: list[str]) -> list[str] | None:
    """A rewrite's lines, or None when it changed none of them (line ends aside)."""
    return None if rewritten == [line.rstrip("\n") for line in lines] else rewritten


#: a value compared with several literals, each alternative alone (`state == 'paid' || state ==
#: 'owed'`, Python's `or`): the whole of a condition, nothing joined to it by another operator
_LITERAL_VALUE = r"""(?:'[^'\\]*'|"[^"\\]*"|:\w+|-?\d+|None|nil)"""
_COMPARISONS = compile_lazily(
    r"(?:^|(?<=[(=]\s)|(?<=\()|(?<=\bif\s)|(?<=\bunless\s)|(?<=\breturn\s)|(?<=\belsif\s)"
    r"|(?<=\belif\s)|(?<=\bwhile\s))\s*"
    rf"(?P<subject>[\w.@\[\]:\"']+) == (?P<first>{_LITERAL_VALUE})"
    rf"(?P<rest>(?: (?:\|\||or) (?P=subject) == {_LITERAL_VALUE})+)"
    r"(?=\s*(?:$|\)|:\s*$|\bthen\b))"
)
_ALTERNATIVE = compile_lazily(rf"(?:\|\||or) [^=]+ == ({_LITERAL_VALUE})")
#: Python's membership test written with a list or a set: the same test as with a tuple
_PYTHON_MEMBERSHIP = compile_lazily(r"\bin ([\[{])([^\[\]{}]*)[\]}]")


def _grouped(lines: Sequence[str], *, python: bool) -> list[str] | None:
    """The lines with a value compared with several literals written as one membership test
    (RuboCop's Style/MultipleComparison: `[a, b].include?(x)`; Python's `x in (a, b)`), and
    Python's membership in a list or a set as in a tuple; None when the lines hold neither."""
    def group(found: re.Match[str]) -> str:
        values = [found.group("first"), *_ALTERNATIVE.findall(found.group("rest"))]
        subject = found.group("subject")
        if python:
            return f"{subject} in ({', '.join(values)})"
        return f"[{', '.join(values)}].include?({subject})"

    out = [_COMPARISONS.sub(group, line.rstrip("\n")) for line in lines]
    if python:
        out = [_PYTHON_MEMBERSHIP.sub(r"in (\2)", line) for line in out]
    return _if_rewritten(lines, out)


#: a string literal joined to the next by a concatenation operator (`+`, PHP's `.`, Lua's `..`),
#: on one line or at the end of one: a message split over several literals
_CONCATENATION = compile_lazily(r"""["'`]\s*(?:\+|\.\.?)\s*(?:["'`]|$)""", re.MULTILINE)
#: the tokens that join two string literals into one
_CONCATENATORS = frozenset({"+", ".", ".."})


def _concatenated(whole: tuple[list[str], set[int]]) -> tuple[list[str], set[int]] | None:
    """A stream (tokens, string indexes) with each run of string literals joined by
    concatenation operators (`"Unable to " + "sign in"`, `'a' . 'b'`) read as one literal of
    their texts joined, so that a message reworded as it is split over lines (or joined back)
    is compared as the message it makes (`_reworded`); None where no two literals are joined.
    Only literals with an operator between them: commas are layout to the stream, so two
    literals side by side may be two items of a list."""
    tokens, strings = whole
    out: list[str] = []
    literals: set[int] = set()
    at, joined = 0, False
    while at < len(tokens):
        text = tokens[at]
        if at in strings:
            while (at + 2 < len(tokens) and at + 2 in strings
                   and tokens[at + 1] in _CONCATENATORS):
                text += tokens[at + 2]
                at += 2
                joined = True
            literals.add(len(out))
        out.append(text)
        at += 1
    return (out, literals) if joined else None


#: a line of names only, with the braces of nested lists (`Algorithm, DecodingKey,`,
#: `errors::{self, Error},`): a list of imported names the hunk continues from a line it keeps
_NAME_LIST = compile_lazily(r"[\w:*{}\s,]+")


def _sorted_names(text: str) -> str:
    """A text's brace-enclosed lists of names with their items sorted, nested ones too, and
    its white space dropped: `use a::{new_error, ErrorKind, b::{Y, X}};` ->
    `usea::{ErrorKind,b::{X,Y},new_error};`."""
    lists: list[list[str]] = [[""]]  # the items of each list still open, the text outside first
    for char in text:
        if char == "{":
            lists.append([""])
        elif char == "}" and len(lists) > 1:
            inner = sorted(item for item in lists.pop() if item)
            lists[-1][-1] += "{" + ",".join(inner) + "}"
        elif char == "," and len(lists) > 1:
            lists[-1].append("")
        elif not char.isspace():
            lists[-1][-1] += char
    return "".join(lists[0]) + "{" * (len(lists) - 1)


class _ImportLines(NamedTuple):
    """A hunk side read as imports, blank lines left out: its import statements (`_IMPORT`)
    and its lines of names only (`_NAME_LIST`, the list of an import the hunk continues from a
    line it keeps)."""

    statements: list[str]
    names: list[str]


def _import_lines(lines: Sequence[str]) -> _ImportLines | None:
    """A hunk side's `_ImportLines`; None where a line is neither (code): the lines are read
    once for both orders `_reordered_imports` asks about."""
    statements: list[str] = []
    names: list[str] = []
    for line in lines:
        if not line.strip():
            continue
        if _IMPORT.match(line):
            statements.append(line)
        elif _NAME_LIST.fullmatch(line) and line.count("{") == line.count("}"):
            names.append(line)
        else:
            return None
    return _ImportLines(statements, names)


#: what an import statement's spelling may change beside the order of its names: the quote
#: style of its module (`'x'` -> `"x"`) and the semicolon closing it (Prettier's options)
_IMPORT_SPELLING = str.maketrans("'`", '""', ";")
#: a Python import of names (`from app.auth import logout, login`): isort sorts the names
_FROM_IMPORT_NAMES = compile_lazily(r"(\s*from\s+\S+\s+import\s+)([\w\s,]+)")


def _listed(statement: str) -> str:
    """An import statement with its spelling aside (`_IMPORT_SPELLING`), and a Python import's
    names (`_FROM_IMPORT_NAMES`) written as a list in braces, for `_sorted_names` to sort."""
    spelt = statement.translate(_IMPORT_SPELLING)
    names = _FROM_IMPORT_NAMES.fullmatch(spelt)
    return f"{names.group(1)}{{{names.group(2)}}}" if names else spelt


def _sorted_import_lists(side: _ImportLines) -> tuple[list[str], str] | None:
    """A side's import statements (`_listed`) and the names of the list it continues, each
    list of names in braces sorted (`_sorted_names`) and the statements in sorted order: cargo
    fmt's, Prettier's and isort's orders of the same imports are the same imports. None where
    the side has no statement or no list of names (a line of names is an import's only beside
    a statement)."""
    statements = list(map(_listed, side.statements))
    if not statements or not any("{" in line for line in (*statements, *side.names)):
        return None
    names = _sorted_names("{" + ",".join(side.names) + "}")
    return sorted(map(_sorted_names, statements)), names


def _reordered_imports(removed: Sequence[str], added: Sequence[str]) -> bool | None:
    """Whether a hunk of imports only puts the same imports in another order; None where a
    side holds code (`_import_lines`), for the checks after this one to judge. Blank lines are
    left aside by both: isort's blank lines between sections (standard library, third party,
    local) put in or taken out beside a re-sorting are layout.

    Two orders are asked, and each catches what the other does not, so they stay two:
    - the names of an import's list sorted anew (`_sorted_import_lists`: in braces, or a
      Python import's names, in brackets or not), lines of names continuing a list included;
      asked only where each side has a list and a statement. It compares the text without its
      white space, quote style and closing semicolons; it only ever says yes.
    - whole import statements put in another order (`line_key`): token by token, so quote
      style, spacing and trailing commas aside, but names in braces in their order; no lines
      of names. It decides: a hunk of import statements only that is not the same lines is a
      change, never a name respelt (`_alike`), as `import Github` -> `import GitHub` names
      another module. It is asked second, since it would say no to a list sorted anew."""
    old = _import_lines(removed)
    new = _import_lines(added) if old is not None else None
    if old is None or new is None:
        return None
    lists = _sorted_import_lists(old)
    if lists is not None and lists == _sorted_import_lists(new):
        return True
    if old.names or new.names:
        return None
    return sorted(map(line_key, old.statements)) == sorted(map(line_key, new.statements)) or (
        _pruned_imports(old.statements, new.statements)
    )


def _import_list(statement: str) -> tuple[str, frozenset[str]]:
    """An import statement (`_listed`, white space dropped) as the text around its one list of
    names, and the names: `import{sign,verify}from"jsonwebtoken"` -> (`import{}from"jsonwebt
    oken"`, {sign, verify}); a statement without one list (or with nested ones) as its text and
    no names. Nor a Python import from a package itself (`from . import signals, views`), whose
    names are mostly its modules: dropping one no longer loads it (receivers it registers)."""
    listed = "".join(_listed(statement).split())
    if listed.count("{") != 1 or listed.count("}") != 1 or (
        listed.startswith("from.") and listed[4:].lstrip(".").startswith("import{")
    ):
        return listed, frozenset()
    head, _, rest = listed.partition("{")
    inner, _, tail = rest.partition("}")
    return f"{head}{{}}{tail}", frozenset(name for name in inner.split(",") if name)


def _pruned_imports(removed: Sequence[str], added: Sequence[str]) -> bool:
    """Whether import statements only lose names from their lists: each module imported as
    before, by a statement of the same spelling, that binds fewer of the names it did
    (`from typing import Optional, Set` -> `from typing import Optional`, `import { a, b } from
    "x"` -> `import { a } from "x"`), as ruff's F401, ESLint's no-unused-vars and IDEs prune
    unused imports. The module is still loaded (whatever loading it runs runs alike), and a name
    still used would fail to resolve; a module no longer imported, a name added, or a list
    emptied is left to the other checks."""
    if len(removed) != len(added):
        return False
    old, new = sorted(map(_import_list, removed)), sorted(map(_import_list, added))
    return any(a != b for a, b in zip(old, new, strict=True)) and all(
        text_a == text_b and (names_b <= names_a) and (bool(names_b) or not names_a)
        for (text_a, names_a), (text_b, names_b) in zip(old, new, strict=True)
    )


#: an import statement's opening, to gather one written over several lines: Python's `from m
#: import (` and JavaScript's `import {` (`import type {`, `import D, {`)
_IMPORT_OPENING = compile_lazily(r"\s*(?:from\s+\.*[\w.]*\s+import\s*\(|import\s[^'\"]*\{)")
#: Python's `from m import a, b as c` (the names in brackets or not) and `import a.b, c as d`
_PYTHON_FROM = compile_lazily(r"\s*from\s+(\.*[\w.]*)\s+import\s+\(?([\w\s,]+?),?\s*\)?\s*")
_PYTHON_IMPORT = compile_lazily(
    r"\s*import\s+([\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*)\s*"
)
#: JavaScript's and TypeScript's `import D, { a, type b as c } from "m"`, `import * as N from
#: "m"`, `import type { a } from "m"`
_SCRIPT_FROM = compile_lazily(
    r"""\s*import\s+(?:type\s+)?([\w$\s,{}*]+?)\s+from\s*(["'`])([^"'`]+)\2\s*;?\s*"""
)
#: a statement importing one name whole, spelt alike in another order: Java's, Kotlin's and
#: Scala's `import a.b.C;`, C#'s `using A.B;`, PHP's `use A\B;`, Rust's `use a::b;`
_PLAIN_IMPORT = compile_lazily(
    r"""\s*(?:import\s+(?:static\s+)?[\w.]+(?:\.\*)?\s*;|(?:global\s+)?using\s+(?:static\s+)?"""
    r"""[\w.]+\s*;|use\s+(?:function\s+|const\s+)?\\?[\w\\]+(?:\s+as\s+\w+)?\s*;|"""
    r"""(?:pub\s+)?use\s+[\w:]+(?:\s+as\s+\w+)?\s*;)\s*"""
)
#: a JavaScript import's names: the default one, the namespace, and the named ones in braces,
#: each maybe marked as a type (`type A`) or renamed (`a as b`)
_SCRIPT_NAME = compile_lazily(r"(?:type\s+)?([\w$]+|\*)(?:\s+as\s+([\w$]+))?")

_Binding = tuple[str, str, str]


def _python_bindings(statement: str) -> frozenset[_Binding] | None:
    """The names a Python import binds, each as (module, name, local name)."""
    found = _PYTHON_FROM.fullmatch(statement)
    if found is not None:
        module, names = found.groups()
        out = set()
        for part in names.split(","):
            words = part.split()
            if len(words) == 1:
                out.add((module, words[0], words[0]))
            elif len(words) == 3 and words[1] == "as":
                out.add((module, words[0], words[2]))
            elif words:
                return None
        return frozenset(out) or None
    found = _PYTHON_IMPORT.fullmatch(statement)
    if found is None:
        return None
    out = set()
    for part in found.group(1).split(","):
        words = part.split()
        out.add((words[0], "", words[-1] if len(words) == 3 else words[0]))
    return frozenset(out)


def _script_bindings(statement: str) -> frozenset[_Binding] | None:
    """The names a JavaScript or TypeScript import binds, each as (module, name, local name):
    a type-only import (`import type`, `{ type A }`) binds what the plain one does, a
    compile-time distinction the emitted code does not keep."""
    found = _SCRIPT_FROM.fullmatch(statement)
    if found is None:
        return None
    clause, module = found.group(1), found.group(3)
    head, brace, rest = clause.partition("{")
    named, closing, tail = rest.partition("}")
    if (brace and (not closing or tail.strip())) or "{" in named:
        return None
    out = set()
    for braced, parts in ((False, head), (True, named)):
        for part in filter(None, map(str.strip, parts.split(","))):
            name = _SCRIPT_NAME.fullmatch(part)
            if name is None or (braced and name.group(1) == "*"):
                return None
            # outside the braces, a default import or a namespace (`* as N`)
            kind = name.group(1) if braced else "*" if name.group(1) == "*" else "default"
            out.add((module, kind, name.group(2) or name.group(1)))
    return frozenset(out) or None


def _import_bindings(lines: Sequence[str]) -> tuple[set[_Binding], list[str], bool] | None:
    """A hunk side's imports as the names they bind (`_python_bindings`, `_script_bindings`;
    a statement of `_PLAIN_IMPORT` as itself, token by token), and its other lines; whether an
    import was found. Statements over several lines are gathered first. None where an import's
    brackets close beyond the side's lines."""
    bindings: set[_Binding] = set()
    rest: list[str] = []
    found = False
    gathered: list[str] | None = None
    for line in lines:
        joined: str | None = None
        text = _without_trailing_comment(line.rstrip("\n")) if (
            "#" in line or "//" in line) else line.rstrip("\n")
        if gathered is None:
            if "import" not in text and "use" not in text and "using" not in text:
                rest.append(line)
                continue
            if _IMPORT_OPENING.match(text) and text.count("(") + text.count("{") > (
                text.count(")") + text.count("}")
            ):
                gathered = [text]
                continue
        else:
            gathered.append(text)
            joined = " ".join(gathered)
            if joined.count("(") + joined.count("{") > joined.count(")") + joined.count("}"):
                continue
            text, gathered = joined, None
        bound = _python_bindings(text) or _script_bindings(text)
        if bound is None and _PLAIN_IMPORT.fullmatch(text):
            bound = frozenset({("", "", line_key(text))})
        if bound is None:
            if joined is not None:
                return None  # a statement over several lines that reads as no import
            rest.append(line)
            continue
        found = True
        bindings |= bound
    if gathered is not None:
        return None
    return bindings, rest, found


def _regrouped_imports(sides: Sides, *, manifest: bool, markup: bool, code: bool) -> bool:
    """Whether a hunk binds the same names by its imports on both sides, however its
    statements group, order or mark them (isort joining two imports from one module, a
    type-only import, `import D, { a }` split into two statements), and its other lines only
    re-format (`mechanical_sides`), or are blank on both sides."""
    old = _import_bindings(sides.removed)
    new = _import_bindings(sides.added) if old is not None else None
    if old is None or new is None or not (old[2] and new[2]) or old[0] != new[0]:
        return False
    rest_old, rest_new = old[1], new[1]
    if not any(line.strip() for line in rest_old) or not any(line.strip() for line in rest_new):
        return not any(line.strip() for line in (*rest_old, *rest_new))
    return mechanical_sides(Sides(rest_old, rest_new), manifest=manifest, markup=markup,
                            code=code)


def _from_stream(whole: tuple[list[str], set[int]]) -> _Tokens:
    """A whole stream (tokens, string indexes) read as `_Tokens`."""
    tokens, strings = whole
    return lambda: ((token, at in strings) for at, token in enumerate(tokens))


def _shortened(old: _Tokens, new: _Tokens, added: str) -> bool:
    """Whether the new stream is the old one with a cast bound by pattern matching
    (`_pattern_bound`) or a Go modernizer applied (`_go_modernized`): both make it shorter.

    Each needs one of its words as a token of the new stream (`instanceof`, `_GO_MODERN_WORDS`),
    so the old one is tokenised only where the new one holds such a token: the words are
    common inside longer ones (`arrange`, `Appender`) and in strings. `added` is the added
    side's text, its lines joined by line breaks (no word sought holds one)."""
    if not _SHORTER_FORM.search(added):
        return False
    new_tokens = [token for token, _ in new()]
    if "instanceof" not in new_tokens and _GO_MODERN_WORDS.isdisjoint(new_tokens):
        return False
    old_tokens = [token for token, _ in old()]
    return len(new_tokens) < len(old_tokens) and (
        _pattern_bound(old_tokens, new_tokens) or _go_modernized(old_tokens, new_tokens)
    )


def _searched(pattern: re.Pattern[str], hint: re.Pattern[str], texts: Iterable[str]) -> bool:
    """Whether a pattern matches any of some texts, searched only in those where its `hint`, a
    pattern every match of it holds a match of, does: a rewrite's pattern with word boundaries
    or a leading lookahead is tried at each position by Python's `re`, and a hunk's text
    without the hint (most hunks, for these rewrites) is ruled out by a cheaper search."""
    return any(hint.search(text) is not None and pattern.search(text) is not None
               for text in texts)


def _may_hint_rendering(old: str, new: str) -> bool:
    return any(hint in text for text in (old, new) for hint in ("render_kw", "attrs"))


def _may_flag_not_for_security(old: str, new: str) -> bool:
    return "usedforsecurity" in new


def _may_cascade(old: str, new: str) -> bool:
    return ("CASCADE" in new and _RELATION_FIELD.search(old) is not None
            and _RELATION_FIELD.search(new) is not None)


def _may_level_stack(old: str, new: str) -> bool:
    return "stacklevel" in old or "stacklevel" in new


#: arguments a hunk may add or drop without changing what the code does, each with a cheap
#: test of the hunk's removed and added text that it may hold one, what takes it out, and the
#: pattern of the argument itself when a new value of it is a change: a field's `render_kw`
#: may set the value a hidden field submits, so a hunk that gives it other contents is
#: compared as it is; a warning's stacklevel is only ever a frame's number (None: any value)
_ARGUMENT_STRIPS: tuple[tuple[Callable[[str, str], bool], Callable[[Sequence[str]], list[str]],
                              re.Pattern[str] | None], ...] = (
    (_may_hint_rendering, _without_render_hints, _RENDER_HINTS),
    (_may_flag_not_for_security, _not_for_security_dropped, None),
    (_may_cascade, _cascade_dropped, None),
    (_may_level_stack, _stack_level_dropped, None),
)


def _argument_changed(argument: re.Pattern[str] | None, old: str, new: str) -> bool:
    """Whether both sides hold the argument (`argument`'s matches) and not the same ones,
    white space and the commas around them aside: its value changed, not only added or
    dropped."""
    if argument is None:
        return False
    found = [sorted("".join(match.group().split()).strip(",") for match in argument.finditer(text))
             for text in (old, new)]
    return all(found) and found[0] != found[1]


#: a line that assigns a name at its start: a class attribute, a setting, a constant, a field
_ASSIGNED_NAME = compile_lazily(r"\s*([A-Za-z_]\w*)\s*(?:=(?!=)|:(?![:=]))")
#: a word, to count a name's uses
_NAME_USE = compile_lazily(r"[A-Za-z_]\w*")


def _definition_respelt(removed: Sequence[str], added: Sequence[str]) -> bool:
    """Whether a hunk respells a name only where it assigns it: a line that assigns a name at
    its start (`_ASSIGNED_NAME`) is the same line with the name in another style
    (`permission_classes = [IsAuthenticated]` -> `permissionClasses = ...`), and the name is
    used on no other removed line. A rename carried out changes the name's uses with it; one
    that changes the definition alone leaves whatever reads the name by its spelling (Django
    REST framework's `permission_classes`, a settings module's `SESSION_COOKIE_SECURE`) reading
    nothing: the framework's default then applies."""
    if len(removed) != len(added):
        return False
    for old, new in zip(removed, added, strict=True):
        old_name, new_name = _ASSIGNED_NAME.match(old), _ASSIGNED_NAME.match(new)
        if old_name is None or new_name is None:
            continue
        before, after = old_name.group(1), new_name.group(1)
        if before == after or not _respelt(before, after):
            continue
        if old[old_name.end(1):] != new[new_name.end(1):]:
            continue
        uses = sum(_NAME_USE.findall(line).count(before) for line in removed)
        if uses == 1:
            return True
    return False


def _infers_type_arguments(old: str, new: str, *_: object) -> bool:
    """Whether one side writes a constructor's diamond and the other does not."""
    return ("<>(" in old) != ("<>(" in new)


def _declares_var(old: str, new: str, removed: Sequence[str], added: Sequence[str],
                  code: bool) -> bool:
    """Whether, in source code, one side declares a local with `var` and the other not."""
    return code and "var " in old + new and (
        any(map(_VAR_LOCAL.match, removed)) != any(map(_VAR_LOCAL.match, added))
    )


def _chains_optionally(old: str, new: str, *_: object) -> bool:
    """Whether one side reads a member through `?.` where the other guards it with `&&`."""
    return ("?." in old and "&&" in new) or ("?." in new and "&&" in old)


#: a string literal, or several side by side (Python's implicit concatenation, over lines too)
_LITERALS = r"""(?:[rRuUbB]?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")\s*)+"""
#: a translation call around string literals (gettext's `_`, OpenStack's `_LI`/`_LE`/`_LW`/`_LC`
#: log markers, `gettext_lazy`, Laravel's `__`), with the module it is reached through
_TRANSLATED = compile_lazily(
    r"(?<![\w.$])(?:[A-Za-z]\w*\.)?(?:_|__|_L[IEWC]|u?gettext(?:_lazy|_noop)?)\(\s*("
    + _LITERALS + r")\)"
)


def _untranslated(lines: Sequence[str]) -> list[str]:
    """Lines with each translation call around string literals (`_TRANSLATED`) written as the
    literals alone: marking a message for translation, or no longer (OpenStack's guideline
    that debug logs are not translated), changes which language a text is shown in, not what
    the code does. Read over the lines joined, so a message split over lines is one; the
    lines stay as many."""
    text = "\n".join(lines)
    return _TRANSLATED.sub(lambda found: found[1].rstrip(), text).split("\n")


#: a Python assignment to a plain name, and the `if` that tests the name on the next line
_ASSIGNED = compile_lazily(r"(\s*)([A-Za-z_]\w*) = (?!=)(.+?)\s*")
#: an `if` whose test is an assignment expression, bracketed or not
_WALRUS_IF = compile_lazily(r"(\s*)if \(([A-Za-z_]\w*) := (.+)\):\s*")


def walrused(lines: Sequence[str]) -> list[str]:
    """Python lines with each assignment that the next line's `if` tests written as the
    assignment expression pyupgrade and ruff's FURB write (`token = read()` then `if token:` is
    `if token := read():`; the name is bound after the `if` either way), and a bracketed one
    unbracketed. Not a `while`, which would assign once before the loop against once a turn,
    nor an `elif`, which runs after the branches above it."""
    out: list[str] = []
    for line in lines:
        unbracketed = _WALRUS_IF.fullmatch(line)
        if unbracketed is not None:
            line = f"{unbracketed[1]}if {unbracketed[2]} := {unbracketed[3]}:"
        assigned = _ASSIGNED.fullmatch(out[-1]) if out else None
        if assigned is not None and line.strip() == f"if {assigned[2]}:" and (
            line[:len(line) - len(line.lstrip())] == assigned[1]
        ):
            out[-1] = f"{assigned[1]}if {assigned[2]} := {assigned[3]}:"
            continue
        out.append(line)
    return out


def _chained(match: re.Match[str]) -> str:
    """A guarded read (`_GUARDED_READ`) as an optional chain, where the guard and the read name
    the same owner (a chain already shortened counts as its plain path)."""
    owner, read = match.groups()
    if owner.replace("?.", ".") != read.replace("?.", "."):
        return match.group()
    return f"{owner}?."


def _optionally_chained(line: str) -> str:
    """`line` with each guarded member read written as an optional chain, as often as a guard
    leads to the next (`a && a.b && a.b.c` is `a?.b?.c`)."""
    while (chained := _GUARDED_READ.sub(_chained, line)) != line:
        line = chained
    return line


def _formats_strings(old: str, new: str, *_: object) -> bool:
    """Whether a side formats a string the older ways (`%`, `.format`, C#'s `Format(`)."""
    return any("%" in text or "ormat(" in text for text in (old, new))


def _annotates(old: str, new: str, *_: object) -> bool:
    """Whether a side may hold a signature's types."""
    return ":" in old or ":" in new


def _closer(before: tuple[Sequence[str], Sequence[str]],
            after: tuple[Sequence[str], Sequence[str]]) -> bool:
    """Whether a rewrite of both sides leaves fewer of their lines without a copy on the other
    side (white space aside): it turned an older form into the newer one the other side holds.
    A rewrite that leaves as many differing lines only costs a second comparison."""
    def differing(removed: Sequence[str], added: Sequence[str]) -> int:
        old, new = Counter(map(squash, removed)), Counter(map(squash, added))
        return sum((old - new).values()) + sum((new - old).values())
    return differing(*after) < differing(*before)


def _lint_fixes(old: str, new: str, *_: object) -> bool:
    """Whether a side holds an idiom a linter's fix rewrites (`bot.analysis.lintfixes`)."""
    return holds_older_form(old) or holds_older_form(new)


class _Rewrite(NamedTuple):
    """A respelling `mechanical_sides` compares a hunk's sides with: where it may apply (asked
    of both sides' joined texts, their lines and whether the file is source code), how it
    writes a line, and whether it is compared again only where it brings the sides closer
    (`_closer`: a rewrite that many lines may hold both sides alike)."""

    applies: Callable[[str, str, Sequence[str], Sequence[str], bool], bool]
    respell: Callable[[str], str]
    closer_only: bool = False


_LINE_REWRITES = (
    _Rewrite(_infers_type_arguments, lambda line: _DIAMOND.sub(r"new \1<>(", line)),
    _Rewrite(_declares_var, lambda line: _TYPED_LOCAL.sub(r"\1var \2 =", line)),
    _Rewrite(_chains_optionally, _optionally_chained),
    _Rewrite(_formats_strings, as_fstrings),
    _Rewrite(_annotates, without_annotations),
    _Rewrite(_lint_fixes, modernised, closer_only=True),
)


def mechanical_sides(sides: Sides, *, manifest: bool = False, markup: bool = False,
                     code: bool = False, divides: bool = False) -> bool:
    """`mechanical_hunk` of a hunk's `Sides`, which keep the tokens it makes for `Sides.swaps`.

    The token streams are compared as they are read (`Sides.tokens`), each comparison up to the
    first place that rules it out, so a hunk that does more than re-format is mostly told
    apart without tokenising all of it; only the rare hunks whose text holds an idiom's older
    spelling or a shorter form's word are read whole.

    Whether a side holds a word (the hints of the rewrites below) is asked of its lines joined
    by line breaks, once, not line by line: no word sought holds a line break, so it is in the
    joined text exactly where it is in a line."""
    removed, added = sides.removed, sides.added
    if _bare_exits(removed) != _bare_exits(added):
        return False  # an exit's value put on a line of its own, or back (`_rewrapped`)
    if _definition_respelt(removed, added):
        return False
    if _separators_moved(removed, added):
        return False
    # in code, only labels reworded on both sides: an element added or dropped whole is output
    if (markup or (code and removed and added)) and _labels_only(sides, in_code=not markup):
        return True
    old_text, new_text = "\n".join(removed), "\n".join(added)
    for holds, strip, argument in _ARGUMENT_STRIPS:
        if not holds(old_text, new_text) or _argument_changed(argument, old_text, new_text):
            continue
        stripped = strip(removed), strip(added)
        if stripped != (list(removed), list(added)):
            if not any(line.strip() for side in stripped for line in side):
                return True  # the argument alone added or dropped (a stacklevel changed)
            return mechanical_sides(Sides(*stripped), manifest=manifest, markup=markup,
                                    code=code, divides=divides)
    if not any(line.strip() for line in removed):
        return _constants_only(added)
    if not added:
        return False
    if manifest and _declarations(removed) == _declarations(added):
        return True  # the same dependencies, sorted or grouped another way
    old_squashed, new_squashed = sides.squashed("old"), sides.squashed("new")
    if old_squashed == new_squashed:
        return True  # white space alone: the common case, without tokenising
    if "".join(old_squashed) == "".join(new_squashed) and _rewrapped(removed, added):
        return True
    if len(removed) + len(added) > _MAX_LINES:
        return False  # tokenising a huge hunk costs more than the rare false alarm it saves
    if not _all_legible(removed, added):
        return False  # a minified line is compared as whole text only (above), not respelt
    old_size, new_size = sum(map(len, old_squashed)), sum(map(len, new_squashed))
    if abs(old_size - new_size) > max(old_size, new_size) // 2 + 40:
        return False  # far more (or less) text on one side: not the same code re-spelt
    old: _Tokens = functools.partial(sides.tokens, "old")
    new: _Tokens = functools.partial(sides.tokens, "new")
    bumps = manifest and not any(map(_DEPLOYED.match, removed))
    same, alike = _alike(old(), new(), bumps=bumps, releases=code)
    if same:
        return True
    # a line that is `end` alone is in its side's text: a hunk without the word has none
    if len(removed) != len(added) and ("end" in old_text or "end" in new_text) and any(
        map(_END_LINE.fullmatch, (*removed, *added))
    ):
        for rewrite in (_modifier_inline, _delegated):
            inline = _three_line_blocks(removed, rewrite), _three_line_blocks(added, rewrite)
            if inline != (None, None):
                return mechanical_sides(Sides(inline[0] or removed, inline[1] or added),
                                        manifest=manifest, markup=markup)
    if "#{" in old_text and "#{" in new_text and (" ? " in old_text or " ? " in new_text):
        written = _interpolated_modifiers(removed), _interpolated_modifiers(added)
        if written != (None, None):
            return mechanical_sides(Sides(written[0] or removed, written[1] or added),
                                    manifest=manifest, markup=markup)
    if "defer func(" in new_text:
        undeferred = _undeferred(added)
        if undeferred is not None:
            return mechanical_sides(Sides(removed, undeferred), manifest=manifest, markup=markup)
    if ";" in old_text + new_text and ("if " in old_text or "if " in new_text):
        old_split, new_split = _go_checks_split(removed), _go_checks_split(added)
        if old_split is not None or new_split is not None:
            old_split = old_split or _go_checks_split(removed, other=True)
            new_split = new_split or _go_checks_split(added, other=True)
            return mechanical_sides(Sides(old_split or removed, new_split or added),
                                    manifest=manifest, markup=markup)
    if "import" in old_text and "import" in new_text and any(
        # searched only in a side that holds `from` (a match does)
        "from" in text and _BRACKETED_IMPORT.search(text) for text in (old_text, new_text)
    ):
        unbracketed = _unbracketed_imports(removed), _unbracketed_imports(added)
        if unbracketed != (None, None):
            return mechanical_sides(Sides(unbracketed[0] or removed, unbracketed[1] or added),
                                    manifest=manifest, markup=markup)
    if any(method in text for text in (old_text, new_text)
           for method in (".is_(", ".isnot(", ".is_not(")):
        compared = _singleton_compared(removed), _singleton_compared(added)
        if compared != (None, None):
            return mechanical_sides(Sides(compared[0] or removed, compared[1] or added),
                                    manifest=manifest, markup=markup)
    if " == " in old_text and (".include?(" in new_text or " in " in new_text):
        python = " in " in new_text
        grouped = _grouped(removed, python=python), _grouped(added, python=python)
        if grouped != (None, None):
            return mechanical_sides(Sides(grouped[0] or removed, grouped[1] or added),
                                    manifest=manifest, markup=markup)
    if _OLDER_IDIOM.search(old_text) and not _OLDER_IDIOM_TOKENS.isdisjoint(
        sides.stream("old")[0]
    ):
        old, new = _from_stream(sides.idiomatic_stream("old")), _from_stream(
            sides.idiomatic_stream("new")
        )
        same, alike = _alike(old(), new(), bumps=bumps)
        if same:
            return True
    if _searched(_NEGATED_GROUP, _NEGATED_GROUP_HINT, (old_text, new_text)):
        pushed = _negations_pushed(list(old())), _negations_pushed(list(new()))
        if _alike(iter(pushed[0]), iter(pushed[1]), bumps=False)[1]:
            return True
    if "return" in old_text and "return" in new_text and "true" in old_text:
        returned = _bool_returned(list(old())), _bool_returned(list(new()))
        if returned != (None, None):
            pushed = (_negations_pushed(returned[0] or list(old())),
                      _negations_pushed(returned[1] or list(new())))
            if _alike(iter(pushed[0]), iter(pushed[1]), bumps=False)[1]:
                return True
    # a whole expression wrapped in brackets or unwrapped: one side holds more brackets, one
    # opened where such a group opens (`_GROUP_OPENED`). The commas a side adds or drops are
    # layout to the tokens (`x = a, b` -> `x = (a, b)` is one tuple in Python, two values in
    # JavaScript), so a side that adds one is left to the other comparisons
    if old_text.count("(") != new_text.count("(") and old_text.count(",") == new_text.count(
        ","
    ) and (_GROUP_OPENED.search(old_text) or _GROUP_OPENED.search(new_text)) and _alike(
        iter(_ungrouped(list(old()))), iter(_ungrouped(list(new()))), bumps=False
    )[1]:
        return True
    if any(word in old_text for word in ("import", "use ")) and any(
        word in new_text for word in ("import", "use ")
    ) and _regrouped_imports(sides, manifest=manifest, markup=markup, code=code):
        return True
    reordered = _reordered_imports(removed, added)
    if reordered is not None:
        return reordered
    if alike or _regrouped_constants(old, new) or _shortened(old, new, new_text):
        return True
    if _CONCATENATION.search(old_text) or _CONCATENATION.search(new_text):
        joined = _concatenated(sides.stream("old")), _concatenated(sides.stream("new"))
        if joined != (None, None) and _alike(
            _from_stream(joined[0] or sides.stream("old"))(),
            _from_stream(joined[1] or sides.stream("new"))(), bumps=False,
        )[1]:
            return True
    if not markup and ("export default" in old_text or "export default" in new_text):
        named = _exports_named(removed, new_text), _exports_named(added, old_text)
        if named != (None, None):
            return mechanical_sides(Sides(named[0] or removed, named[1] or added),
                                    manifest=manifest, markup=markup)
    if _searched(_QUALIFIED_CONSTANT, _QUALIFIED_CONSTANT_HINT, (new_text, old_text)):
        named = _literals_named(removed, new_text), _literals_named(added, old_text)
        if named != (None, None):
            return mechanical_sides(Sides(named[0] or removed, named[1] or added),
                                    manifest=manifest, markup=markup)
    if "match" in old_text and "?" in new_text and "Err(" in old_text:
        marked = _question_marked(list(old()))
        if marked is not None and _alike(iter(marked), new(), bumps=False)[0]:
            return True
    if _searched(_FOLDABLE, _FOLDABLE_HINT, (old_text, new_text)) and not _MACRO.search(
        old_text + new_text
    ):
        folded = _folded(list(old()), divides), _folded(list(new()), divides)
        if folded != (None, None) and _alike(
            iter(folded[0] or list(old())), iter(folded[1] or list(new())), bumps=False
        )[0]:
            return True
    # a message marked for translation on one side only (`_untranslated`)
    if any(("_(" in text or "_L" in text or "gettext" in text)
           and _TRANSLATED.search(text) is not None for text in (old_text, new_text)):
        plain = _untranslated(removed), _untranslated(added)
        if plain != (list(removed), list(added)):
            return mechanical_sides(Sides(*plain), manifest=manifest, markup=markup,
                                    code=code, divides=divides)
    # an assignment tested by the next line's `if` against the assignment expression (`walrused`)
    if (":=" in old_text) != (":=" in new_text):
        assigned = walrused(removed), walrused(added)
        if assigned != (list(removed), list(added)):
            return mechanical_sides(Sides(*assigned), manifest=manifest, markup=markup,
                                    code=code, divides=divides)
    # a Go `if`/`else if` chain on one value against the `switch` on it (`if_chains`)
    if ("switch " in old_text) != ("switch " in new_text):
        chained = if_chains(removed), if_chains(added)
        if chained != (list(removed), list(added)):
            return mechanical_sides(Sides(*chained), manifest=manifest, markup=markup,
                                    code=code, divides=divides)
    # Respellings a linter or a codemod writes over whole lines, each compared as a rewrite of
    # both sides (`_LINE_REWRITES`): a constructor's type arguments written on one side and
    # inferred on the other (only then: two type arguments are two types, in C# at run time
    # too), a local declared with its type against `var`, a string formatted with `%`,
    # `.format` or a logger's arguments against the f-string it builds, a one-line signature
    # given its parameters' types (not asked of every line: a rename's definition on one line
    # against its re-wrapped form must still read as the same tokens)
    for applies, respell, closer_only in _LINE_REWRITES:
        if not applies(old_text, new_text, removed, added, code):
            continue
        rewritten = [respell(line) for line in removed], [respell(line) for line in added]
        if closer_only and not _closer((removed, added), rewritten):
            continue  # an idiom both sides keep, or one beside other changes: compared as it is
        if rewritten != (list(removed), list(added)):
            return mechanical_sides(Sides(*rewritten), manifest=manifest, markup=markup,
                                    code=code, divides=divides)
    # a placeholder respelt into or out of a template's unescaped form (`_UNESCAPED`) changes
    # whether the value is escaped, not how the string is formatted
    return len(removed) <= _FORMATTING_LINES and len(added) <= _FORMATTING_LINES and (
        _unescaped(old_text) == _unescaped(new_text) and _string_formatting(old, new)
    )


#: the templates' unescaped writes (`_UNESCAPED_FORMS`; in an f-string triple braces add literal
#: braces around a value, counted alike on both sides)
_UNESCAPED = compile_lazily(_UNESCAPED_FORMS)


def _unescaped(text: str) -> list[str]:
    """The unescaped writes (`_UNESCAPED`) of a side's text, in order."""
    return _UNESCAPED.findall(text)


def _error_returned(stream: Sequence[_Token], at: int) -> int | None:
    """The index past a Rust `match` arm at `at` that returns its error as it is (`Err(e) =>
    return Err(e)`); None when it is not one."""
    arm = [token for token, _ in stream[at:at + 10]]
    if len(arm) == 10 and arm[:2] == ["Err", "("] and arm[3:7] == [")", "=>", "return", "Err"] and (
        arm[7:] == ["(", arm[2], ")"] and _WORD.fullmatch(arm[2])
    ):
        return at + 10
    return None


def _question_marked(stream: Sequence[_Token]) -> list[_Token] | None:
    """The stream with each Rust `match` on a `Result` that returns its error as it is written
    with the `?` operator, as Clippy's `question_mark` lint rewrites it: `match r { Err(e) =>
    return Err(e), Ok(v) => { body } }` is `let v = r?; body`, `match r { Ok(v) => v, Err(e)
    => return Err(e) }` is `r?`. The same: `return Err(e)` compiles only where `e` is already
    the function's error type, which `?` then converts by the identity `From`. None where there
    is no such `match`. The `match`'s closing brace may be the unchanged line below the hunk,
    where the rewritten body's last block now closes (`match r { ... Ok(v) => { if c { x } }`
    as a hunk's old side, `let v = r?; if c { x` as its new one)."""
    out: list[_Token] = []
    at = 0
    rewritten = False
    while at < len(stream):
        opening = next((index for index in range(at + 1, len(stream))
                        if stream[index][0] in ("{", "}", ";")), None)
        if stream[at] != ("match", False) or opening is None or stream[opening] != (
            "{", False
        ) or opening == at + 1:
            out.append(stream[at])
            at += 1
            continue
        result = list(stream[at + 1:opening])
        err = _error_returned(stream, opening + 1)
        ok_at = opening + 1 if err is None else err
        arm = [token for token, _ in stream[ok_at:ok_at + 6]]
        if len(arm) < 6 or arm[:2] != ["Ok", "("] or arm[3:5] != [")", "=>"] or not (
            _WORD.fullmatch(arm[2])
        ):
            out.append(stream[at])
            at += 1
            continue
        value = arm[2]
        if err is None and arm[5] == value and (end := _error_returned(stream, ok_at + 6)) and (
            end < len(stream) and stream[end] == ("}", False)
        ):  # `match r { Ok(v) => v, Err(e) => return Err(e) }` -> `r?`
            out += [*result, ("?", False)]
            at = end + 1
        elif err is not None and arm[5] == value and ok_at + 6 < len(stream) and (
            stream[ok_at + 6] == ("}", False)
        ):  # `match r { Err(e) => return Err(e), Ok(v) => v }` -> `r?`
            out += [*result, ("?", False)]
            at = ok_at + 7
        elif err is not None and arm[5] == "{" and (
            close := _closing(stream, ok_at + 5)
        ) is not None:
            body = list(stream[ok_at + 6:close])
            out += [("let", False), (value, False), ("=", False), *result, ("?", False)]
            if close + 1 < len(stream) and stream[close + 1] == ("}", False):
                out += body  # the `match` closes in the hunk
                at = close + 2
            elif close + 1 == len(stream) and body[-1:] == [("}", False)]:
                out += body[:-1]  # ... or on the line below, closing the body's last block
                at = close + 1
            else:
                return None
        else:
            out.append(stream[at])
            at += 1
            continue
        rewritten = True
    return out if rewritten else None


#: source files whose `/` of two integers that divide exactly gives that integer (Go, Rust,
#: the JVM's and .NET's languages, C and C++, Ruby, PHP, JavaScript and TypeScript, whose
#: numbers are all doubles, Swift): not Python's, Elixir's or Lua's, which give a float
EXACT_DIVISION = compile_lazily(
    r"\.(?:go|rs|java|kt|kts|scala|groovy|cs|c|cc|cpp|cxx|h|hpp|rb|php|js|jsx|mjs|cjs|ts|tsx|"
    r"mts|cts|swift)$"
)
#: an integer literal multiplied or divided by another (`24 * 60`, `256 / 8`), as text
_FOLDABLE = compile_lazily(r"(?<![\w.])\d+\s*[*/]\s*\d+\b")
_FOLDABLE_HINT = compile_lazily(r"\d\s*[*/]\s*\d")
#: a decimal integer literal (not octal's leading zero, nor a float, a suffix or a separator)
_INTEGER = compile_lazily(r"0|[1-9]\d*")
#: what binds tighter than, or as tight as, a product on either side of one: a chain of
#: literals next to one of them is part of a longer operand (`x / 60 * 60`, `2 * 8 ** 2`,
#: `60 * 60 % n`, Go's `1 << 8 * 2`, whose shift is a product's peer), never folded alone;
#: a comparison's `<` and `>` too, which the tokens do not tell from a shift's
_BINDS_BEFORE = frozenset({"*", "/", "%", ".", "^", "~", "<", ">", "&", "@", "->", "::"})
_BINDS_AFTER = frozenset({"*", "/", "%", ".", "^", "<", ">", "&", "@", "(", "[", "->", "::"})


#: the largest value a product of 32-bit integer literals holds in the languages whose literals
#: are 32-bit ints (Java, Kotlin, C#, C, C++): past it the product overflows where the literal
#: written out would not compile or would be a long
_INT_MAX = 2**31 - 1
#: a C or C++ macro: its body is pasted in as text, so `t / SECONDS` with `SECONDS` made
#: `24 * 60 * 60` divides by 24 and multiplies by 3600
_MACRO = compile_lazily(r"#\s*define\b")


def _folded(stream: Sequence[_Token], divides: bool) -> list[_Token] | None:
    """The stream with each chain of integer literals joined by `*` (and `/`, where `divides`
    and each quotient is exact) written as its value (`24 * 60 * 60` -> `86400`); None where
    there is none. Only a chain that is an operand whole (`_BINDS_BEFORE`, `_BINDS_AFTER`):
    `x / 256 / 8` is not `x / 32`; and only while every step fits a 32-bit int (`_INT_MAX`)."""
    out: list[_Token] = []
    at = 0
    folded = False
    operators = ("*", "/") if divides else ("*",)
    while at < len(stream):
        token, string = stream[at]
        end = at + 1
        if not string and _INTEGER.fullmatch(token) and (not out or out[-1][1] or (
            out[-1][0] not in _BINDS_BEFORE
        )):
            value = int(token)
            while end + 1 < len(stream) and stream[end] in ((op, False) for op in operators) and (
                not stream[end + 1][1] and _INTEGER.fullmatch(stream[end + 1][0])
            ):
                operand = int(stream[end + 1][0])
                if stream[end][0] == "/" and (operand == 0 or value % operand):
                    break
                product = value * operand if stream[end][0] == "*" else value // operand
                if product > _INT_MAX:  # a 32-bit int's product overflows (Java, Kotlin, C)
                    break
                value = product
                end += 2
            if end > at + 1 and (end == len(stream) or stream[end][1] or (
                stream[end][0] not in _BINDS_AFTER
            )):
                out.append((str(value), False))
                at = end
                folded = True
                continue
            end = at + 1
        out.append(stream[at])
        at = end
    return out if folded else None


#: negation, the connectives it swaps (De Morgan's laws) and the comparisons it flips, by
#: family: C-like (`!`, `&&`, `||`) and word operators (Python's, Ruby's `not`, `and`, `or`)
_NEGATION = {"!": ("&&", "||"), "not": ("and", "or")}
_FLIPPED = {"==": "!=", "!=": "==", "===": "!==", "!==": "==="}
#: tokens that end an operand of a connective or a negation read forward: any binary operator
#: (an operand holding one is negated whole, in brackets)
_BINARY = frozenset({
    "==", "!=", "===", "!==", "<", ">", "<=", ">=", "&&", "||", "and", "or", "not", "is", "in",
    "+", "-", "*", "/", "%", "&", "|", "^", "?", ":", "=", "??", "=>", "->", "<<", ">>", "!",
})
_OPENING, _CLOSING = frozenset("([{"), frozenset(")]}")
#: what may stand before and after a negated group for its negation pushed in to need no
#: brackets: it is a whole condition (`if !(a && b) {`, `return not (a or b)`, `x = !(...)`)
_CONDITION_BEFORE = frozenset({None, "if", "elif", "elsif", "unless", "while", "return", "(",
                               "=", "{", "=>", "?", ":", "when"})
_CONDITION_AFTER = frozenset({None, ")", "{", ":", "then", "do", "?", "]", "}"})
#: Rust's `Option` tests that negate into each other: `!x.is_some_and(|v| p)` is
#: `x.is_none_or(|v| !p)`, as Clippy's `nonminimal_bool` writes it
_NEGATED_TESTS = {"is_some_and": "is_none_or", "is_none_or": "is_some_and"}

_Token = tuple[str, bool]


def _closing(stream: Sequence[_Token], at: int) -> int | None:
    """The index of the bracket that closes the one opened at `at`; None when it is not there."""
    depth = 0
    for index in range(at, len(stream)):
        token, string = stream[index]
        if string:
            continue
        if token in _OPENING:
            depth += 1
        elif token in _CLOSING:
            depth -= 1
            if not depth:
                return index
    return None


def _top_level(stream: Sequence[_Token]) -> Iterator[tuple[int, str]]:
    """The binary operators of a stream outside its brackets and strings, with their indexes:
    not an operator in a prefix's place (`*c`, `-1`, `!a`, first or after another operator)."""
    depth = 0
    operand = False  # whether an operand stands before the token (a prefix cannot)
    for index, (token, string) in enumerate(stream):
        if string:
            operand = True
        elif token in _OPENING:
            depth += 1
            operand = False
        elif token in _CLOSING:
            depth -= 1
            operand = True
        elif token in _BINARY:
            if not depth and operand:
                yield index, token
            operand = False
        else:
            operand = True


def _negated(operand: list[_Token], negation: str) -> list[_Token]:
    """An operand negated as a person would write it: a negation taken off (`!a` -> `a`), a
    comparison flipped (`a == b` -> `a != b`), an identity or a membership test negated in its
    operator (`x is None` -> `x is not None`, `k in d` -> `k not in d`: Python's, as
    pycodestyle's E714 and E713 ask; C#'s `x is null` -> `x is not null`), a plain operand
    negated (`a.b()` -> `!a.b()`), anything else negated in brackets."""
    if operand[:1] == [(negation, False)] and (
        negation == "not" or next(_top_level(operand[1:]), None) is None
    ):
        return operand[1:]
    operators = list(_top_level(operand))
    if not operators:
        return [(negation, False), *operand]
    if len(operators) == 1 and operators[0][1] in _FLIPPED:
        index, token = operators[0]
        return [*operand[:index], (_FLIPPED[token], False), *operand[index + 1:]]
    if len(operators) == 1 and operators[0][1] in ("is", "not", "in"):
        index, operator = operators[0]
        following = operand[index + 1][0] if index + 1 < len(operand) else None
        if operator == "is":  # `a is b` -> `a is not b`, `a is not b` -> `a is b`
            return [*operand[:index + 1], *([] if following == "not" else [("not", False)]),
                    *operand[index + (2 if following == "not" else 1):]]
        if operator == "in":  # `a in b` -> `a not in b`
            return [*operand[:index], ("not", False), *operand[index:]]
        if following == "in":  # `a not in b` -> `a in b`
            return [*operand[:index], *operand[index + 1:]]
    return [(negation, False), ("(", False), *operand, (")", False)]


def _pushed_group(inner: list[_Token], negation: str) -> list[_Token] | None:
    """A negated group's tokens (`inner`, without its brackets) with the negation pushed in:
    one connective throughout swapped for the other, each operand negated (`_negated`); a
    single operand negated. None where it mixes connectives (their precedence would decide)."""
    connectives = _NEGATION[negation]
    cuts = [(index, token) for index, token in _top_level(inner) if token in connectives]
    if len({token for _, token in cuts}) > 1:
        return None
    swapped = {connectives[0]: connectives[1], connectives[1]: connectives[0]}
    out: list[_Token] = []
    start = 0
    for index, token in [*cuts, (len(inner), "")]:
        out += _negated(inner[start:index], negation)
        if token:
            out.append((swapped[token], False))
        start = index + 1
    return out


def _negations_pushed(stream: Sequence[_Token]) -> list[_Token]:
    """The stream with each negated group written with its negation pushed in (De Morgan's
    laws, comparisons flipped: `!(a && b)` -> `!a || !b`, `not (a == b)` -> `a != b`), in
    brackets unless it is a whole condition (`_CONDITION_BEFORE`, `_CONDITION_AFTER`); and
    Rust's `!x.is_some_and(|v| p)` written `x.is_none_or(|v| !p)` (`_NEGATED_TESTS`)."""
    out: list[_Token] = []
    at = 0
    while at < len(stream):
        token, string = stream[at]
        if string or token not in _NEGATION or at + 1 == len(stream):
            out.append(stream[at])
            at += 1
            continue
        if stream[at + 1] == ("(", False) and (end := _closing(stream, at + 1)) is not None:
            inner = _negations_pushed(stream[at + 2:end])
            pushed = _pushed_group(inner, token)
            if pushed is None:
                out += [stream[at], stream[at + 1], *inner, stream[end]]
            else:
                before = out[-1][0] if out else None
                after = stream[end + 1][0] if end + 1 < len(stream) else None
                bare = before in _CONDITION_BEFORE and after in _CONDITION_AFTER
                out += pushed if bare else [("(", False), *pushed, (")", False)]
            at = end + 1
            continue
        tested = _negated_test(stream, at + 1, token)
        if tested is None:
            out.append(stream[at])
            at += 1
        else:
            rewritten, at = tested
            out += rewritten
    return out


def _negated_test(stream: Sequence[_Token], at: int, negation: str
                  ) -> tuple[list[_Token], int] | None:
    """A negated chain of calls ending in a test of `_NEGATED_TESTS` with a closure (`!x.last()
    .is_some_and(|c| p)`, from `at`, past the negation) written as the other test of the
    negated closure, and the index past it; None for anything else."""
    index = at
    while index < len(stream):
        token, string = stream[index]
        if string:
            return None
        if token in ("(", "["):
            end = _closing(stream, index)
            if end is None:
                return None
            if (stream[index - 2][0] == "." and stream[index - 1][0] in _NEGATED_TESTS
                    and index + 3 < end and stream[index + 1] == ("|", False)
                    and _WORD.fullmatch(stream[index + 2][0])
                    and stream[index + 3] == ("|", False)):
                if end + 1 < len(stream) and stream[end + 1][0] in (".", "(", "[", "?"):
                    return None  # the test's result is not what is negated
                body = _negations_pushed(stream[index + 4:end])
                test = (_NEGATED_TESTS[stream[index - 1][0]], False)
                return [*stream[at:index - 1], test, *stream[index:index + 4],
                        *_negated(body, negation), stream[end]], end + 1
            index = end + 1
        elif _WORD.fullmatch(token) or token in (".", "::"):
            index += 1
        else:
            return None
    return None


#: the literals a test returns for no and for yes in C-like languages, and the negation
#: (`_bool_returned`)
_BOOLEANS = {"false": ("true", "!"), "true": ("false", "")}
#: the operators whose result is a boolean in every language read: a condition of one of them
#: returned as it is returns what `return true` and `return false` around it did
_TESTS = frozenset({"==", "!=", "===", "!==", "<", ">", "<=", ">=", "is", "in"})


def _returned_test(stream: Sequence[_Token], at: int) -> tuple[list[_Token], int] | None:
    """What a C-like `if` at `at` (past its keyword) returns when it only returns a boolean
    literal and the statement after it returns the other one (`if (c) return false; return
    true;`, braces or not), as the test it amounts to (`return !(c)`; `return c` for `return
    true` first, where `c` is a comparison, a boolean in every language), with the index past
    the second return. None for any other `if`, for a condition already negated (`!c`: its
    negation taken off would return `c` itself, not a boolean), and for Python's `if c:`, whose
    block is its indentation, which the tokens do not show: the `return True` after it may
    follow the loop the `if` is in."""
    if at >= len(stream) or stream[at] != ("(", False):
        return None
    close = _closing(stream, at)
    if close is None:
        return None
    condition, rest = list(stream[at + 1:close]), close + 1
    braced = rest < len(stream) and stream[rest] == ("{", False)
    rest += braced
    shape = [("return", False), None, *([("}", False)] if braced else []), ("return", False),
             None]
    found = list(stream[rest:rest + len(shape)])
    if len(found) < len(shape) or not condition or any(
        want is not None and got != want for want, got in zip(shape, found, strict=True)
    ):
        return None
    (first, first_string), (second, second_string) = found[1], found[-1]
    if first_string or second_string or _BOOLEANS.get(first, ("", ""))[0] != second:
        return None
    negation = _BOOLEANS[first][1]
    if condition[0][0] in _NEGATION:
        return None
    if negation:
        return [("return", False), (negation, False), ("(", False), *condition,
                (")", False)], rest + len(shape)
    operators = [token for _, token in _top_level(condition)]
    if len(operators) != 1 or operators[0] not in _TESTS:
        return None
    return [("return", False), *condition], rest + len(shape)


#: what an `if` follows where it is no statement of its own but the body of another: an `else`,
#: an unbraced loop's or condition's head (`for (...) if (c) return false;`), whose return
#: after it follows the loop, not the `if`
_NOT_A_STATEMENT = ([("else", False)], [(")", False)])


def _bool_returned(stream: Sequence[_Token]) -> list[_Token] | None:
    """The stream with each `if` that returns a boolean literal before a return of the other
    written as the test returned (`_returned_test`), as Clippy's `needless_bool`, Sonar's
    S1126 and ruff's SIM103 ask; None where there is none. Not an `else if`: the
    return after it also follows the branches above; nor an `if` that is an unbraced loop's or
    condition's body (`_NOT_A_STATEMENT`)."""
    out: list[_Token] = []
    at = 0
    rewritten = False
    while at < len(stream):
        found = None if stream[at] != ("if", False) or out[-1:] in _NOT_A_STATEMENT else (
            _returned_test(stream, at + 1)
        )
        if found is None:
            out.append(stream[at])
            at += 1
            continue
        returned, at = found
        out += returned
        rewritten = True
    return out if rewritten else None


#: what a group of brackets wrapping a whole expression follows: an assignment, a `return` or
#: `yield`, or a condition's keyword (`_ungrouped`). Not `assert`: Python's `assert (a, "m")`
#: asserts a tuple, always true, where `assert a, "m"` asserts `a`
_GROUPED_AFTER = frozenset({"=", ":=", "return", "yield", "if", "elif", "while", "unless"})
#: a bracket opened after one of `_GROUPED_AFTER`, as text (`_ungrouped` reads the tokens)
_GROUP_OPENED = compile_lazily(r"(?:=|\b(?:return|yield|if|elif|while|unless))\s*\(")
#: words that carry an expression on past a closing bracket (`x = (a) if b else c`, `(a) and
#: b`): a word after a group other than these starts the next statement
_CONTINUING = frozenset({"if", "else", "and", "or", "not", "in", "is", "for", "as", "instanceof",
                         "unless", "rescue", "then", "do", "when", "with", "async", "await"})
#: what may follow a condition's group and end it: Python's `:`, a block's `{`, Ruby's `then`
#: and `do`
_CONDITION_ENDS = frozenset({":", "{", "then", "do"})


def _ungrouped(stream: Sequence[_Token]) -> list[_Token]:
    """A stream with the brackets taken off each group that wraps a whole expression: one
    opened after an assignment, a `return` or a condition's keyword (`_GROUPED_AFTER`) and
    closed where the statement or the condition ends, at the stream's end or before the next
    statement's first name (`_CONTINUING` aside) or, after a condition's keyword, before
    what ends the condition (`_CONDITION_ENDS`). Black and Prettier wrap a long expression so
    (`if (\n    (a is not None)\n    and b\n):`, `x = (\n    f(y) if y else None\n)`)
    and drop such brackets around a short one (`return (a is not None)`), which changes
    nothing: the brackets group what the statement reads whole. A group an operator, a call,
    an index or a member follows (`x = (a + b) * c`, `(f)(x)`, `(a).b`) is an operand's and
    kept, and so is a group opened anywhere else (`not (a and b)`)."""
    out = list(stream)
    at = 1
    while at < len(out):
        opening, string = out[at]
        before, before_string = out[at - 1]
        if opening == "(" and not string and not before_string and before in _GROUPED_AFTER:
            end = _closing(out, at)
            if end is not None and end > at + 1 and _ends_statement(out, end, before):
                del out[end]
                del out[at]
                continue
        at += 1
    return out


def _ends_statement(stream: Sequence[_Token], end: int, opener: str) -> bool:
    """Whether what follows the bracket closing at `end` ends the statement (or the condition)
    a group opened after `opener` wraps (`_ungrouped`)."""
    if end + 1 == len(stream):
        return True
    following, string = stream[end + 1]
    if string:
        return False
    if following in _CONDITION_ENDS:
        return opener in ("if", "elif", "while", "unless")
    return following == "}" or (
        _WORD.fullmatch(following) is not None and not following[0].isdigit()
        and following not in _CONTINUING
    )


#: a JavaScript module's default export of a value (`export default connect(...)`), and its
#: export of a value under a name (`export const withActions = connect(...)`)
_DEFAULT_EXPORT = compile_lazily(r"^(\s*export\s+)default\s+(?!(?:async\s+)?function\b|class\b)")
_NAMED_EXPORT = compile_lazily(
    r"^\s*export\s+(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=\n]*)?=(?!=)", re.MULTILINE
)


def _exports_named(lines: Sequence[str], other: str) -> list[str] | None:
    """The lines with a module's default export of a value (`_DEFAULT_EXPORT`) written as the
    one value the other side's text exports by name (`_NAMED_EXPORT`: `export default
    connect(...)` -> `export const withActions = connect(...)`), or None when there is no
    such pair. A module's default export made a named one (or back), as a codemod to named
    exports writes it: the same value, which its importers now bind by name (`_DEFAULT_IMPORT`).
    Not in a component's markup (a Vue or Svelte file, `mechanical_sides`' `markup`), whose
    default export is what the framework compiles."""
    names = set(_NAMED_EXPORT.findall(other)) - set(_NAMED_EXPORT.findall("\n".join(lines)))
    if len(names) != 1:
        return None
    [name] = names
    rewritten = [_DEFAULT_EXPORT.sub(rf"\1const {name} = ", line, count=1) for line in lines]
    return rewritten if rewritten != list(lines) else None


#: a class's constant reached through its class (`RequestOptions::FORM_PARAMS`, `Keys.QUERY`);
#: the lookahead of its first character only makes it faster, as `_NEGATED_GROUP`'s
_QUALIFIED_CONSTANT = compile_lazily(
    r"(?=[A-Z])\b[A-Z]\w*(?:::|\.)([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\b"
)
#: what every match of `_QUALIFIED_CONSTANT` holds: the separator before the constant's first
#: letter (`_searched`); a third of a large diff's hunks hold one
_QUALIFIED_CONSTANT_HINT = compile_lazily(r"[.:][A-Z]")


def _literals_named(lines: Sequence[str], other: str) -> list[str] | None:
    """The lines with each qualified constant (`_QUALIFIED_CONSTANT`) whose name respells a
    string literal of the other side's text (`RequestOptions::FORM_PARAMS` beside
    `'form_params'`) written as that literal, or None when there is none: a magic string given
    the name its library declares for it (Guzzle's request options, a header's constant) is the
    same value. A constant that names no string the other side holds stays a change
    (`'admin'` -> `Role::SUPERADMIN`)."""
    named: dict[str, str] = {_identifier(text[1:-1]): text for text in _LITERAL.findall(other)
                             if _WORD.fullmatch(text[1:-1])}
    if not named:
        return None

    def literal(found: re.Match[str]) -> str:
        return named.get(_identifier(found.group(1)), found.group(0))

    rewritten = [_QUALIFIED_CONSTANT.sub(literal, line) for line in lines]
    return rewritten if rewritten != list(lines) else None


def _rewrapped_tokens(lines: Sequence[str]) -> list[str]:
    """The tokens of lines read as one text, each string literal's white space as one space."""
    return [
        " ".join(token.split()) if token[0] in _QUOTES else token
        for token in _TOKEN.findall(" ".join(lines))
    ]


def _rewrapped(removed: Sequence[str], added: Sequence[str]) -> bool:
    """Whether lines whose text is the same, white space and line breaks aside, are the same
    code re-wrapped over another number of lines: the same tokens once each side is read as one
    text, so that a string literal split over lines (a query put on a line per clause) is one
    string, still with spaces where it had them, and no two words were run together. (An exit
    whose value moved to a line of its own is no re-wrap: `mechanical_sides` asks
    `_bare_exits` before this.)"""
    return _rewrapped_tokens(removed) == _rewrapped_tokens(added)


#: where a comma or a semicolon, which the token streams drop as layout, is code: a tuple of
#: one (`in ("admin",)`, `= ("x",)`), a value made a tuple by a trailing comma (Python's
#: `DEBUG = False,`), an empty statement that ends a condition's body (`if (isAdmin(u)); {`);
#: each beside two characters every match holds, which a line is asked for first
_SEPARATOR_SHAPES = (
    (",", ")", compile_lazily(
        r"(?:^|[=(\[,:]|\bin|\breturn)\s*\(\s*[^(),\s](?:[^(),]|\([^()]*\))*,\s*\)")),
    (",", "=", compile_lazily(r"^\s*[\w.]+\s+=\s+[^=,\[\]{}()]+,\s*$")),
    (";", ")", compile_lazily(r"\b(?:if|for|while)\b.*\)\s*;\s*(?:\{|$)")),
)


def _separators_moved(removed: Sequence[str], added: Sequence[str]) -> bool:
    """Whether the sides differ in a comma or a semicolon that is code (`_SEPARATOR_SHAPES`).
    Asked only where they hold as many of neither as each other otherwise."""
    old, new = "\n".join(removed), "\n".join(added)
    if old.count(",") == new.count(",") and old.count(";") == new.count(";"):
        return False
    return any(
        sum(1 for line in removed if first in line and second in line and shape.search(line))
        != sum(1 for line in added if first in line and second in line and shape.search(line))
        for first, second, shape in _SEPARATOR_SHAPES
    )


#: a line that ends at an exit's keyword, its value (if any) on the next line
_BARE_EXIT = compile_lazily(r"(?:.*[;{}]\s*)?(?:return|throw)\s*")


def _bare_exits(lines: Sequence[str]) -> int:
    """How many lines end at an exit's keyword (`_BARE_EXIT`) with an expression on the next
    line, which the exit then leaves behind (not a block's close nor another branch):
    JavaScript ends the statement there (automatic semicolon insertion), so `return a || b`
    re-wrapped with its value on the next line returns undefined."""
    return sum(
        1 for line, after in pairwise(lines)
        if line.rstrip().endswith(_EXIT_WORDS) and _BARE_EXIT.fullmatch(line.strip())
        and after.strip() and not after.lstrip().startswith(_BLOCK_ENDS)
    )


_EXIT_WORDS = ("return", "throw")
_BLOCK_ENDS = ("}", ")", "]", "end", "case ", "default", "else", "elif", "except", "finally")


#: a test of Python's major version that holds on Python 2 alone (`sys.version_info[0] == 2`,
#: `sys.version_info < (3,)`, six's `six.PY2`, the same flag a compat module defines, `not
#: PY3`), and one that holds on Python 3 (`sys.version_info.major >= 3`, `six.PY3`). Not a
#: minor version's test (`sys.version_info >= (3, 8)`): which of those runs depends on the
#: interpreters a project still supports, which the diff does not say
_MAJOR_VERSION = (
    r"(?:sys\.version_info(?:\[0\]|\.major)\s*(?:==\s*2|<\s*3|<=\s*2|!=\s*3)"
    r"|sys\.version_info\s*<\s*\(\s*3\s*,\s*(?:0\s*)?\)|(?:six\.)?PY2|not\s+(?:six\.)?PY3)"
)
_MAJOR_VERSION_3 = (
    r"(?:sys\.version_info(?:\[0\]|\.major)\s*(?:==\s*3|>=\s*3|>\s*2|!=\s*2)"
    r"|sys\.version_info\s*>=\s*\(\s*3\s*,\s*(?:0\s*)?\)|(?:six\.)?PY3|not\s+(?:six\.)?PY2)"
)
#: a block that runs on one major version only: `if <test>:` alone on its line
_VERSION_BLOCK = compile_lazily(
    rf"([ \t]*)if\s+(?:({_MAJOR_VERSION})|({_MAJOR_VERSION_3}))\s*:\s*(?:#.*)?"
)
_ELSE_BLOCK = compile_lazily(r"([ \t]*)else\s*:\s*(?:#.*)?")
#: a value chosen by the major version, its two sides plain names (`text_type = unicode if
#: sys.version_info[0] == 2 else str`), the choice a whole expression: after an assignment's
#: `=` (not a comparison's), an opening bracket, a comma, a colon (a dict's value, a lambda's
#: body) or `return`, and before a closing bracket, a comma, a comment or the line's end.
#: Within a larger expression the choice takes in what stands beside it (`x or a if PY2 else
#: b` is `(x or a) if PY2 else b`), so reading it as `x or b` would be another program
_VERSION_CHOICE = compile_lazily(
    rf"(^|[(\[{{,:]|(?<![=!<>])=|\breturn)(\s*)([\w.]+)\s+if\s+(?:({_MAJOR_VERSION})|"
    rf"({_MAJOR_VERSION_3}))\s+else\s+([\w.]+)(?=\s*(?:[)\]}},]|#|$))"
)
_VERSION_HINT = compile_lazily(r"version_info|PY[23]\b")


def python3_branches(lines: Sequence[str]) -> list[str] | None:
    """Python lines as Python 3 runs them, where they test the major version: a block of
    `if sys.version_info[0] == 2:` (`six.PY2`, `sys.version_info < (3,)`, ...) dropped and
    its `else:` block kept, dedented to the `if`, a block of a Python 3 test kept and its
    `else:` dropped, and `a if PY2 else b` read as `b`. That is the rewrite pyupgrade and
    ruff's UP036 (outdated-version-block) make once Python 2 is no longer supported: every
    interpreter that still runs the code took the branch kept. None when the lines hold no
    such test, or one this does not read whole (an `elif` after it, a block not indented
    under it)."""
    text = "\n".join(lines)
    if not _VERSION_HINT.search(text):
        return None
    out: list[str] = []
    found = False
    at = 0
    while at < len(lines):
        line = lines[at]
        block = _VERSION_BLOCK.fullmatch(line)
        if block is None:
            chosen = _VERSION_CHOICE.sub(
                lambda choice: choice.group(1) + choice.group(2)
                + (choice.group(6) if choice.group(4) else choice.group(3)), line
            )
            found = found or chosen != line
            out.append(chosen)
            at += 1
            continue
        found = True
        depth = len(block.group(1))
        branches: list[list[str]] = []
        at += 1
        while True:
            body: list[str] = []
            while at < len(lines) and (not lines[at].strip() or indentation(lines[at]) > depth):
                body.append(lines[at])
                at += 1
            while body and not body[-1].strip():
                body.pop()
                at -= 1
            if not body:
                return None  # a block not indented under its test: not read here
            branches.append(body)
            if len(branches) == 2 or at >= len(lines):
                break
            other = _ELSE_BLOCK.fullmatch(lines[at])
            if other is None or len(other.group(1)) != depth:
                if lines[at].lstrip().startswith("elif") and indentation(lines[at]) == depth:
                    return None
                break
            at += 1
        if block.group(2) and len(branches) == 1:
            continue  # Python 2's block alone: nothing of it runs
        kept = branches[1] if block.group(2) else branches[0]
        step = min(indentation(row) for row in kept if row.strip()) - depth
        out.extend(row[step:] if row.strip() else row for row in kept)
    return out if found else None


def relaid(sides: Sides, code: Callable[[], tuple[list[str], list[str]]]) -> bool:
    """Whether a hunk's code, its unchanged lines among the changed ones included (`code()`:
    before and after), is the same lines on both sides, indentation aside: a block re-indented
    where git paired some of its lines (a `}`, a `return`) with lines of another depth and so
    kept them as unchanged, which leaves the removed and added lines differing by those lines.

    `code` is read only where the removed and added lines hold as much code as each other
    (white space aside: unchanged lines are the same on both sides); nothing is tokenised, so
    a hunk of any size is compared (a formatter's run over a whole template is one hunk)."""
    old, new = sides.squashed("old"), sides.squashed("new")
    if sum(map(len, old)) != sum(map(len, new)):
        return False
    before, after = code()
    return _squashed(before) == _squashed(after)


#: a string literal on one line, whose brackets are text, not code
_ONE_LINE_STRING = compile_lazily(r"\"(?:\\.|[^\"\\])*\"|'(?:\\.|[^'\\])*'")


def same_blocks(
    old: Sequence[str], new: Sequence[str], *, yaml: bool = False, python: bool = False
) -> bool:
    """Whether a hunk of a file whose indentation is syntax (`INDENTED`), its unchanged lines
    included (`old`: before, `new`: after), leaves every statement in the block it was in.

    White space is meaning there: `user.set_password(p)` indented under the `if` above it now
    runs only when that condition holds, though its text is the same. Re-indenting keeps
    meaning only when each statement keeps the statement it is nested in (`_parents`): a whole
    block moved in or out by one level, tabs made spaces, two spaces made four. Lines inside
    brackets (an argument list re-wrapped) and comments are no statements. In YAML (`yaml`) an
    item's dash belongs to its value, so `key:` over `- a` and over `  - a` are the same list.
    In Python (`python`) a hunk may begin inside brackets opened above it (a signature's
    parameters re-wrapped by a formatter, under a hunk header `def authorize(`): a line there
    that no statement can begin with (`_INSIDE_BRACKETS`) says so, and both sides, which share
    what is above the hunk, are read from inside one bracket."""
    depth = int(python and _opens_above(old, new))
    return _parents(old, yaml, depth) == _parents(new, yaml, depth)


#: how a Python line inside brackets may begin and a statement never does: a closing bracket,
#: a comma, an operator between two operands (`| None = Depends(...)`, `and x`, `.filter(...)`);
#: a backslash at the end of the line before is the only other way to get there
_INSIDE_BRACKETS = compile_lazily(
    r"(?:[)\]},|&^%:<>]|==|!=|//?(?!/)|\.(?!\.)|(?:and|or|is|in|not\s+in)\b)"
)


def _opens_above(*sides: Sequence[str]) -> bool:
    """Whether a hunk of Python begins inside brackets opened above it: a line of one of its
    sides, read where a statement would begin, begins as only a line inside brackets does
    (`_INSIDE_BRACKETS`), and the line before it does not end with a backslash. Not where a
    line holds a triple quote: the text of a docstring may begin with anything."""
    for lines in sides:
        if any('"""' in line or "'''" in line for line in lines):
            return False
    for lines in sides:
        depth, before = 0, ""
        for line in lines:
            body = line.strip()
            if not body or body.startswith("#"):
                continue
            if depth == 0 and not before.endswith("\\") and _INSIDE_BRACKETS.match(body):
                return True
            code = _ONE_LINE_STRING.sub("", body)
            depth = max(0, depth + sum(map(code.count, "([{")) - sum(map(code.count, ")]}")))
            before = body
    return False


#: a Python import statement's opening (`import os`, `from .auth import (`)
_IMPORT_STATEMENT = compile_lazily(r"(?:from\s+\S+\s+)?import\s")


def _parents(lines: Sequence[str], yaml: bool, depth: int = 0) -> list[int]:
    """For each statement of `lines` (blank lines, comments, lines inside brackets and lines
    a backslash continues aside, read from `depth` brackets in), the ordinal of the statement
    it is nested in (-1 at the hunk's outer level). A line after one that ends with a
    backslash goes on with its statement wherever it is indented (`if a and \\` over `b:`), as
    a line inside brackets does: a formatter that puts the condition in brackets instead keeps
    it where it was. Imports one after another at one indentation are one statement here: isort
    joins two from one module into one (`_regrouped_imports` compares what they bind), and
    they stay in the block they were in."""
    parents: list[int] = []
    open_blocks: list[tuple[float, int]] = []  # (indentation, ordinal) of the enclosing ones
    continued = False
    imports_at: float | None = None  # the indentation of the imports just read in a row
    for line in lines:
        text = line.expandtabs(8)
        body = text.lstrip()
        if not body or body.startswith("#"):
            continue
        was_continued, continued = continued, body.rstrip().endswith("\\")
        if depth == 0 and not was_continued:
            indent: float = len(text) - len(body)
            if yaml and (body == "-" or body.startswith("- ")):
                indent += 0.5
            importing = not yaml and _IMPORT_STATEMENT.match(body) is not None
            if not (importing and imports_at == indent):
                while open_blocks and open_blocks[-1][0] >= indent:
                    open_blocks.pop()
                parents.append(open_blocks[-1][1] if open_blocks else -1)
                open_blocks.append((indent, len(parents) - 1))
            imports_at = indent if importing else None
        code = _ONE_LINE_STRING.sub("", body)
        depth = max(0, depth + sum(map(code.count, "([{")) - sum(map(code.count, ")]}")))
    return parents


#: words after which a name is being defined (`def name`, `func (s *T) name`, `const name =`,
#: Terraform's `variable "name"`)
_DEFINES = frozenset({
    "def", "class", "func", "function", "fn", "type", "interface", "struct", "enum", "trait",
    "const", "let", "var", "val", "module", "record", "object", "protocol", "sub", "proc",
    "variable", "output",
    # Go's package clause (`package auth`): the name its importers qualify each use with
    # (`auth.NewServer`), so `package auth` -> `package authn` declares that rename
    "package",
})
#: modifiers that open a declaration in the typed languages (`private String name;`,
#: `public static bool Name(`): the name after one of them and a type is being declared
_MODIFIERS = frozenset({
    "public", "private", "protected", "internal", "static", "final", "override", "abstract",
    "virtual", "async", "readonly", "sealed", "open", "lateinit", "export", "declare", "partial",
    "extern", "unsafe", "synchronized", "transient", "volatile",
})
#: a name renamed at its definition also renames the names made of it (`targetIssuer` ->
#: `targetOp` renames `getTargetIssuer` and `setTargetIssuer`); shorter names are parts of too
#: many others
_DERIVING_NAME = 4


def _stem(path: str) -> str:
    return path.rsplit("/", 1)[-1].split(".", 1)[0]


def _typed_declaration(stream: list[str], index: int) -> bool:
    """Whether the token at `index` follows a type that follows a modifier: `private String
    name`, `public static ImmutableArray<string> Name`, `protected int[] name`."""
    at, depth = index - 1, 0
    while at > 0:  # back over a generic or array type's brackets and a nullable's `?`
        part = stream[at]
        if part in (">", "]"):
            depth += 1
        elif part in ("<", "["):
            depth -= 1
        elif not depth and part != "?":
            break
        at -= 1
    return at > 0 and _WORD.fullmatch(stream[at]) is not None and stream[at - 1] in _MODIFIERS


#: words that open a function's definition whose parameters are named before their type or
#: stand alone (`def f(name=None)`, `function f($name)`, `fn f(name: T)`); Go's `func` is not
#: among them: there `(name Type)` and `(Type)` cannot be told apart without commas
_SIGNATURES = frozenset({"def", "function", "fn", "fun", "sub"})
#: what a parameter's name is followed by: its default, its type, or the end of the list
_AFTER_PARAMETER = frozenset({"=", ":", ")"})


def _signature(stream: list[str], opening: int) -> bool:
    """Whether the `(` at `opening` opens a definition's parameters: `def name(`, `function
    name(`, `public static bool Name(`."""
    if opening < 2 or not _WORD.fullmatch(stream[opening - 1]):
        return False
    return stream[opening - 2] in _SIGNATURES or _typed_declaration(stream, opening - 1)


def _parameter(stream: list[str], index: int) -> bool:
    """Whether the token at `index` is a parameter's name in a definition's signature: a PHP
    `$name`, or a name followed by its default, its type or the list's end (`name=None`,
    `name: str`, `String name)`). A type or a default value (`x: Old`, `x=ADMIN`, `Old x`) is
    not: what follows a name (or a type) tells which it is."""
    before, after = stream[index - 1], stream[index + 1] if index + 1 < len(stream) else ""
    if before != "$" and after not in _AFTER_PARAMETER:
        return False
    if before not in ("(", "$", ")", "]") and not _WORD.fullmatch(before):
        return False  # after `=`, `:`, `.`, `|`: a value or a type
    depth = 0
    for at in range(index - 1, 0, -1):
        part = stream[at]
        if part in (")", "]"):
            depth += 1
        elif part in ("(", "["):
            if not depth:
                return part == "(" and _signature(stream, at)
            depth -= 1
        elif part in ("{", "}", ";"):
            return False
    return False


#: what may open a Go statement before its short variable declaration (`for i, v := range`,
#: `if v, ok := m[k]; ok`, `} else if err := f(); err != nil`)
_SHORT_DECLARATION_OPENERS = frozenset({"}", "else", "for", "if", "switch"})


def _short_declared(line: list[str]) -> range:
    """The indexes of the names one line's stream (`_line_stream`) declares with Go's short
    variable declaration (`name := value`, `u, err := f()`, commas being layout): the names
    before `:=` at the statement's start. The Go specification allows it only inside a
    function, so what it declares is a local that nothing outside reads by name."""
    start = 0
    while start < len(line) and line[start] in _SHORT_DECLARATION_OPENERS:
        start += 1
    end = start
    while end < len(line) and _WORD.fullmatch(line[end]):
        end += 1
    return range(start, end) if end > start and line[end: end + 2] == [":", "="] else range(0)


#: a Go import path's first element, a host (`github.com/`, `go.etcd.io/`): an import spec's
#: string, not a Ruby DSL's (`gem "rails"`, `get "/users"`)
_GO_IMPORT_PATH = compile_lazily(r"[\w-]+(?:\.[\w-]+)+/\S*")
#: the words that open an import giving a name `as` its alias (Python's `import x as y` and
#: `from m import x as y`, JavaScript's `import { x as y }` and `import * as y`, Rust's and
#: PHP's `use a::b as y;`, Kotlin's `import a.B as Y`)
_IMPORT_WORDS = frozenset({"import", "from", "use"})


def _import_alias(line: list[str], strings: list[int]) -> int | None:
    """The index of the name one line's stream (`_line_stream`) gives an import as its alias
    in the file: after `as` in an import (`_IMPORT_WORDS`), C#'s `using Alias = A.B;`, a Go
    import spec's name before its path (`dsc3 "github.com/..."`, `import dsc3 "..."`). The
    file names the module so for itself, as a function names its locals: nothing outside reads
    the alias, so renaming it wherever the file uses it keeps what the code does."""
    if not line:
        return None
    first = line[0]
    if first in _IMPORT_WORDS and "as" in line:
        at = len(line) - 1 - line[::-1].index("as")
        return at + 1 if at + 1 < len(line) and _WORD.fullmatch(line[at + 1]) else None
    if first == "using" and len(line) > 3 and line[2] == "=" and _WORD.fullmatch(line[1]):
        return 1
    start = 1 if first == "import" else 0
    if (len(line) == start + 2 and start + 1 in strings and start not in strings
            and _WORD.fullmatch(line[start]) and _GO_IMPORT_PATH.fullmatch(line[start + 1])):
        return start
    return None


def _go_method(stream: list[str], index: int) -> bool:
    """Whether the token at `index` follows a Go method's receiver: `func (s *Server) name`.
    The receiver's own `func` is looked for, not the stream's first token: a hunk's stream
    joins its lines, and a method is often not the first of them (below a type or a comment)."""
    if not index or stream[index - 1] != ")":
        return False
    at, depth = index - 1, 0
    while at >= 0:
        if stream[at] == ")":
            depth += 1
        elif stream[at] == "(":
            depth -= 1
            if not depth:
                return at > 0 and stream[at - 1] == "func"
        at -= 1
    return False


#: what follows a generic type parameter where it is declared: its bound (`<T extends Key>`,
#: Rust's `<T: Key>`), its default (`<T = Key>`) or the end of the list
_AFTER_TYPE_PARAMETER = frozenset({"extends", ":", "=", ">"})


def _type_parameter(stream: list[str], index: int) -> bool:
    """Whether the token at `index` declares a generic type parameter: the first of the
    brackets that follow a name a definition gives (`function verify<T extends KeyLike>(`,
    `class LocalJWKSet<T>`, `interface Cache<T = Key>`, `fn f<T: Key>`) or a modifier (Java's
    `public <T> T get(`). The parameter is a name the definition makes for itself, as a
    function's parameter is; a type argument (`Promise<T>`, `new Set<T>()`) is a use."""
    if index < 2 or stream[index - 1] != "<" or (
        index + 1 < len(stream) and stream[index + 1] not in _AFTER_TYPE_PARAMETER
    ):
        return False
    before = stream[index - 2]
    return before in _MODIFIERS or (
        _WORD.fullmatch(before) is not None and _defined(stream, index - 2)
    )


def _defined(stream: list[str], index: int) -> bool:
    """Whether the token at `index` is the name a definition gives: a function, a Go method
    (`_go_method`), a type, a variable, a typed field or a generic type parameter
    (`_type_parameter`; a local declared with Go's `:=` is found per line instead:
    `_short_declared`)."""
    before = stream[index - 1] if index else ""
    return (before in _DEFINES or _go_method(stream, index) or _typed_declaration(stream, index)
            or (before == "<" and _type_parameter(stream, index)))


def definitions_pattern(names: Iterable[str]) -> bytes:
    """An RE2 pattern (multi-line, on a diff's bytes) of the removed lines that may define one
    of some names (word characters only): a definition's or a modifier's word before it, PHP's
    `$name`, or Go's `name :=` (`_short_declared`). A line it finds is then asked `defines`;
    the pattern only spares that question (and parsing the line's file) for the lines that
    cannot define a name. An import's alias too (`_import_alias`: Go's `name "path"`, `as
    name`, C#'s `using name =`)."""
    words = "|".join(sorted(_DEFINES | _MODIFIERS | _SIGNATURES)).encode()
    sought = "|".join(names).encode()
    return (rb"(?m)^-[^\n]*(?:\b(?:" + words + rb")\b[^\n]*\b(?:" + sought + rb")\b|\$(?:"
            + sought + rb")\b)|^-[\w \t,}]*\b(?:" + sought + rb")\b[\w \t,]*:="
            + rb"|^-[ \t]*(?:import[ \t]+)?(?:" + sought + rb")[ \t]+\"|^-[ \t]*(?:import|from|use)"
            + rb"\b[^\n]*\bas[ \t]+(?:" + sought + rb")\b|^-[ \t]*using[ \t]+(?:" + sought
            + rb")[ \t]*=")


def defines(line: str, names: Collection[str]) -> bool:
    """Whether a line defines one of some names, as a function, a type, a variable, a typed
    field, a parameter or an import's alias (`_import_alias`), where a hunk that renames it
    would declare the rename."""
    stream, strings = _line_stream(line)
    alias = _import_alias(stream, strings)
    if alias is not None and stream[alias] in names:
        return True
    return any(stream[at] in names for at in _short_declared(stream)) or any(
        part in names and (_defined(stream, at) or _parameter(stream, at))
        for at, part in enumerate(stream) if at
    )


_Pairs = frozenset[tuple[str, str]]
#: a Python module's top-level assignment of a name (`filter_hook = FilterHook()`, `default:
#: Final = 3`), from the line's first column: where a module defines a name it exports. Not
#: `==`, and not a keyword argument or a class attribute (indented)
_MODULE_ASSIGNMENT = compile_lazily(r"[A-Za-z_]\w*\s*(?::[^=\n]*)?=(?!=)")
#: a name such an assignment defines that a rename of it may carry out: not a dunder, which
#: Python itself reads (`__all__`, `__version__`), nor an upper-case constant, which a
#: framework may read from the module by name (Django's and Flask's settings: `SESSION_COOKIE_AGE`)
_ASSIGNABLE = compile_lazily(r"(?!__)\w*[a-z]\w*")
#: a member reached through a value (`user.is_admin`, `$this->name`, `Role::ADMIN`)
_ACCESSORS = frozenset({".", "->", "::", "?."})


class Swaps(NamedTuple):
    """What a hunk swaps, when swapping names is all it does."""

    #: each differing old token with its new one
    pairs: _Pairs
    #: those of them its definitions declare (`def old` -> `def new`, `private T old;`)
    declared: _Pairs
    #: those swapped inside string literals
    quoted: _Pairs
    #: those a function declares for itself: its signature's parameters (`def f(old=None)`,
    #: `$old`) and Go's locals (`old := v`, `_short_declared`)
    scoped: _Pairs
    #: those swapped as a member reached through a value (`user.old`)
    members: _Pairs
    #: those a Python module assigns at its top level (`old_hook = Hook()`,
    #: `_module_assignments`): a definition once the change carries the rename out elsewhere
    assigned: _Pairs = frozenset()


#: a hunk that swaps no names only
NO_SWAPS = Swaps(frozenset(), frozenset(), frozenset(), frozenset(), frozenset())


def _swaps(old: tuple[list[str], set[int]], new: tuple[list[str], set[int]],
           short_declared: Collection[int] = (), assigned: Collection[int] = ()) -> Swaps:
    """What two token streams (`_stream`: tokens and the indexes of string literals) swap;
    `short_declared`: the indexes of the old stream's names a Go `:=` declares
    (`_short_declared`, found per line); `assigned`: those a Python module assigns at its top
    level (`_module_assignments`)."""
    if len(old[0]) != len(new[0]):
        return NO_SWAPS
    swapped = [(at, a, b) for at, (a, b) in enumerate(zip(old[0], new[0], strict=True)) if a != b]
    if not swapped or not all(_WORD.search(a) and _WORD.search(b) for _, a, b in swapped):
        return NO_SWAPS
    names = [(at, a, b) for at, a, b in swapped if _WORD.fullmatch(a) and _WORD.fullmatch(b)]
    if {a for _, a, _ in names} & {b for _, _, b in names}:
        # two names exchanged (Go imports' aliases `jwt` and `legacy` swapped over their paths,
        # two functions' names traded): each now stands for what the other did, and the code
        # that uses them, unchanged, reaches the other
        return NO_SWAPS
    return Swaps(
        pairs=frozenset((a, b) for _, a, b in swapped),
        declared=frozenset((a, b) for at, a, b in names if _defined(old[0], at)),
        quoted=frozenset((a, b) for at, a, b in swapped if at in old[1] or at in new[1]),
        scoped=frozenset(
            (a, b) for at, a, b in names
            if at in short_declared or (at and _parameter(old[0], at))
        ),
        members=frozenset((a, b) for at, a, b in names if at and old[0][at - 1] in _ACCESSORS),
        assigned=frozenset(
            (a, b) for at, a, b in names
            if at in assigned and _ASSIGNABLE.fullmatch(a) and _ASSIGNABLE.fullmatch(b)
        ),
    )


def _recorded(
    lines: Iterable[tuple[list[str], list[int]]], into: list[tuple[list[str], list[int]]]
) -> Iterator[str]:
    """The tokens of lines' streams (`_line_stream`), each line's stream kept in `into` as it
    is reached."""
    for line in lines:
        into.append(line)
        yield from line[0]


def _swappable(a: str | None, b: str | None) -> bool:
    """Whether two tokens at one place of two streams can be part of a swap (`_swaps`): the
    same token, or two tokens with a word in each (None: past a stream's end)."""
    return a == b or (
        a is not None and b is not None and _WORD.search(a) is not None
        and _WORD.search(b) is not None
    )


def _module_assignments(lines: Sequence[str], python: bool,
                        keep: Callable[[str], bool] | None = None) -> frozenset[int]:
    """The ordinals, among the lines `keep` accepts (all when None), of those that assign a
    name at a Python module's top level (`_MODULE_ASSIGNMENT`); none in another language's
    file (`python` false), where a line's `key = value` at its start may be a configuration's
    key (INI, TOML) that a program reads."""
    if not python or not any(_MODULE_ASSIGNMENT.match(line) for line in lines):
        return frozenset()
    kept = lines if keep is None else filter(keep, lines)
    return frozenset(at for at, line in enumerate(kept) if _MODULE_ASSIGNMENT.match(line))


def _lines_swaps(
    old: Iterable[tuple[list[str], list[int]]], new: Iterable[tuple[list[str], list[int]]],
    assigning: Callable[[], Collection[int]] = frozenset,
) -> Swaps:
    """`_swaps` of two sides' lines, given as their streams (`_line_stream`) one line at a time,
    and `NO_SWAPS` when a side has no line or the two have more than `_MAX_LINES`;
    `assigning`: the ordinals of the old lines that assign a name at a Python module's top
    level (`_module_assignments`), asked only of two sides that may be a swap.

    The lines are read only as far as the first place where the streams cannot be a swap (a
    token against another that is not a name, one stream longer than the other), where
    `_swaps` would answer `NO_SWAPS` whatever follows: in most hunks that do more than swap
    names it comes within the first lines, and the rest need not be tokenised or filtered."""
    old_lines: list[tuple[list[str], list[int]]] = []
    new_lines: list[tuple[list[str], list[int]]] = []
    pairs = zip_longest(_recorded(old, old_lines), _recorded(new, new_lines))
    if not all(_swappable(a, b) for a, b in pairs):
        return NO_SWAPS
    if not old_lines or not new_lines or len(old_lines) + len(new_lines) > _MAX_LINES:
        return NO_SWAPS
    short_declared: set[int] = set()
    assigned: set[int] = set()
    assigning_lines = assigning()
    start = 0
    for ordinal, (line_tokens, line_strings) in enumerate(old_lines):
        short_declared.update(start + at for at in _short_declared(line_tokens))
        alias = _import_alias(line_tokens, line_strings)
        if alias is not None:
            short_declared.add(start + alias)
        if ordinal in assigning_lines:
            assigned.add(start)
        start += len(line_tokens)
    return _swaps(_joined(old_lines), _joined(new_lines), short_declared, assigned)


def hunk_swaps(removed: Sequence[str], added: Sequence[str], *, python: bool = False) -> Swaps:
    """The names a hunk's lines swap, when swapping names is all they do (`NO_SWAPS` when they
    do more, or the hunk only adds or removes, or is too large to compare: too many lines, or a
    line wider than `MAX_WIDTH`). `python`: the lines are a Python file's, where a line that
    assigns a name at the module's top level defines it (`Swaps.assigned`)."""
    if not removed or not added or len(removed) + len(added) > _MAX_LINES:
        return NO_SWAPS
    if not _all_legible(removed, added) or _definition_respelt(removed, added):
        # a minified line's names are a build's, not renames anyone made; a definition alone
        # respelt renames nothing it is read by
        return NO_SWAPS
    return _lines_swaps(map(_line_stream, removed), map(_line_stream, added),
                        functools.partial(_module_assignments, removed, python))


class _Unswappable(Exception):
    """A line too wide to be read as written by hand (`legible`), or one line too many to
    compare (`_MAX_LINES`), met while streaming (`may_swap`)."""


def may_swap(removed: Iterable[str], added: Iterable[str]) -> bool:
    """False where `hunk_swaps` of the lines these give (filtered as they are reached) surely
    answers `NO_SWAPS`: more lines than it compares (`_MAX_LINES`), a line too wide to be
    legible (`_all_legible`), or, at one place of the two token streams, a token against
    another that is not a name (`_swappable`). Read only as far as that place, which most
    hunks that do more than swap names reach within their first lines: the lines after it
    are neither filtered nor tokenised (asking each line of a hunk whether it is code, then
    tokenising them, for a hunk that swaps nothing was 4% of the analysis of bench/
    analysis.py's worst shape). True: `hunk_swaps` is to be asked."""
    read = [0]

    def streamed(lines: Iterable[str]) -> Iterator[str]:
        for line in lines:
            read[0] += 1
            if len(line) > MAX_WIDTH or read[0] > _MAX_LINES:
                raise _Unswappable
            yield from _line_stream(line)[0]

    try:
        return all(_swappable(a, b) for a, b in zip_longest(streamed(removed), streamed(added)))
    except _Unswappable:
        return False


def _derived(declared: tuple[str, str], pair: tuple[str, str]) -> bool:
    """Whether `pair` renames a name made of a declared rename's old name the same way
    (`targetIssuer` -> `targetOp` declared: `getTargetIssuer` -> `getTargetOp`). Names only
    (`renamed_hunks` leaves out pairs swapped inside strings: a column `"target_issuer_url"`
    or a permission made of the name is data another program reads)."""
    old, new = declared
    if len(old) < _DERIVING_NAME or not all(map(_WORD.fullmatch, (old, new, *pair))):
        return False
    return any(
        a in pair[0] and pair[0].replace(a, b) == pair[1]
        for a, b in ((old, new), (old[0].upper() + old[1:], new[0].upper() + new[1:]),
                     (old[0].lower() + old[1:], new[0].lower() + new[1:]))
    )


#: where a string interpolates a name: C#'s and Python's `{name}`, JavaScript's and Kotlin's
#: `${name}`, Ruby's `#{name}`, PHP's `{$name}` and `$name`
_PLACEHOLDER_OPENING = r"(\$\{|#\{|\{\$?|\$)"


def _interpolated(declared: tuple[str, str], pair: tuple[str, str]) -> bool:
    """Whether two string literals differ only where they interpolate a variable a declared
    rename renames (`_PLACEHOLDER_OPENING`): the string is built from the same value under its
    new name. A name written in the text itself (`"target_issuer_url"`, a column or a
    permission another program reads) is not interpolated and stays data."""
    old, new = declared
    if not all(map(_WORD.fullmatch, declared)):
        return False
    placeholder = re.compile(_PLACEHOLDER_OPENING + re.escape(old) + r"(?!\w)")
    renamed, count = placeholder.subn(lambda m: m.group(1) + new, pair[0])
    return count > 0 and renamed == pair[1]


#: a folder the change moves: the renamed part of its path on each side, and the folders the
#: two paths share after it (`internal/server/auth/method/` -> `internal/server/authn/method/`:
#: `auth`, `authn`, `method`)
_Folder = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def _moved_folders(renamed_files: Sequence[tuple[str, str]]) -> set[_Folder]:
    """The folders the renamed files were moved between (`_Folder`)."""
    found: set[_Folder] = set()
    for old, new in renamed_files:
        before, after = old.split("/")[:-1], new.split("/")[:-1]
        if before == after:
            continue
        shortest = min(len(before), len(after))
        tail = 0
        while tail < shortest and before[-1 - tail] == after[-1 - tail]:
            tail += 1
        head = 0
        while head < shortest - tail and before[head] == after[head]:
            head += 1
        was, now = tuple(before[head:len(before) - tail]), tuple(after[head:len(after) - tail])
        if was and now:  # a folder renamed, not one added or taken out of the path
            found.add((was, now, tuple(before[len(before) - tail:])))
    return found


def _names_folder(a: str, b: str, folders: set[_Folder]) -> bool:
    """Whether two module paths of an import name one folder the change moves
    (`_moved_folders`), as Go imports a package by its folder's path
    (`go.flipt.io/flipt/internal/server/auth/method` when the package's files moved from
    `internal/server/auth/method/` to `internal/server/authn/method/`): each ends with the
    folder's renamed part and what follows it, and what comes before is the same (a module's
    own path, a relative `../`)."""
    old, new = a.split("/"), b.split("/")
    for was, now, shared in folders:
        end_old, end_new = (*was, *shared), (*now, *shared)
        if (len(old) >= len(end_old) and len(new) >= len(end_new)
                and tuple(old[len(old) - len(end_old):]) == end_old
                and tuple(new[len(new) - len(end_new):]) == end_new
                and old[:len(old) - len(end_old)] == new[:len(new) - len(end_new)]):
            return True
    return False


#: the words that make one name another's alias: Ruby's `alias new old`, `alias_method` and
#: Rails' `alias_attribute`, PHP's `class_alias`, a Symfony service's or a route's `alias="old"`
ALIAS_WORDS = ("alias", "alias_method", "alias_attribute", "class_alias")


def aliased_names(line: str) -> frozenset[str]:
    """The names a line makes one, when it gives a name an alias (`ALIAS_WORDS`): its names and
    its string literals' contents (`alias_attribute :whitelist, :allowlist`, `<service
    id="sylius.resolver.tax_rate" alias="sylius.tax_rate_resolver" />`); empty for any other
    line."""
    stream, strings = _line_stream(line)
    if not any(_aliases(stream, strings, at) for at, word in enumerate(stream)
               if word in ALIAS_WORDS):
        return frozenset()
    return frozenset(token for token in stream
                     if token not in ALIAS_WORDS and _WORD.search(token) is not None)


#: what makes an alias word a value's name rather than the statement or the attribute
#: (`const alias = a || b`, `$alias`, `query.alias`)
_NOT_ALIASING = frozenset({".", "$", "->", "::", "const", "let", "var", "val", "def", "function",
                           "fn", "func"})


def _aliases(stream: list[str], strings: list[int], at: int) -> bool:
    """Whether the alias word at `at` of a line's stream gives a name an alias: a statement or
    a call (`alias new old`, `alias_method :new, :old`, `class_alias(A::class, 'B')`) or an
    attribute given a string (`alias="old"`), not a variable named so (`alias = a || b`)."""
    if at and stream[at - 1] in _NOT_ALIASING:
        return False
    return stream[at + 1: at + 2] != ["="] or at + 2 in strings


def renamed_hunks(
    hunks: Sequence[Swaps],
    renamed_files: Sequence[tuple[str, str]],
    aliases: Iterable[frozenset[str]] = (),
) -> set[int]:
    """The indexes of the hunks whose only differences are renames the change makes throughout.

    A rename counts when the change shows where it is made (a definition `def old` -> `def new`,
    `private String old;` -> `private String new;`, Terraform's `variable "old"`, a parameter
    in a function's signature, `def f(old=None)` or PHP's `bool $old`, or a local Go declares
    with `old := v`, as long as no hunk swaps the name as a member of a value, or, for a module
    path in an import, the file renamed, or a Python module's top-level assignment `old = v`
    that another hunk's rename carries out), and every hunk of the change that replaces the old
    name replaces it by the same new one. A rename so declared also renames the names made
    of the old one (`targetIssuer` -> `targetOp`: `getTargetIssuer` -> `getTargetOp`). A
    name replaced the same way in many places without its definition is not enough: a client
    swapped for a safer one (`Faraday.get` -> `SsrfFilter.get`) or a misspelt header name
    corrected in three configurations (`X-Forward-For`) reads the same. A hunk that only
    swaps names so declared does what it did before: `verifyWebhookSignature(req)` ->
    `verifyIntercomWebhookSignature(req)` after the function and its file were renamed. A name
    swapped in one place only (`is_admin` -> `is_staff`) declares nothing and stays a change,
    and so does a hunk that makes two names one. Each hunk is given as what `hunk_swaps` (or
    `Sides.swaps`) found of its lines.

    A rename is declared too where the change keeps the old name as an alias of the new one,
    or gives the old one the new name as an alias (`aliases`: the names each added alias line
    makes one, `aliased_names`): the two name one thing, so a use swapped from one to the other
    does what it did, in a string too (a service's id in a container's configuration).
    """
    paired: dict[int, frozenset[tuple[str, str]]] = {}
    declared: set[tuple[str, str]] = set()
    targets: dict[str, set[str]] = {}
    stems = {(_stem(old), _stem(new)) for old, new in renamed_files}
    folders = _moved_folders(renamed_files)
    quoted: set[tuple[str, str]] = set()
    scoped: set[tuple[str, str]] = set()
    members: set[tuple[str, str]] = set()
    assigned: dict[tuple[str, str], set[int]] = {}
    for index, (pairs, defined, in_strings, in_functions, reached, top_level) in enumerate(hunks):
        if not pairs:
            continue
        paired[index] = pairs
        declared.update(defined)
        for pair in top_level:
            assigned.setdefault(pair, set()).add(index)
        quoted.update(in_strings)
        scoped.update(in_functions)
        members.update(reached)
        declared.update(
            (a, b) for a, b in pairs
            if "/" in a + b and ((_stem(a), _stem(b)) in stems or _names_folder(a, b, folders))
        )
        for a, b in pairs:
            targets.setdefault(a, set()).add(b)
    # a name a Python module assigns at its top level (`old_hook = Hook()`) is defined there,
    # once another hunk carries the rename out (an import, a call, `__all__`): a name renamed
    # only where it is assigned may be one that something else reads by name
    declared.update(
        pair for pair, places in assigned.items()
        if any(pair in pairs for index, pairs in paired.items() if index not in places)
    )
    # each old name replaced by one new name wherever the change replaces it
    candidates = {(a, b) for a, new in targets.items() if len(new) == 1 for b in new}
    declared &= candidates
    aliased = [names for names in aliases if len(names) > 1]
    declared.update(
        (a, b) for a, b in candidates if any(a in names and b in names for names in aliased)
    )
    declared.update(
        pair for pair in candidates - declared - quoted
        if any(_derived(d, pair) for d in declared)
    )
    # a string that names a renamed variable only where it interpolates it (`$"UPDATE
    # {_retryName} SET ..."` -> `{_lockName}`) builds the same text from the same value
    declared.update(
        pair for pair in (candidates & quoted) - declared
        if any(_interpolated(d, pair) for d in declared)
    )
    # a parameter is named where it is passed by name (`f(old=1)`, `f(old: true)`) and a local
    # only inside its function, never as a member of a value (`user.is_admin` ->
    # `user.is_staff` is no parameter's rename) nor inside a string (`$table->string('name')`
    # -> `'type'`: a column another program reads)
    declared.update((scoped & candidates) - members - quoted)
    # two names made one in a hunk (`if pw1 != pw2` -> `if pw != pw`) is no rename, though
    # each is renamed the same way throughout (locals of two functions may take one new name)
    return {
        index for index, pairs in paired.items()
        if len({new for _, new in pairs}) == len(pairs)
        and all(pair in declared or (pair not in quoted and _respelt(*pair)) for pair in pairs)
    }


_LITERAL = compile_lazily(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|`(?:\\.|[^`\\])*`""")
#: a translation call and its key (`t("settings.billing.per_month")`, `__('auth.failed')`)
_TRANSLATED_KEY = compile_lazily(
    r"""(?:\b(?:t|i18n\.t|I18n\.t|\$t|__|_|gettext|ngettext|trans|trans_choice|translate|"""
    r"""formatMessage|lang)\(\s*\{?\s*(?:id:\s*)?)(["'`])[\w.:/-]+\1"""
)
#: a Rails translation looked up by a symbol (`t :currency`, `t(:refund_policy)`,
#: `I18n.t(:discount)`, as a view writes one): the symbol names a message, as a quoted key does
_TRANSLATED_SYMBOL = compile_lazily(
    r"(\b(?:t|translate|I18n\.t|I18n\.translate)(?:\(\s*|[ \t]+)):[A-Za-z_]\w*"
)
#: a translation looked up by a literal key or message alone, no value interpolated into it
#: (`$t('visibility.warning')`, `__('auth.notice')`, `_("Read the <b>terms</b>")`)
_LITERAL_TRANSLATION = (
    r"""(?<![\w.$])(?:\$tc?|t|i18n\.t|I18n\.t|__|_|gettext|trans|trans_choice|@lang|lang|translate)"""
    r"""\(\s*(?:"[^"\\]*"|'[^'\\]*')\s*\)"""
)
#: a translation printed as HTML, unescaped (Vue's `v-html="$t('key')"`, React's
#: `dangerouslySetInnerHTML={{ __html: t('key') }}`, Blade's `{!! __('key') !!}`, ERB's `<%=
#: raw t('key') %>` and `t('key').html_safe`, Django's `mark_safe(_("..."))`, Twig's `{{
#: 'key'|trans|raw }}`, Angular's `[innerHTML]="'key' | translate"`): the HTML is the
#: application's own message (links and emphasis in a sentence), as a template's markup is,
#: not input printed raw. A value passed into the message (`$t('hi', {name})`) keeps it a sink
_RAW_TRANSLATION = compile_lazily(
    rf"""\bv-html\s*=\s*"\s*{_LITERAL_TRANSLATION}\s*"|"""
    rf"""\bdangerouslySetInnerHTML=\{{\{{\s*__html:\s*{_LITERAL_TRANSLATION}\s*,?\s*\}}\}}|"""
    rf"""\{{!!\s*{_LITERAL_TRANSLATION}\s*!!\}}|"""
    rf"""<%=\s*raw\s*\(?\s*{_LITERAL_TRANSLATION}\s*\)?\s*-?%>|<%==\s*{_LITERAL_TRANSLATION}\s*-?%>|"""
    rf"""{_LITERAL_TRANSLATION}\.html_safe\b|\bmark_safe\(\s*{_LITERAL_TRANSLATION}\s*\)|"""
    r"""\{\{\s*(?:"[^"\\]*"|'[^'\\]*')\s*\|\s*trans\s*\|\s*raw\s*\}\}|"""
    r"""\[innerHTML\]\s*=\s*"\s*'[^'\\]*'\s*\|\s*translate\s*\""""
)
#: what a line holds where it may print a translation raw (`_RAW_TRANSLATION`), besides the
#: word `raw` of ERB's `<%= raw` and Twig's `|trans|raw` (`_may_print_raw`)
_RAW_HINTS = ("v-html", "__html", "!!", "<%==", "html_safe", "mark_safe", "innerHTML")
#: a form field's input type that hides what is typed (`type="password"`, `type: 'password'`,
#: `type === "password"`, Lit's and Flutter's `InputType.PASSWORD`/`TextInputType.
#: visiblePassword`): how a field shows its value, what a template's markup says, never what
#: the server does with it. Only the key `type` itself (OAuth's `grant_type: "password"` is a
#: grant the server accepts)
_PASSWORD_INPUT = compile_lazily(
    r"""(?<![\w$.-])type\s*(?:=|:|===?|!==?)\s*(["'])password\1|"""
    r"""\b(?:Text)?InputType\.(?:PASSWORD|Password|password|visiblePassword)\b"""
)
#: what each match of `_PASSWORD_INPUT` holds, of one of its forms: the quoted word, or the
#: enum's name (`password` alone is everywhere a login is: on bench/analysis.py's "bundle"
#: shape, whose 100-900 kB lines all hold it and none a field's type, the search was 0.23 s)
_PASSWORD_HINTS = ('"password"', "'password'", "InputType.")
#: a string given as a description or a summary (`Description = "Unauthorized"`, `@Operation(
#: summary = "Refund a payment")`, Django's `help_text="..."`), the key quoted or not: text for
#: people, however few its words
_DESCRIBED = compile_lazily(
    r"""(?i)(\b(?:description|summary|help_?text)["']?\s*(?:=|:|=>)\s*)"""
    r"""(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')"""
)


#: a data file's entry whose value is text for people (a form field's `hint`, `placeholder` or
#: `tooltip`, a `description`, a `summary`, a `help` text), its value quoted or not (`hint: e.g.
#: https://HOST/realms/REALM/protocol/openid-connect/auth`, `description: Grants read access`).
#: What a settings page or a generated document shows beside a field, never what the program
#: reads; a value on the lines below (`description: |`) is left as it is
_DESCRIBED_ENTRY = compile_lazily(
    r"""(?i)(\s*(?:-\s+)?["']?(?:description|summary|hint|help|help_?text|placeholder|"""
    r"""tooltip)["']?\s*:\s+)(?![|>][-+]?\s*$)\S.*"""
)


def without_described_values(lines: Sequence[str]) -> list[str]:
    """A data file's lines (YAML's) with the values of the entries that describe a field for
    people (`_DESCRIBED_ENTRY`) blanked out: a hunk that only rewords them is copy."""
    return [
        line if ":" not in line or (found := _DESCRIBED_ENTRY.match(line)) is None
        else found.group(1) + '""' + line[found.end():]
        for line in lines
    ]


#: Elixir's source files (`mix format` runs over them)
ELIXIR = compile_lazily(r"\.exs?$")
#: a remote call of a module's zero-arity function written with its empty brackets
#: (`String.t()`, `Stripe.Rule.t()`, `GBits.plug_option()`): the module an alias, capitalised.
#: In Elixir `Alias.name` and `Alias.name()` are the same call (a type in a typespec, a function
#: elsewhere), and `mix format` writes the brackets. Not a variable's `map.key`, a field read
#: that the brackets would make a call of another thing
_EMPTY_REMOTE_CALL = compile_lazily(r"\b([A-Z]\w*(?:\.[A-Z]\w*)*\.[a-z_]\w*[?!]?)\(\)")


def without_empty_remote_calls(lines: Sequence[str]) -> list[str]:
    """An Elixir file's lines with a module's zero-arity calls written without their empty
    brackets (`_EMPTY_REMOTE_CALL`: `String.t()` -> `String.t`): a hunk `mix format` only gave
    the brackets to is re-formatting."""
    return [line if "()" not in line else _EMPTY_REMOTE_CALL.sub(r"\1", line) for line in lines]


#: a link to pages written for people: a documentation, help or support site, a wiki, or such a
#: folder of a site (`https://help.example.com/en/articles/123-what-are-invoices`,
#: `https://example.com/docs/billing/refunds`). The words of its path are a page's title, not
#: an endpoint a program calls (`https://api.stripe.com/v1/refunds` stays code)
_DOCS_LINK = compile_lazily(
    r"https?://(?:(?:docs?|help|support|wiki|kb|learn)\.[\w.-]+|[\w.-]+(?::\d+)?(?:/[^\s/]*)*?"
    r"/(?:docs?|help|wiki|articles|guides?|kb|knowledge-base)/)[^\s]*"
)
#: an element's tag in markup (`<p>`, `<a href="..." title="...">`, `</p>`, `<br/>`), not a
#: template's own tags (`<%= ... %>`, `<?php`) nor a comparison (`a < b`)
_TAG = compile_lazily(r"<[A-Za-z/!][^<>]*>")
#: what a template runs between an element's tags and a sentence does not hold: a directive
#: of Blade or Razor (`@csrf`, `@method('DELETE')`, `@can`, `@Html.AntiForgeryToken()`), or a
#: call (`csrf_field()`). `<form>@csrf Send it</form>` losing its `@csrf` is code changed; a
#: handle in a sentence (`Ask @billing on Slack`) is not a directive
_TEMPLATE_CODE = compile_lazily(
    r"(?:^|\s)@(?:csrf|method|can|cannot|canany|auth|guest|role|hasrole|if|unless|isset|"
    r"include|php|error|Html|Url|Model|model|Json)\b|\w\(")


#: a name quoted in a sentence between an element's tags (`Did you install
#: "web-token/jwt-signature"?`, `Edit 'config/app.yml' first`): a package, a file, a command
#: named for the reader. Between tags the quotes are characters the page shows, not a string a
#: program reads (the template's expressions are `_TEMPLATE_CODE`'s, or braces `_prose`
#: refuses), so the sentence is read with the name as a word
_QUOTED_NAME = compile_lazily(r"""(["'])([A-Za-z@.][\w@./:+-]{0,63})\1""")
#: a run of letters and digits as long as a key's or a token's (`sk_live_4eC39HqLyjWDarjtT1z`):
#: a quoted value holding one may be a secret the page prints, and stays what it is
_KEY_LIKE = compile_lazily(r"[A-Za-z0-9]{16,}")


def _named(match: re.Match[str]) -> str:
    """A quoted name (`_QUOTED_NAME`) as one word of its sentence, unless it looks like a key."""
    name = match.group(2)
    if _KEY_LIKE.search(name) and not name.isalpha():
        return match.group(0)
    return "name"


def _without_text_nodes(line: str) -> str:
    """A markup line with the text between its elements' tags blanked out where it is prose
    (`_prose`): a paragraph's sentences are what the page says, not what it does. The tags and
    their attributes (a form's `action`, an input's `name`) and the template's expressions stay:
    text with `{{ }}`, `<%= %>`, `=`, a directive or a call (`_TEMPLATE_CODE`) in it is no
    prose."""
    tags = list(_TAG.finditer(line))
    if not tags:
        return line
    out: list[str] = []
    start = 0
    for tag in [*tags, None]:
        end = tag.start() if tag is not None else len(line)
        text = line[start:end]
        prose = text.strip() and not _TEMPLATE_CODE.search(text) and _prose(
            _QUOTED_NAME.sub(_named, text.strip()) if '"' in text or "'" in text else text.strip()
        )
        out.append(" " if prose else text)
        if tag is not None:
            out.append(tag.group(0))
            start = tag.end()
    return "".join(out)


def _may_print_raw(line: str) -> bool:
    """Whether a line holds what each match of `_RAW_TRANSLATION` holds, of one of its
    forms: `raw` alone is no hint (`draw`, `rawBody`, a minified bundle's every line), only
    beside ERB's `<%=` or Twig's `trans`. On bench/analysis.py's "bundle" shape, whose 100-900
    kB lines all hold `raw` and none a translation printed raw, the search was 0.25 s of CPU."""
    return any(hint in line for hint in _RAW_HINTS) or (
        "raw" in line and ("<%=" in line or "trans" in line))


def without_copy(line: str, *, markup: bool = False) -> str:
    """The line with the text written for people blanked out: string literals of prose (labels,
    help texts, log and error messages), the keys of translation calls and what is given as a
    description or a summary (`_DESCRIBED`, `Description = "Unauthorized"`), the symbol of a Rails
    translation (`_TRANSLATED_SYMBOL`, `t :currency`), links to
    documentation (`_DOCS_LINK`: a help article's title in its path), and in a template or
    a component (`markup`) the prose between its elements' tags (`_without_text_nodes`). A
    sensitive word there is copy (`"Occurs whenever a payout is confirmed"`,
    `t("settings.billing.per_year")`, `<p>... FIDO compatible credit cards ...</p>`); the code
    around it (`raise PermissionDenied(...)`, `log.warn(...)`) still counts, as do strings that
    are data (`"Stripe-Signature"`, `{"password": ...}`, SQL, a CSP)."""
    if _may_print_raw(line):
        line = _RAW_TRANSLATION.sub('""', line)
    if any(hint in line for hint in _PASSWORD_HINTS):
        line = _PASSWORD_INPUT.sub('""', line)
    if markup and "<" in line:
        line = _without_text_nodes(line)
    if "t :" in line or "t(:" in line or "te :" in line or "te(:" in line:
        line = _TRANSLATED_SYMBOL.sub(r'\1""', line)
    if '"' not in line and "'" not in line and "`" not in line:
        return line
    line = _TRANSLATED_KEY.sub(lambda m: m.group(0)[: m.start(1) - m.start(0)] + '""', line)
    line = _DESCRIBED.sub(lambda m: m.group(1) + '""', line)
    return _LITERAL.sub(lambda m: '""' if _copy(m.group(0)[1:-1]) else m.group(0), line)


def _copy(text: str) -> bool:
    """Whether a string literal's text is for people: prose, or a link to documentation."""
    return _prose(text) or (text.startswith("http") and _DOCS_LINK.fullmatch(text) is not None)


#: an import that brings one name into scope by its qualified name: PHP's `use A\\B\\C;` (a
#: global class's `use SensitiveParameter;` too), Java's, Kotlin's and Scala's `import a.b.C`,
#: Python's `from a.b import C, D`; and C#'s `using A.B;`, which brings every name of a
#: namespace. An alias (`use A\\B as C`, `import x as y`) and a static or wildcard import are
#: left out: the short name is not the qualified one's last part
_QUALIFYING_IMPORT = compile_lazily(
    r"\s*use\s+\\?((?:[A-Za-z_]\w*\\)*[A-Za-z_]\w*)\s*;\s*"
    r"|\s*import\s+((?:[a-z_]\w*\.)+[A-Z]\w*)\s*;?\s*"
    r"|\s*from\s+([A-Za-z_][\w.]*)\s+import\s+([A-Za-z_]\w*(?:\s*,\s*[A-Za-z_]\w*)*)\s*"
    r"|\s*using\s+([A-Z]\w*(?:\.[A-Z]\w*)*)\s*;\s*"
)


def imported_qualifiers(imports: Iterable[str]) -> tuple[re.Pattern[str], ...]:
    """For import lines, the patterns of the qualified spellings they let a file shorten: PHP's
    `\\A\\B\\C` (fully qualified, with its leading separator) for `use A\\B\\C;`, `a.b.C` for
    Java's `import a.b.C;`, `a.b.C` for Python's `from a.b import C`, and `A.B.` before a
    capitalised name for C#'s `using A.B;`. Each pattern's match is the part to drop."""
    found: list[re.Pattern[str]] = []
    for line in imports:
        match = _QUALIFYING_IMPORT.fullmatch(line)
        if match is None:
            continue
        php, java, module, names, namespace = match.groups()
        if php is not None:
            *space, name = php.split("\\")
            qualifier = "".join("\\" + part for part in space) + "\\"
            found.append(re.compile(rf"(?<![\w\\]){re.escape(qualifier)}(?={name}\b)"))
        elif java is not None:
            qualifier, _, name = java.rpartition(".")
            found.append(re.compile(rf"(?<![\w.]){re.escape(qualifier)}\.(?={name}\b)"))
        elif module is not None and names is not None:
            alternatives = "|".join(re.escape(name.strip()) for name in names.split(","))
            found.append(re.compile(rf"(?<![\w.]){re.escape(module)}\.(?=(?:{alternatives})\b)"))
        elif namespace is not None:
            found.append(re.compile(rf"(?<![\w.]){re.escape(namespace)}\.(?=[A-Z]\w*\b)"))
    return tuple(found)


def without_imported_qualifiers(lines: Sequence[str], imports: Iterable[str]) -> list[str]:
    """The lines with a name's qualifier dropped where the file imports the name (`imports`,
    the import lines the same change adds): `#[\\SensitiveParameter]` beside an added `use
    SensitiveParameter;` is `#[SensitiveParameter]`, `java.util.List<String>` beside `import
    java.util.List;` is `List<String>`. The same class either way, as PHP-CS-Fixer's
    `fully_qualified_strict_types` and IntelliJ's "shorten FQ names" write it; without the import
    the short name would resolve elsewhere (PHP's current namespace), so nothing is dropped."""
    return without_qualifiers(lines, imported_qualifiers(imports))


def without_qualifiers(lines: Sequence[str], patterns: Sequence[re.Pattern[str]]) -> list[str]:
    """The lines with the qualifiers `imported_qualifiers` gave dropped (`patterns`, worked out
    once for a file's imports), as `without_imported_qualifiers` drops them."""
    if not patterns:
        return list(lines)
    out = []
    for line in lines:
        for pattern in patterns:
            line = pattern.sub("", line)
        out.append(line)
    return out
