"""A JavaScript or TypeScript import that binds names from a module of the project itself is not
evidence by itself: a sensitive word there is where the module lives, as a path (a view model
imported from an `access-control` folder), or what a name is called. The code that uses the
names is a line of its own, and counts there. So with a re-export from a module of the project
(`export * from './api-key/index.js'`), as an index file lists its folder's modules. An import
from a package still counts (a session store, a raw-HTML plugin adopted), as does an import that
binds nothing (it runs the module), an import swapped for another module's under the same names,
and Go's import specs, where the path swapped is the whole change (`text/template` ->
`html/template`).

Made-up diffs: each silent row fired its rule on the import line before.
"""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy
from tests.bot._diffs import edit


def _evidence(path: str, added: list[str], policy: Policy,
              removed: tuple[str, ...] = ("x = 1",)) -> set[tuple[str, str]]:
    """(rule, line) of each piece of evidence a change of `path` replacing `removed` with
    `added` holds."""
    result = classify(parse_diff(edit(path, added, removed)), policy)
    lines = {("new", 10 + i): text for i, text in enumerate(added)}
    lines.update({("old", 10 + i): text for i, text in enumerate(removed)})
    return {(e.rule, lines[e.side, e.line].strip()) for area in result.areas
            for e in area.evidence if e.line is not None}


@pytest.mark.parametrize(
    ("path", "added"),
    [
        # a view model imported from an access-control folder, and used
        ("app/docker/models/volume.ts",
         ["import { ResourceControlViewModel } from '@/react/access-control/models/RCVM';",
          "const model = new ResourceControlViewModel(data);"]),
        ("app/filters/filters.js",
         ["import { ResourceControlOwnership as RCO } from '@/react/access-control/types';"]),
        # the closing line of an import over several lines, a default binding with named ones,
        # a namespace import, a type-only import
        ("app/filters/owners.ts", ["} from '@/react/access-control/types';"]),
        ("src/views/index.ts", ["import Billing, { type Plan } from '../billing/plans';"]),
        ("src/views/acl.ts", ["import * as acl from './access-control';"]),
        ("src/views/rbac.tsx", ["import type { Grant } from '@/access-control/grants';"]),
        # an index file re-exporting its folder's modules: all of them, some names, types, a
        # namespace
        ("src/enums/index.ts", ["export * from './api-key-exposure/index.js';"]),
        ("src/auth/index.ts", ["export { AccessToken, RefreshToken } from './access-token';"]),
        ("src/types/index.ts", ['export type { ApiKey } from "@/api-keys/types";']),
        ("src/index.js", ["export * as acl from './access-control';"]),
    ],
)
def test_a_script_import_alone_is_not_evidence(path: str, added: list[str],
                                               policy: Policy) -> None:
    assert _evidence(path, added, policy) == set()


@pytest.mark.parametrize(
    ("path", "added", "removed", "rule", "line"),
    [
        # the use of an imported hashing helper is the evidence, on its own line
        ("src/users/store.ts",
         ["import { hasher } from '../crypto/bcrypt';",
          "const hash = await hasher.hash(password, 12);"],
         ("x = 1",), "auth.credentials", "const hash = await hasher.hash(password, 12);"),
        # a bare import runs the module: it binds no name whose use could be read
        ("src/setup.ts", ["import './access-control/register';"], ("x = 1",),
         "permissions.acl-rbac", "import './access-control/register';"),
        # a require is a call, not an import statement
        ("src/setup.js", ["const acl = require('./access-control');"], ("x = 1",),
         "permissions.acl-rbac", "const acl = require('./access-control');"),
        # the same names taken from another module: the swap is the change
        ("src/render.ts", ["import { clean } from '@/lib/dompurify-sanitizer';"],
         ("import { clean } from '@/lib/strip-tags';",),
         "security.sanitisation", "import { clean } from '@/lib/dompurify-sanitizer';"),
        # an import from a package: its code comes into the project
        ("src/server.ts", ['import session from "express-session";'], ("x = 1",),
         "auth.session-handling", 'import session from "express-session";'),
        ("src/users/store.ts", ["import bcrypt from 'bcrypt';"], ("x = 1",),
         "auth.password-hashing", "import bcrypt from 'bcrypt';"),
        # a re-export from a package, and an export that defines the value, still count
        ("src/session.ts", ["export { default } from 'express-session';"], ("x = 1",),
         "auth.session-handling", "export { default } from 'express-session';"),
        ("src/config.ts", ["export const apiKey = process.env.API_KEY;"], ("x = 1",),
         "auth.credentials", "export const apiKey = process.env.API_KEY;"),
    ],
)
def test_the_use_a_module_run_and_a_swap_still_count(
    path: str, added: list[str], removed: tuple[str, ...], rule: str, line: str, policy: Policy
) -> None:
    assert (rule, line) in _evidence(path, added, policy, removed)


def test_the_use_is_the_evidence_not_its_import(policy: Policy) -> None:
    found = _evidence("src/users/store.ts",
                      ["import { hasher } from '../crypto/bcrypt';",
                       "const hash = await hasher.hash(password, 12);"], policy)
    assert {text for _, text in found} == {"const hash = await hasher.hash(password, 12);"}


def test_a_go_import_still_counts(policy: Policy) -> None:
    found = _evidence("provider/verify.go", ['\t"html/template"'], policy,
                      ('\t"text/template"',))
    assert {text for _, text in found} == {'"html/template"', '"text/template"'}
