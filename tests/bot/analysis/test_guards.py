"""bot.analysis.guards: changes of control flow (a condition's logic, a guard removed) as evidence.

Each case is a line or two of logic that no framework word marks; the area comes from what the
changed line decides about, and the evidence names the kind of change.
"""

from __future__ import annotations

import pytest

from bot.analysis.classify import Classification, Matcher, classify
from bot.analysis.diff import parse_diff
from policies.loader import load_policy
from policies.schema import Policy
from tests.bot._diffs import edit


def run(text: str, policy: Policy) -> Classification:
    return classify(parse_diff(text), policy)


def rules(result: Classification) -> set[str]:
    return {e.rule for area in result.areas for e in area.evidence}


@pytest.mark.parametrize(
    ("path", "removed", "added", "section", "rule"),
    [
        pytest.param(
            "src/app/share/SharePage.tsx",
            ["  const isAllowed = pageKey === '' || parameters[pageKey] !== false;"],
            ["  const isAllowed = pageKey === '' || parameters[pageKey] === true;"],
            "", "permissions.condition-changed", id="ts-default-deny",
        ),
        pytest.param(
            "src/shop/basket/utils.py",
            ["        a.priority == offer.priority and a.id < offer.id"],
            ["        a.priority == offer.priority and a.id != offer.id"],
            "", "billing.condition-changed", id="py-operator",
        ),
        pytest.param(
            "app/controllers/tokens_controller.rb",
            ["      if client.application_id? && client.application.confidential?"],
            ["      if client.application_id?"],
            "def authorized?", "permissions.condition-changed", id="rb-conjunct-in-check",
        ),
        pytest.param(
            "app/views/documents.py",
            ["    if not collection.is_visible_to(request.user):", "        raise Http404"],
            ["    log.info('serving %s', doc.id)"],
            "", "permissions.guard-removed", id="py-guard-removed",
        ),
        pytest.param(
            "src/orders/refunds.go",
            ["\tif amount > order.Captured() {", "\t\treturn errTooMuch", "\t}"],
            ["\tlog.Printf(\"refund %d\", id)"],
            "", "billing.guard-removed", id="go-guard-removed",
        ),
        # an idempotent consumer's check of what it already handled
        pytest.param(
            "internal/queue/consumer.go",
            ["\tif c.processedEvents.Has(m.ID) {", "\t\treturn nil", "\t}"],
            ["\tlog.Printf(\"handling %s\", m.ID)"],
            "", "transactions.guard-removed", id="go-processed-events-guard-removed",
        ),
        pytest.param(
            "app/consumers/orders.py",
            ["    if message.id in seen_messages:", "        return"],
            ["    log.info('handling %s', message.id)"],
            "", "transactions.guard-removed", id="py-seen-messages-guard-removed",
        ),
        # a protection put in weighs as much as one taken out
        pytest.param(
            "core/Security/SecurityContext.php",
            ["        return $this->getSession()?->getAdminUser();"],
            ["        if ($user instanceof Admin && !$this->stillExists($user)) {",
             "            return null;", "        }"],
            "", "permissions.guard-added", id="php-guard-added",
        ),
        # ... a secret's too: a stored key no longer reused for another host
        pytest.param(
            "src/server/llm-keys/router.ts",
            ["    const headers = stored.headers;"],
            ["    if (baseUrlChanged && !input.secretKey) {",
             "      throw new Error('a new secret key is required');", "    }",
             "    const headers = stored.headers;"],
            "", "security.guard-added", id="ts-secret-guard-added",
        ),
        # ... a symbolic link's: a link in an archive or a checkout followed out of it
        pytest.param(
            "get_file_copy.go",
            ["\tif disableSymlinks && fi.Mode()&os.ModeSymlink != 0 {",
             "\t\treturn 0, ErrSymlinkCopy", "\t}"],
            ["\tsrcF, err := os.Open(src)"],
            "", "security.guard-removed", id="go-symlink-guard-removed",
        ),
        pytest.param(
            "tools/extract.py",
            ["        if os.path.islink(member_path):", "            raise UnsafeArchive(name)"],
            ["        log.debug('extracting %s', name)"],
            "", "security.guard-removed", id="py-islink-guard-removed",
        ),
        pytest.param(
            "src/archive/extract.ts",
            ["    if (stat.isSymbolicLink()) {", "      continue;", "    }"],
            ["    await copy(entry, dest);"],
            "", "security.guard-removed", id="ts-symbolic-link-guard-removed",
        ),
        pytest.param(
            "src/Storage/Local.php",
            ["        if (is_link($path)) {", "            throw new UnsafePath($path);", "        }"],
            ["        $this->log($path);"],
            "", "security.guard-removed", id="php-is-link-guard-removed",
        ),
        # ... a NUL byte's: refused where text ends at it (a protocol's fields, SQL, C)
        pytest.param(
            "pgconn/config.go",
            ["\tsettings := make(map[string]string)"],
            ["\tsettings := make(map[string]string)", "\tif strings.IndexByte(s, 0) >= 0 {",
             "\t\treturn nil, errors.New(\"NUL byte in connection string\")", "\t}"],
            "", "security.guard-added", id="go-nul-index-guard-added",
        ),
        pytest.param(
            "src/files/names.js",
            ["  if (name.includes('\\0')) {", "    throw new Error('bad name');", "  }"],
            ["  log(name);"],
            "", "security.guard-removed", id="js-nul-includes-guard-removed",
        ),
        pytest.param(
            "internal/files/paths.go",
            ["\tif strings.ContainsRune(name, '\\x00') {", "\t\treturn errInvalidPath", "\t}"],
            ["\tlog.Print(name)"],
            "", "security.guard-removed", id="go-nul-contains-rune-guard-removed",
        ),
        pytest.param(
            "internal/files/names.go",
            ["\tif bytes.Contains(name, []byte{0}) {", "\t\treturn errBadName", "\t}"],
            ["\tlog.Print(name)"],
            "", "security.guard-removed", id="go-nul-bytes-contains-guard-removed",
        ),
        # ... and money's: a total refused above the limit its format holds, a payment
        # record's lifecycle stopped where its invoice is gone
        pytest.param(
            "batchControl.go",
            ["\treturn nil"],
            ["\tif bc.TotalDebitEntryDollarAmount > NachaBatchDebitCreditLimit {",
             "\t\treturn fieldError(\"TotalDebitEntryDollarAmount\", errOverflow)", "\t}",
             "\treturn nil"],
            "", "billing.guard-added", id="go-amount-guard-added",
        ),
        pytest.param(
            "controllers/erpControllers/invoiceController.js",
            ["    const payments = await PaymentInvoice.updateMany(filter, update);"],
            ["    if (!deletedInvoice) {",
             "      return res.status(404).json({ success: false, message: 'Invoice not found' });",
             "    }",
             "    const payments = await PaymentInvoice.updateMany(filter, update);"],
            "", "billing.guard-added", id="js-invoice-guard-added",
        ),
        # a loop's item skipped, or the loop left, under a condition: an exit too
        pytest.param(
            "providers/groups.go",
            ["\t\tif !p.allowed(group) {", "\t\t\tcontinue", "\t\t}"],
            ["\t\tlog.Print(group)"],
            "", "permissions.guard-removed", id="go-continue-removed",
        ),
        pytest.param(
            "internal/plan/plan.go",
            ["\t\tscopeDeny := rules.deny(scope)"],
            ["\t\tif childOverrideAllow != nil && childOverrideAllow.Always() {", "\t\t\tbreak",
             "\t\t}", "\t\tscopeDeny := rules.deny(scope)"],
            "", "permissions.guard-added", id="go-break-added",
        ),
        # a condition changed inside a definition named for the access it decides
        pytest.param(
            "app/logic/converters.py",
            ["    if isinstance(value, dict):"], ["    if not isinstance(value, dict):"],
            "def cascade_storage_access(value):", "permissions.condition-changed",
            id="py-access-definition",
        ),
        # a token's expiry claim compared: an expired token let through when the check goes
        pytest.param(
            "pkg/verify/numeric.go",
            ["\t\tif exp == 0 {", "\t\t\treturn nil, nil", "\t\t}"], ["\t\tlog.Print(key)"],
            "", "auth.guard-removed", id="go-expiry-claim-guard-removed",
        ),
        # ... its authorised party or audience: a token for another client let through
        pytest.param(
            "packages/backend/src/tokens/assertions.ts",
            ["  if (!azp || !allowedParties || allowedParties.length === 0) {"],
            ["  if (!allowedParties || allowedParties.length === 0) {"],
            "", "auth.condition-changed", id="ts-authorised-party-condition-changed",
        ),
        pytest.param(
            "internal/webhooks/verify.go",
            ["\tif aud != cfg.ClientID {", "\t\treturn errForbidden", "\t}"],
            ["\tlog.Print(event.ID)"],
            "", "auth.guard-removed", id="go-audience-claim-guard-removed",
        ),
        # an Authorization header's value read by a Basic auth middleware: which credentials
        # reach the password check
        pytest.param(
            "middleware/basic/basic.go",
            ["\t\tif len(auth) <= 6 || strings.ToLower(auth[:5]) != \"basic\" {"],
            ["\t\tif len(auth) <= 6 || !utils.EqualFold(auth[:6], \"basic \") {"],
            "", "auth.condition-changed", id="go-authorization-value-condition-changed",
        ),
        # ... a switch named for the sign-in a route requires
        pytest.param(
            "internal/server/httpapi/trigger.go",
            ["\tif !requireAuth && !cfg.Public {"], ["\tif !requireAuth {"],
            "", "auth.condition-changed", id="go-require-auth-condition-changed",
        ),
        # ... the name a user signs in with, no longer refused when empty
        pytest.param(
            "app/backends.py",
            ["        if not username:", "            return None"],
            ["        users = self.get_users(username)"],
            "", "auth.guard-removed", id="py-username-guard-removed",
        ),
        # a check put in on what sign-in decides beyond doubt: a token's validity (jwt-go's
        # capitalised member, .NET's), whether the user is authenticated (an `else if` guard
        # too), a password
        pytest.param(
            "internal/api/middleware.go",
            ["\treturn token.Claims, nil"],
            ["\tif !token.Valid {", "\t\treturn nil, ErrInvalidToken", "\t}",
             "\treturn token.Claims, nil"],
            "", "auth.guard-added", id="go-token-valid-guard-added",
        ),
        pytest.param(
            "src/Services/TokenService.cs",
            ["        return principal;"],
            ["        if (token.ValidTo < DateTime.UtcNow)", "            throw new ExpiredException();",
             "        return principal;"],
            "", "auth.guard-added", id="cs-token-valid-to-guard-added",
        ),
        pytest.param(
            "src/routes/files.js",
            ["  }", "  next();"],
            ["  } else if (!user.isAuthenticated()) {", "    return res.status(401).end();", "  }",
             "  next();"],
            "", "auth.guard-added", id="js-else-if-authenticated-guard-added",
        ),
        pytest.param(
            "app/manager.py",
            ["        await self.user_db.update(user, {'password': hashed})"],
            ["        if not valid_password_fingerprint:", "            raise InvalidResetToken()",
             "        await self.user_db.update(user, {'password': hashed})"],
            "", "auth.guard-added", id="py-password-guard-added",
        ),
    ],
)
def test_a_change_of_control_flow_on_a_subject_is_evidence(
    policy: Policy, path: str, removed: list[str], added: list[str], section: str, rule: str
) -> None:
    assert rule in rules(run(edit(path, added, removed, section=section), policy))


@pytest.mark.parametrize(
    ("path", "removed", "added"),
    [
        pytest.param(
            "uploader/s3.py",
            ["    client = boto3.client('s3')"],
            ["    if credentials is None:", "        raise ValueError('AWS credentials missing')",
             "    client = boto3.client('s3')"],
            id="py-storage-credentials-guard-added-is-not-sign-in",
        ),
        pytest.param(
            "app/helpers/avatar_helper.rb",
            ["    image_tag(current_user.avatar_url)"],
            ["    return '' unless current_user", "    image_tag(current_user.avatar_url)"],
            id="rb-render-guard-on-current-user-is-not-sign-in",
        ),
        pytest.param(
            "src/parser/lexer.js",
            ["  return token.value;"],
            ["  if (!token.valid) { return null; }", "  return token.value;"],
            id="js-lexer-token-valid-is-not-sign-in",
        ),
    ],
)
def test_a_check_put_in_on_what_is_not_sign_in_is_no_auth_evidence(
    policy: Policy, path: str, removed: list[str], added: list[str]
) -> None:
    """Another service's credentials, a template's render guard on the current user and a
    lexer's token are checks put in, but not on sign-in: auth reads no guard added there."""
    assert "auth.guard-added" not in rules(run(edit(path, added, removed), policy))


@pytest.mark.parametrize(
    ("path", "added"),
    [
        ("src/parse.c", ["    if (*s == '\\0') return 0;"]),
        ("src/main/java/org/lex/Lexer.java", ["        if (c == ' ' || c == '\\0') {"]),
        ("internal/net/ports.go", ["\tif slices.Contains(ports, 0) {", "\t\treturn nil", "\t}"]),
        ("src/ids.js", ["  if (_.contains(ids, 0)) {", "    return;", "  }"]),
    ],
    ids=["c-end-of-string", "java-lexer", "go-zero-port", "js-zero-id"],
)
def test_a_character_or_a_zero_compared_is_no_nul_check(
    policy: Policy, path: str, added: list[str]
) -> None:
    """A C string's or a lexer's end tested for NUL, and a list holding the number zero, are
    no NUL byte searched for in input."""
    text = edit(path, [*added, "    next();"], ["    next();"])
    assert not {rule for rule in rules(run(text, policy)) if rule.startswith("security.")}


def test_a_count_of_messages_received_is_no_idempotency_guard(policy: Policy) -> None:
    """A chat's count of the messages it received is no record of what a consumer handled."""
    text = edit("src/components/Chat.tsx",
                ["  if (receivedMessages.length < 2) return null;"],
                ["  if (receivedMessages.length === 0) return null;"])
    assert not {rule for rule in rules(run(text, policy)) if rule.startswith("transactions.")}


def test_a_traversal_s_seen_check_is_no_idempotency_guard(policy: Policy) -> None:
    """A graph walk's visited set is no record of the events a consumer already handled."""
    text = edit("internal/graph/walk.go",
                ["\t\tlog.Print(n)"],
                ["\t\tif seen[n] {", "\t\t\tcontinue", "\t\t}", "\t\tlog.Print(n)"])
    assert not {rule for rule in rules(run(text, policy)) if rule.startswith("transactions.")}


def test_a_guard_put_in_on_what_no_area_names_is_not_security(policy: Policy) -> None:
    text = edit("src/server/feeds/router.ts",
                ["    if (!input.title) {", "      throw new Error('a title is required');", "    }",
                 "    const headers = stored.headers;"],
                ["    const headers = stored.headers;"])
    assert "security.guard-added" not in rules(run(text, policy))


def test_a_nul_byte_written_or_joined_is_no_check(policy: Policy) -> None:
    """A NUL byte put into a key or a byte-order mark, not looked for in input, is no guard."""
    text = edit("jwk/helper.go",
                ['\tkey := set + "\\x00" + kid', '\tbom := "\\x00\\x00\\xFE\\xFF"'],
                ["\tkey := set + kid"])
    assert not {"security.guard-added", "security.guard-removed"} & rules(run(text, policy))


def test_a_setting_named_for_links_is_no_symlink_check(policy: Policy) -> None:
    """A code reloader's `check_symlinks` flag in a condition is not a path tested for a
    symbolic link (phoenix's code reloader)."""
    text = edit("lib/phoenix/code_reloader/server.ex",
                ["    if state.check_symlinks and not Mix.Project.umbrella?() do"],
                ["    if state.check_symlinks and Code.ensure_loaded?(Mix.Project) do"])
    found = rules(run(text, policy))
    assert not {rule for rule in found if rule.startswith("security.")}, found


@pytest.mark.parametrize(
    ("removed", "added"),
    [
        pytest.param(["    return [t for t in tokens if t]"],
                     ["    return [t for t in tokens if t and t not in self.stop]"],
                     id="comprehension-filter"),
        pytest.param(["  if (isAllowed(user)) {"], ["  if (isPermitted(currentUser)) {"],
                     id="names-only"),
        pytest.param(["  <Auth v-if=\"layout === 'login'\" />"],
                     ["  <Auth v-if=\"layout === 'auth'\" @done=\"allowed = true\" />"],
                     id="markup"),
        pytest.param(["\tif err := checkOwner(ctx); err != nil {", "\t\treturn err", "\t}"],
                     ["\tcheckOwner(ctx)"], id="go-error-propagation"),
        pytest.param(["def can_edit(user, doc):", "    if doc.owner != user:",
                      "        return False", "    return True"], [],
                     id="deleted-with-its-definition"),
        pytest.param(["    allowed = compute(user)"], ["    allowed = compute_for(user)"],
                     id="words-alone"),
        pytest.param(["    if math.exp(growth) > cap:", "        return cap"], ["    return cap"],
                     id="exponential-is-no-expiry-claim"),
        # an author, an authority, an OAuth app are no `auth`
        pytest.param(["    if post.author != user:", "        return None"], ["    return post"],
                     id="author-is-no-auth"),
        pytest.param(["    if authority.revoked:", "        return None"], ["    return cert"],
                     id="authority-is-no-auth"),
        pytest.param(["    if isAuthor && draft {", "        return nil", "    }"],
                     ["    return doc"], id="camel-author-is-no-auth"),
        pytest.param(["    if app.OAuth.Enabled {", "        return nil", "    }"],
                     ["    return app"], id="oauth-is-no-auth-word"),
        # another service's credentials: an image registry's, a mail server's
        pytest.param(["    if registryAuth == \"\" {", "        return nil", "    }"],
                     ["    return pull(image)"], id="registry-auth-is-no-sign-in"),
        pytest.param(["    if !mailAuth {", "        return nil", "    }"],
                     ["    return send(msg)"], id="mail-auth-is-no-sign-in"),
    ],
)
def test_the_subject_words_without_a_change_of_control_flow_are_not_evidence(
    policy: Policy, removed: list[str], added: list[str]
) -> None:
    result = run(edit("app/services/sharing.py", added, removed), policy)
    assert not {r for r in rules(result) if r.endswith(("-changed", "-removed", "-added"))}


def test_words_that_only_begin_like_a_claim_are_no_auth_subject(policy: Policy) -> None:
    # `aud` and `iss` are claims as words of their own: not an audit log, not an issue
    text = edit("app/services/tracker.py", ["    log.info('notify %s', issue.id)"],
                ["    if audit_log.enabled and issue.open:", "        return None"])
    assert "auth.guard-removed" not in rules(run(text, policy))


@pytest.mark.parametrize(
    ("path", "added"),
    [
        # a price shown by a component: hiding it refuses nothing
        pytest.param("src/components/PriceTag.tsx",
                     ["  if (!price) return null;", "  const label = format(price);"],
                     id="ui-price-display"),
        # an analytics counter or a page's row count, a cache's miss: no money is decided
        pytest.param("src/reports/pageviews.ts",
                     ["  if (views.total > MAX_ROWS) {", "    return views.rows.slice(0, MAX_ROWS);",
                      "  }", "  const label = format(views);"],
                     id="analytics-counter"),
        pytest.param("app/cache/results.py",
                     ["    if entry is None:", "        return None", "    label = format(entry)"],
                     id="cache-miss"),
        # a test's fixture
        pytest.param("tests/fixtures/invoices.py",
                     ["    if not invoice.amount:", "        return None",
                      "    label = format(invoice)"], id="test-fixture"),
    ],
)
def test_a_guard_put_in_where_no_money_is_decided_is_not_billing(
    policy: Policy, path: str, added: list[str]
) -> None:
    text = edit(path, added, ["  const label = format(price);"])
    assert "billing.guard-added" not in rules(run(text, policy))


def test_a_guard_added_to_a_component_only_hides_what_it_shows(policy: Policy) -> None:
    added = ["  if (!role) return null;"]
    removed = ["  const t = await getTranslate();"]
    assert rules(run(edit("app/settings/EditMemberships.tsx", added, removed), policy)) == set()
    assert rules(run(edit("app/settings/memberships.ts", added, removed), policy)) == {
        "permissions.guard-added"}
    # taken out of a component, it showed nothing the server refused: that still counts
    assert "permissions.guard-removed" in rules(
        run(edit("app/settings/EditMemberships.tsx", removed, added), policy))


def _shown(path: str, rows: list[str], section: str = "") -> str:
    """One hunk of unchanged (` `), removed (`-`) and added (`+`) rows, from line 10."""
    old = sum(not row.startswith("+") for row in rows)
    new = sum(not row.startswith("-") for row in rows)
    header = f"@@ -10,{old} +10,{new} @@" + (f" {section}" if section else "")
    return (f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n--- a/{path}\n"
            f"+++ b/{path}\n{header}\n" + "".join(f"{row}\n" for row in rows))


def test_a_change_in_a_function_the_hunk_shows_is_read_as_in_a_header(policy: Policy) -> None:
    """git names the module in the header; the function the condition is in is shown above."""
    text = _shown("app/controllers/documents_controller.rb", [
        "   def authorized?",
        "     # a published document of an open team",
        "-    if document.published? && document.team.open?",
        "+    if document.published?",
        "       document.readable_by?(user)",
    ], section="module Shop")
    found = [e for area in run(text, policy).areas for e in area.evidence]
    assert {e.rule for e in found} == {"permissions.condition-changed"}
    assert {e.snippet for e in found} == {
        "inside `def authorized?` (line 10): if document.published?"}


def test_an_exit_put_in_a_function_the_hunk_shows_is_read_too(policy: Policy) -> None:
    text = _shown("providers/provider_data.go", [
        " func (p *ProviderData) setAllowedGroups(groups []string) {",
        " \tfor _, group := range groups {",
        "+\t\tif len(group) == 0 {",
        "+\t\t\tcontinue",
        "+\t\t}",
        " \t\tp.AllowedGroups[group] = struct{}{}",
    ])
    assert rules(run(text, policy)) == {"permissions.guard-added"}


def test_a_function_the_hunk_shows_closed_above_the_change_is_not_its_own(
    policy: Policy,
) -> None:
    text = _shown("app/models/document.rb", [
        "   def can_edit?(user)",
        "     owner == user",
        "   end",
        "",
        "   def title",
        "-    if draft? && name.blank?",
        "+    if name.blank?",
        "       'Untitled'",
    ])
    assert rules(run(text, policy)) == set()


def test_a_class_the_hunk_shows_names_what_it_is_not_what_its_lines_decide(
    policy: Policy,
) -> None:
    text = _shown("app/panels.py", [
        " class OwnerPanel:",
        "     def allowed(self):",
        "         return True",
        "",
        "-    if settings.DEBUG and settings.LOCAL:",
        "+    if settings.DEBUG:",
        "         extra = 1",
    ])
    assert rules(run(text, policy)) == set()


_SWAPPED = [
    "     if not user.check(form.password):",
    "         errors.add('invalid login')",
    "-        return user.id",
    "-    else:",
    "         return None",
    "+    else:",
    "+        return user.id",
]


@pytest.mark.parametrize(
    ("path", "rows", "section", "found"),
    [
        # the branches exchanged: the condition negated, though no line of it changed
        pytest.param("app/views.py", _SWAPPED, "def authenticate(request):", True,
                     id="branches-swapped-in-a-named-function"),
        pytest.param("app/session.py", _SWAPPED, "", True,
                     id="branches-swapped-in-a-named-file"),
        pytest.param("app/views.py", _SWAPPED, "def render_page(request):", False,
                     id="branches-swapped-in-code-named-for-nothing"),
        # the same lines re-indented in their order: no branch exchanged
        pytest.param("app/session.py", [
            "     if not user.check(form.password):",
            "-        return None",
            "-    else:",
            "-        return user.id",
            "+      return None",
            "+    else:",
            "+      return user.id",
        ], "", False, id="re-indented"),
        # a file named for the subject is the definition its conditions are in
        pytest.param("billing/payments.py", [
            "     total = order.total()",
            "-    if total < limit:",
            "+    if total <= limit:",
            "         approve(order)",
        ], "", True, id="condition-changed-in-a-named-file"),
        pytest.param("billing/payments/helpers.py", [
            "     total = order.total()",
            "-    if total < limit:",
            "+    if total <= limit:",
            "         approve(order)",
        ], "", False, id="only-its-folder-named"),
    ],
)
def test_a_condition_changed_in_code_named_for_its_subject(
    policy: Policy, path: str, rows: list[str], section: str, found: bool
) -> None:
    changed = {r for r in rules(run(_shown(path, rows, section), policy))
               if r.endswith("condition-changed")}
    assert bool(changed) == found


def test_a_guard_moved_elsewhere_in_its_file_is_not_removed(policy: Policy) -> None:
    guard = ["    if not share.allows(section):", "        raise Http404"]
    text = edit("app/views/share.py", ["    x = 1"], guard) + edit(
        "app/views/share.py", [*guard, "    y = 2"], ["    y = 2"], start=40
    ).split("\n", 4)[4]  # a second hunk of the same file
    assert "permissions.guard-removed" not in rules(run(text, policy))
    assert "permissions.guard-removed" in rules(run(text.split("@@ -40")[0], policy))


@pytest.mark.parametrize(("exit_line", "rule"), [
    # a framework's hook added whole (DRF calls `validate_<field>` on every request): its
    # refusal guards the endpoint it serves
    ("            raise serializers.ValidationError(_('Permission denied.'))",
     "permissions.guard-added"),
    # a new function's early return only ends it: new code, no check of an existing flow
    ("            return value", None),
], ids=["refuses", "returns"])
def test_a_guard_added_with_its_function_counts_where_it_refuses(
    exit_line: str, rule: str | None, policy: Policy
) -> None:
    text = edit("app/api/serializers.py", [
        "    def validate_account(self, value):",
        "        user = self.context['request'].user",
        "        if not user.can_access(value):",
        exit_line,
        "        return value",
    ], kept=["class SimpleDomainAdminSerializer(serializers.Serializer):"])
    found = rules(run(text, policy))
    assert (rule in found) if rule else not any(".guard-" in name for name in found)


@pytest.mark.parametrize(("response", "found"), [
    ("\t\thttp.Error(w, \"forbidden\", http.StatusForbidden)", True),
    ("\t\tresponse.WriteForbiddenError(w)", True),
    ("\t\tc.AbortWithStatus(401)", True),
    # a response that refuses nothing, or no response: the handler only ends
    ("\t\tw.WriteHeader(http.StatusOK)", False),
    ("\t\tlog.Println(\"admin flags unchanged\")", False),
], ids=["http-error", "named-refusal", "gin-abort", "ok-status", "log-line"])
def test_a_go_handler_refuses_with_a_response_then_a_bare_return(
    response: str, found: bool, policy: Policy
) -> None:
    """Go's HTTP handlers refuse by writing the response, then returning: the guard is the
    condition, the response and the bare `return`, put in or taken out together."""
    guard = ["\tif u.Admin && !a.Admin && !ctx.Administrator {", response, "\t\treturn", "\t}"]
    kept = ["func (h *Handler) Update(w http.ResponseWriter, r *http.Request) {"]
    added = rules(run(edit("domain/user/endpoint.go", guard, kept=kept), policy))
    removed = rules(run(edit("domain/user/endpoint.go", [], guard, kept=kept), policy))
    assert ("permissions.guard-added" in added) is found
    assert ("permissions.guard-removed" in removed) is found


@pytest.mark.parametrize(("exit_line", "counted"), [
    ("\t\treturn", False),
    ("\t\treturn ErrForbidden", True),
], ids=["bare-return", "error-returned"])
def test_a_wrapped_guard_added_with_its_function_counts_only_where_its_exit_refuses(
    exit_line: str, counted: bool, policy: Policy
) -> None:
    """A condition wrapped over two lines and its exit are three lines too, but only a
    response written before a bare exit makes a guard of three lines refuse."""
    text = edit("domain/user/endpoint.go", [
        "func (h *Handler) Promote(w http.ResponseWriter, u *User, a *User) error {",
        "\tif u.Admin && !a.Admin &&",
        "\t\t!ctx.Administrator {",
        exit_line,
        "\t}",
    ])
    assert ("permissions.guard-added" in rules(run(text, policy))) is counted


def test_a_repository_chooses_the_kinds_an_area_reads() -> None:
    text = edit("src/app/share/SharePage.tsx",
                ["  const isAllowed = parameters[pageKey] === true;"],
                ["  const isAllowed = parameters[pageKey] !== false;"])
    only_removed = load_policy(
        "areas:\n  permissions:\n    replace: [guards]\n    guards: [guard-removed]\n"
    )
    assert "permissions.condition-changed" not in rules(run(text, only_removed))
    off = load_policy("areas:\n  permissions:\n    replace: [guards]\n    guards: []\n")
    assert rules(run(text, off)) == set()


def test_a_repository_names_more_subjects() -> None:
    text = edit("src/kiosk/entry.ts", ["  if (badge.level >= floor) {"],
                ["  if (badge.level > floor) {"])
    assert rules(run(text, load_policy(""))) == set()
    extended = load_policy(
        "areas:\n  permissions:\n    content:\n"
        "      - {id: badges, guards: true, pattern: '\\bbadge\\b'}\n"
    )
    assert rules(run(text, extended)) == {"permissions.condition-changed"}


def test_a_guard_rule_reads_the_kinds_it_lists() -> None:
    """A rule that lists kinds reads only those of its area's: a subject of checks taken out
    says nothing of one put in."""
    added = edit("src/kiosk/entry.ts", ["  if (badge.level < floor) {", "    throw new Closed();",
                                        "  }", "  open();"], ["  open();"])
    removed = edit("src/kiosk/entry.ts", ["  open();"], ["  if (badge.level < floor) {",
                                                         "    throw new Closed();", "  }",
                                                         "  open();"])
    only_removed = load_policy(
        "areas:\n  permissions:\n    content:\n"
        "      - {id: badges, guards: [guard-removed], pattern: '\\bbadge\\b'}\n"
    )
    assert "permissions.guard-removed" in rules(run(removed, only_removed))
    assert "permissions.guard-added" not in rules(run(added, only_removed))
    # ... and only those its area reads
    off = load_policy(
        "areas:\n  permissions:\n    replace: [guards]\n    guards: [guard-removed]\n"
        "    content:\n      - {id: badges, guards: [guard-added], pattern: '\\bbadge\\b'}\n"
    )
    assert "permissions.guard-added" not in rules(run(added, off))


def test_error_when_a_guard_rule_lists_no_kind() -> None:
    with pytest.raises(Exception, match="lists no kind"):
        load_policy("areas:\n  permissions:\n    content:\n"
                    "      - {id: g, guards: [], pattern: 'x'}\n")


def test_a_guard_rule_cannot_also_read_comments() -> None:
    with pytest.raises(Exception, match="guards"):
        load_policy(
            "areas:\n  permissions:\n    content:\n"
            "      - {id: g, guards: true, comments: true, pattern: 'x'}\n"
        )


def test_a_minified_line_is_not_read_for_its_conditions(policy: Policy) -> None:
    """A bundle's line (hundreds of kB in real commits) is no condition anyone wrote, and
    pairing two of them token by token is quadratic: only lines a person writes are read."""
    old, new = ("  const isAllowed = pageKey === '' || parameters[pageKey] !== false;",
                "  const isAllowed = pageKey === '' || parameters[pageKey] === true;")
    padding = "var n=t(1);" * 200
    changed = {r for r in rules(run(edit("src/app/share/SharePage.tsx", [new], [old]), policy))
               if r.endswith("condition-changed")}
    assert changed
    wide = edit("src/app/share/SharePage.tsx", [new + padding], [old + padding])
    assert not {r for r in rules(run(wide, policy)) if r.endswith("condition-changed")}


_EARLY_EXIT = [
    "     for pattern in patterns:",
    "-        if pattern.endswith('/*') and repo.startswith(pattern[:-2]):",
    "-            return True",
    "         if pattern == repo:",
    "             return True",
]


@pytest.mark.parametrize(
    ("path", "rows", "section", "found"),
    [
        # a guard taken out of a definition the hunk header names for its subject: its lines
        # name nothing, the definition says what they decide
        pytest.param("util/repos.py", _EARLY_EXIT, "def check_allowlist(repo, patterns):",
                     {"permissions.guard-removed"}, id="removed-in-a-named-function"),
        pytest.param("app/managers.py", [
            "     def filter_queryset(self, actor, queryset):",
            "-        if isinstance(actor, User):",
            "-            return queryset",
            "         return queryset.filter(visible=True)",
        ], "class ElementPermissionManager(Base):", {"permissions.guard-removed"},
            id="removed-in-a-named-class"),
        pytest.param("src/Service/Quota.php", [
            "         $plan = $this->plans->find($id);",
            "+        if ($plan->seats <= count($members)) {",
            "+            throw new LimitReached();",
            "+        }",
            "         $members[] = $user;",
        ], "public function assertOwnerMayInvite($id, $user)", {"permissions.guard-added"},
            id="added-in-a-named-function"),
        # the same lines in a definition named for nothing
        pytest.param("util/repos.py", _EARLY_EXIT, "def matches(repo, patterns):", set(),
                     id="removed-in-a-function-named-for-nothing"),
        # the auth area reads a guard put in only on what sign-in decides beyond doubt: a
        # function named for the verb alone (`authenticate(form)`) does not make its check of a
        # user found a sign-in check (a login check added is as often a message)
        pytest.param("app/login.py", [
            "     user = find(form.email)",
            "+    if user is None:",
            "+        return render_form(form)",
            "     return start(user)",
        ], "def authenticate(form):", set(), id="auth-reads-no-added-guard"),
        # ... one that takes the password does: a backend that no longer looks users up
        # without a name (openwisp-users)
        pytest.param("app/backends.py", [
            "     def authenticate(self, request, username=None, password=None):",
            "+        if not username:",
            "+            return",
            "         for user in self.get_users(username):",
        ], "class UsersBackend(ModelBackend):", {"auth.guard-added"},
            id="auth-guard-added-in-a-sign-in-backend"),
        # ... not a database session closed, a lexer's token, a cache's checksum, nor a Go
        # package named token giving a parameter its type (`u token.User`)
        pytest.param("app/db.py", [
            "     def close(self):",
            "+        if self.session is None:",
            "+            return",
            "         self.session.close()",
        ], "class Database:", set(), id="db-session-closed"),
        pytest.param("parser/lexer.py", [
            "         token = self.peek()",
            "+        if token is None:",
            "+            return",
            "         self.advance(token)",
        ], "def parse_statement(self):", set(), id="lexer-token"),
        pytest.param("internal/cache/cache.go", [
            " 	entry := c.items[key]",
            "+	if !c.verify {",
            "+		return entry, nil",
            "+	}",
            " 	return entry, entry.check()",
        ], "func (c *Cache) Get(key string) (*Entry, error) {", set(), id="cache-verify"),
        pytest.param("provider/service.go", [
            "-	if ava != nil {",
            "+	if ava == nil || ava == (*avatar.Proxy)(nil) {",
            "+		return u, nil",
            "+	}",
            " 	avatarURL, e := ava.Put(u, client)",
        ], "func setAvatar(ava AvatarSaver, u token.User, client *http.Client) (token.User, error) {",
            set(), id="go-token-package-in-the-signature"),
        # a failure passed up is no decision about the caller
        pytest.param("pkg/acl/store.go", [
            " \trows, err := s.db.Query(q)",
            "-\tif err != nil {",
            "-\t\treturn nil, err",
            "-\t}",
            " \tdefer rows.Close()",
        ], "func (s *Store) Permissions(ctx context.Context) ([]Rule, error) {", set(),
            id="error-propagation-in-a-named-function"),
    ],
)
def test_a_guard_in_a_definition_the_header_names_for_its_subject(
    policy: Policy, path: str, rows: list[str], section: str, found: set[str]
) -> None:
    guards = {r for r in rules(run(_shown(path, rows, section), policy))
              if r.endswith(("-removed", "-added"))}
    assert guards == found


@pytest.mark.parametrize(
    ("path", "removed", "added", "found"),
    [
        # what the user belongs to compared with what the request names: whose data it is
        pytest.param("app/rest/middleware.go",
                     ["\t\tif siteID != \"\" && user.SiteID != siteID {"],
                     ["\t\tif siteID == \"\" || user.SiteID != siteID {"],
                     {"permissions.condition-changed"}, id="go-site-of-the-user"),
        pytest.param("app/api/boards.py",
                     ["    if board.group_id != user.group_id:", "        raise NotFound()"],
                     ["    log.info('board %s', board.pk)"],
                     {"permissions.guard-removed"}, id="py-group-of-the-user"),
        pytest.param("src/notes.ts",
                     ["  if (note.groupId === user.groupId) {"],
                     ["  if (note.groupId === user.groupId || note.published) {"],
                     {"permissions.condition-changed"}, id="ts-group-of-the-user"),
        # the team, organisation or workspace a record or a request names: a tenant by another
        # name
        pytest.param("apps/api/src/rest/routers/oauth.ts", [],
                     ["    if (!application.teamId) {", "      return c.json({ error }, 400);",
                      "    }"],
                     {"permissions.guard-added"}, id="ts-team-of-the-record"),
        pytest.param("app/controller/views.py", [],
                     ["            if attr in ['organization', 'organization_id']:",
                      "                continue"],
                     {"permissions.guard-added"}, id="py-organization-asked-for"),
        pytest.param("src/Traits/UserTrait.php",
                     ["        if (!Config::get('app.use_teams')) {"],
                     ["        if (!Config::get('app.use_teams') || $team === null) {"],
                     {"permissions.condition-changed"}, id="php-teams-setting"),
        pytest.param("app/projects/views.py",
                     ["    if project.org in request.user.orgs:"],
                     ["    if project.org in request.user.orgs or project.public:"],
                     {"permissions.condition-changed"}, id="py-orgs-of-the-user"),
        # ... not its name, nor a word that only begins like one
        pytest.param("apps/api/src/rest/routers/teams.ts", [],
                     ["    if (!team.name) {", "      return c.json({ error }, 400);", "    }"],
                     set(), id="ts-team-name"),
        pytest.param("app/charts/views.py", [],
                     ["    if not org_chart_enabled:", "        return None"],
                     set(), id="py-org-chart"),
        # ... nor their plural: a count, a list shown
        pytest.param("league/schedule.py", ["    if num_teams > 2:"], ["    if num_teams > 3:"],
                     set(), id="py-count-of-teams"),
        # the user's other attributes, and an id beside no decision, say nothing of access
        pytest.param("app/rest/middleware.go",
                     ["\t\tif name != \"\" && user.Name != name {"],
                     ["\t\tif name == \"\" || user.Name != name {"], set(), id="go-user-name"),
        pytest.param("src/notes.ts", ["  log(user.id);"], ["  log(user.id, note.id);"], set(),
                     id="ts-id-logged"),
    ],
)
def test_a_condition_on_what_the_user_belongs_to_decides_whose_data(
    policy: Policy, path: str, removed: list[str], added: list[str], found: set[str]
) -> None:
    guards = {r for r in rules(run(edit(path, added, removed), policy))
              if r.endswith(("-changed", "-removed", "-added"))}
    assert guards == found


_IDENTIFIER = [
    "     $parts = [$this->attributes['name']];",
    "-    if ($this->attributes['entity_id']) {",
    "+    if ($this->attributes['entity_id'] !== null) {",
    "         $parts[] = $this->attributes['entity_id'];",
]


@pytest.mark.parametrize(
    ("section", "found"),
    [
        # an ability is what an authorization library grants or forbids (CanCan's `Ability`,
        # Bouncer's, CASL's): a condition changed in its definition decides who may
        pytest.param("trait IsAbility", True, id="in-an-ability"),
        pytest.param("class Ability", True, id="in-a-class-named-ability"),
        pytest.param("public function abilities()", True, id="in-a-function-named-abilities"),
        # a word that only ends in "ability" says nothing of access
        pytest.param("trait HasAvailability", False, id="in-an-availability"),
        pytest.param("class Capability", False, id="in-a-capability"),
    ],
)
def test_a_condition_changed_in_an_ability_decides_who_may(
    policy: Policy, section: str, found: bool
) -> None:
    changed = {r for r in rules(run(_shown("src/Models/Entry.php", _IDENTIFIER, section), policy))
               if r.endswith("condition-changed")}
    assert bool(changed) == found


def test_a_condition_over_several_lines_losing_an_operand_is_a_condition_changed(
    policy: Policy,
) -> None:
    """No line of either side is alike enough to one of the other; read as one, the condition
    lost `actor.Admin ||`."""
    text = _shown("app/services/protection/bypass.go", [
        " func (v DefBypass) matches(actor *Principal, isRepoOwner bool) bool {",
        " \treturn actor != nil &&",
        "-\t\t(actor.Admin ||",
        "-\t\t\tv.RepoOwners && isRepoOwner ||",
        "+\t\t(v.RepoOwners && isRepoOwner ||",
        " \t\t\tslices.Contains(v.UserIDs, actor.ID))",
        " }",
    ])
    assert rules(run(text, policy)) == {"permissions.condition-changed"}


def test_a_condition_over_several_lines_re_wrapped_or_renamed_is_not(policy: Policy) -> None:
    rewrapped = _shown("app/services/protection/bypass.go", [
        " func (v DefBypass) matches(actor *Principal, isRepoOwner bool) bool {",
        " \treturn actor != nil &&",
        "-\t\t(actor.Admin ||",
        "-\t\t\tv.RepoOwners && isRepoOwner ||",
        "+\t\t(actor.Admin || v.RepoOwners && isRepoOwner ||",
        " \t\t\tslices.Contains(v.UserIDs, actor.ID))",
        " }",
    ])
    renamed = _shown("app/services/protection/bypass.go", [
        " func (v DefBypass) matches(actor *Principal, isRepoOwner bool) bool {",
        " \treturn actor != nil &&",
        "-\t\t(actor.Admin ||",
        "-\t\t\tv.RepoOwners && isRepoOwner ||",
        "+\t\t(actor.IsSiteAdmin ||",
        "+\t\t\tv.OwnersMayBypass && ownsRepository ||",
        " \t\t\tslices.Contains(v.UserIDs, actor.ID))",
        " }",
    ])
    assert rules(run(rewrapped, policy)) == set()
    assert rules(run(renamed, policy)) == set()


@pytest.mark.parametrize(
    ("path", "rows", "fires"),
    [
        pytest.param("req.go", [
            " func (r *DefaultReq) IsProxyTrusted() bool {",
            " \tconfig := r.c.app.config",
            " \tif !config.TrustProxy {",
            "-\t\treturn true",
            "+\t\treturn false",
            " \t}",
        ], True, id="go-verdict-flipped-in-a-function-named-for-trust"),
        pytest.param("razorpay/utility/utility.py", [
            "         generated_signature = dig.hexdigest()",
            " ",
            "         if not hmac.compare_digest(generated_signature, razorpay_signature):",
            "-            return False",
            "+            raise ValueError('Payment Signature Verification Failed')",
            " ",
            "         return True",
        ], True, id="py-false-now-raised-under-a-signature-check"),
        pytest.param("lib/joken/token.ex", [
            "   defp verify_signature(token, key, algorithm) do",
            "     case String.split(token, \".\") do",
            "       [ _header64, _payload64 ] ->",
            "-        { :ok, token }",
            "+          if algorithm == :none || is_nil(algorithm) do",
            "+            { :ok, token }",
            "+          else",
            "+            { :error, \"Missing signature\" }",
            "+          end",
        ], True, id="ex-ok-now-also-an-error-for-an-unsigned-token"),
        # the same outcome re-written, an outcome after the condition's block, one of a
        # function named for nothing sensitive, a computed value, a test's helper: none
        pytest.param("app/feeds.py", [
            "     if not feed.signature_valid:",
            "-        return False",
            "+        return False  # stale",
        ], False, id="py-same-outcome-with-a-comment"),
        pytest.param("app/feeds.py", [
            "     if feed.signature_valid:",
            "         refresh(feed)",
            "-    return False",
            "+    raise FeedError()",
        ], False, id="py-outcome-after-the-condition-block-is-not-its-own"),
        pytest.param("app/render.go", [
            " func (v *View) IsVisible() bool {",
            " \tif v.hidden {",
            "-\t\treturn true",
            "+\t\treturn false",
            " \t}",
        ], False, id="go-verdict-flipped-where-no-subject-is-named"),
        pytest.param("app/cache.py", [
            "     if cache.has(signature_key):",
            "-        return cache.get(signature_key)",
            "+        return cache.fetch(signature_key)",
        ], False, id="py-a-value-computed-is-no-verdict"),
        pytest.param("tests/test_signature.py", [
            "     if not check_signature(payload):",
            "-        return False",
            "+        raise AssertionError('bad signature')",
        ], False, id="py-a-test-helper"),
    ],
)
def test_what_a_check_hands_back_changed_is_an_outcome_changed(
    policy: Policy, path: str, rows: list[str], fires: bool
) -> None:
    """Neither a condition nor an exit changed: what the check gives its caller did (a proxy
    trusted when none is configured, a mismatched signature returned as False now raised, a
    token without a signature now refused). An outcome re-written alike, or not under a check
    of something sensitive, is none."""
    assert ("security.outcome-changed" in rules(run(_shown(path, rows), policy))) is fires


def test_a_repository_may_stop_reading_outcomes() -> None:
    """Without `outcome-changed` among security's kinds, a raise under an unchanged signature
    check is no evidence of it, and the matcher looks for no conditions above changed lines."""
    text = _shown("razorpay/utility/utility.py", [
        "         if not hmac.compare_digest(generated_signature, razorpay_signature):",
        "-            return False",
        "+            raise ValueError('Payment Signature Verification Failed')",
    ])
    assert "security.outcome-changed" in rules(run(text, load_policy("")))
    others = load_policy(
        "areas:\n  security:\n    replace: [guards]\n"
        "    guards: [condition-changed, guard-removed, guard-added]\n"
    )
    assert "security.outcome-changed" not in rules(run(text, others))
    assert Matcher.compile(others).reads_outcomes is False
    assert Matcher.compile(load_policy("")).reads_outcomes is True


def _method(path: str, removed: list[str], added: list[str], fires: bool, name: str
            ) -> object:
    return pytest.param(path, removed, added, fires, id=name)


@pytest.mark.parametrize(
    ("path", "removed", "added", "fires"),
    [
        # forms: ERB's helpers, an HTML form and its attribute alone, a JSX form
        _method("app/views/profiles/_close.html.erb",
                ["<%= form_with url: profile_path, method: :delete do |f| %>"],
                ["<%= form_with url: profile_path, method: :get do |f| %>"],
                True, "erb-form-delete-to-get"),
        _method("app/views/lists/show.html.erb",
                ["  <%= button_to 'Empty', empty_list_path(@list), method: :post %>"],
                ["  <%= button_to 'Empty', empty_list_path(@list), method: :get %>"],
                True, "erb-button-post-to-get"),
        _method("templates/profile/close.html",
                ["<form method=\"post\" action=\"{% url 'profile_close' %}\">"],
                ["<form method=\"get\" action=\"{% url 'profile_close' %}\">"],
                True, "html-form-post-to-get"),
        _method("templates/profile/close.html",
                ["<form method=\"post\" action=\"/profile/close\">"],
                ["<form action=\"/profile/close\">"],
                True, "html-form-method-left-out-is-get"),
        _method("templates/profile/close.html",
                ["      method=\"POST\""], ["      method=\"GET\""],
                True, "html-attribute-alone"),
        _method("app/routes/lists.$id.tsx",
                ["      <Form method=\"post\" action=\"archive\">"],
                ["      <Form method=\"get\" action=\"archive\">"],
                True, "jsx-form-post-to-get"),
        # routes and their decorators or attributes
        _method("config/routes.rb",
                ["  post \"/profile/close\", to: \"profiles#close\""],
                ["  get \"/profile/close\", to: \"profiles#close\""],
                True, "rails-route-post-to-get"),
        _method("config/routes.rb",
                ["  match \"/lists/:id/empty\", to: \"lists#empty\", via: [:post]"],
                ["  match \"/lists/:id/empty\", to: \"lists#empty\", via: [:get, :post]"],
                True, "rails-get-added-to-via"),
        _method("shop/views.py",
                ["@shop.route(\"/carts/<int:cart_id>/clear\", methods=[\"POST\"])"],
                ["@shop.route(\"/carts/<int:cart_id>/clear\", methods=[\"GET\", \"POST\"])"],
                True, "flask-get-added-beside-post"),
        _method("shop/views.py",
                ["@shop.route(\"/carts/<int:cart_id>/clear\", methods=[\"POST\"])"],
                ["@shop.route(\"/carts/<int:cart_id>/clear\")"],
                True, "flask-methods-left-out-is-get"),
        _method("shop/api.py",
                ["@router.post(\"/carts/{cart_id}/clear\")"],
                ["@router.get(\"/carts/{cart_id}/clear\")"],
                True, "fastapi-post-to-get"),
        _method("shop/views.py", ["@require_POST"], ["@require_GET"],
                True, "django-require-post-to-get"),
        _method("src/main/java/org/shop/CartController.java",
                ["    @DeleteMapping(\"/carts/{id}\")"], ["    @GetMapping(\"/carts/{id}/clear\")"],
                True, "spring-mapping"),
        _method("src/main/java/org/shop/CartController.java",
                ["    @RequestMapping(value = \"/carts/{id}/clear\", method = RequestMethod.POST)"],
                ["    @RequestMapping(value = \"/carts/{id}/clear\", method = RequestMethod.GET)"],
                True, "spring-request-method"),
        _method("src/main/java/org/shop/CartResource.java", ["    @POST"], ["    @GET"],
                True, "jax-rs-annotation"),
        _method("Controllers/CartController.cs", ["        [HttpPost]"], ["        [HttpGet]"],
                True, "aspnet-attribute"),
        _method("src/routes/carts.ts",
                ["router.delete(\"/carts/:id\", clearCart);"],
                ["router.get(\"/carts/:id/clear\", clearCart);"],
                True, "express-delete-to-get"),
        _method("server.js",
                ["app.post('/carts/:id/clear', requireUser, clearCart);"],
                ["app.get('/carts/:id/clear', requireUser, clearCart);"],
                True, "express-app-post-to-get"),
        _method("routes/web.php",
                ["Route::post('/carts/{cart}/clear', [CartController::class, 'clear']);"],
                ["Route::get('/carts/{cart}/clear', [CartController::class, 'clear']);"],
                True, "laravel-route"),
        _method("internal/web/routes.go",
                ["\tr.Post(\"/carts/{id}/clear\", h.clearCart)"],
                ["\tr.Get(\"/carts/{id}/clear\", h.clearCart)"],
                True, "go-chi"),
        _method("internal/web/routes.go",
                ["\tr.HandleFunc(\"/carts/{id}/clear\", h.clearCart).Methods(\"POST\")"],
                ["\tr.HandleFunc(\"/carts/{id}/clear\", h.clearCart).Methods(\"GET\")"],
                True, "go-gorilla-methods"),
        _method("internal/web/routes.go",
                ["\tmux.HandleFunc(\"POST /carts/{id}/clear\", h.clearCart)"],
                ["\tmux.HandleFunc(\"GET /carts/{id}/clear\", h.clearCart)"],
                True, "go-method-in-pattern"),
        # a GET form or route put in, or taken out; a method that still changes state; GET made
        # POST; GET taken from a route's methods
        _method("templates/search.html", [], ["<form method=\"get\" action=\"/search\">"],
                False, "new-get-form"),
        _method("config/routes.rb", ["  get \"/lists/:id/export\", to: \"lists#export\""], [],
                False, "get-route-removed"),
        _method("src/routes/carts.ts",
                ["router.post(\"/carts/:id\", updateCart);"],
                ["router.put(\"/carts/:id\", updateCart);"],
                False, "post-to-put"),
        _method("app/views/profiles/_close.html.erb",
                ["<%= form_with url: profile_path, method: :get do |f| %>"],
                ["<%= form_with url: profile_path, method: :delete do |f| %>"],
                False, "get-to-delete"),
        _method("shop/views.py",
                ["@shop.route(\"/carts/<int:cart_id>\", methods=[\"GET\", \"POST\"])"],
                ["@shop.route(\"/carts/<int:cart_id>\", methods=[\"GET\"])"],
                False, "post-taken-from-methods"),
        _method("config/routes.rb", ["  post :create"], ["  get :search"],
                False, "rails-another-action"),
        # a middleware given to each route of a group: each keeps its path and handler
        _method("internal/web/routes.go",
                ["\tr.Use(acl.AdminOnly)", "\tr.Get(\"/\", vault.ListAll(s.Store))",
                 "\tr.Post(\"/{ns}\", vault.Create(s.Store))",
                 "\tr.Delete(\"/{ns}/{name}\", vault.Remove(s.Store))"],
                ["\tr.With(acl.AdminOnly).Get(\"/\", vault.ListAll(s.Store))",
                 "\tr.With(acl.MemberOf(s.Teams, true)).Post(\"/{ns}\", vault.Create(s.Store))",
                 "\tr.With(acl.MemberOf(s.Teams, true)).Delete(\"/{ns}/{name}\", "
                 "vault.Remove(s.Store))"],
                False, "go-middleware-given-to-a-group"),
        # routes re-ordered: one taken out, another put in where it stood
        _method("routes/admin.php",
                ["    Route::post('bulk-archive', 'bulkArchive')->name('admin.lists.bulk_archive');"],
                ["    Route::get('{id}/items', 'items')->name('admin.lists.items');"],
                False, "laravel-another-route-in-its-place"),
        _method("app/views/lists/show.html.erb",
                ["  <%= link_to 'Delete', @list, method: :delete %>"],
                ["  <%= link_to 'Delete', @list, data: { turbo_method: :delete } %>"],
                False, "rails-turbo-method"),
        _method("app/views/posts/_form.html.erb",
                ["<%= form_with model: @post do |f| %>"],
                ["<%= form_with model: @post, class: 'wide' do |f| %>"],
                False, "a-model-named-post"),
        # an HTTP client's calls: calling, not serving
        _method("shop/client.py",
                ["    response = requests.post(f\"{base}/carts/{cart_id}/clear\")"],
                ["    response = requests.get(f\"{base}/carts/{cart_id}/clear\")"],
                False, "python-client"),
        _method("src/api/carts.ts",
                ["  const response = await fetch(url, { method: \"POST\" });"],
                ["  const response = await fetch(url, { method: \"GET\" });"],
                False, "fetch-client"),
        _method("src/api/carts.ts",
                ["  return api.post(\"/carts/\" + id + \"/clear\");"],
                ["  return api.get(\"/carts/\" + id + \"/clear\");"],
                False, "axios-instance-client"),
        _method("internal/client/carts.go",
                ["\tresp, err := http.Post(base+\"/carts\", \"application/json\", body)"],
                ["\tresp, err := http.Get(base + \"/carts\")"],
                False, "go-client"),
        _method("app/services/geocoder.py",
                ["        resp = self.session.request(self.url, method=\"POST\", json=body)"],
                ["        resp = self.session.request(self.url, method=\"GET\", params=body)"],
                False, "python-client-method-argument"),
        _method("app/services/weather_client.rb",
                ["    response = RestClient::Request.execute(url: endpoint, method: :post)"],
                ["    response = RestClient::Request.execute(url: endpoint, method: :get)"],
                False, "ruby-client-method-option"),
        _method("lib/acme/client.rb", ["      post \"/v1/search\", q: query"],
                ["      get \"/v1/search\", q: query"], False, "ruby-sdk-verb"),
        # a route's bare verb with its block (Sinatra, Grape), a decorator's empty path
        # (FastAPI), a link's method in a Rails helper
        _method("app.rb", ["post '/transfer' do"], ["get '/transfer' do"], True,
                "sinatra-route-block"),
        _method("app/routers/items.py", ["@router.post(\"\")"], ["@router.get(\"\")"], True,
                "fastapi-empty-path"),
        _method("app/helpers/items_helper.rb",
                ["    link_to 'Remove', item_path(item), method: :delete"],
                ["    link_to 'Remove', item_path(item), method: :get"], True,
                "rails-helper-link-method"),
        # a router's route whose path is a constant's or a template's (Express), Roda's routes
        _method("src/routes/account.js",
                ["router.post(PATHS.deleteAccount, requireUser, async (req, res) => {"],
                ["router.get(PATHS.deleteAccount, requireUser, async (req, res) => {"], True,
                "express-constant-path"),
        _method("src/routes/account.js",
                ["app.delete(DELETE_ACCOUNT, requireUser, removeAccount);"],
                ["app.get(DELETE_ACCOUNT, requireUser, removeAccount);"], True,
                "express-upper-case-path"),
        _method("src/routes/account.ts",
                ["accountRouter.post(`${BASE}/close`, closeAccount);"],
                ["accountRouter.get(`${BASE}/close`, closeAccount);"], True,
                "express-template-path"),
        # ... a variable's, or on the next line of a call Prettier left open
        _method("src/routes/account.js",
                ["router.post(deletePath, requireUser, removeAccount);"],
                ["router.get(deletePath, requireUser, removeAccount);"], True,
                "express-variable-path"),
        _method("src/routes/account.js",
                ["router.delete(API_PREFIX + '/account', requireUser, removeAccount);"],
                ["router.get(API_PREFIX + '/account', requireUser, removeAccount);"], True,
                "express-path-built-from-a-constant"),
        _method("src/routes/account.js",
                ["router.post(PATHS.account.delete, requireUser, removeAccount);"],
                ["router.get(PATHS.account.delete, requireUser, removeAccount);"], True,
                "express-nested-constant-path"),
        _method("src/routes/account.ts",
                ["accountRouter.delete(", "  '/close',"],
                ["accountRouter.get(", "  '/close',"], True, "express-call-left-open"),
        _method("app/routes/account.rb", ["      r.post \"delete\" do"],
                ["      r.get \"delete\" do"], True, "roda-route"),
        _method("app/routes/posts.rb", ["      r.post \"posts\", Integer do |id|"],
                ["      r.get \"posts\", Integer do |id|"], True, "roda-route-with-captures"),
        _method("app/routes/account.rb", ["      r.post(\"delete\") do"],
                ["      r.get(\"delete\") do"], True, "roda-route-parenthesised"),
        _method("app/routes/orders.rb", ["      r.post(\"orders\", Integer) do |id|"],
                ["      r.get(\"orders\", Integer) do |id|"], True,
                "roda-route-parenthesised-with-captures"),
        # ... not a client named r whose call takes a block, a map's keys, a client named server,
        # nor a GET route put in beside a POST route that stays
        _method("lib/cache.rb", ["    r.post(key) do |resp|"], ["    r.get(key) do |resp|"],
                False, "ruby-client-named-r"),
        _method("src/lib/registry.js", ["  routes.post(KEY, value);"], ["  routes.get(KEY);"],
                False, "a-map-named-routes"),
        _method("src/lib/registry.js", ["  routes.post(key, value);"], ["  routes.get(key);"],
                False, "a-map-named-routes-variable-key"),
        _method("src/api/sync.js", ["  await api.post(", "    endpoint,"],
                ["  await api.get(", "    endpoint,"], False, "a-client-call-left-open"),
        _method("src/api/sync.js", ["  await server.post(", "    ENDPOINT,"],
                ["  await server.get(", "    ENDPOINT,"], False,
                "a-client-named-server-left-open"),
        _method("src/app.js", ["const mode = app.post(name, fallback);"],
                ["const mode = app.get(name);"], False, "express-setting-read"),
        _method("src/api/sync.js", ["  await server.post(ENDPOINT, payload);"],
                ["  await server.get(ENDPOINT, { params: payload });"], False,
                "a-client-named-server"),
        _method("src/routes/items.js", ["router.post(PATHS.items, createItem);"],
                ["router.post(PATHS.items, validate(itemSchema), createItem);",
                 "router.get(PATHS.items, listItems);"], False, "get-route-added-beside-post"),
        # ... not a client's call with a constant's URL
        _method("src/api/carts.ts",
                ["  return axios.post(ENDPOINTS.clearCart, { id });"],
                ["  return axios.get(ENDPOINTS.clearCart, { params: { id } });"],
                False, "axios-constant-url"),
        _method("src/api/carts.ts",
                ["  return client.post(CLEAR_CART_URL, body);"],
                ["  return client.get(CLEAR_CART_URL, body);"],
                False, "client-upper-case-url"),
        # ... not a Ruby client's call on an instance variable, nor an SDK's block
        _method("app/services/weather.rb",
                ["    @response = @http.post(url, headers: headers)"],
                ["    @response = @http.get(url, headers: headers)"], False, "ruby-ivar-client"),
        _method("lib/acme/client.rb", ["      post \"/v1/search\" do |req|"],
                ["      get \"/v1/search\" do |req|"], False, "ruby-sdk-block"),
        # a getter called in a form that stays POST
        _method("app/routes/settings.tsx",
                ["      <Form method=\"post\" action={actionUrl} className=\"space-y-4\">"],
                ["      <Form method=\"post\" action={searchParams.get(\"returnTo\") ?? actionUrl}"
                 " className=\"space-y-4\">"],
                False, "a-getter-in-a-post-form"),
        # tests and docs
        _method("tests/test_carts.py",
                ["@shop.route(\"/carts/<int:cart_id>/clear\", methods=[\"POST\"])"],
                ["@shop.route(\"/carts/<int:cart_id>/clear\", methods=[\"GET\", \"POST\"])"],
                False, "a-test-file"),
        _method("docs/routing.md",
                ["app.post('/carts/:id/clear', clearCart);"],
                ["app.get('/carts/:id/clear', clearCart);"],
                False, "docs"),
    ],
)
def test_a_form_or_route_made_get_is_security(
    policy: Policy, path: str, removed: list[str], added: list[str], fires: bool
) -> None:
    """A form's or a route's method that changes state replaced by GET, or GET added beside it:
    no CSRF check guards a GET, and a link on another site sends one. A GET form or route put
    in or taken out, a method that still changes state, and an HTTP client's call are not."""
    found = rules(run(edit(path, added, removed), policy))
    assert ("security.method-to-get" in found) is fires


def test_a_method_made_get_says_from_what() -> None:
    """The evidence names the methods before and after, beside the new line."""
    text = edit("config/routes.rb", ["  get \"/lists/:id/empty\", to: \"lists#empty\""],
                ["  post \"/lists/:id/empty\", to: \"lists#empty\""])
    snippets = [e.snippet for area in run(text, load_policy("")).areas for e in area.evidence
                if e.rule == "security.method-to-get"]
    assert snippets == ["a route's method changed from POST to GET: get \"/lists/:id/empty\", "
                        "to: \"lists#empty\""]


def test_a_route_moved_with_its_method_kept_is_not_made_get(policy: Policy) -> None:
    """The old line kept elsewhere in the file: a GET route put in beside it, not the route
    made GET."""
    text = (
        "diff --git a/config/routes.rb b/config/routes.rb\nindex 1111111..2222222 100644\n"
        "--- a/config/routes.rb\n+++ b/config/routes.rb\n@@ -3,3 +3,3 @@\n"
        "   resources :lists\n-  post \"/lists/:id/empty\", to: \"lists#empty\"\n"
        "+  get \"/lists/:id/empty\", to: \"lists#confirm\"\n   root \"lists#index\"\n"
        "@@ -20,2 +20,3 @@\n   namespace :admin do\n"
        "+  post \"/lists/:id/empty\", to: \"lists#empty\"\n   end\n"
    )
    assert "security.method-to-get" not in rules(run(text, policy))


def test_a_repository_may_stop_reading_methods_made_get() -> None:
    """Without `method-to-get` among security's kinds, a route made GET is no evidence."""
    text = edit("src/routes/carts.ts", ["router.get(\"/carts/:id/clear\", clearCart);"],
                ["router.delete(\"/carts/:id\", clearCart);"])
    assert "security.method-to-get" in rules(run(text, load_policy("")))
    others = load_policy(
        "areas:\n  security:\n    replace: [guards]\n"
        "    guards: [condition-changed, guard-removed, guard-added, outcome-changed]\n"
    )
    assert "security.method-to-get" not in rules(run(text, others))


def test_a_runs_outcomes_are_read_once_however_many_of_its_lines_are_asked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from bot.analysis import guards

    lines = ["    if not verified:", "        return False", "    return True"]
    diff = parse_diff(edit("app/verify.py", removed=lines,
                           added=[lines[0], "        raise ValueError('unverified')", lines[2]]))
    read: list[list[str]] = []
    outcome = guards._outcome

    def recording(stream: list[str]) -> str | None:
        read.append(stream)
        return outcome(stream)

    monkeypatch.setattr(guards, "_outcome", recording)
    found = guards.changes(diff.hunks(0)[0], [], diff, anywhere=True)
    assert [change.kind for change in found] == ["outcome-changed"]
    assert len(read) == 6  # each line of the run once, though every line of it was asked



def _hunk(path: str, section: str, rows: list[str]) -> str:
    """One modified file with one hunk of these rows, each with its marker (' ', '-', '+')."""
    old = sum(row[:1] in (" ", "-") for row in rows)
    new = sum(row[:1] in (" ", "+") for row in rows)
    body = "".join(f"{row}\n" for row in rows)
    return (f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n--- a/{path}\n"
            f"+++ b/{path}\n@@ -5,{old} +5,{new} @@ {section}\n{body}")


def _version_switch(condition: str) -> list[str]:
    """A framework's older code kept under an `else`, the newer one under `condition`."""
    return ["     initializer :shop do", "-      if defined? ActionController::Base",
            f"+      if {condition}", "+        ActiveSupport.on_load(:action_controller_base)",
            "+      else", "+        if defined? ActionController::Base",
            "         ActionController::Base.include(Helpers)"]


@pytest.mark.parametrize(
    "condition",
    ["order.version != expected", "order.lock.Version != expected",
     "current?.version !== expected", "rows[0].version != expected",
     "(await repo.get(id)).version != expected"],
    ids=["row-version", "row-version-capitalised", "optional-chain", "indexed-row",
         "awaited-row"],
)
def test_a_rows_version_checked_is_a_transactions_guard(policy: Policy, condition: str) -> None:
    """A write's check of the version it read (optimistic locking) changed is evidence, in the
    same shape as a framework's version switch."""
    text = _hunk("lib/shop/orders.rb", "module Shop", _version_switch(condition))
    assert "transactions.condition-changed" in rules(run(text, policy))


# ------------------------------------------------------------------ conditions wrapped over lines
@pytest.mark.parametrize(
    ("path", "rows", "rule"),
    [
        # google-java-format's wrap, in a typed method the hunk shows (no `def` or `func`)
        pytest.param("src/main/java/shop/RefundController.java", [
            "   private void validateRefundAmount(final RefundRequest request, final long amount) {",
            "+    if (!(request.tier == config.basic().tier()",
            "+        || request.tier == config.premium().tier())) {",
            "+      throw new BadRequestException(\"invalid tier\");",
            "+    }",
            "     checkCurrency(request.currency);",
        ], "billing.guard-added", id="java-wrapped-guard-added-in-typed-method"),
        # Prettier's wrap, a comment between the condition and its exit
        pytest.param("src/saml/verify.ts", [
            " export function verifySignature(doc: Document): Promise<void> {",
            "-  if (",
            "-    Array.from(doc.childNodes).filter(",
            "-      (n) => n.tagName != null",
            "-    ).length !== 1",
            "-  ) {",
            "-    // a second root would carry an unsigned assertion",
            "-    return reject(new Error(\"multiple roots\"));",
            "-  }",
            "   return resolve(doc);",
        ], "security.guard-removed", id="ts-wrapped-guard-removed"),
        # gofmt's: a connective ends the line, the condition goes on
        pytest.param("internal/billing/refund.go", [
            " func (s *Service) Refund(amount int64) error {",
            "+\tif amount > s.captured &&",
            "+\t\t!s.allowOverRefund {",
            "+\t\treturn ErrTooMuch",
            "+\t}",
            " \treturn s.gateway.Refund(amount)",
        ], "billing.guard-added", id="go-wrapped-guard-added"),
    ],
)
def test_a_guard_whose_condition_is_wrapped_over_lines_is_read_whole(
    policy: Policy, path: str, rows: list[str], rule: str
) -> None:
    assert rule in rules(run(_shown(path, rows), policy))


@pytest.mark.parametrize(
    ("path", "rows"),
    [
        # a wrapped condition around ordinary work: nothing refused
        pytest.param("src/main/java/shop/RefundController.java", [
            "   private void validateRefundAmount(final RefundRequest request, final long amount) {",
            "+    if (!(request.tier == config.basic().tier()",
            "+        || request.tier == config.premium().tier())) {",
            "+      metrics.count(\"odd-tier\");",
            "+    }",
            "     checkCurrency(request.currency);",
        ], id="java-wrapped-condition-without-exit"),
        # a one-line condition, work in its block, then the function's own return
        pytest.param("include/Fields/Currency.php", [
            "     public function importSanitize($value, $vardef, $amount)",
            "     {",
            "-        return $settings->float($value, $vardef, $amount);",
            "+        if (isset($vardef['len'])) {",
            "+            $value = substr($value, 0, $vardef['len']);",
            "+        }",
            "+        return $value;",
        ], id="php-block-then-return"),
        # a call wrapped over lines, then a return: no condition
        pytest.param("src/payments/summary.ts", [
            " export function paymentSummary(amount: number): string {",
            "+  const text = format(",
            "+    amount,",
            "+    currency,",
            "+  );",
            "+  return text;",
        ], id="ts-wrapped-call-then-return"),
    ],
)
def test_lines_that_only_look_like_a_wrapped_guard_are_not_one(
    policy: Policy, path: str, rows: list[str]
) -> None:
    assert not {r for r in rules(run(_shown(path, rows), policy)) if ".guard-" in r}


def test_a_typed_method_opens_a_function_a_field_or_a_call_does_not() -> None:
    import re

    from bot.analysis.guards import FUNCTION

    opens = re.compile(FUNCTION)
    for line in ("  private void validateRefundAmount(final RefundRequest r,",
                 "    public async Task<bool> HasPermissionAsync(User user)",
                 "  protected static List<Role> rolesOf(User user) {",
                 "  private async checkOwner(req: Request) {", "  def authorize(", "func Allow("):
        assert opens.match(line), line
    for line in ("  private final Amount amount = compute(", "    return validate(amount);",
                 "    permissionService.check(user);", "  private Amount amount;"):
        assert not opens.match(line), line


def test_a_wrapped_condition_gaining_an_operand_is_a_condition_changed(policy: Policy) -> None:
    text = _shown("src/Traits/UserTrait.php", [
        "     private function isInSameTeam($rolePermission, $team)",
        "     {",
        "-        if (!Config::get('acl.use_teams')) {",
        "+        if (",
        "+            !Config::get('acl.use_teams')",
        "+            || (!Config::get('acl.strict') && is_null($team))",
        "+        ) {",
        "             return true;",
    ])
    assert "permissions.condition-changed" in rules(run(text, policy))


def test_a_condition_only_wrapped_over_lines_is_not_changed(policy: Policy) -> None:
    text = _shown("src/Traits/UserTrait.php", [
        "     private function isInSameTeam($rolePermission, $team)",
        "     {",
        "-        if (!Config::get('acl.use_teams') || is_null($team)) {",
        "+        if (",
        "+            !Config::get('acl.use_teams')",
        "+            || is_null($team)",
        "+        ) {",
        "             return true;",
    ])
    assert rules(run(text, policy)) == set()


# ------------------------------------------------------------------ an exit dropped, a guard kept
def _kept_condition(after: str) -> str:
    """A check moved up its function, its exit become `after` on the way (two hunks)."""
    return (
        "diff --git a/pkg/server/entrypoint.go b/pkg/server/entrypoint.go\n"
        "index 1111111..2222222 100644\n"
        "--- a/pkg/server/entrypoint.go\n+++ b/pkg/server/entrypoint.go\n"
        "@@ -10,2 +10,5 @@ func (s *Service) Entry(ctx context.Context, req *Request) error {\n"
        " \tlog := s.log\n"
        "+\tif tok.AccountID != req.AccountID {\n"
        f"+\t\t{after}\n"
        "+\t}\n"
        " \tdeployment, err := s.get(ctx, req)\n"
        "@@ -40,5 +43,2 @@ func (s *Service) Entry(ctx context.Context, req *Request) error {\n"
        " \t}\n"
        "-\tif tok.AccountID != req.AccountID {\n"
        "-\t\treturn errWrongAccount\n"
        "-\t}\n"
        " \treturn s.record(deployment)\n"
    )


def test_a_guard_whose_exit_gave_way_to_a_log_is_removed(policy: Policy) -> None:
    """Its condition moved, but it no longer refuses: the guard is taken out."""
    found = rules(run(_kept_condition('log.Error("token for another account")'), policy))
    assert "permissions.guard-removed" in found


def test_a_guard_moved_with_its_exit_is_not_removed(policy: Policy) -> None:
    assert rules(run(_kept_condition("return errWrongAccount"), policy)) == set()


# ------------------------------------------------------------------ two identities compared
@pytest.mark.parametrize(
    ("path", "added", "found"),
    [
        # an object-level check (OWASP's IDOR): whose record it is, compared
        pytest.param("app/services/reconciler.go",
                     ["\tif linked.ID != accountID && accountID != 0 {",
                      "\t\treturn nil, errors.New(\"already linked to another account\")", "\t}"],
                     True, id="go-ids-compared"),
        pytest.param("app/Http/Controllers/PostController.php",
                     ["        if ($draft->editor_id !== $user->id) {",
                      "            abort(404);", "        }"],
                     True, id="php-editor-id-against-user-id"),
        pytest.param("app/views/docs.py",
                     ["    if export.account_id != session.account_id:", "        raise NotFound"],
                     True, id="py-account-id-against-session"),
        pytest.param("src/api/templates.ts",
                     ["  if (template.ownerId !== req.user.id) {",
                      "    return res.status(403).end();", "  }"],
                     True, id="ts-owner-id-against-req-user-403"),
        pytest.param("src/main/java/com/acme/docs/DocController.java",
                     ["    if (doc.getAuthorId() != currentUser.getId()) {",
                      "      throw new AccessDeniedException(\"not yours\");", "    }"],
                     True, id="java-author-id-against-current-user"),
        # look-alikes: two records' ids compared, neither the caller's (a list's or a view's
        # bookkeeping), whatever the exit
        pytest.param("app/views/docs.py",
                     ["    if export.batch_id != job.batch.pk:", "        raise NotFound"],
                     False, id="py-two-records-ids-raise"),
        pytest.param("src/hooks/useSelection.ts",
                     ["    if (prev.id !== next.id) {", "      return;", "    }"],
                     False, id="ts-hook-prev-next"),
        pytest.param("internal/feed/paginate.go",
                     ["		if it.ID == cursor.LastID {", "			return items[i+1:]", "		}"],
                     False, id="go-cursor"),
        pytest.param("src/main/java/com/acme/cart/CartService.java",
                     ["      if (item.getProductId() == incoming.getProductId()) {",
                      "        return;", "      }"],
                     False, id="java-cart-merge"),
        pytest.param("app/models/order.rb",
                     ["    return false if shipment_id != other.shipment_id"],
                     False, id="rb-return-false"),
        pytest.param("src/store/todosSlice.ts",
                     ["        if (t.id !== action.payload.id) continue;"],
                     False, id="ts-redux-continue"),
        # the caller's id compared, but the exit only skips: no refusal
        pytest.param("src/components/Feed.tsx",
                     ["  if (post.userId !== currentUser.id) {", "    return null;", "  }"],
                     False, id="tsx-caller-return-null"),
        pytest.param("app/importers/rows.py",
                     ["        if row.account_id != account.id:", "            continue"],
                     False, id="py-caller-continue"),
        pytest.param("src/hooks/useProfile.ts",
                     ["    if (account.id !== prev.accountId) {", "      return;", "    }"],
                     False, id="ts-caller-bare-return"),
        # look-alikes: one id against a constant or nothing, names that end in "id"
        pytest.param("app/services/reconciler.go",
                     ["\tif accountID == 0 {", "\t\treturn nil, errMissing", "\t}"],
                     False, id="go-id-against-zero"),
        pytest.param("app/views/docs.py",
                     ["    if doc_id is None:", "        raise ValueError('no document')"],
                     False, id="py-id-against-none"),
        # look-alikes: the caller's word inside another word (an author, accounting, a
        # contractor, an organism), not a name part of its own
        pytest.param("src/stores/posts.ts",
                     ["    if (post.authorId !== selectedAuthorId) {",
                      "      throw new Error('mismatch');", "    }"],
                     False, id="ts-author-is-not-auth"),
        pytest.param("app/importers/ledger.py",
                     ["        if entry.accounting_period_id != period.accounting_period_id:",
                      "            raise ValueError('wrong period')"],
                     False, id="py-accounting-is-not-account"),
        pytest.param("internal/jobs/assign.go",
                     ["\tif c.contractorID != job.contractorID {",
                      "\t\treturn errors.New(\"mismatch\")", "\t}"],
                     False, id="go-contractor-is-not-actor"),
        pytest.param("src/main/java/com/acme/lab/Sample.java",
                     ["    if (sample.organismId != culture.organismId) {",
                      "      throw new IllegalStateException(\"mismatch\");", "    }"],
                     False, id="java-organism-is-not-org"),
        # ... but a caller's word that is a name part of its own is the caller
        pytest.param("internal/api/links.go",
                     ["\tif orgID != claims.OrgID {", "\t\treturn nil, errForbidden", "\t}"],
                     True, id="go-org-id-against-claims"),
        pytest.param("src/forms/validate.js",
                     ["  if (paid !== valid) {", "    return null;", "  }"],
                     False, id="js-words-ending-in-id"),
    ],
)
def test_a_guard_comparing_two_identities_decides_whose_record(
    policy: Policy, path: str, added: list[str], found: bool
) -> None:
    text = edit(path, [*added, "    x = 1"], ["    x = 1"])
    assert bool({r for r in rules(run(text, policy)) if r.startswith("permissions.")}) is found


@pytest.mark.parametrize(
    ("path", "removed"),
    [
        pytest.param("app/importers/csv_import.py",
                     ["        if a.id == b.id:", "            continue"], id="py-dedup-continue"),
        pytest.param("src/components/Row.vue",
                     ["    if (row.id === props.activeId) return"], id="vue-return"),
        pytest.param("src/components/ItemRow.tsx",
                     ["  if (item.id !== selectedId) return null;"], id="tsx-return-null"),
    ],
)
def test_a_skip_comparing_two_records_ids_taken_out_is_not_permissions(
    policy: Policy, path: str, removed: list[str]
) -> None:
    text = edit(path, ["    x = 1"], [*removed, "    x = 1"])
    assert not {r for r in rules(run(text, policy)) if r.startswith("permissions.")}


def test_a_refusal_comparing_the_caller_s_id_taken_out_is_removed(policy: Policy) -> None:
    text = edit("app/services/reconciler.go", ["\tx := 1"],
                ["\tif linked.ID != accountID {",
                 "\t\treturn nil, fmt.Errorf(\"linked to account %d\", linked.ID)", "\t}",
                 "\tx := 1"])
    assert "permissions.guard-removed" in rules(run(text, policy))


@pytest.mark.parametrize(
    ("exit_line", "refuses"),
    [
        pytest.param("raise PermissionDenied", True, id="raise"),
        pytest.param("throw new ForbiddenException();", True, id="throw"),
        pytest.param("abort(404)", True, id="abort"),
        pytest.param("return res.status(403).end();", True, id="status-403"),
        pytest.param("return ResponseEntity.notFound().build();", True, id="not-found"),
        pytest.param("return nil, errors.New(\"no\")", True, id="go-error"),
        pytest.param("return ErrForbidden", True, id="go-sentinel"),
        pytest.param("head :forbidden", True, id="rails-head"),
        pytest.param("redirect_to login_path", True, id="redirect"),
        pytest.param("return", False, id="bare-return"),
        pytest.param("return null;", False, id="return-null"),
        pytest.param("return false", False, id="return-false"),
        pytest.param("continue", False, id="continue"),
        pytest.param("break;", False, id="break"),
        pytest.param("return items[i+1:]", False, id="return-value"),
    ],
)
def test_an_exit_refuses_only_with_an_error_a_status_or_a_raise(
    exit_line: str, refuses: bool
) -> None:
    from bot.analysis.guards import _refuses
    from bot.analysis.mechanical import tokens

    assert _refuses(tokens([exit_line])) is refuses


def test_two_identities_compared_without_a_change_of_control_flow_are_not_evidence(
    policy: Policy,
) -> None:
    text = edit("app/services/reconciler.go",
                ["\tif linked.ID != accountID { // another account's"],
                ["\tif linked.ID != accountID {"])
    assert rules(run(text, policy)) == set()


def test_a_file_named_creator_is_not_a_record_s_creator(policy: Policy) -> None:
    """`creator.py` builds models; a condition changed in it decides nothing about who."""
    text = _shown("orm/contrib/pydantic/creator.py", [
        "         ptype = python_type",
        "-        if name in self._optional or field.null:",
        "+        if not field.pk and (name in self._optional or field.null):",
        "             ptype = Optional[ptype]",
    ])
    assert "permissions.condition-changed" not in rules(run(text, policy))


def test_a_changed_condition_comparing_two_identities_is_not_permissions(policy: Policy) -> None:
    """Which subscription is current, which offer stacks: ids compared in business logic. Only
    a guard put in or taken out that compares them is an object-level check."""
    text = _shown("src/webhooks/subscriptions.ts", [
        "   for (const sub of subscriptions) {",
        "-    if (sub.id !== current.id) {",
        "+    if (sub.id === current.id) {",
        "       await cancel(sub);",
    ])
    assert not {r for r in rules(run(text, policy)) if r.startswith("permissions.")}


@pytest.mark.parametrize(
    ("path", "rows"),
    [
        # the creator compared by its key, the conjunction made a disjunction (not in the
        # file's name)
        pytest.param("app/views/posts.py", [
            "     def edit_post(request, post):",
            "-        if post.creator.pk != request.user.pk and not staff:",
            "+        if post.creator.pk != request.user.pk or not staff:",
            "             raise PermissionDenied",
        ], id="py-creator-condition"),
        # a creator's check taken out, its exit a 404
        pytest.param("src/main/java/com/acme/docs/DocumentService.java", [
            "   public ResponseEntity<Document> update(User user, Document doc) {",
            "-    if (!doc.creator.equals(user)) {",
            "-      return ResponseEntity.notFound().build();",
            "-    }",
            "     return ResponseEntity.ok(repo.save(doc));",
        ], id="java-creator-equals-removed"),
    ],
)
def test_a_creator_on_a_line_of_code_is_a_record_s_owner(
    policy: Policy, path: str, rows: list[str]
) -> None:
    assert {r for r in rules(run(_shown(path, rows), policy)) if r.startswith("permissions.")}


def test_a_typed_method_s_name_alone_is_not_read_its_parameters_are(policy: Policy) -> None:
    """A typed method's subject is read after its `(`: `formatCurrencyAmount(final Row r)`
    formats a label; `validate(final long amount)` decides about an amount."""
    rows = ["+    if (r == null) {", "+      return \"\";", "+    }", "     return fmt.format(r);"]
    name_only = _shown("src/main/java/com/acme/ui/Labels.java",
                       ["   private String formatCurrencyAmount(final Row r) {", *rows])
    assert not {r for r in rules(run(name_only, policy)) if r.startswith("billing.")}
    in_parameters = _shown("src/main/java/com/acme/ui/Labels.java",
                           ["   private String format(final Row r, final long amount) {", *rows])
    assert "billing.guard-added" in rules(run(in_parameters, policy))


def test_a_guard_moved_is_read_once_a_hunk_however_often_its_condition_repeats() -> None:
    """`_moved` reads the other side's copies of a condition once a text, each hunk once."""
    from bot.analysis.diff import parse_diff
    from bot.analysis.guards import _Read

    rows = []
    for i in range(30):
        rows += ["-    if (!acl.allows(user, doc)) {", "-      throw new Forbidden();", "-    }",
                 "+    if (!acl.allows(user, doc)) {", f"+      log.warn(\"x{i}\");",
                 "+      throw new Forbidden();", "+    }", f"     step{i}();"]
    path = "src/main/java/com/acme/DocService.java"
    old = sum(1 for r in rows if r[0] in " -")
    new = sum(1 for r in rows if r[0] in " +")
    diff = parse_diff(f"diff --git a/{path} b/{path}\nindex 1..2 100644\n--- a/{path}\n"
                      f"+++ b/{path}\n@@ -1,{old} +1,{new} @@ class DocService {{\n"
                      + "\n".join(rows) + "\n")
    read = _Read(diff)
    hunk = diff.hunks(0)[0]
    assert read.hunk(hunk) is read.hunk(hunk)
    assert len(read.copies(0, "new", "if (!acl.allows(user, doc)) {")) == 30
    # the added copies log before they throw: no guard; the removed ones are
    assert not read.guarded(0, "new", "    if (!acl.allows(user, doc)) {")
    assert read.guarded(0, "old", "if (!acl.allows(user, doc)) {")
