"""bot.analysis.annotations and the other respellings a linter or a codemod writes: parameter
types added to a one-line signature, Ruby's hash syntax, a constructor's inferred type
arguments, Go's `%w`, a guarded member read as an optional chain. Each is mechanical alone; beside a change of what runs it is not."""

from __future__ import annotations

import pytest

from bot.analysis.annotations import without_annotations
from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from bot.analysis.mechanical import Sides, mechanical_hunk, mechanical_sides
from policies.model import Policy


@pytest.mark.parametrize(
    ("removed", "added"),
    [
        (["def forwards(apps, schema_editor):"],
         ["def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:"]),
        (["def authenticate(username, password):"],
         ["def authenticate(username: str, password: str) -> Optional[Account]:"]),
        (["    def total(self, rate=ZERO, *args):"],
         ["    def total(self, rate: Decimal = ZERO, *args: Any):"]),
        (["  total(rate) {"], ["  total(rate: number): number {"]),
        (["export async function load(id, opts) {"],
         ["export async function load(id: string, opts: Options): Promise<User> {"]),
        (["const f = async (a, b) => {"],
         ["const f = async (a: T, b: Map<string, number>): Promise<R> => {"]),
        (["    redirect_to root_path, :notice => 'Signed in'"],
         ["    redirect_to root_path, notice: 'Signed in'"]),
        (["    private final Map<String, Token> tokens = new HashMap<String, Token>();"],
         ["    private final Map<String, Token> tokens = new HashMap<>();"]),
        (['\t\treturn fmt.Errorf("login: %v", err)'], ['\t\treturn fmt.Errorf("login: %w", err)']),
        (["  if (user && user.isAdmin) {"], ["  if (user?.isAdmin) {"]),
        (["  const admin = req.session && req.session.user && req.session.user.admin;"],
         ["  const admin = req.session?.user?.admin;"]),
        (['down_revision = "9232980a793a"', "branch_labels = None"],
         ['down_revision: str | None = "9232980a793a"',
          "branch_labels: str | Sequence[str] | None = None"]),
    ],
    ids=["python-migration-hints", "python-return-type", "python-params-with-defaults", "ts-method", "ts-function",
         "ts-arrow", "ruby-hash-rocket", "java-diamond", "go-wrapped-error", "optional-chain",
         "optional-chain-of-guards", "python-module-variables"],
)
def test_a_typing_or_a_syntax_respelling_is_mechanical(removed: list[str], added: list[str]) -> None:
    assert mechanical_hunk(removed, added)


@pytest.mark.parametrize(
    ("removed", "added"),
    [
        # a parameter added beside the types
        (["    def total(self, rate):"], ["    def total(self, rate: Decimal, fee: Decimal):"]),
        # a default changed beside the type
        (["    def total(self, rate=ZERO):"], ["    def total(self, rate: Decimal = ONE):"]),
        # FastAPI reads a request by the annotation of a parameter its readers default
        (["async def read(q = Query(1)):"], ["async def read(q: int = Query(1)):"]),
        # ... and answers with the model its return annotation names
        (["async def read(q = Query(1)) -> User:"], ["async def read(q = Query(1)) -> UserPublic:"]),
        # a condition's ternary is no parameter list
        (["  if (a ? b : c) {"], ["  if (a ? b : d) {"]),
        # a Ruby keyword parameter is no annotation
        (["  def find(id, scope: nil)"], ["  def find(id, scope)"]),
        # another key, another type, another verb
        (["    redirect_to root_path, :notice => 'Signed in'"],
         ["    redirect_to root_path, alert: 'Signed in'"]),
        (["    tokens = new HashMap<String, Token>();"], ["    tokens = new TreeMap<>();"]),
        # two type arguments are two types (C#'s generics are kept at run time)
        (["    var tokens = new Dictionary<string, Token>();"],
         ["    var tokens = new Dictionary<string, Session>();"]),
        (['\t\treturn fmt.Errorf("login: %v", err)'],
         ['\t\treturn fmt.Errorf("login: %w", errInvalid)']),
        # a class's attribute: its annotation makes a dataclass's or a model's field
        (["    amount = 0"], ["    amount: Decimal = 0"]),
        # another value beside the annotation
        (['down_revision = "9232980a793a"'], ['down_revision: str | None = "25165517c582"']),
        # the guard tested another owner than the one read
        (["  if (user && other.isAdmin) {"], ["  if (user?.isAdmin) {"]),
        # the test turned round beside the chain
        (["  if (user && user.isAdmin) {"], ["  if (!user?.isAdmin) {"]),
        # a guard dropped: `a.b` throws where `a?.b` and `a && a.b` do not
        (["  if (user && user.isAdmin) {"], ["  if (user.isAdmin) {"]),
    ],
    ids=["parameter-added", "default-changed", "fastapi-reader", "fastapi-response-model",
         "ternary", "ruby-keyword", "class-attribute", "module-variable-value",
         "another-key", "another-class", "another-type-argument", "another-cause",
         "another-owner", "negated", "guard-dropped"],
)
def test_a_change_beside_a_respelling_is_not_mechanical(
    removed: list[str], added: list[str]
) -> None:
    assert not mechanical_hunk(removed, added)


def test_without_annotations_reads_one_line_signatures_only() -> None:
    assert without_annotations("    rate: Decimal,") == "    rate: Decimal,"
    assert without_annotations("  foo({ a, b }: Props) {") == "  foo({ a, b }: Props) {"
    assert without_annotations("def f(a: int) -> Decimal:") == "def f(a):"


def test_a_fastapi_signature_keeps_its_types() -> None:
    # FastAPI reads the request by a reader's parameter annotation and answers with the
    # return annotation's model: in its signatures the types are what runs
    line = "async def read(q: int = Query(1), user: User = Depends(current)) -> UserPublic:"
    assert without_annotations(line) == line
    assert without_annotations("def f(a: int, db=Depends(get_db)) -> Out:") == (
        "def f(a, db=Depends(get_db)) -> Out:"
    )


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        (['    logger.info("charge %s failed for %s" % (charge.id, user))'],
         ['    logger.info(f"charge {charge.id} failed for {user}")'], True),
        (['    logger.info("charge %s failed", charge.id)'],
         ['    logger.info(f"charge {charge.id} failed")'], True),
        (['    msg = "order {} of {name}".format(order.id, name=user.name)'],
         ['    msg = f"order {order.id} of {user.name}"'], True),
        (['    note = "100%% of %r" % amount'], ['    note = f"100% of {amount!r}"'], True),
        # a bound parameter pasted into the query: injection, not a spelling
        (['    cur.execute("SELECT * FROM t WHERE id = %s", (i,))'],
         ['    cur.execute(f"SELECT * FROM t WHERE id = {i}")'], False),
        # another value in the message
        (['    logger.info("charge %s failed", charge.id)'],
         ['    logger.info(f"charge {charge.amount} failed")'], False),
        # a conversion not read exactly stays as it is
        (['    total = "%.2f" % amount'], ['    total = f"{amount}"'], False),
    ],
    ids=["percent-tuple", "logger-arguments", "format-fields", "percent-sign-and-repr",
         "bound-parameter", "another-value", "precision"],
)
def test_python_formatting_as_its_f_string(
    removed: list[str], added: list[str], mechanical: bool
) -> None:
    assert mechanical_hunk(removed, added) is mechanical


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        (["        string token = GenerateToken(user);"], ["        var token = GenerateToken(user);"],
         True),
        (["        List<Role> roles = user.Roles.ToList();"],
         ["        var roles = user.Roles.ToList();"], True),
        # another value beside `var`
        (["        string token = GenerateToken(user);"],
         ["        var token = GenerateToken(admin);"], False),
        # JavaScript's `let` and `var` scope a name differently
        (["    let token = issue(user);"], ["    var token = issue(user);"], False),
    ],
    ids=["csharp-string", "generic-type", "another-value", "javascript-let"],
)
def test_a_local_declared_with_var(removed: list[str], added: list[str], mechanical: bool) -> None:
    assert mechanical_sides(Sides(removed, added), code=True) is mechanical


def _python_hunk(removed: list[str], added: list[str]) -> str:
    """A hunk of a Python function from its removed and added lines, with the `if`'s body and
    what follows it as unchanged lines."""
    path = "app/db/connect.py"
    rows = [" " + '    user = info.get("user")', *("-" + line for line in removed),
            *("+" + line for line in added), " " + '        params["password"] = password',
            " " + "    return params"]
    old = sum(row[0] in " -" for row in rows)
    new = sum(row[0] in " +" for row in rows)
    return (f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
            f"@@ -10,{old} +10,{new} @@ def connect(info):\n" + "".join(f"{row}\n" for row in rows))


_ASSIGNED = ['    password = info.get("credentials", {}).get("password")', "    if password:"]


@pytest.mark.parametrize(
    ("added", "mechanical"),
    [
        (['    if password := info.get("credentials", {}).get("password"):'], True),
        (['    if (password := info.get("credentials", {}).get("password")):'], True),
        # another value, another test
        (['    if password := info.get("password"):'], False),
        (['    if not (password := info.get("credentials", {}).get("password")):'], False),
    ],
    ids=["walrus", "bracketed", "another-value", "negated"],
)
def test_an_assignment_tested_by_the_next_if_is_its_assignment_expression(
    added: list[str], mechanical: bool, policy: Policy
) -> None:
    areas = {area.id for area in classify(parse_diff(_python_hunk(_ASSIGNED, added)), policy).areas}
    assert (areas == set()) is mechanical


def test_a_while_is_no_assignment_expression_of_the_line_above() -> None:
    """`x = f()` then `while x:` assigns once; `while x := f():` assigns on every turn."""
    assert not mechanical_hunk(["    chunk = read()", "    while chunk:"],
                               ["    while chunk := read():"])


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        (['        var authKey = string.Format("{0}:{1}", builder.BaseUrl, settings.Password);'],
         ['        var authKey = $"{builder.BaseUrl}:{settings.Password}";'], True),
        (['        var label = String.Format("{0:N2} of {1}", total, Count(a, b));'],
         ['        var label = $"{total:N2} of {Count(a, b)}";'], True),
        (['        var authKey = string.Format("{0}:{1}", builder.BaseUrl, settings.Password);'],
         ['        var authKey = $"{settings.Password}:{builder.BaseUrl}";'], False),
    ],
    ids=["csharp-interpolated", "csharp-format-spec", "csharp-swapped"],
)
def test_csharp_composite_formatting_is_its_interpolated_string(
    removed: list[str], added: list[str], mechanical: bool
) -> None:
    assert mechanical_hunk(removed, added) is mechanical


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        (["        LOG.debug(u._('Start secrets on_get '",
          "                      'for project-ID %s:'), external_project_id)"],
         ["        LOG.debug('Start secrets on_get '",
          "                  'for project-ID %s:', external_project_id)"], True),
        (['        LOG.info(_LI("Deleted secret %s"), key)'],
         ['        LOG.info("Deleted secret %s", key)'], True),
        (['        raise AuthError("Bad token")'], ['        raise AuthError(_("Bad token"))'], True),
        # the text itself changed
        (['        raise AuthError(_("Bad token"))'], ['        raise AuthError("Bad secret")'], False),
        # a value, not a literal: what is shown is another expression's
        (["        label = _(name)"], ["        label = name"], False),
    ],
    ids=["openstack-debug-log", "log-marker", "marked", "reworded", "not-a-literal"],
)
def test_a_message_marked_for_translation_or_no_longer_is_mechanical(
    removed: list[str], added: list[str], mechanical: bool
) -> None:
    assert mechanical_hunk(removed, added) is mechanical


def _migration_hunk(removed: list[str], added: list[str]) -> str:
    """One hunk of an Alembic migration's header from its removed and added lines."""
    path = "alembic/versions/2020-01-07-1751_store_quantity_with_invoice.py"
    rows = [" import sqlalchemy as sa", *("-" + line for line in removed),
            *("+" + line for line in added), " ", " "]
    old = sum(row[0] in " -" for row in rows)
    new = sum(row[0] in " +" for row in rows)
    return (f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n"
            f"@@ -6,{old} +6,{new} @@\n" + "".join(f"{row}\n" for row in rows))


_REVISIONS = ['revision = "f5070830387b"', 'down_revision = "25165517c582"', "depends_on = None"]
_TYPED_REVISIONS = ['revision: str = "f5070830387b"', 'down_revision: str | None = "25165517c582"',
                    "depends_on: str | Sequence[str] | None = None"]


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        (_REVISIONS, ["from collections.abc import Sequence", *_TYPED_REVISIONS], True),
        # the import replaces one taken out: the name may now be another object
        (["from sqlalchemy.schema import Sequence", *_REVISIONS],
         ["from collections.abc import Sequence", *_TYPED_REVISIONS], False),
        # the name is put to use beside the annotations
        (_REVISIONS, ["from alembic import op", *_TYPED_REVISIONS, 'op.drop_table("invoices")'],
         False),
    ],
    ids=["typing-pass-with-its-import", "import-replaced", "import-used"],
)
def test_names_imported_for_a_typing_pass(
    removed: list[str], added: list[str], mechanical: bool, policy: Policy
) -> None:
    """A hunk that adds imports of names and otherwise only respells (module variables given
    their types) changes nothing that runs; an import replacing one, or put to use, does."""
    areas = {area.id for area in classify(parse_diff(_migration_hunk(removed, added)),
                                          policy).areas}
    assert (areas == set()) is mechanical
