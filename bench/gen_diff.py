"""A deterministic generator of realistic git-format unified diffs, for benchmarks.

`generate(files, lines, seed)` returns the text of a `git diff` over `files` files with about
`lines` changed (added + removed) lines, mixing Python, TypeScript, Go, Java, Ruby, SQL, YAML and
Markdown, with tests and docs among the sources, a few added, removed, renamed (with and without
changes), binary and mode-only files, hunk headers with function context, correct hunk counts,
context lines and code lines of 20-100 characters.

The neutral vocabulary is chosen so that ordinary files match none of the default policy's rules;
a share of files (about 7-8%: `sensitive_share`, SQL files included, since `**/*.sql` is a
migrations path) touch a sensitive area by their path or by a few changed lines of their content,
and some excluded files (tests, docs) mention sensitive words in passing, as real ones do.
`shape` picks one of `SHAPES`: "own" (the default above); "ordinary", where routine lines
of every file (tests and docs too, 40% of files) use ordinary words a generic rule matches
("discount", "session", "token"...), so nearly every file has a hit and most hits are not
evidence; "worst", where every file touches a sensitive area, so every file is read in full;
"css", every file a style sheet, with a few class names that hold such words; and "bundle", the
default with a few files (`BUNDLES`) that are compiled JavaScript bundles at paths no exclusion of
the default policy names (`public/js/app.js`, `dist/x.bundle.js`, a 20-digit content hash), each
changing one or two minified lines of 100-900 kB on each side (`BUNDLE_WIDTH`), the new line the
old one with a few pieces rebuilt, full of words the policy reads (auth, token, password,
price, `===`, `if(`, `return`): a rebuilt bundle committed with its sources.

Run it to write a diff: `python bench/gen_diff.py --files 20 --lines 600 -o small.diff`.
"""

from __future__ import annotations

import argparse
import random
import string
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["BUNDLES", "BUNDLE_WIDTH", "SHAPES", "DiffStats", "generate"]

def _split(words: str) -> tuple[str, ...]:
    return tuple(words.split())


# --- vocabulary: none of these words (or their combinations) matches a default content rule ----

NOUNS = _split(
    "item node widget layout panel row cell grid series metric sample bucket shard queue worker "
    "job task batch chunk frame buffer stream reader writer parser cursor page offset limit "
    "filter result report summary label title caption image thumbnail asset bundle module plugin "
    "config option setting feature flag variant entry record document section heading paragraph "
    "draft comment tag category topic feed post article reviewer schedule calendar event "
    "reminder notice message thread channel region zone host route path file folder archive "
    "snapshot release build artifact cache lookup mapping registry catalog inventory shipment "
    "warehouse parcel address coordinate distance duration interval retry delay window viewport "
    "theme palette color font icon badge avatar profile preference timezone forecast recipe "
    "ingredient playlist episode score level stage step phase pipeline graph edge vertex tree "
    "leaf user team project board status state count width height size name slug query request "
    "response client service handler context payload template format"
)
VERBS = _split(
    "get load fetch build render parse format compute refresh apply merge split join sort group "
    "collect resolve normalize convert emit publish notify schedule enqueue drain prune trim wrap "
    "unwrap map reduce scan walk visit draw paint measure resize scroll select toggle open close "
    "read write store save restore reset init setup start stop pause resume find list show hide "
    "mark expand collapse flatten match"
)
ADJS = _split(
    "active cached default empty extra final first hidden inner last local main max min next old "
    "outer partial pending primary recent remote sorted stale visible nested parent child base "
    "global initial"
)
GLUE = _split(
    "the a of to and in with when each from this that is are on by as it only after before so"
)
NUMBERS = (0, 1, 2, 3, 4, 5, 8, 10, 12, 16, 20, 24, 30, 32, 50, 60, 64, 100, 128, 200, 256, 500,
           512, 1000, 1024, 2048, 3600, 8080, 86400)
SERVICES = _split("catalog search feeds media reports scheduler gateway notifier indexer editor")

STACKS = ("python", "typescript", "go", "java", "ruby", "sql", "yaml", "markdown")
STACK_WEIGHTS = (22, 22, 14, 12, 10, 2, 9, 9)
SHAPES = ("own", "ordinary", "worst", "css", "bundle")
#: the "bundle" shape's bundles, and the width range of their minified lines (characters)
BUNDLES = 3
BUNDLE_WIDTH = (100_000, 900_000)
#: everyday words of business code that a generic rule of the default policy matches
ORDINARY = _split(
    "discount coupon invoice payment session token role owner admin login currency tax billing "
    "refund password charge"
)


def _cap(word: str) -> str:
    return word[:1].upper() + word[1:]


class _Words:
    """Random identifiers and prose in each language's style."""

    def __init__(self, rng: random.Random, ordinary: float = 0.0) -> None:
        self.r = rng
        self.ordinary = ordinary

    def noun(self) -> str:
        if self.ordinary and self.r.random() < self.ordinary:
            return self.r.choice(ORDINARY)
        return self.r.choice(NOUNS)

    def snake(self) -> str:
        r = self.r
        roll = r.random()
        if roll < 0.45:
            return self.noun()
        if roll < 0.8:
            return f"{r.choice(ADJS)}_{self.noun()}"
        return f"{self.noun()}_{self.noun()}"

    def camel(self) -> str:
        parts = self.snake().split("_")
        return parts[0] + "".join(_cap(p) for p in parts[1:])

    def func(self) -> str:
        r = self.r
        if r.random() < 0.7:
            return f"{r.choice(VERBS)}_{self.noun()}"
        return f"{r.choice(VERBS)}_{r.choice(ADJS)}_{self.noun()}"

    def func_camel(self) -> str:
        parts = self.func().split("_")
        return parts[0] + "".join(_cap(p) for p in parts[1:])

    def type_name(self) -> str:
        r = self.r
        if r.random() < 0.5:
            return _cap(self.noun())
        first = r.choice(ADJS) if r.random() < 0.4 else self.noun()
        return _cap(first) + _cap(self.noun())

    def words(self, low: int = 2, high: int = 5) -> str:
        r = self.r
        pool = (NOUNS, VERBS, ADJS, GLUE)
        return " ".join(
            self.noun() if (kind := r.choice(pool)) is NOUNS else r.choice(kind)
            for _ in range(r.randint(low, high))
        )

    def sentence(self) -> str:
        return _cap(self.words(5, 13)) + "."


# --- line templates per stack ------------------------------------------------------------------
# Fields: v* variable, f function, F exported function, T* type, n number, q string literal,
# s words, S sentence, m module name, k key, a/a2 table alias, w a word.

_TEMPLATES: dict[str, tuple[str, ...]] = {
    "python": (
        "{v} = {f}({v2}, {v3})",
        "{v} = self.{v2}.get({q}, {n})",
        "if {v} is None:",
        "if not {v}:",
        "if {v} > {n} and not self.{v2}:",
        "return {v}",
        "return {f}({v}, {v2}={v3})",
        "for {v} in self.{v2}:",
        "for {v}, {v2} in {v3}.items():",
        "{v}.append({f}({v2}))",
        "self.{v} = {v2}",
        "self.{v}: {T} | None = None",
        "logger.debug({q}, {v})",
        'raise ValueError(f"{s}: {{{v}!r}}")',
        "{v}: list[{T}] = []",
        "{v}: dict[str, {T}] = {{}}",
        'with open({v}, encoding="utf-8") as {v2}:',
        "{v} = [{v2} for {v2} in {v3} if {v2}.{v4}]",
        "yield from self.{f}({v})",
        "except {T}Error as exc:",
        "def {f}(self, {v}: {T}) -> {T2}:",
        "def {f}({v}: {T}, *, {v2}: int = {n}) -> list[{T2}]:",
        "from {m}.{v} import {T}, {T2}",
        "from {m} import {f}",
        "# {S}",
        '"""{S}"""',
        "{v} = {T}({v2}={v3}, {v4}={n})",
        "{v} = sorted({v2}, key=lambda {w}: {w}.{v3})",
        "return {{{q}: {v}, {q2}: self.{v2}}}",
        "assert isinstance({v}, {T}), {v}",
    ),
    "typescript": (
        "const {v} = {f}({v2}, {v3});",
        "const [{v}, set{T}] = useState<{T2} | null>(null);",
        "if (!{v}) return null;",
        "return {v}.map(({v2}) => {f}({v2}));",
        "export function {f}({v}: {T}): {T2} {{",
        "export const {f} = ({v}: {T}): {T2} => {{",
        'import {{ {T}, {T2} }} from "./{m}";',
        'import {{ {f} }} from "@/lib/{m}";',
        "{v}.forEach(({v2}) => {v3}.push({v2}.{v4}));",
        "{v}?: {T2};",
        "readonly {v}: {T}[];",
        "interface {T}Props {{",
        "type {T} = {T2} | {T3};",
        "await {v}.{f}({v2});",
        "const {v} = await fetch(`/api/{m}/${{{v2}}}`);",
        "useEffect(() => {{ {f}({v}); }}, [{v}]);",
        'return <{T} {v}={{{v2}}} {v3}="{w}" />;',
        "// {S}",
        "throw new Error(`{s}: ${{{v}}}`);",
        "for (const {v} of {v2}) {{",
        "const {v}: Record<string, {T}> = {{}};",
        "setTimeout(() => {f}({v}), {n});",
        "{v} = {v2}.filter(({w}) => {w}.{v3} !== undefined);",
    ),
    "go": (
        "{v}, err := {m}.{F}(ctx, {v2})",
        "if err != nil {{",
        'return nil, fmt.Errorf("{s}: %w", err)',
        "return {v}, nil",
        "for _, {v} := range {v2} {{",
        "{v} := make([]{T}, 0, len({v2}))",
        "{v} = append({v}, {v2})",
        "func (s *{T}) {F}(ctx context.Context, {v} string) error {{",
        "s.{v}[{v2}.{F}] = {v3}",
        'log.Printf("{s}: %v", {v})',
        "// {F} {s}.",
        "type {T} struct {{",
        '{F} {T2} `json:"{v}"`',
        "defer {v}.Close()",
        "if len({v}) == 0 || {v2} > {n} {{",
        "{v} := &{T}{{{F}: {v2}, Size: {n}}}",
        "select {{ case <-ctx.Done(): return ctx.Err() }}",
        "s.mu.RLock(); defer s.mu.RUnlock()",
    ),
    "java": (
        "private final {T} {v};",
        "public {T} {f}({T2} {v}) {{",
        "return {v}.stream().map({T}::{f}).collect(Collectors.toList());",
        "if ({v} == null) {{",
        'throw new IllegalArgumentException("{s}");',
        "{T} {v} = {v2}.{f}({v3});",
        "List<{T}> {v} = new ArrayList<>();",
        'log.debug("{s} {{}}", {v});',
        "@Override",
        "import com.acme.{m}.{T};",
        "for ({T} {v} : {v2}) {{",
        "this.{v} = {v};",
        "// {S}",
        "Optional<{T}> {v} = {v2}.stream().filter({T}::{f}).findFirst();",
        "public static {T} of({T2} {v}, int {v2}) {{",
        "@GetMapping(\"/{m}/{{id}}\")",
        "{v}.put({q}, {v2}.get{T}());",
    ),
    "ruby": (
        "def {f}({v})",
        "{v} = {T}.where({v2}: {v3}).order(:{v4})",
        "return if {v}.blank?",
        "@{v} = {T}.find(params[:id])",
        "{v}.each do |{v2}|",
        "attr_reader :{v}, :{v2}",
        "scope :{v}, -> {{ where({v2}: true) }}",
        "validates :{v}, presence: true",
        'Rails.logger.info("{s} #{{{v}}}")',
        "# {S}",
        'raise ArgumentError, "{s}" unless {v}',
        "{v} ||= {f}({v2})",
        "render json: {v}, status: :ok",
        "{v} = {v2}.map {{ |{w}| {w}.{v3} }}.compact",
        "redirect_to {v}_path(@{v2}), notice: \"{s}\"",
    ),
    "sql": (
        "SELECT {a}.{v}, {a}.{v2}, count(*) AS {v3}",
        "FROM {w}_{v} {a}",
        "JOIN {w}_{v2} {a2} ON {a2}.{w}_id = {a}.id",
        "WHERE {a}.{v} = $1 AND {a}.{v2} IS NOT NULL",
        "GROUP BY {a}.{v}, {a}.{v2}",
        "ORDER BY {a}.{v} DESC, {a}.id",
        "LIMIT {n} OFFSET $2;",
        "-- {S}",
        "INSERT INTO {w}_{v} ({v2}, {v3}) VALUES ($1, $2);",
        "UPDATE {w}_{v} SET {v2} = $1 WHERE id = $2;",
        "    COALESCE({a}.{v}, {a}.{v2}) AS {v3},",
    ),
    "yaml": (
        "{k}: {n}",
        "{k}: \"{s}\"",
        "{k}: https://{w}.example.com/{v}",
        "- {k}: {w}",
        "{k}: [{w}, {v}, {v2}]",
        "{k}: {{ {v}: {n}, {v2}: true }}",
        "# {S}",
        "{k}_enabled: false",
    ),
    "css": (
        ".{c}-{c2} {{",
        ".{c}__{c2}--{c3}, .{c} > .{c2} {{",
        "  color: #{h};",
        "  background: #{h} url(\"/img/{c}.png\") no-repeat;",
        "  margin: {n}px {n}px 0;",
        "  padding: 0 {n}px;",
        "  display: flex;",
        "  grid-template-columns: repeat({n}, minmax(0, 1fr));",
        "  font: 500 {n}px/1.4 system-ui, sans-serif;",
        "  transition: opacity {n}ms ease-in-out;",
        "  z-index: {n};",
        "@media (max-width: {n}px) {{",
        "  border: 1px solid var(--{c}-{c2});",
        "/* {S} */",
        "}}",
    ),
    "markdown": (
        "{S}",
        "{S} {S2}",
        "- {S}",
        "## {T} {T2}",
        "`{f}({v})` {s}.",
        "| {w} | {v} | {s} |",
        "See [{s}](./{m}.md) for {s2}.",
    ),
}
_CLOSERS = {
    "python": ("",),
    "typescript": ("}", "});", "};", ""),
    "go": ("}", ""),
    "java": ("}", ""),
    "ruby": ("end", ""),
    "sql": ("",),
    "yaml": ("",),
    "css": ("}",),
    "markdown": ("",),
}
_INDENT = {
    "python": ("    ", (1, 2, 3)),
    "typescript": ("  ", (1, 2, 3)),
    "go": ("\t", (1, 2, 3)),
    "java": ("    ", (1, 2, 3)),
    "ruby": ("  ", (1, 2, 3)),
    "sql": ("    ", (0, 0, 1)),
    "yaml": ("  ", (0, 1, 2)),
    "css": ("  ", (0, 0, 1)),
    "markdown": ("", (0,)),
}
_EXT = {"python": "py", "typescript": "ts", "go": "go", "java": "java", "ruby": "rb", "sql": "sql",
        "yaml": "yml", "css": "css", "markdown": "md"}

# Hunk section headers (what git's funcname finds above the hunk).
_SECTIONS: dict[str, tuple[str, ...]] = {
    "python": ("def {f}(self, {v}: {T}) -> {T2}:", "class {T}({T2}):", "def {f}({v}, {v2}):",
               "async def {f}(self, {v}: {T}) -> None:"),
    "typescript": ("export function {f}({v}: {T}): {T2} {{", "export class {T} {{",
                   "export default function {T}({{ {v} }}: {T}Props) {{"),
    "go": ("func (s *{T}) {F}(ctx context.Context, {v} string) error {{",
           "func {F}({v} []{T}) ({T2}, error) {{", "type {T} struct {{"),
    "java": ("public class {T}Service {{", "public {T} {f}({T2} {v}) {{",
             "private void {f}(List<{T}> {v}) {{"),
    "ruby": ("def {f}({v})", "class {T}Controller < ApplicationController", "module {T}"),
    "sql": (),
    "yaml": ("{k}:",),
    "css": ("@media (max-width: {n}px) {{", ".{c}-{c2} {{"),
    "markdown": ("## {T} {T2}",),
}

# Lines that match the default policy's content rules, per stack (with their indentation).
_SENSITIVE: dict[str, tuple[str, ...]] = {
    "python": (
        '        if not request.user.has_perm("reports.change_report"):',
        '            raise PermissionDenied("forbidden for this tenant")',
        '    intent = stripe.PaymentIntent.create(amount=amount_cents, currency="usd")',
        "    with transaction.atomic():",
        "        row = Order.objects.select_for_update().get(pk=order_id)",
        '    user.set_password(form.cleaned_data["new_password"])',
        "    digest = hmac.new(secret, body, hashlib.sha256).hexdigest()",
        "    if not hmac.compare_digest(digest, header_value):",
        "    refunded_cents = models.IntegerField(default=0)",
        '    op.add_column("orders", sa.Column("refunded_cents", sa.BigInteger()))',
        "    access_token = create_access_token(subject=str(user.id))",
        "@login_required",
        "    permission_classes = [IsAuthenticated, IsOwnerOrReadOnly]",
    ),
    "typescript": (
        "  const session = await getServerSession(authOptions);",
        '  const token = jwt.sign({ sub: user.id }, process.env.JWT_SECRET!, { expiresIn: "1h" });',
        "  if (!user.isAdmin) throw new ForbiddenException();",
        "  await prisma.$transaction(async (tx) => {",
        '  const intent = await stripe.paymentIntents.create({ amount, currency: "eur" });',
        '  const sig = crypto.createHmac("sha256", secret).update(rawBody).digest("hex");',
        "    container.innerHTML = html;",
        '@UseGuards(AuthGuard("jwt"), RolesGuard)',
    ),
    "go": (
        "\ttx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelSerializable})",
        "\tif err := tx.Commit(); err != nil {",
        "\thash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)",
        "\tmac := hmac.New(sha256.New, []byte(secret))",
        "\tcfg := &tls.Config{MinVersion: tls.VersionTLS12}",
        "\tif !user.IsAdmin() {",
    ),
    "java": (
        "    @Transactional(isolation = Isolation.SERIALIZABLE)",
        "    @PreAuthorize(\"hasRole('ADMIN')\")",
        "    private final PasswordEncoder passwordEncoder;",
        '    @Column(name = "refunded_cents", nullable = false)',
        '        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");',
        "        BigDecimal fee = invoice.getTotal().multiply(rate);",
    ),
    "ruby": (
        "  before_action :authenticate_user!",
        "    authorize @report, :update?",
        "    add_column :orders, :refunded_cents, :bigint, null: false, default: 0",
        "    Stripe::Refund.create(payment_intent: intent_id, amount: amount_cents)",
        "    ActiveRecord::Base.transaction do",
        "  has_secure_password",
    ),
    "sql": (
        "ALTER TABLE orders ADD COLUMN refunded_cents bigint NOT NULL DEFAULT 0;",
        "CREATE INDEX CONCURRENTLY idx_orders_customer ON orders (customer_id);",
        "SELECT id FROM jobs WHERE state = 'queued' FOR UPDATE SKIP LOCKED;",
    ),
    "yaml": (
        "  client_secret: ${OAUTH_CLIENT_SECRET}",
        "  webhook_url: https://hooks.example.com/services/ops",
        "    kind: Deployment",
    ),
    "markdown": (
        "Users must log in again after the password reset; the old refresh token is revoked.",
    ),
}
# Sensitive words in passing, in files every area excludes (tests, docs).
_INCIDENTAL: dict[str, tuple[str, ...]] = {
    "python": ("    assert response.status_code == 403",
               '    user = make_user(password="hunter2")'),
    "typescript": ('    expect(screen.getByText("Login")).toBeVisible();',
                   "    expect(res.status).toBe(403);"),
    "go": ('\t\t{name: "missing token", header: "", want: http.StatusForbidden},',),
    "java": ('        assertThat(response.getStatus()).isEqualTo(403);',),
    "ruby": ('    expect(response).to have_http_status(:forbidden)',
             "    sign_in create(:user, password: \"secret123\")"),
    "markdown": ("Run the login flow again after you rotate the API key.",
                 "Refunds and invoices are described in the payments guide."),
    "yaml": ("  password: example",),
    "sql": (),
}

# Paths: neutral ones per stack and role, sensitive ones per stack.
_PATHS = {
    "python": ("services/{svc}/{svc}/{m}/{v}.py", "libs/{m}/{m}/{v}.py", "services/{svc}/{m}.py"),
    "typescript": ("web/src/components/{T}/{T}.tsx", "web/src/hooks/use{T}.ts",
                   "packages/{m}/src/{v}.ts", "web/src/pages/{m}/{v}.tsx"),
    "go": ("internal/{m}/{v}.go", "pkg/{m}/{v}.go", "cmd/{svc}/{v}.go"),
    "java": ("backend/src/main/java/com/acme/{m}/{T}Service.java",
             "backend/src/main/java/com/acme/{m}/{T}Controller.java",
             "backend/src/main/java/com/acme/{m}/{T}.java"),
    "ruby": ("app/models/{v}.rb", "app/controllers/{v}s_controller.rb", "lib/{m}/{v}.rb",
             "app/jobs/{v}_job.rb"),
    "sql": ("db/queries/{v}.sql", "services/{svc}/sql/{v}.sql"),
    "yaml": ("config/{svc}/{v}.yml", "config/features/{v}.yaml", "services/{svc}/config.{v}.yml"),
    "css": ("web/src/styles/{c}/{c2}.css", "web/src/components/{T}/{T}.module.css",
            "assets/css/{c}-{c2}.css"),
    "markdown": ("docs/{m}/{v}.md", "services/{svc}/README.{v}.md", "docs/guides/{v}.md"),
}
_TEST_PATHS = {
    "python": ("services/{svc}/tests/test_{v}.py", "libs/{m}/tests/test_{v}.py"),
    "typescript": ("web/src/components/{T}/{T}.test.tsx", "packages/{m}/src/{v}.spec.ts"),
    "go": ("internal/{m}/{v}_test.go", "pkg/{m}/{v}_test.go"),
    "java": ("backend/src/test/java/com/acme/{m}/{T}Test.java",),
    "ruby": ("spec/models/{v}_spec.rb", "spec/requests/{v}_spec.rb"),
}
_SENSITIVE_PATHS = {
    "python": ("services/{svc}/auth/{v}.py", "services/{svc}/billing/{v}.py",
               "app/payments/{v}.py", "app/permissions/{v}.py",
               "services/{svc}/migrations/0{n3}_{v}.py", "app/security/{v}.py"),
    "typescript": ("web/src/features/auth/{T}.tsx", "web/src/billing/{T}Table.tsx",
                   "server/src/guards/{v}.guard.ts", "server/src/webhooks/{v}.ts"),
    "go": ("internal/payments/{v}.go", "internal/auth/{v}.go", "internal/crypto/{v}.go",
           "internal/ledger/{v}.go"),
    "java": ("backend/src/main/java/com/acme/billing/{T}Service.java",
             "backend/src/main/java/com/acme/security/{T}Filter.java",
             "backend/src/main/java/com/acme/auth/{T}Controller.java"),
    "ruby": ("app/controllers/sessions/{v}_controller.rb", "db/migrate/2025{n3}{n3}_{v}.rb",
             "app/policies/{v}_policy.rb", "app/models/billing/{v}.rb"),
    "sql": ("db/migrations/V{n3}__{v}.sql",),
    "yaml": (".github/workflows/{v}.yml", "deploy/k8s/{svc}-{v}.yaml",
             "helm/{svc}/{v}-values.yaml"),
    "markdown": ("docs/{m}/{v}.md",),  # never sensitive: docs are excluded
}
_BINARY_PATHS = ("web/public/images/{v}.png", "assets/fonts/{v}.woff2", "docs/img/{v}.png",
                 "web/public/{v}.ico", "data/{v}.parquet")
#: where builds write bundles, none of them excluded by the default policy (`*.min.js`,
#: `public/build/`, `*.<8 hex digits>.js` are): the analysis reads them
_BUNDLE_PATHS = ("public/js/{m}.js", "dist/{m}.bundle.js", "static/js/main.{x}.js",
                 "publishable/assets/js/{m}.js")
#: pieces of minified JavaScript (`{i}`..: mangled names, `{w}`: a word, `{o}`: an ordinary word
#: a generic rule matches, `{n}`: a number, `{s}`: words)
_MINIFIED = (
    "function {i}({j},{k}){{if({j}==={k})return!0;var {l}={j}.{o}Token;"
    "return {l}&&{l}.length>{n}}}",
    "{i}.prototype.{w}=function({j}){{return this.{o}[{j}]}};",
    'var {i}="/api/auth/{w}";',
    'if(!{i}.password||{i}.password.length<{n})throw new Error("{s}");',
    '{i}.headers.Authorization="Bearer "+{j}.token;',
    "{i}.price={j}.price*(1-{k}.{o}/100);",
    'case"{w}":return {i}.{o}({j});',
    "const {i}=({j},{k})=>{j}.{w}===({k}||{{}}).{o};",
    '{i}({j},"{w}",function(){{return {k}}});',
    "e.exports={{{w}:{i},{o}:{j}}};",
    "n.d(t,{{{w}:()=>{i}}});",
    "{i}=Object.assign({{}},{j},{{{w}:{n}}});",
    "for(var {i}=0;{i}<{j}.length;{i}++){k}.push({j}[{i}].{w});",
    '{i}.{w}?{j}("{s}"):{k}.{o}={n};',
)


@dataclass
class DiffStats:
    """What was generated."""

    files: int = 0
    added: int = 0
    removed: int = 0
    bytes: int = 0
    lines: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    stacks: Counter[str] = field(default_factory=Counter)
    sensitive: Counter[str] = field(default_factory=Counter)
    excluded_files: int = 0
    line_length_sum: int = 0
    line_length_n: int = 0

    @property
    def changed(self) -> int:
        return self.added + self.removed

    @property
    def mean_line_length(self) -> float:
        return self.line_length_sum / self.line_length_n if self.line_length_n else 0.0

    def summary(self, sep: str = "; ") -> str:
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(self.statuses.items()))
        sensitive = sum(self.sensitive.values())
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.sensitive.items()))
        share = 100 * sensitive / max(self.files, 1)
        return (
            f"{self.files} files, {self.changed} changed lines (+{self.added}/-{self.removed}), "
            f"{self.lines} diff lines, {self.bytes:,} bytes ({_size(self.bytes)})"
            f"{sep}statuses: {statuses}{sep}sensitive by construction: {sensitive} "
            f"({share:.1f}%: {kinds}); tests/docs {self.excluded_files}; mean changed-line length "
            f"{self.mean_line_length:.0f} chars"
        )


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e6 else f"{n / 1e3:.0f} kB"


_FORMATTER = string.Formatter()


def _fields(template: str) -> tuple[str, ...]:
    return tuple(sorted({name for _, name, _, _ in _FORMATTER.parse(template) if name}))


class _Gen:
    def __init__(self, seed: int, shape: str, sensitive_share: float) -> None:
        if shape not in SHAPES:
            raise ValueError(f"unknown shape {shape!r}: one of {', '.join(SHAPES)}")
        self.r = random.Random(seed)
        self.w = _Words(self.r, ordinary=0.04 if shape in ("ordinary", "css") else 0.0)
        self.shape = shape
        self.worst = shape == "worst"
        self.sensitive_share = sensitive_share
        self.stats = DiffStats()
        self.out: list[str] = []
        self.paths: set[str] = set()
        w = self.w
        r = self.r
        self.makers: dict[str, Callable[[], str]] = {
            "f": w.func,
            "F": lambda: _cap(w.func_camel()),
            "n": lambda: str(r.choice(NUMBERS)),
            "n3": lambda: f"{r.randint(100, 999)}",
            "q": lambda: f'"{w.words(1, 3)}"',
            "q2": lambda: f'"{w.noun()}"',
            "s": lambda: w.words(2, 6),
            "s2": lambda: w.words(2, 5),
            "S": w.sentence,
            "S2": w.sentence,
            "m": w.noun,
            "w": w.noun,
            "k": w.snake,
            "a": lambda: r.choice("abcdeopqrstu"),
            "a2": lambda: r.choice("fghijklmnvxyz"),
            "svc": lambda: r.choice(SERVICES),
            "h": lambda: f"{r.getrandbits(24):06x}",
            "x": lambda: f"{r.getrandbits(80):020x}",
        }
        for name in ("c", "c2", "c3"):
            self.makers[name] = w.noun
        for name in ("T", "T2", "T3"):
            self.makers[name] = w.type_name
        self.compiled = {
            stack: tuple((t, _fields(t)) for t in templates)
            for stack, templates in _TEMPLATES.items()
        }
        self.sections = {
            stack: tuple((t, _fields(t)) for t in templates)
            for stack, templates in _SECTIONS.items()
        }

    def _fill(self, template: str, names: tuple[str, ...], stack: str) -> str:
        values = {}
        camel = stack in ("typescript", "java", "go")
        for name in names:
            if name[0] == "v":
                values[name] = self.w.camel() if camel else self.w.snake()
            elif name == "f" and camel:
                values[name] = self.w.func_camel()
            else:
                values[name] = self.makers[name]()
        return template.format(**values)

    def code_line(self, stack: str) -> str:
        r = self.r
        roll = r.random()
        if roll < 0.06:
            return ""
        if roll < 0.09:
            closer = r.choice(_CLOSERS[stack])
            if closer:
                unit, depths = _INDENT[stack]
                return unit * max(r.choice(depths) - 1, 0) + closer
            return ""
        unit, depths = _INDENT[stack]
        for _ in range(8):
            template, names = r.choice(self.compiled[stack])
            text = unit * r.choice(depths) + self._fill(template, names, stack)
            if 20 <= len(text.expandtabs(4)) <= 100:
                return text
        return text[:100].rstrip()

    def section(self, stack: str) -> str:
        options = self.sections[stack]
        if not options or self.r.random() < 0.15:
            return ""
        template, names = self.r.choice(options)
        return self._fill(template, names, stack)[:80]

    def path(self, templates: tuple[str, ...], stack: str) -> str:
        for attempt in range(1000):
            template = self.r.choice(templates)
            p = self._fill(template, _fields(template), stack)
            if stack == "markdown":
                p = p.replace("_", "-")
            if attempt > 20:  # a crowded namespace: make the name unique
                stem, dot, ext = p.rpartition(".")
                p = f"{stem}-{attempt}.{ext}" if dot else f"{p}-{attempt}"
            if p not in self.paths:
                self.paths.add(p)
                return p
        raise RuntimeError("could not find a fresh path")

    def blob(self) -> str:
        return f"{self.r.getrandbits(28):07x}"

    # --- one file ------------------------------------------------------------------------------

    def _changed_text(self, stack: str, body: list[tuple[str, str]], kind: str, role: str) -> None:
        """Put sensitive (or incidental) lines among the changed lines of a file."""
        r = self.r
        changed = [i for i, (tag, _) in enumerate(body) if tag in "+-"]
        if not changed:
            return
        pool: tuple[str, ...] = ()
        count = 0
        if kind in ("content", "path", "sql") and role == "src":
            pool = _SENSITIVE[stack]
            if kind == "content":
                count = r.randint(1, 3)
            elif r.random() < 0.5:
                count = r.randint(1, 4)
            if self.worst:
                count = max(2, len(changed) // 15)
        elif role != "src" and r.random() < 0.15:
            pool = _INCIDENTAL.get(stack, ())
            count = 1
        if not pool:
            return
        for index in r.sample(changed, min(count, len(changed))):
            body[index] = (body[index][0], r.choice(pool))

    def _minified(self, width: int) -> list[str]:
        """Pieces of minified JavaScript (`_MINIFIED`) adding up to at least `width` characters."""
        r, w = self.r, self.w
        letters = string.ascii_letters

        def name() -> str:  # a mangled name: one or two characters
            return r.choice(letters) + (r.choice(letters + string.digits) * (r.random() < 0.5))

        pieces: list[str] = []
        size = 0
        while size < width:
            piece = r.choice(_MINIFIED).format(
                i=name(), j=name(), k=name(), l=name(), w=w.noun(), o=r.choice(ORDINARY),
                n=r.choice(NUMBERS), s=w.words(2, 4),
            )
            pieces.append(piece)
            size += len(piece)
        return pieces

    def _bundle_hunk(self, n_lines: int) -> tuple[str, list[tuple[str, str]], str]:
        """A rebuilt bundle's one hunk: `n_lines` minified lines (`BUNDLE_WIDTH` wide) removed,
        and each added again with a few of its pieces rebuilt, as a build rewrites a bundle."""
        old, new = [], []
        for _ in range(n_lines):
            pieces = self._minified(self.r.randint(*BUNDLE_WIDTH))
            old.append(("-", "".join(pieces)))
            for at in self.r.sample(range(len(pieces)), min(3, len(pieces))):
                pieces[at] = self._minified(1)[0]
            new.append(("+", "".join(pieces)))
        return f"@@ -1{_count(n_lines)} +1{_count(n_lines)} @@", old + new, ""

    def _hunks(self, stack: str, n_changed: int, status: str) -> tuple[list[str], int, int]:
        """The hunk lines of a file with n_changed changed lines; returns (lines, +, -)."""
        r = self.r
        if stack == "bundle":
            half = n_changed // 2
            return self._render([self._bundle_hunk(half)], stack), half, half
        out: list[tuple[str, list[tuple[str, str]], str]] = []  # header, body, section
        added = removed = 0
        if status in ("added", "removed"):
            tag = "+" if status == "added" else "-"
            body = [(tag, self.code_line(stack)) for _ in range(n_changed)]
            header = f"@@ -0,0 +1{_count(n_changed)} @@" if tag == "+" else (
                f"@@ -1{_count(n_changed)} +0,0 @@"
            )
            out.append((header, body, ""))
            added, removed = (n_changed, 0) if tag == "+" else (0, n_changed)
            return self._render(out, stack), added, removed
        remaining = n_changed
        old_line = r.randint(1, 120)
        delta = 0
        no_newline = r.random() < 0.01
        while remaining > 0:
            size = min(remaining, max(1, int(r.expovariate(1 / 24))))
            remaining -= size
            lead = min(3, old_line - 1)
            body = [(" ", self.code_line(stack)) for _ in range(lead)]
            left = size
            while left > 0:
                block = min(left, r.randint(1, 16))
                left -= block
                mode = r.random()
                if mode < 0.3:
                    n_minus = 0
                elif mode < 0.4:
                    n_minus = block
                else:
                    n_minus = r.randint(max(block // 2 - 1, 0), min(block, block // 2 + 2))
                body += [("-", self.code_line(stack)) for _ in range(n_minus)]
                body += [("+", self.code_line(stack)) for _ in range(block - n_minus)]
                removed += n_minus
                added += block - n_minus
                if left > 0:
                    body += [(" ", self.code_line(stack)) for _ in range(r.randint(1, 4))]
            last = remaining == 0
            if not (last and no_newline):
                body += [(" ", self.code_line(stack)) for _ in range(3)]
            old_count = sum(1 for tag, _ in body if tag != "+")
            new_count = sum(1 for tag, _ in body if tag != "-")
            if old_count == 0:  # keep one line of context: a modified file is not empty
                body.insert(0, (" ", self.code_line(stack)))
                old_count, new_count = 1, new_count + 1
            section = self.section(stack) if old_line > 6 else ""
            header = (
                f"@@ -{old_line}{_count(old_count)} +{old_line + delta}{_count(new_count)} @@"
            )
            out.append((header, body, section))
            delta += new_count - old_count
            old_line += old_count + r.randint(6, 300)
        lines = self._render(out, stack)
        if no_newline and lines and lines[-1][:1] in "+-":
            lines.append("\\ No newline at end of file")
        return lines, added, removed

    def _render(self, hunks: list[tuple[str, list[tuple[str, str]], str]], stack: str) -> list[str]:
        lines = []
        for header, body, section in hunks:
            lines.append(f"{header} {section}" if section else header)
            for tag, text in body:
                lines.append(tag + text)
                if tag != " " and text:
                    self.stats.line_length_sum += len(text)
                    self.stats.line_length_n += 1
        return lines

    def file(self, spec: _Spec) -> None:
        r = self.r
        out = self.out
        stats = self.stats
        stats.files += 1
        stats.statuses[spec.status] += 1
        stats.stacks[spec.stack] += 1
        if spec.sensitive:
            stats.sensitive[spec.sensitive] += 1
        if spec.role != "src":
            stats.excluded_files += 1
        a, b = f"a/{spec.old_path or spec.path}", f"b/{spec.path}"
        out.append(f"diff --git {a} {b}")
        if spec.status == "mode":
            out += ["old mode 100644", "new mode 100755"]
            return
        if spec.status == "binary":
            if r.random() < 0.5:
                out += ["new file mode 100644", f"index 0000000..{self.blob()}",
                        f"Binary files /dev/null and {b} differ"]
            else:
                out += [f"index {self.blob()}..{self.blob()} 100644",
                        f"Binary files {a} and {b} differ"]
            return
        if spec.status == "renamed":
            similarity = 100 if spec.n_changed == 0 else r.randint(60, 98)
            out += [f"similarity index {similarity}%", f"rename from {spec.old_path}",
                    f"rename to {spec.path}"]
            if spec.n_changed == 0:
                return
            out.append(f"index {self.blob()}..{self.blob()} 100644")
        elif spec.status == "added":
            out += ["new file mode 100644", f"index 0000000..{self.blob()}"]
            a = "/dev/null"
        elif spec.status == "removed":
            out += ["deleted file mode 100644", f"index {self.blob()}..0000000"]
            b = "/dev/null"
        else:
            out.append(f"index {self.blob()}..{self.blob()} 100644")
        out += [f"--- {a}", f"+++ {b}"]
        lines, added, removed = self._hunks(spec.stack, spec.n_changed, spec.status)
        # Put the sensitive lines in (after the fact, so hunk counts stay right).
        body = [(line[0], line[1:]) for line in lines]
        changed_before = [i for i, (t, _) in enumerate(body) if t in "+-"]
        self._changed_text(spec.stack, body, spec.sensitive, spec.role)
        for i in changed_before:
            if body[i][1] != lines[i][1:]:
                lines[i] = body[i][0] + body[i][1]
        out += lines
        stats.added += added
        stats.removed += removed


def _count(n: int) -> str:
    return "" if n == 1 else f",{n}"


@dataclass
class _Spec:
    path: str
    stack: str
    status: str
    role: str
    sensitive: str
    n_changed: int = 0
    old_path: str | None = None


def _specs(g: _Gen, files: int, lines: int) -> list[_Spec]:
    r = g.r
    specs: list[_Spec] = []
    weights = []
    share = g.sensitive_share
    bundles = set(r.sample(range(files), min(BUNDLES, files))) if g.shape == "bundle" else set()
    for at in range(files):
        if at in bundles:  # one or two minified lines, each removed and added
            specs.append(_Spec(g.path(_BUNDLE_PATHS, "typescript"), "bundle", "modified", "src",
                               "", n_changed=2 * r.randint(1, 2)))
            weights.append(0.0)
            continue
        roll = r.random()
        status = (
            "added" if roll < 0.03 else "removed" if roll < 0.04 else "renamed" if roll < 0.052
            else "binary" if roll < 0.06 else "mode" if roll < 0.062 else "modified"
        )
        if status == "binary":
            specs.append(_Spec(g.path(_BINARY_PATHS, "python"), "binary", status, "src", ""))
            weights.append(0.0)
            continue
        if status == "mode":
            specs.append(_Spec(g.path(("scripts/{v}.sh", "bin/{v}"), "python"), "shell", status,
                               "src", ""))
            weights.append(0.0)
            continue
        stack = "css" if g.shape == "css" else r.choices(STACKS, STACK_WEIGHTS)[0]
        if g.worst and stack == "markdown":
            stack = r.choice(("python", "typescript", "yaml"))
        role = "doc" if stack == "markdown" else "src"
        test_share = {"own": 0.2, "ordinary": 0.4}.get(g.shape, 0.0)
        if stack in _TEST_PATHS and test_share and r.random() < test_share:
            role = "test"
        sensitive = ""
        if stack == "sql":
            sensitive = "sql"
        elif role == "src" and stack != "css":
            roll = r.random()
            if g.worst:
                sensitive = "path" if roll < 0.5 else "content"
            elif roll < share * 0.45:
                sensitive = "path"
            elif roll < share:
                sensitive = "content"
        if sensitive in ("path", "sql"):
            path = g.path(_SENSITIVE_PATHS[stack], stack)
        elif role == "test":
            path = g.path(_TEST_PATHS[stack], stack)
        else:
            path = g.path(_PATHS[stack], stack)
        old_path = None
        weight = r.lognormvariate(0, 1.1)
        if status == "renamed":
            old_path = g.path(_PATHS[stack], stack)
            weight = 0.0 if r.random() < 0.5 else weight * 0.5
        elif status == "added":
            weight *= 3
        elif status == "removed":
            weight *= 2
        specs.append(_Spec(path, stack, status, role, sensitive, old_path=old_path))
        weights.append(weight)
    lines -= sum(spec.n_changed for spec in specs)  # the bundles' lines, counted already
    total = sum(weights)
    if total > 0:
        cap = max(lines * 0.03, 50)
        raw = [min(w * lines / total, cap) for w in weights]
        scale = lines / sum(raw)
        counts = [max(1, int(x * scale)) if w > 0 else 0 for x, w in zip(raw, weights, strict=True)]
        # Hand out (or take back) the rounding difference, one line per file, deterministically.
        diff = lines - sum(counts)
        eligible = [i for i, c in enumerate(counts) if c > 0]
        step = 0
        while diff != 0 and eligible:
            i = eligible[step % len(eligible)]
            if diff > 0:
                counts[i] += 1
                diff -= 1
            elif counts[i] > 1:
                counts[i] -= 1
                diff += 1
            step += 1
            if step > 10 * len(eligible) + abs(diff) * 2:
                break
        for spec, count in zip(specs, counts, strict=True):
            if spec.stack != "bundle":
                spec.n_changed = count
    return specs


def generate(
    files: int = 3000,
    lines: int = 200_000,
    seed: int = 1,
    *,
    shape: str = "own",
    sensitive_share: float = 0.065,
) -> tuple[str, DiffStats]:
    """A git diff over `files` files with `lines` changed lines (exactly, when files allow), of
    one of `SHAPES`."""
    g = _Gen(seed, shape, sensitive_share)
    specs = _specs(g, files, lines)
    for spec in specs:
        g.file(spec)
    text = "\n".join(g.out) + "\n"
    g.stats.bytes = len(text.encode("utf-8"))
    g.stats.lines = len(g.out)
    return text, g.stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--lines", type=int, default=200_000, help="changed lines (+ and -)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--shape", choices=SHAPES, default="own", help="see the module's doc")
    parser.add_argument("-o", "--output", default="-")
    args = parser.parse_args(argv)
    text, stats = generate(args.files, args.lines, args.seed, shape=args.shape)
    if args.output == "-":
        sys.stdout.write(text)
    else:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    print(stats.summary(), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
