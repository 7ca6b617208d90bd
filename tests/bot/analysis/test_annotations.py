"""bot.analysis.annotations and the other respellings a linter or a codemod writes: parameter
types added to a one-line signature, Ruby's hash syntax, a constructor's inferred type
arguments, Go's `%w`. Each is mechanical alone; beside a change of what runs it is not."""

from __future__ import annotations

import pytest

from bot.analysis.annotations import without_parameter_types
from bot.analysis.mechanical import mechanical_hunk


@pytest.mark.parametrize(
    ("removed", "added"),
    [
        (["def forwards(apps, schema_editor):"],
         ["def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:"]),
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
    ],
    ids=["python-migration-hints", "python-params-with-defaults", "ts-method", "ts-function",
         "ts-arrow", "ruby-hash-rocket", "java-diamond", "go-wrapped-error"],
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
        # a condition's ternary is no parameter list
        (["  if (a ? b : c) {"], ["  if (a ? b : d) {"]),
        # a Ruby keyword parameter is no annotation
        (["  def find(id, scope: nil)"], ["  def find(id, scope)"]),
        # another key, another type, another verb
        (["    redirect_to root_path, :notice => 'Signed in'"],
         ["    redirect_to root_path, alert: 'Signed in'"]),
        (["    tokens = new HashMap<String, Token>();"], ["    tokens = new TreeMap<>();"]),
        (['\t\treturn fmt.Errorf("login: %v", err)'],
         ['\t\treturn fmt.Errorf("login: %w", errInvalid)']),
    ],
    ids=["parameter-added", "default-changed", "fastapi-reader", "ternary", "ruby-keyword",
         "another-key", "another-class", "another-cause"],
)
def test_a_change_beside_a_respelling_is_not_mechanical(
    removed: list[str], added: list[str]
) -> None:
    assert not mechanical_hunk(removed, added)


def test_without_parameter_types_reads_one_line_signatures_only() -> None:
    assert without_parameter_types("    rate: Decimal,") == "    rate: Decimal,"
    assert without_parameter_types("  foo({ a, b }: Props) {") == "  foo({ a, b }: Props) {"
    assert without_parameter_types("def f(a: int) -> Decimal:") == "def f(a) -> Decimal:"
