"""Lines of a deployment's configuration that describe it rather than change what it deploys.

A Helm chart's `Chart.yaml` carries its release metadata beside what it deploys: a chart
repository bumps `version:` and writes its changelog into `annotations:`
(`artifacthub.io/changes`) in every pull request, so a docs-only change of a chart would be
critical infrastructure through `**/Chart.yaml`, and the changelog's words ("the admin
password") evidence of their own. A Terraform module declares its interface beside its
resources: an `output` block publishes a value, a variable's `description` documents it, and the
`terraform` block's provider requirements say which providers it is written for. None of these
changes what is deployed. A chart's `appVersion`, `dependencies` or `kubeVersion`, a variable's
type, default or validation, an output made or unmade `sensitive`, a `backend` and every
resource still count. A Django migration whose operations only alter a model's options or
managers (`AlterModelOptions`: ordering, verbose names) changes Django's record of the models,
not the database; in one with other operations, a change of the same options inside a model's
`options={...}` (`'permissions': ...` dropped from a `CreateModel`) is metadata too, and every
other line counts (`db_table`, `unique_together`, `managed`, the fields). A GitHub Actions
workflow's step that moves a pinned action to another version (`uses: actions/setup-java@<sha>
# v5` to another commit of the same action, as Dependabot and Renovate write it) updates a
dependency, as a lock file does: the action it names, a pin to a commit given up for a tag or
branch, a tag moved to a branch and a new major version (`@v3` to `@v4`) still count. A CI
configuration's lines that only list, by its name, the versions of a toolchain its jobs build
and test on (a build matrix's `ruby: ["3.1", "3.2"]` and its exclusions) say which toolchains
the tests run on; its runners, images, steps, environment and the versions it
publishes still count.
An API's documentation written in its code
describes the endpoints for the OpenAPI document a library generates: swagger-core's and
springdoc's annotations (`@Operation`, `@ApiResponse`, `@Schema`, Swagger 2's `@ApiOperation`,
`@ApiModelProperty`), NestJS's (`@ApiProperty`, `@ApiBearerAuth`), Swashbuckle's and ASP.NET's
attributes (`[SwaggerOperation]`, `[ProducesResponseType]`), drf-spectacular's and drf-yasg's
decorators (`@extend_schema`), swagger-php's `#[OA\\...]` and the annotations it reads in a
docblock (`* @OA\\Post(`, Swagger 2's `* @SWG\\Get(`, each docblock line read without its
leading `*`), each with the lines its brackets hold; the statements that build the document's
security schemes (Swashbuckle's `AddSecurityDefinition`, `AddSecurityRequirement` and filters,
an `OpenApiSecurityScheme`, swagger-core's `new SecurityScheme()` and the calls chained on it,
`addSecuritySchemes`, NestJS's `new DocumentBuilder()`, swagger-core's `new
SwaggerConfiguration()`); a Java or Kotlin line of a
signature that only swaps its parameters' annotations (`@ApiParam(required=true) @QueryParam(..)
UUID id` -> `@Parameter(required = true) @QueryParam(..) UUID id`, paired with the line it
replaces); and the imports of those libraries. What callers must send is decided
where requests are authenticated, which still counts; so does any other line of the file.
A Go struct's field whose tag only gains, loses or rewords documentation for the JSON Schema or
OpenAPI document a library builds from it (Huma's `doc`, swaggo's `example` and `swaggertype`,
JSON Schema's annotations `description`, `title`, `readOnly`, `writeOnly`, `deprecated`), its
name, type and every other key of its tag (`xorm:"..."`, `gorm:"..."`, `json:"..."`,
`validate:"..."`) unchanged, is metadata on both sides; a field whose ORM or JSON tag changes
too still counts.
A Ruby class that runs its lazy load hooks (`ActiveSupport.run_load_hooks :pay_charge,
Pay::Charge`, as Rails' own classes and engines end theirs) only announces that it is loaded, so
that the blocks an application registers for that name (`ActiveSupport.on_load(:pay_charge)`)
run then: the class does what it did, and what a hook's block does is counted where it is
registered.

Read from the hunk alone, with no file contents: the top-level key or block a changed line is
in is the nearest line above it at column 0 among the hunk's lines, or else the hunk header,
where git names the last such line before the hunk (its default function-name rule takes a
line that starts with a letter). A line whose block the hunk does not show counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from bot.analysis.diff import NO_LINES, Diff, Hunk, places
from bot.analysis.enclosing import indentation
from bot.analysis.lazyre import compile_lazily

__all__ = ["MetadataLines"]

#: a Django migration module (`app/migrations/0004_alter_token_options.py`) and the operations
#: it names (`migrations.AlterModelOptions(`; `migrations.Migration` is its class's base)
_DJANGO_MIGRATION = compile_lazily(r"(^|/)migrations/\d{4}_\w+\.py$")
_OPERATION = compile_lazily(r"\bmigrations\.(\w+)\(")
#: operations that change only Django's state of the models, never the database
_STATE_ONLY = frozenset({"AlterModelOptions", "AlterModelManagers"})
#: the model options those operations carry (Django's `AlterModelOptions.ALTER_OPTION_KEYS`
#: but `managed`, which decides whether a later migration creates the table)
_STATE_OPTIONS = frozenset({
    "ordering", "permissions", "default_permissions", "verbose_name", "verbose_name_plural",
    "get_latest_by", "default_related_name", "base_manager_name", "default_manager_name",
    "select_on_save",
})
#: every option of a model (Django's "Model Meta options"), as a migration records them
_MODEL_OPTIONS = _STATE_OPTIONS | {
    "db_table", "db_table_comment", "db_tablespace", "unique_together", "index_together",
    "indexes", "constraints", "managed", "abstract", "proxy", "swappable", "app_label",
    "order_with_respect_to", "required_db_features", "required_db_vendor",
}
#: a model's options in a migration (`options={`), an option's key (`'ordering':`)
_OPTIONS = compile_lazily(r"(\s*)options\s*=\s*\{(.*)")
_OPTION_KEY = compile_lazily(r"""["'](\w+)["']\s*:""")
#: a workflow or a composite action, and a step's `uses:` of an action at a commit or a
#: version tag (`v4`, `4.1.7`; not a branch), a trailing comment (`# v5`) aside
_WORKFLOW = compile_lazily(r"(^|/)\.github/(workflows/[^/]+|actions/.+/action)\.ya?ml$")
_USES = compile_lazily(
    r"""\s*(-\s+)?uses:\s*["']?([\w.-]+/[\w./-]+)@(?:([0-9a-f]{40})|(v?\d+(?:\.\d+)*))["']?"""
    r"""\s*(#.*)?\s*"""
)
#: a CI service's configuration: GitHub Actions' workflows, Travis CI's, CircleCI's, GitLab CI's
_CI_CONFIG = compile_lazily(
    r"(^|/)(\.github/workflows/[^/]+|\.travis|\.circleci/config|\.gitlab-ci)\.ya?ml$"
)
#: a line of a CI configuration's build matrix that only lists the versions of a toolchain
#: or a database to test on, keyed by its name (`ruby: ["3.1", "3.2"]`, `- ruby: "ruby-4.0"`,
#: `gemfile: "rails-5.2"`, `postgres: ["14.1", "16.2"]`): a version has two or three numbers
#: (or `x`), an optional name before it (`jruby-9.4`, `rails-8.0`) and a suffix after it
#: (`2.25.0-pg17`). Only those names: any other key (`branches:` that trigger the workflow,
#: a tool's `cosign-release:` or `terraform_version:`, `min_tls:`, the `default:` a release
#: publishes), a bare list item (a branch `- 1.2.x` reads as a version) and a setup step's
#: `node-version:` still count, whatever their value
_VERSION = (r"""["']?(?:[A-Za-z][A-Za-z0-9]*[-_])?v?\d+(?:\.(?:\d+|x|\*)){1,2}"""
            r"""(?:[-+][A-Za-z0-9.]+)?["']?""")
_TOOLCHAIN = (r"(?:ruby|rails|gemfile|node|node_js|nodejs|python|php|go|golang|java|jdk|rust|"
              r"elixir|otp|erlang|dotnet|scala|kotlin|deno|bun|perl|crystal|dart|flutter|swift|"
              r"postgres|postgresql|mysql|mariadb|redis|mongodb)")
_VERSIONS_LINE = compile_lazily(
    rf"\s*(?:-\s+)?{_TOOLCHAIN}:\s*(?:{_VERSION}|\[\s*{_VERSION}(?:\s*,\s*{_VERSION})*"
    r"\s*,?\s*\])\s*(?:#.*)?"
)
#: a list's item that is a version alone (`- 2.3`, `- "1.24.x"`), and a key that opens a list of
#: a toolchain's versions: the names above and Travis CI's own keys for them (`rvm:`,
#: `otp_release:`, `mono:`, `julia:`), as `_VERSIONS_LINE` reads them (a setup step's
#: `go-version:` is none). The item is read with the key it is under
#: (`_listed_under_toolchain`): a bare list's version may be a branch's name (`- 1.2.x` under
#: `branches:`)
_VERSION_ITEM = compile_lazily(rf"(\s*)-\s+{_VERSION}\s*(?:#.*)?")
_TOOLCHAIN_LIST = compile_lazily(rf"(\s*)(?:{_TOOLCHAIN}|rvm|otp_release|mono|julia):\s*(?:#.*)?")
#: the version a pinned commit's trailing comment names (`# v5`, `# 4.1.7`, `# tag=v4`)
_COMMENTED_VERSION = compile_lazily(r"#\s*(?:tag\s*[=:]\s*)?(v?\d+(?:\.\d+)*)\b")
_CHART = compile_lazily(r"(^|/)Chart\.ya?ml$")
#: source files in the languages whose OpenAPI libraries read annotations, attributes or
#: decorators (`_API_DOCS`), and those where swagger-core's OpenAPI 3 names are its own
#: (`@Schema` in TypeScript is Mongoose's)
_API_DOCS_FILE = compile_lazily(r"\.(java|kt|cs|ts|js|mjs|py|php)$")
_JVM_FILE = compile_lazily(r"\.(java|kt)$")
_PHP_FILE = compile_lazily(r"\.php$")
#: a docblock line's leading star (not the `*/` that closes it): a PHP line is read without it,
#: so that swagger-php's annotations in a docblock are read as its attributes are
_DOCBLOCK_STAR = compile_lazily(r"\s*\*(?!/)")
#: a line that starts documenting an endpoint or a model for the OpenAPI document: an
#: annotation of Swagger 2's or NestJS's `@Api*`, an attribute of Swashbuckle, NSwag or ASP.NET's
#: API explorer, a drf-spectacular or drf-yasg decorator, a swagger-php attribute or docblock
#: annotation (`@OA\\Post(` once its line's star is taken off); or a statement that builds the
#: document's security schemes (Swagger 2's models too:
#: `swagger.addSecurityDefinition`, `new ApiKeyAuthDefinition(...)`); or an import of one of those
#: libraries
_API_DOCS = compile_lazily(
    r"\s*(?:"
    r"@Api(?:[A-Z]\w*)?\b(?!\s*[.:=])"
    r"|\[\s*(?:SwaggerOperation|SwaggerResponse|SwaggerSchema|SwaggerTag|SwaggerParameter|"
    r"SwaggerRequestBody|ProducesResponseType|OpenApiOperation|OpenApiTag|EndpointSummary|"
    r"EndpointDescription|ApiExplorerSettings)\b"
    r"|@(?:extend_schema\w*|swagger_auto_schema)\b"
    r"|#\[\s*OA\\"
    r"|@(?:OA|SWG)\\\w+"
    r"|.*\b(?:[Aa]ddSecurityDefinition|AddSecurityRequirement)\s*\("
    r"|.*\b(?:Operation|Document|Schema)Filter\s*<"
    r"|.*\bnew\s+(?:OpenApiSecurityScheme|OpenApiSecurityRequirement|SecurityScheme|"
    r"SecurityRequirement|DocumentBuilder|ApiKeyAuthDefinition|BasicAuthDefinition|"
    r"OAuth2Definition|SwaggerConfiguration)\b\s*(?:[({]|$)"
    r"|.*\.(?:addSecuritySchemes|addSecurityItem)\s*\("
    r"|(?:import|using|from)\s+(?:static\s+)?(?:io\.swagger\.|org\.springdoc\.|Swashbuckle\.|"
    r"Microsoft\.OpenApi\b|NSwag\.|drf_spectacular\b|drf_yasg\b)"
    r"|import\s.*\bfrom\s+[\"']@nestjs/swagger[\"']"
    r"|use\s+(?:OpenApi|Swagger)\\"
    r")"
)
#: swagger-core's OpenAPI 3 annotations (springdoc's too), in Java and Kotlin
_JVM_API_DOCS = compile_lazily(
    r"\s*@(?:Operation|ApiResponses?|Schema|ArraySchema|ExampleObject|Tag|SecurityRequirements?|"
    r"SecuritySchemes?|OpenAPIDefinition|SwaggerDefinition)\b(?!\s*[.:=])"
)
#: a substring every line `_API_DOCS` or `_JVM_API_DOCS` starts holds: a hunk holding none is
#: not read line by line (most hunks of most files)
_API_DOCS_HINTS = (
    "@Api", "wagger", "OpenApi", "OpenAPI", "SecurityScheme", "SecurityRequirement",
    "ecurityDefinition", "extend_schema", "OA\\", "ProducesResponseType", "EndpointSummary",
    "EndpointDescription", "ApiExplorer", "DocumentBuilder", "AuthDefinition", "Filter<",
    "@Operation", "@Schema", "@ArraySchema", "@ExampleObject", "@Tag", "drf_", "springdoc",
    "NSwag", "@Parameter", "SwaggerConfiguration", "SWG\\",
)
#: swagger-core's and Swagger 2's annotations of a method's parameter, with what their brackets
#: hold (strings taken out first): a signature's line that only swaps them declares the same
#: parameters
_PARAMETER_DOCS = compile_lazily(r"@(?:ApiParam|Parameter|Schema|ApiModelProperty|Hidden)\b\s*")
#: brackets, outside strings, that open and close what an annotation or a statement holds
_OPENING, _CLOSING = "([{", ")]}"
_QUOTED = compile_lazily(r""""(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'""")
#: a bracketed group holding no other, and what may follow an annotation or a statement on its
#: line: more annotations (their groups taken out), separators
_GROUP = compile_lazily(r"\([^()\[\]{}]*\)|\[[^()\[\]{}]*\]|\{[^()\[\]{}]*\}")
_TRAILING = compile_lazily(r"(?:\s*(?:@[\w.]+|[,;)\]}]))*\s*")


def _without_parameter_docs(code: str) -> str:
    """A line of code (strings taken out) without the OpenAPI annotations of parameters it holds
    (`_PARAMETER_DOCS`, each with its bracketed arguments), its spaces closed up."""
    while (found := _PARAMETER_DOCS.search(code)) is not None:
        end = found.end()
        if code[end:end + 1] == "(":
            depth = 0
            for at in range(end, len(code)):
                depth += (code[at] == "(") - (code[at] == ")")
                if depth == 0:
                    end = at + 1
                    break
            else:
                return code  # its brackets close on another line
        code = code[:found.start()] + code[end:]
    return "".join(code.split())


def _depth(code: str) -> int:
    return sum(map(code.count, _OPENING)) - sum(map(code.count, _CLOSING))


def _documenting(code: str, depth: int, start: int = 0) -> tuple[bool, int]:
    """Whether a line (strings taken out) inside an annotation or a statement that documents
    the API, read from `start` (where the annotation's name or the call ends) `depth` brackets
    deep, holds nothing else: what follows where those brackets first all close is only more
    annotations or separators (`@Schema(...) private String password;` declares a field). And
    the depth where the line ends."""
    rest: str | None = None
    for at, char in enumerate(code[start:], start):
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth -= 1
            if depth <= 0 and rest is None:
                rest = code[at + 1:]
    if rest is None:
        return True, depth  # still inside, or an annotation without brackets (`@Hidden`)
    while True:
        shorter = _GROUP.sub("", rest)
        if shorter == rest:
            break
        rest = shorter
    return _TRAILING.fullmatch(rest) is not None, depth


#: a Go struct's field with a tag: its names (none for an embedded field), its type, its tag (a
#: raw string) and a comment after it
_GO_FIELD = compile_lazily(
    r"\s*((?:[A-Za-z_]\w*\s*,\s*)*[A-Za-z_]\w*\s+)?([*\[\]\w.{}]+(?:\[[\w.,\s*]+\])?)"
    r"\s+`([^`]*)`\s*(//.*)?"
)
#: a tag's `key:"value"` pairs, as Go's reflect.StructTag reads them
_GO_TAG_PAIR = compile_lazily(r'\s*([^\s:"]+):"((?:\\.|[^"\\])*)"')
#: the keys of a field's tag that only document it in the schema a library builds from the
#: struct: Huma's `doc`, swaggo's `example`, `swaggertype` and `swaggerignore`, JSON Schema's
#: meta-data annotations (which no validator enforces), invopop/jsonschema's description
_GO_DOC_TAGS = frozenset({
    "doc", "description", "title", "example", "examples", "readOnly", "writeOnly",
    "deprecated", "swaggertype", "swaggerignore", "jsonschema_description",
})
#: a substring of a hunk whose field tags may change only in those keys
_GO_DOC_HINTS = tuple(f'{key}:"' for key in sorted(_GO_DOC_TAGS))


def _go_tag(tag: str) -> dict[str, str] | None:
    """A Go field's tag as its keys' values, or None when it is not written as
    `key:"value"` pairs."""
    pairs: dict[str, str] = {}
    at = 0
    while at < len(tag):
        found = _GO_TAG_PAIR.match(tag, at)
        if found is None:
            return None if tag[at:].strip() else pairs
        pairs[found[1]] = found[2]
        at = found.end()
    return pairs


def _go_field(text: str) -> tuple[tuple[str, str], dict[str, str]] | None:
    """A changed line that declares a struct's field with a tag: (its names and type, its
    tag's keys), or None."""
    found = _GO_FIELD.fullmatch(text.rstrip("\n"))
    if found is None:
        return None
    tag = _go_tag(found[3])
    if tag is None:
        return None
    return (" ".join((found[1] or "").replace(",", " ").split()), found[2]), tag


_TERRAFORM = compile_lazily(r"\.tf$")
_GO_FILE = compile_lazily(r"\.go$")
_RUBY_FILE = compile_lazily(r"\.rb$")
#: a statement that runs a name's lazy load hooks with a class or `self`, the whole line
_LOAD_HOOK_ARGUMENTS = r":\w+\s*,\s*(?:self|(?:::)?[A-Z]\w*(?:::[A-Z]\w*)*)"
_LOAD_HOOKS = compile_lazily(
    r"\s*ActiveSupport\.run_load_hooks"
    rf"(?:\(\s*{_LOAD_HOOK_ARGUMENTS}\s*\)|\s+{_LOAD_HOOK_ARGUMENTS})\s*"
)

#: a chart's keys that name, describe and version the chart itself
_CHART_METADATA = frozenset({
    "version", "description", "annotations", "maintainers", "keywords", "home", "sources",
    "icon", "deprecated",
})
#: a YAML top-level key, and an HCL top-level block (its type)
_YAML_KEY = compile_lazily(r"([\w./-]+)\s*:")
_HCL_BLOCK = compile_lazily(r"([A-Za-z_][\w-]*)\b")
#: a heredoc's opening (`<<-EOT`, `<<EOF`): what follows up to its tag is one string
_HEREDOC = compile_lazily(r"<<-?\s*\"?([A-Za-z_]\w*)\"?\s*$")
_DESCRIPTION = compile_lazily(r"\s*description\s*=")
_SENSITIVE = compile_lazily(r"\s*sensitive\s*=")
#: what a `terraform` block says of the providers a module is written for (not `backend` or
#: `cloud`: where its state lives)
_REQUIREMENT = compile_lazily(
    r"""\s*(required_version\s*=.*|required_providers\s*\{|[\w-]+\s*=\s*\{|"""
    r"""(source|version|configuration_aliases|module_name)\s*=.*|"""
    r"""provider_meta\s+"[\w-]+"\s*\{|user_agent\s*=\s*\[?|"[^"]*"\s*,?|[\]}]+\s*,?)\s*"""
)

#: (block or key, line text, whether it is inside a description's heredoc) -> metadata
_Rule = Callable[[str, str, bool], bool]


def _chart(key: str, text: str, described: bool) -> bool:
    return key in _CHART_METADATA


def _terraform(block: str, text: str, described: bool) -> bool:
    if block == "output":
        return not _SENSITIVE.match(text)
    if block == "variable":
        return described or bool(_DESCRIPTION.match(text))
    if block == "terraform":
        return bool(_REQUIREMENT.fullmatch(text))
    return False


def _rule(path: str) -> tuple[_Rule, re.Pattern[str]] | None:
    if _CHART.search(path):
        return _chart, _YAML_KEY
    if _TERRAFORM.search(path):
        return _terraform, _HCL_BLOCK
    return None


class _Side:
    """Where one side of a hunk is: the line number, the enclosing top-level block, and the
    heredoc it is in (its tag, and whether it is a description)."""

    def __init__(self, line: int, block: str) -> None:
        self.line = line
        self.block = block
        self.heredoc: str | None = None
        self.described = False

    def read(self, text: str, opener: re.Pattern[str]) -> None:
        """Take in a line of this side: a new top-level block, or a heredoc opened or closed."""
        if self.heredoc is not None:
            if text.strip() == self.heredoc:
                self.heredoc, self.described = None, False
            return
        if text[:1].isalpha() or text[:1] == "_":
            found = opener.match(text)
            self.block = found[1] if found else ""
        heredoc = _HEREDOC.search(text)
        if heredoc is not None:
            self.heredoc, self.described = heredoc[1], bool(_DESCRIPTION.match(text))


class MetadataLines:
    """The changed lines of a diff that only describe a chart or a module (as the module's
    docstring says), asked file by file and worked out once per file."""

    def __init__(self, diff: Diff) -> None:
        self.diff = diff
        self._files: dict[int, frozenset[tuple[str, int]]] = {}

    def of(self, index: int) -> frozenset[tuple[str, int]]:
        """The (side, line) of each changed line of a file that is metadata."""
        found = self._files.get(index)
        if found is None:
            found = self._files[index] = self._work_out(index)
        return found

    def line(self, index: int, side: str, line: int) -> bool:
        """Whether a changed line of a file is metadata (a hunk header never is)."""
        return side != "header" and (side, line) in self.of(index)

    def hunk(self, index: int, number: int, substantive: Callable[[str], bool]) -> bool:
        """Whether every `substantive` changed line of a hunk is metadata (and it has one)."""
        found = self.of(index)
        if not found:
            return False
        lines = [item for item in self.diff.hunks(index)[number].lines
                 if substantive(item.text)]
        return bool(lines) and all((i.side, i.line) in found for i in lines)

    def _work_out(self, index: int) -> frozenset[tuple[str, int]]:
        path = self.diff.files[index].path
        if _DJANGO_MIGRATION.search(path):
            return self._state_only(index)
        ci, workflow = _CI_CONFIG.search(path), _WORKFLOW.search(path)
        if ci or workflow:
            return ((self._versions_listed(index) if ci else NO_LINES)
                    | (self._action_bumps(index) if workflow else NO_LINES))
        if _API_DOCS_FILE.search(path):
            return self._api_docs(index)
        if _GO_FILE.search(path):
            return self._go_field_docs(index)
        if _RUBY_FILE.search(path):
            return self._load_hooks(index)
        rule = _rule(path)
        if rule is None:
            return NO_LINES
        metadata, opener = rule
        found: set[tuple[str, int]] = set()
        for number, hunk in enumerate(self.diff.hunks(index)):
            header = hunk.header.text if hunk.header is not None else ""
            start = opener.match(header)
            block = start[1] if start else ""
            sides = {"-": _Side(hunk.starts[0], block), "+": _Side(hunk.starts[1], block)}
            for row in self.diff.hunk_rows(index, number):
                marker, text = row[:1], row[1:]
                for at in ("-", "+") if marker == " " else (marker,) if marker in sides else ():
                    side = sides[at]
                    # a heredoc's closing tag is still inside it
                    described = side.described
                    side.read(text, opener)
                    if marker != " " and side.block and metadata(
                        side.block, text, described or side.described
                    ):
                        found.add(("old" if at == "-" else "new", side.line))
                    side.line += 1
        return places(found)

    def _state_only(self, index: int) -> frozenset[tuple[str, int]]:
        """Every changed line of a Django migration when the operations its hunks show (their
        unchanged lines and headers too) are all state-only, and there is one; else its changes
        of state-only options (`_options`)."""
        hunks = self.diff.hunks(index)
        texts = [row[1:] for number in range(len(hunks))
                 for row in self.diff.hunk_rows(index, number)]
        texts += [hunk.header.text for hunk in hunks if hunk.header is not None]
        operations = {found[1] for text in texts for found in _OPERATION.finditer(text)}
        operations.discard("Migration")
        if not operations or not operations <= _STATE_ONLY:
            return self._options(index)
        return frozenset((item.side, item.line) for hunk in hunks for item in hunk.lines)

    def _options(self, index: int) -> frozenset[tuple[str, int]]:
        """The changed lines of a migration that only change a model's state-only options: an
        `options={...}` written on one line whose keys are all such options, or, inside one
        opened on a line of the hunk and written one option a line, an option of them (its
        continuation lines, indented deeper, with it)."""
        found: set[tuple[str, int]] = set()
        for number, hunk in enumerate(self.diff.hunks(index)):
            for at, side in (("-", "old"), ("+", "new")):
                line = hunk.starts[side == "new"]
                rows = [row for row in self.diff.hunk_rows(index, number) if row[:1] in (" ", at)]
                #: the indentation of its options and of the open `options={` (or less than
                #: its options' where the hunk starts inside them), and the option a line is in
                entry = _starts_inside_options([row[1:] for row in rows])
                opened = None if entry is None else entry - 1
                key = ""
                for row in rows:
                    marker, text = row[:1], row[1:]
                    indent = len(text) - len(text.lstrip())
                    start = _OPTIONS.match(text)
                    if opened is not None and text.strip() and indent <= opened:
                        opened = None  # the dict's closing bracket, or code after it
                    if start is not None:
                        keys = _OPTION_KEY.findall(start[2])
                        if start[2].rstrip().rstrip(",").endswith("}"):
                            key = "" if not keys or set(keys) - _STATE_OPTIONS else keys[0]
                        else:
                            opened, entry, key = len(start[1]), None, ""
                    elif opened is not None and text.strip():
                        entry = indent if entry is None else entry
                        if indent == entry and not text.lstrip().startswith((")", "]", "}")):
                            named = _OPTION_KEY.match(text.strip())
                            key = named[1] if named else ""
                    else:
                        key = ""
                    if marker == at and key in _STATE_OPTIONS:
                        found.add((side, line))
                    line += 1
        return places(found)

    def _api_docs(self, index: int) -> frozenset[tuple[str, int]]:
        """The changed lines of a source file that document its API for a generated OpenAPI
        document (`_API_DOCS`): each one that starts such an annotation or statement, and the
        lines after it up to where the brackets it opened close and no call is chained on (a
        line starting with `.`), as long as the line holds nothing else (`_documenting`). A PHP
        line is read without a docblock's leading star (`_DOCBLOCK_STAR`)."""
        if not self.diff.holds(index, _API_DOCS_HINTS):
            return NO_LINES
        path = self.diff.files[index].path
        openers = (_API_DOCS, _JVM_API_DOCS) if _JVM_FILE.search(path) else (_API_DOCS,)
        php = _PHP_FILE.search(path) is not None
        found: set[tuple[str, int]] = set()
        for number, hunk in enumerate(self.diff.hunks(index)):
            rows = self.diff.hunk_rows(index, number)
            joined = "".join(rows)
            if not any(hint in joined for hint in _API_DOCS_HINTS):
                continue
            for at, side in (("-", "old"), ("+", "new")):
                line = hunk.starts[side == "new"]
                depth = 0
                inside = False
                for row in rows:
                    marker, text = row[:1], row[1:]
                    if marker not in (" ", at):
                        continue
                    if php and (star := _DOCBLOCK_STAR.match(text)) is not None:
                        text = text[star.end():]
                    if inside and depth <= 0 and not text.lstrip().startswith("."):
                        inside = False
                    code = _QUOTED.sub('""', text)
                    start = 0
                    if not inside:
                        opened = next(filter(None, (opener.match(code) for opener in openers)),
                                      None)
                        if opened is not None:
                            inside, start = True, opened.end()
                            depth = max(0, _depth(code[:start]))
                    if inside:
                        documenting, depth = _documenting(code, depth, start)
                        if marker == at and documenting:
                            found.add((side, line))
                        if not documenting:
                            inside = False
                    line += 1
            if openers[-1] is _JVM_API_DOCS:
                found |= self._parameter_swaps(hunk)
        return places(found)

    @staticmethod
    def _parameter_swaps(hunk: Hunk) -> set[tuple[str, int]]:
        """The changed lines of a hunk that, paired one removed with one added, are the same
        code once their parameters' OpenAPI annotations are taken out (`@ApiParam(required =
        true) @QueryParam("id") UUID id` -> `@Parameter(required = true) @QueryParam("id") UUID
        id`), and held one at least."""
        sides: dict[str, dict[str, list[tuple[int, bool]]]] = {"old": {}, "new": {}}
        for item in hunk.lines:
            if item.side == "header":
                continue
            code = _QUOTED.sub('""', item.text)
            rest = _without_parameter_docs(code)
            if rest:
                annotated = _PARAMETER_DOCS.search(code) is not None
                sides[item.side].setdefault(rest, []).append((item.line, annotated))
        found: set[tuple[str, int]] = set()
        for rest, old in sides["old"].items():
            for (old_line, old_doc), (new_line, new_doc) in zip(
                old, sides["new"].get(rest, []), strict=False
            ):
                if old_doc or new_doc:
                    found.update((("old", old_line), ("new", new_line)))
        return found

    def _go_field_docs(self, index: int) -> frozenset[tuple[str, int]]:
        """The changed lines of a Go file that declare the same struct field on both sides of a
        hunk (its names and type; one such line a side) with tags that differ only in keys that
        document it (`_GO_DOC_TAGS`): both lines."""
        if not self.diff.holds(index, _GO_DOC_HINTS):
            return NO_LINES
        found: set[tuple[str, int]] = set()
        for hunk in self.diff.hunks(index):
            fields: dict[tuple[str, str], dict[str, list[tuple[int, dict[str, str]]]]] = {}
            for item in hunk.lines:
                if item.side == "header":
                    continue
                field = _go_field(item.text)
                if field is not None:
                    sides = fields.setdefault(field[0], {"old": [], "new": []})
                    sides[item.side].append((item.line, field[1]))
            for sides in fields.values():
                if len(sides["old"]) != 1 or len(sides["new"]) != 1:
                    continue
                (old_line, old_tag), (new_line, new_tag) = sides["old"][0], sides["new"][0]
                changed = {key for key in old_tag.keys() | new_tag.keys()
                           if old_tag.get(key) != new_tag.get(key)}
                if changed and changed <= _GO_DOC_TAGS:
                    found.update((("old", old_line), ("new", new_line)))
        return places(found)

    def _load_hooks(self, index: int) -> frozenset[tuple[str, int]]:
        """The changed lines of a Ruby file that run a class's lazy load hooks
        (`_LOAD_HOOKS`)."""
        if not self.diff.holds(index, ("run_load_hooks",)):
            return NO_LINES
        return frozenset(
            (item.side, item.line) for hunk in self.diff.hunks(index) for item in hunk.lines
            if item.side != "header" and _LOAD_HOOKS.fullmatch(item.text.rstrip("\n"))
        )

    def _versions_listed(self, index: int) -> frozenset[tuple[str, int]]:
        """The changed lines of a CI configuration that only list versions to build or test on
        (`_VERSIONS_LINE`: a matrix's Ruby and Rails versions and its `exclude:` entries, keyed
        by the toolchain's name; or a version alone as an item of a list the hunk shows under
        such a key, as Travis CI lists them: `rvm:` then `- 2.5`): which toolchains the tests
        run on, not what the pipeline does or may reach. Its steps, triggers, permissions,
        secrets, runners and images still count, and so does an item whose key the hunk does
        not show."""
        found: set[tuple[str, int]] = set()
        for number, hunk in enumerate(self.diff.hunks(index)):
            sides: tuple[list[str], list[str]] | None = None
            for item in hunk.lines:
                if item.side == "header":
                    continue
                text = item.text.rstrip("\n")
                if _VERSIONS_LINE.fullmatch(text):
                    found.add((item.side, item.line))
                elif _VERSION_ITEM.fullmatch(text):
                    sides = sides or self.diff.shown_sides(index, number)
                    new = item.side == "new"
                    if _listed_under_toolchain(sides[new], item.line - hunk.starts[new]):
                        found.add((item.side, item.line))
        return places(found)

    def _action_bumps(self, index: int) -> frozenset[tuple[str, int]]:
        """The `uses:` lines of each hunk whose every change of an action's steps is a move to
        another version of the same kind within one major version: as many steps of the action
        removed as added, at a commit on both sides or at a version tag on both sides. A new
        major version (`@v3` to `@v4`, or a pin's `# v4` to `# v5`) is where an action may break
        its interface or behaviour, as GitHub's guidance on releasing actions says: it counts."""
        found: set[tuple[str, int]] = set()
        for hunk in self.diff.hunks(index):
            steps: dict[str, dict[str, list[tuple[bool, str | None, int]]]] = {}
            for item in hunk.lines:
                uses = _USES.fullmatch(item.text) if item.side != "header" else None
                if uses is not None:
                    sides = steps.setdefault(uses[2], {"old": [], "new": []})
                    sides[item.side].append((uses[3] is not None, _major(uses), item.line))
            for sides in steps.values():
                old, new = sides["old"], sides["new"]
                majors = {major for _, major, _ in old + new if major is not None}
                if (len(old) == len(new) and len({pinned for pinned, _, _ in old + new}) == 1
                        and len(majors) <= 1):
                    found.update((side, line) for side in ("old", "new")
                                 for _, _, line in sides[side])
        return places(found)


def _listed_under_toolchain(rows: list[str], at: int) -> bool:
    """Whether the list item at `rows[at]` (a version alone: `_VERSION_ITEM`) is one of a list
    of a toolchain's versions: the nearest line above it that is not a comment, a blank or
    another such item of the same list is a toolchain's key (`_TOOLCHAIN_LIST`) indented no
    deeper than the item. False when the rows shown do not reach the key."""
    if not 0 <= at < len(rows):
        return False
    indent = indentation(rows[at])
    for row in reversed(rows[:at]):
        stripped = row.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _VERSION_ITEM.fullmatch(row) and indentation(row) == indent:
            continue
        key = _TOOLCHAIN_LIST.fullmatch(row)
        return key is not None and len(key[1]) <= indent
    return False


def _major(uses: re.Match[str]) -> str | None:
    """The major version a `uses:` line names: its tag's (`v4.1.7`), or for a commit the one
    its trailing comment gives (`# v5.0.0`); None when it names none."""
    if uses[4]:
        version = uses[4]
    else:
        commented = _COMMENTED_VERSION.match(uses[5] or "")
        version = commented[1] if commented else ""
    return version.lstrip("v").split(".")[0] or None


def _starts_inside_options(texts: list[str]) -> int | None:
    """The indentation of a model's options where a hunk starts inside its `options={...}`
    without showing the opener: the lines it starts with, up to the first indented less, are
    options one a line, their keys all model options (`_MODEL_OPTIONS`) and `verbose_name` or
    `verbose_name_plural`, which only a model's options hold, among them."""
    keys: set[str] = set()
    entry: int | None = None
    for text in texts:
        if not text.strip():
            continue
        indent = len(text) - len(text.lstrip())
        entry = indent if entry is None else entry
        if indent < entry:
            break
        if indent == entry and not text.lstrip().startswith((")", "]", "}")):
            named = _OPTION_KEY.match(text.strip())
            if named is None:
                return None
            keys.add(named[1])
    if keys <= _MODEL_OPTIONS and keys & {"verbose_name", "verbose_name_plural"}:
        return entry
    return None
