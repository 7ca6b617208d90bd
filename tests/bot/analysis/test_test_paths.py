"""Test code by each stack's convention is no evidence: a permission check in an end-to-end
suite, a test helper package or a generated mock runs in no deployment.

Each path holds the same access check; in a test path it must be silent, and in a look-alike
(end-to-end encryption, an A/B-tests feature, a package whose name starts with "mock") it is
production code and must stay evidence.
"""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy
from tests.bot._diffs import edit

_CHECK = ["  if (!user.isAdmin) throw new ForbiddenError();"]


@pytest.mark.parametrize(
    ("path", "evidence"),
    [
        # end-to-end suites: Nx's <app>-e2e project, a folder named for them, Nest's e2e specs,
        # Detox's, Cypress's component tests, Playwright's folders
        ("apps/admin-e2e/src/roles.ts", False),
        ("apps/mobile/e2e_tests/login.ts", False),
        ("e2e-tests/admin.ts", False),
        ("src/auth/guard.e2e-spec.ts", False),
        ("mobile/firstTest.e2e.js", False),
        ("src/components/AdminMenu.cy.ts", False),
        ("apps/web/playwright-tests/auth.ts", False),
        ("integration-tests/admin.ts", False),
        # functional suites by folder, end-to-end files named for a variant
        ("functionaltests/common/config.py", False),
        ("functional_tests/support/roles.py", False),
        ("apps/api/src/app/testing/billing/webhook.e2e-ee.ts", False),
        # test helpers by any suffix (Go's testutil, testutilities, testhelpers)
        ("pkg/testutilities/auth.go", False),
        ("internal/testhelpers/auth.go", False),
        ("web/test-helpers/auth.ts", False),
        # the test files of Scala, Swift, Elixir, Dart and Deno; Swift's and Symfony's Tests
        ("core/src/auth/AuthSpec.scala", False),
        ("Tests/AppTests/AuthTests.swift", False),
        ("src/Bundle/Tests/Security/VoterTest.php", False),
        ("lib/shop/auth_test.exs", False),
        ("lib/auth/guard_test.dart", False),
        ("auth/guard_test.ts", False),
        # mocks: mockgen's files, a TypeScript module's mock
        ("internal/auth/mock_store.go", False),
        ("internal/auth/store_mock.go", False),
        ("src/auth/session.mock.ts", False),
        # a package of test doubles named in the singular (a mock server tests start)
        ("mock/server/authentication.go", False),
        ("internal/auth/mock/store.go", False),
        # fakes: Laravel's testing fakes, an SDK's canned responses, client-go's fake clientsets
        ("src/Illuminate/Support/Testing/Fakes/AuthFake.php", False),
        ("src/Fake/Responses/session.php", False),
        ("pkg/client/clientset/fake/auth.go", False),
        ("internal/auth/authfakes/fakes/store.go", False),
        # the project a reusable Django app's (or a CakePHP plugin's) tests run against
        ("testapp/testapp/testmain/views.py", False),
        ("tests/testapp/rules.py", False),
        ("test_project/urls.py", False),
        ("tests/test_app/TestApp/Policy/ArticlesTablePolicy.php", False),
        # Ruby LSP's add-on, which only the editor's language server loads
        ("lib/ruby_lsp/action_policy/addon.rb", False),
        # Prisma's seed script, alone or split into a folder beside the schema
        ("prisma/seed.ts", False),
        ("packages/database/prisma/seed/users.ts", False),
        # a JavaScript or TypeScript seed script by its name, wherever it lives
        ("apps/webapp/seed.ts", False),
        ("db/seed.mjs", False),
        # tsd's type tests, by name or in its folder
        ("test-tsd/transaction.test-d.ts", False),
        ("src/auth/guard.test-d.tsx", False),
        ("test-d/guard.ts", False),
        # Go's `_examples/` beside a module, a repository's demo application at its root
        ("_examples/pubsubs/sqlite/guard.go", False),
        ("pkg/_examples/auth/guard.go", False),
        ("demo/login_required_example.ts", False),
        ("demos/admin/guard.ts", False),
        # ... and its example programs at the root, in the singular
        ("example/migrate/main.go", False),
        # Orchestra Testbench's workbench application and its configuration
        ("workbench/app/Models/User.php", False),
        ("workbench/database/factories/UserFactory.php", False),
        ("testbench.yaml", False),
        # Cucumber's step definitions and support files, behave's steps and environment
        ("features/step_definitions/admin_steps.rb", False),
        ("features/step_definitions/login.steps.js", False),
        ("features/support/env.rb", False),
        ("features/steps/login.py", False),
        ("features/environment.py", False),
        # look-alikes: production code whose name holds the same letters
        ("src/features/support/TicketList.tsx", True),
        ("app/features/support/ticket_policy.rb", True),
        ("src/features/steps/OnboardingSteps.tsx", True),
        ("src/crypto/e2ee/keys.ts", True),
        ("packages/database/prisma/seeding-guard.ts", True),
        ("src/crypto/seed.go", True),
        ("apps/webapp/seed-guard.ts", True),
        ("src/workbench/app/guard.ts", True),
        ("app/Http/Controllers/WorkbenchController.php", True),
        ("app/ab_tests/pricing.ts", True),
        ("src/auth/guard.test-data.ts", True),
        ("src/test-driver/guard.ts", True),
        ("pkg/examples_loader/guard.go", True),
        ("app/demo/guard.ts", True),
        ("src/demo_mode/guard.ts", True),
        ("internal/mockery/auth.go", True),
        ("internal/mocking/auth.go", True),
        ("src/auth/fake_login.ts", True),
        ("internal/fakeauth/store.go", True),
        ("app/fake_detection/guard.py", True),
        ("apps/contest_app/guard.py", True),
        ("shop/testapps_registry/guard.py", True),
        ("lib/ruby_lsp_bridge/auth.rb", True),
        # an `example` folder below the root: Spring's `com.example` package is the application
        ("src/main/java/com/example/demo/SecurityConfig.java", True),
        ("pkg/example/guard.go", True),
        ("src/auth/mock_login.ts", True),
        ("src/auth/guard.ts", True),
    ],
)
def test_a_stacks_test_code_is_no_evidence(policy: Policy, path: str, evidence: bool) -> None:
    result = classify(parse_diff(edit(path, _CHECK)), policy)
    assert (result.areas != []) is evidence, result.areas


_DOCUMENTED_CHECK = ["<pre>if (!$auth->acl_get('a_user')) { trigger_error('NO_ADMIN'); }</pre>"]


@pytest.mark.parametrize(
    ("path", "evidence"),
    [
        # a docs folder's HTML pages at any depth: documentation of the API, not the API
        ("phpBB/docs/auth_api.html", False),
        ("docs/api/permissions.htm", False),
        ("packages/core/doc/acl.html", False),
        # look-alikes: a template of the application, a docs feature's code
        ("phpBB/styles/prosilver/template/acp_users.html", True),
        ("app/docs/permissions.php", True),
    ],
)
def test_a_docs_folders_html_pages_are_no_evidence(
    policy: Policy, path: str, evidence: bool
) -> None:
    result = classify(parse_diff(edit(path, _DOCUMENTED_CHECK)), policy)
    assert (result.areas != []) is evidence, result.areas


_QUOTED_STATEMENT = ["    CREATE UNIQUE INDEX people_unique_id_idx CONCURRENTLY ON people (id);"]


@pytest.mark.parametrize(
    ("path", "evidence"),
    [
        # the files each stack writes its docs in: RDoc's, ExDoc's cheatsheets, an AI coding
        # agent's rules (Cursor's); and a hunk in the middle of a Go doc.go, inside the
        # package's doc comment (the file's only text: bot/analysis/prose.py)
        ("README.rdoc", False),
        ("lib/shop/README.rdoc", False),
        ("README.markdown", False),
        ("docs/guides/migrations.markdown", False),
        ("guides/cheatsheets/associations.cheatmd", False),
        (".cursor/rules/migrations.mdc", False),
        (".cursorrules", False),
        ("doc.go", False),
        ("internal/auth/doc.go", False),
        # a documentation site at the repository's root (its pages and navigation data)
        ("website/content/docs/server/auth/oidc.mdx.ts", False),
        ("website/data/docs-nav-data.json", False),
        # release notes by Perl's (CPAN's) name at the root, which Go modules took up
        ("Changes", False),
        # look-alikes: code whose name holds the same letters
        ("internal/auth/docs.go", True),
        ("internal/auth/godoc.go", True),
        ("lib/rdoc/parser.rb", True),
        ("lib/markdown/renderer.rb", True),
        ("src/markdown.ts", True),
        ("src/mdc/client.ts", True),
        ("src/cursorrules.ts", True),
        ("apps/website/app/auth.ts", True),
        ("internal/website/handlers.go", True),
        ("src/Changes.php", True),
        ("app/Auth/Changes/EndSession.php", True),
        ("Changes/auth.go", True),
        ("internal/auth/changes.go", True),
        # ... and a root website's code: a product's storefront can live there
        ("website/pages/api/checkout.ts", True),
        ("website/src/lib/session.ts", True),
        ("website/data/payments.ts", True),
    ],
)
def test_a_stacks_docs_files_are_no_evidence(policy: Policy, path: str, evidence: bool) -> None:
    result = classify(parse_diff(edit(path, _QUOTED_STATEMENT)), policy)
    assert (result.areas != []) is evidence, result.areas


_VERSION_BUMP = ['  VERSION = "4.34.0"']


@pytest.mark.parametrize(
    ("path", "evidence"),
    [
        # a package's version constant in the file its ecosystem keeps it in (Bundler's
        # lib/<gem>/version.rb, a namespaced gem's, _version.py, __version__.py): a release
        # bump, though the package's folder is a billing one
        ("lib/billing/version.rb", False),
        ("gems/shop/lib/shop/billing/version.rb", False),
        ("shop/billing/_version.py", False),
        ("shop/billing/__version__.py", False),
        # look-alikes: the API version a client sends, a module that compares versions
        ("lib/billing/api_version.rb", True),
        ("shop/billing/versioning.py", True),
        ("app/billing/version.rb", True),
        ("lib/shop/api/billing/version.rb", True),
        # a version.py can be an API's versioning module, code by that name
        ("shop/billing/version.py", True),
        ("app/auth/version.py", True),
    ],
)
def test_a_packages_version_file_is_no_evidence(policy: Policy, path: str, evidence: bool) -> None:
    result = classify(parse_diff(edit(path, _VERSION_BUMP)), policy)
    assert (result.areas != []) is evidence, result.areas
