"""bot.analysis.mechanical: which hunks keep behaviour (and so are never evidence)."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest
import re2
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.analysis import mechanical
from bot.analysis.mechanical import (
    MAX_WIDTH,
    NO_SWAPS,
    Sides,
    aliased_names,
    defines,
    definitions_pattern,
    go_import_specs,
    hunk_swaps,
    line_key,
    may_swap,
    mechanical_hunk,
    mechanical_sides,
    modifiers_added,
    name_imports,
    prose_line,
    python3_branches,
    relaid,
    renamed_hunks,
    same_blocks,
    tokens,
    without_copy,
    without_described_values,
    without_empty_remote_calls,
    without_imported_qualifiers,
)
from policies.loader import default_policy
from tests.bot.analysis._rules import rules_found


@pytest.mark.parametrize(
    ("removed", "added"),
    [
        (["    if not user.check_password(p):"], ["  if not user.check_password(p):"]),
        (["charge(amount, currency, customer)"], ["charge(", "    amount,", "    currency,",
                                                  "    customer,", ")"]),
        (["token = 'abc';"], ['token = "abc"']),
        (["headers = {'Authorization': 'Bearer ' + token}"],
         ["headers = {'Authorization': 'Bearer ' + token,}"]),
        (["x = f'Bearer {t}'"], ['x = "Bearer {t}"']),
        (["import stripe", "from app.auth import login"],
         ["from app.auth import login", "import stripe"]),
        (['raise AuthFailed(self, "Invalid signature for the token")'],
         ['raise AuthFailed(self, "The token signature does not match")']),
        (['help: "Restricts the use of the master key to a list of addresses."'],
         ['help: "Restricts the use of the master key to a list of addresses or ranges."']),
        (['help: "Restricts the master key to a list of IP addresses.<br>For example `[\'10.0.0.1\']`<br>Defaults to localhost only, the server itself."'],
         ['help: "Restricts the master key to a list of IP addresses or ranges.<br>For example `[\'10.0.1.0/24\']`<br>Defaults to localhost only, the server itself."']),
        (['h = {"Authorization": "Bearer " + token}'], ['h = {"Authorization": f"Bearer {token}"}']),
        (['key = "{}:{}".format(user, scope)'], ['key = f"{user}:{scope}"']),
        (["func (s *DefaultStrategy) verify(token_hint string) error {"],
         ["func (s *defaultStrategy) verify(tokenHint string) error {"]),
        (["except jwt.DecodeError:", "    raise AuthFailed(self, 'bad token')"],
         ["except jwt.DecodeError as error:", "    raise AuthFailed(self, 'bad token') from error"]),
        (["down_revision = None"], ["down_revision: str | None = None"]),
        (["commit('verify', card_number: number, jwt: jwt)"],
         ["commit('verify', card_number: number, jwt:)"]),
        (['<%= f.label :password, "New password" %><br />'],
         ['<p><%= f.label :password, "New password" %></p>']),
        (['fmt.Printf("Supported TLS ciphers:\\n")'], ['fmt.Print("Supported TLS ciphers:\\n")']),
        (["        raise AuthFailed(self, \"User doesn't belong to the organization\")"],
         ["        raise AuthFailed(", "            self, \"User doesn't belong to the organization\"",
          "        ) from err"]),
        (['log.Fatalf("Nothing to logout from")'], ['log.Fatal("Nothing to logout from")']),
        (["resp.Body.Close()"], ["_ = resp.Body.Close()"]),
        (["CARDS = [%w(visa VC Visa\\ Card), %i(amex diners)]"],
         ["CARDS = [['visa', 'VC', 'Visa Card'], [:amex, :diners]]"]),
        (['re_path(r"^apps/(?P<pk>[\\w-]+)/token\\.json$", TokenView.as_view()),'],
         ['path("apps/<slug:pk>/token.json", TokenView.as_view()),']),
        (["except jwt.DecodeError:  # wrong signature", "    raise AuthCanceled(self)"],
         ["except jwt.DecodeError as e:", "    # Wrong signature", "    raise AuthCanceled(self) from e"]),
        (["tenant = account.tenant # empty if tenant isnt set"],
         ["tenant = account.tenant # empty if tenant isn't set"]),
        (["if perm.codename == Page.ADD_PERMISSION_CODENAME:"],
         ["if perm.codename == Page.PERMISSION_CODENAMES.ADD:"]),
        (["if user.role == ROLE_ADMIN:"], ["if user.role == Role.ADMIN:"]),
        (["func (c *client) redeem() (string, error) {", "\tt, err := c.exchange(context.Background(), code)"],
         ["func (c *client) redeem(ctx context.Context) (string, error) {", "\tt, err := c.exchange(ctx, code)"]),
        (['raise AuthError(self, "Error was " + data["oauth_problem"])'],
         ["raise AuthError(self, f\"Error was {data['oauth_problem']}\")"]),
        (['url = f"{base}/me?" + urlencode(', '    {"access_token": token}', ")"],
         ["url = (", "    f\"{base}/me?{urlencode({'access_token': token})}\"", ")"]),
        (['  "payout.confirmed": "Payout confirmed",'],
         ['  "payout.confirmed": "Occurs whenever a payout in your program is confirmed",']),
        (['\tif req.Method != "POST" || p.validator == nil {'],
         ["\tif req.Method != http.MethodPost || p.validator == nil {"]),
        (["func claims(m map[string]interface{}) {", "\tif t != reflect.TypeOf(&Policy{}) {"],
         ["func claims(m map[string]any) {", "\tif t != reflect.TypeFor[*Policy]() {"]),
        (['\tSessionId: proto.String("s1"),'], ['\tSessionId: new("s1"),']),
        (["key = hash.digest('base64').substr(0, 32)"], ["key = hash.digest('base64').substring(0, 32)"]),
        (["$table->bigIncrements('id');", "$table->unsignedBigInteger('user_id');"],
         ["$table->id();", "$table->foreignId('user_id');"]),
        (["if (jwk instanceof AsymmetricJWK) {", "    key = ((AsymmetricJWK) jwk).toPublicKey();"],
         ["if (jwk instanceof AsymmetricJWK asymmetric) {", "    key = asymmetric.toPublicKey();"]),
        (["if (principal.getPrincipal() instanceof OidcUser) {",
          "    OidcUser user = (OidcUser) principal.getPrincipal();"],
         ["if (principal.getPrincipal() instanceof OidcUser user) {"]),
        (["if (p.get() instanceof OidcUser) {", "    this.handler.accept((OidcUser) p.get());"],
         ["if (p.get() instanceof OidcUser user) {", "    this.handler.accept(user);"]),
        (["if (a instanceof X) {", "  ((X) a).f();", "} else if (b instanceof Y) {", "  ((Y) b).g();"],
         ["if (a instanceof X x) {", "  x.f();", "} else if (b instanceof Y y) {", "  y.g();"]),

        (["\tfor k, vs := range decrypted {", "\t\tvalues[k] = vs", "\t}"],
         ["\tmaps.Copy(values, decrypted)"]),
        # the loop's closing brace is a context line git shares with the new `if`
        (["\tfor _, allowed := range doc.RedirectURIs {", "\t\tif allowed == redirectURI {",
          "\t\t\treturn nil", "\t\t}"],
         ["\tif slices.Contains(doc.RedirectURIs, redirectURI) {", "\t\treturn nil"]),
        (["\tfor _, m := range p.Methods() {", '\t\tif m == "S256" {', "\t\t\treturn true",
          "\t\t}", "\t}", "\treturn false"],
         ['\treturn slices.Contains(p.Methods(), "S256")']),
        (["\tfor _, name := range cert.DNSNames {", "\t\tif r.MatchString(name) {",
          "\t\t\treturn nil", "\t\t}", "\t}"],
         ["\tif slices.ContainsFunc(cert.DNSNames, r.MatchString) {", "\t\treturn nil", "\t}"]),
        (["\tfor i := 0; i < 100; i++ {", "\tfor j := 0; j < len(ids); j++ {"],
         ["\tfor i := range 100 {", "\tfor j := range ids {"]),
        (['\tb := []byte(fmt.Sprintf("%s|%d", token, now))'],
         ['\tb := fmt.Appendf(nil, "%s|%d", token, now)']),
        (["\tif err = f.Chmod(0600); err != nil {"], ["\tif err = f.Chmod(0o600); err != nil {"]),
        (["            'No webhook payment provider found for this payment method (code: %s).',"],
         ["            'No payment notify provider found for this payment method (code: %s).',"]),
        (['    log.warn("Failed handling the invoice for account {}", accountId, e);'],
         ['    log.warn("Could not generate the invoice for account {}", accountId, e);']),
        (['    _logger.LogWarning("Refund {RefundId} was declined by the provider", id);'],
         ['    _logger.LogWarning("The provider declined refund {RefundId}", id);']),
        (['    raise PermissionDenied("user %(name)s may not see this" % {"name": n})'],
         ['    raise PermissionDenied("user %(name)s is not allowed to see this" % {"name": n})']),
        (['    $q = $db->query("SELECT id, rate FROM " . PREFIX . "tax WHERE class = " . $id);'],
         ['    $q = $db->query("SELECT id, rate', '        FROM " . PREFIX . "tax',
          '        WHERE class = " . $id);']),
        (['    return Err(format!("decoding Github response: {err:?}"));'],
         ['    return Err(format!("decoding GitHub response: {err:?}"));']),
        (["    Github => {", '        debug!("fetching the e-mail via Github /user/emails");'],
         ["    GitHub => {", '        debug!("fetching the e-mail via GitHub /user/emails");']),
        (["  if user.admin?", "    grant(user)", "  end"], ["  grant(user) if user.admin?"]),
        (["  return head(:forbidden) unless token.valid?"],
         ["  unless token.valid?", "    return head(:forbidden)", "  end"]),
        (["  if config.default_protect_from_forgery", "    skip_before_action :verify_authenticity_token",
          "  end"], ["  skip_forgery_protection if config.default_protect_from_forgery"]),
        (["  skip_before_action :verify_authenticity_token, only: [:create]"],
         ["  skip_forgery_protection only: [:create]"]),
        # appending a string (Ruby) is no here-document: its quotes are style
        (['    flags << "verbose"'], ["    flags << 'verbose'"]),
        (["cat > /etc/app/hook.sh << 'EOF'"], ["cat > /etc/app/hook.sh <<'EOF'"]),
        # PHP and JavaScript make the same object with or without an empty argument list
        (["        //look the number up", "        $serial = (new NumberFormatter())",
          "            ->setModel(new Charge())"],
         ["        // look the number up", "        $serial = (new NumberFormatter)",
          "            ->setModel(new Charge)"]),
        (["    return new class() extends Migration"], ["    return new class extends Migration"]),
        (["  const store = new TokenStore;"], ["  const store = new TokenStore();"]),
        # a Python import's names put in brackets over lines, as Black and isort write it
        (["    from app.auth.permissions import PermissionTypes, require_role"],
         ["    from app.auth.permissions import (", "        PermissionTypes,",
          "        require_role,", "    )"]),
        (["from .tokens import (  # noqa: F401", "    issue_token, revoke_token)"],
         ["from .tokens import issue_token, revoke_token  # noqa: F401"]),
        # SQLAlchemy's comparisons with a singleton as a column's method (E711, E712)
        (["            (perm == None, 'change_password'),"],
         ["            (perm.is_(None), 'change_password'),"]),
        (["    q = q.filter(Token.revoked_at != None, User.is_admin == True)"],
         ["    q = q.filter(Token.revoked_at.is_not(None), User.is_admin.is_(True))"]),
        # Clippy's unnecessary_map_or: Option's is_some_and and is_none_or, Result's is_ok_and
        (["        if expected_grant_type.map_or(false, |g| g != grant_type) {",
          "            .map_or(false, |ip| matches!(ip, IpAddr::V4(_)))",
          "        session.expires_at.map_or(true, |at| at > now)"],
         ["        if expected_grant_type.is_some_and(|g| g != grant_type) {",
          "            .is_ok_and(|ip| matches!(ip, IpAddr::V4(_)))",
          "        session.expires_at.is_none_or(|at| at > now)"]),
        # a message reworded as it is split over literals joined by concatenation
        (["            throw new Exception('The request does not hold the authentication service');"],
         ["            throw new Exception(",
          "                'The request does not hold the authentication service. Check that ' .",
          "                'the authentication middleware is added.'",
          "            );"]),
        (['        log.warn("Could not refresh the access token for this user");'],
         ['        log.warn("Could not refresh the access token " +', '            "for the signed in user");']),
        # Go's io/ioutil functions and their replacements in os and io
        (["\t\t\tdata, err := ioutil.ReadFile(splitKey[1])",
          "\tbody, _ := ioutil.ReadAll(resp.Body)"],
         ["\t\t\tdata, err := os.ReadFile(splitKey[1])", "\tbody, _ := io.ReadAll(resp.Body)"]),
        # a Ruby interpolation's ternary with an empty branch as a statement modifier
        (['    "Couldn\'t find a policy for #{target.inspect}" \\',
          '    "#{target.is_a?(Module) ? "" : " (#{target.class})"}"'],
         ['    "Couldn\'t find a policy for #{target.inspect}" \\',
          '    "#{" (#{target.class})" unless target.is_a?(Module)}"']),
        (['  "expected #{record} #{context ? "with #{context.inspect}" : \'\'}"'],
         ['  "expected #{record} #{"with #{context.inspect}" if context}"']),
        # Ruby's deprecated BigDecimal.new as the Kernel#BigDecimal it called
        (["        BigDecimal.new(amount)", '    total.should == BigDecimal.new("10.00")'],
         ["        BigDecimal(amount)", '    total.should == BigDecimal("10.00")']),
        # a Laravel migration's class as the anonymous class the file returns
        (["class CreateSessionsTable extends Migration", "}"],
         ["return new class extends Migration", "};"]),
        # a TypeScript interface as the type alias of the same object type
        (["export interface ContentSecurityPolicyOptions {", "}"],
         ["export type ContentSecurityPolicyOptions = {", "};"]),
        # printf's `%s` as an f-string's or a concatenation's place of the same value
        (["        return '%s : %s' % (self.digest, self.user)"],
         ["        return f'{self.digest} : {self.user}'"]),
        (['\tkey := fmt.Sprintf("%s:%s", user, scope)'], ['\tkey := user + ":" + scope']),
        # the names of import lists in another order, over lines too (cargo fmt, Prettier)
        (["use crate::errors::{new_error, ErrorKind, Result};",
          "use aws_lc_rs::rand::SystemRandom;",
          "    EcdsaKeyPair, VerificationAlgorithm, ECDSA_P256_SHA256_FIXED,",
          "    ECDSA_P384_SHA384_FIXED, errors::{self, Error},"],
         ["use crate::errors::{ErrorKind, Result, new_error};",
          "use aws_lc_rs::rand::SystemRandom;",
          "    ECDSA_P256_SHA256_FIXED, ECDSA_P384_SHA384_FIXED, EcdsaKeyPair,",
          "    VerificationAlgorithm, errors::{Error, self},"]),
        (["import { verify, sign, decode } from 'jsonwebtoken';"],
         ["import { decode, sign, verify } from 'jsonwebtoken';"]),
        # import lines in another order, in another quote style too (token by token)
        (["import { sign } from 'jsonwebtoken';", "import { hash } from 'bcrypt';"],
         ['import { hash } from "bcrypt";', 'import { sign } from "jsonwebtoken";']),
        # imports put in sections (standard library, third party, local) with a blank line
        # between them, as isort writes them, or joined back into one block
        (["from app.auth import login", "import os", "import stripe"],
         ["import os", "", "import stripe", "", "from app.auth import login"]),
        (["import stripe", "", "from app.auth import login"],
         ["from app.auth import login", "import stripe"]),
        # the names of an import list sorted anew in another quote style, without the
        # semicolon too (Prettier's options), or inside a Python import's brackets (isort)
        (["import { verify, sign } from 'jsonwebtoken';"],
         ['import { sign, verify } from "jsonwebtoken"']),
        (["from app.auth.permissions import (", "    require_role,", "    PermissionTypes,", ")"],
         ["from app.auth.permissions import (", "    PermissionTypes,", "    require_role,", ")"]),
        # imports that bind the same names however they group them, beside code re-formatted:
        # isort joining two from one module, Black's brackets, TypeScript's type-only imports
        (["from django.contrib.auth import REDIRECT_FIELD_NAME",
          "from django.contrib.auth import mixins", "", "VERSION = (2, 'final')"],
         ["from django.contrib.auth import REDIRECT_FIELD_NAME, mixins  # noqa", "",
          'VERSION = (2, "final")']),
        (["from .rulesets import RuleSet, add_rule", "from .predicates import (Predicate,",
          "    always_allow)"],
         ["from .predicates import (  # noqa", "    Predicate,", "    always_allow,", ")",
          "from .rulesets import (", "    RuleSet,", "    add_rule,", ")"]),
        (["import Chargeback, { ChargebackData } from '../data/Chargeback';",
          "import { AxiosRequestConfig } from 'axios';"],
         ["import type Chargeback from '../data/Chargeback';",
          "import { type ChargebackData } from '../data/Chargeback';",
          "import { type AxiosRequestConfig } from 'axios';"]),
        # PHP's implicit nullable type of a parameter defaulting to null made explicit (8.4)
        (["    public function __construct(Storage $storage, Scope $scope = null, array $c = [])"],
         ["    public function __construct(Storage $storage, ?Scope $scope = null, array $c = [])"]),
        # a string key given the constant its library declares for it (Guzzle's options)
        (["    'query' => ['access_token' => $token],", "    'form_params' => $fields,"],
         ["    RequestOptions::QUERY => ['access_token' => $token],",
          "    RequestOptions::FORM_PARAMS => $fields,"]),
        (['headers = {"authorization": token}'], ["headers = {Headers.AUTHORIZATION: token}"]),
        # a plain string's doubled backslashes written once in a raw string: the same regex
        ([r'keys = [re.sub("(?<=[^\\\\])_", "\\_", re.escape(k)) for k in allowed]'],
         [r'keys = [re.sub(r"(?<=[^\\])_", "\\_", re.escape(k)) for k in allowed]']),
    ],
    ids=["reindented", "rewrapped-with-trailing-commas", "quote-style-and-semicolon",
         "trailing-comma-in-literal", "string-prefix", "imports-reordered", "message-wording",
         "help-text-wording", "long-help-text-with-markup-and-code", "concatenation-to-f-string",
         "format-to-f-string",
         "names-respelt", "exception-chaining", "module-variable-annotated", "hash-shorthand",
         "layout-tags", "print-without-format", "exception-chaining-over-lines",
         "log-without-format", "result-discarded",
         "ruby-word-arrays", "django-regex-route-as-path", "comment-moved", "trailing-comment",
         "subscript-into-f-string", "dict-into-f-string", "constant-moved-into-a-namespace",
         "constant-moved-into-an-enum", "context-passed-down", "label-reworded-as-a-sentence",
         "go-http-method-constant", "go-any-and-type-for", "go-new-of-a-value",
         "js-substring-from-zero", "laravel-id-and-foreign-id", "java-pattern-for-a-cast",
         "java-pattern-for-a-declared-cast", "java-pattern-as-an-argument",
         "java-patterns-in-two-branches", "go-maps-copy", "go-slices-contains-sharing-a-brace",
         "go-slices-contains-returned", "go-slices-contains-func", "go-range-over-int-and-slice",
         "go-fmt-appendf", "go-octal-literal-prefix", "message-with-printf-placeholder-reworded",
         "log-with-slf4j-placeholder-reworded", "log-with-named-placeholder-reworded",
         "message-with-python-named-placeholder-reworded", "query-string-rewrapped-over-lines",
         "message-recapitalised", "name-respelt-beside-a-recapitalised-message",
         "ruby-block-as-a-statement-modifier", "ruby-statement-modifier-as-a-block",
         "rails-skip-forgery-protection-in-a-block", "rails-skip-forgery-protection-options",
         "ruby-string-appended-in-other-quotes", "verbatim-heredoc-respaced",
         "php-new-without-parentheses-and-comment-spaced", "php-anonymous-class-without-parentheses",
         "js-new-with-parentheses", "python-import-bracketed", "python-import-unbracketed",
         "sqlalchemy-is-none", "sqlalchemy-is-not-none-and-is-true", "rust-map-or-as-is-some-and",
         "php-message-reworded-over-concatenated-literals",
         "java-message-reworded-over-concatenated-literals", "go-ioutil-as-os-and-io",
         "ruby-interpolated-ternary-as-unless", "ruby-interpolated-ternary-as-if",
         "ruby-big-decimal-kernel-call", "laravel-anonymous-migration",
         "ts-interface-as-type-alias",
         "python-percent-s-as-f-string", "go-sprintf-as-concatenation",
         "rust-import-lists-reordered-over-lines", "js-named-imports-reordered",
         "js-import-lines-reordered-in-another-quote-style",
         "python-import-sections-separated", "python-import-sections-joined",
         "js-named-imports-reordered-in-another-quote-style",
         "python-import-names-reordered-in-brackets",
         "python-imports-from-one-module-joined-beside-quote-style",
         "python-imports-bracketed-and-reordered", "ts-imports-made-type-only-and-split",
         "php-explicit-nullable-of-a-null-default",
         "php-string-key-as-its-class-constant", "python-string-key-as-its-class-constant",
         "python-plain-string-as-raw-string"],
)
def test_mechanical_hunks(removed: list[str], added: list[str]) -> None:
    assert mechanical_hunk(removed, added)


@pytest.mark.parametrize(
    ("removed", "added"),
    [
        (["if user.is_admin:"], ["if user.is_admin or user.is_staff:"]),
        (["if not user.check_password(p):", "    return deny()"],
         ["    return deny()", "if not user.check_password(p):"]),
        (["total = price * qty + fee"], ["total = price * (qty + fee)"]),
        (["if token == expected:"], ["if token != expected:"]),
        (["permission_classes = [IsAuthenticated]"], ["permission_classes = [IsAdminUser]"]),
        (['q = "SELECT * FROM docs WHERE owner_id = %s AND id = %s"'],
         ['q = "SELECT * FROM docs WHERE id = %s"']),
        (['csp = "default-src self; script-src self"'], ['csp = "default-src *"']),
        (['label = "Sign in"'], ['label = "Log in"']),
        ([], ["@login_required"]),
        (["@login_required"], []),
        (["import stripe"], ["import stripe", "import braintree"]),
        (['url = base + "/api/" + user_id'], ['url = f"{base}/api/{owner_id}"']),
        (['h = {"Authorization": "Bearer " + token}'], ['h = {"Authorization": "Bearer " - token}']),
        (["    raise AuthFailed(self, 'bad token') from error"], ["    raise AuthFailed(self, 'bad')"]),
        (["except jwt.DecodeError as error:"], ["except Exception as error:"]),
        (["    is_admin = False"], ["    is_admin: bool = False"]),
        (["commit(jwt: jwt)"], ["commit(jwt: token)"]),
        (['<%= f.password_field :password %>'],
         ['<form method="post"><%= f.password_field :password %>']),
        (["    raise AuthFailed(self, 'bad')"],
         ["    raise AuthFailed(", "        self, 'bad'", "    ) from err", "    return None"]),
        (['log.Fatalf("no session for %s", user)'], ['log.Fatal("no session for %s", admin)']),
        (['log.warn("Login failed for user {}", user)'],
         ['log.warn("Login failed for user {} with password {}", user, password)']),
        (['    raise Forbidden("no access for the user %s" % user)'],
         ['    raise Forbidden("no access for the user %s" % admin)']),
        (['q = "SELECT id FROM invoices WHERE owner_id = %s"'],
         ['q = "SELECT id FROM invoices WHERE tenant_id = %s"']),
        (['h = String.format("Bearer %s", token)'], ['h = String.format("Token %s", token)']),
        (['url = "https://api.example.com/payments/{id}/refund"'],
         ['url = "https://api.example.com/payouts/{id}/refund"']),
        (["%w(read write)"], ["['read', 'write', 'admin']"]),
        (['re_path(r"^admin/(?P<pk>[a-z]+)/$", v),'], ['path("admin/<slug:pk>/", v),']),
        (['re_path(r"^admin/.*$", AdminView.as_view()),'], ['path("admin/", AdminView.as_view()),']),
        (['x = "a # b"'], ['x = "a # c"']),
        (["tenant = account.tenant # the tenant"], ["tenant = account.owner # the tenant"]),
        (['h = "Bearer " + tokens[0]'], ['h = f"Bearer {tokens[1]}"']),
        (["if user.role == Role.ADMIN:"], ["if user.role == Role.OWNER:"]),
        (["if user.role == ROLE_ADMIN:"], ["if user.role == Role.ADMIN.PARENT:"]),
        (["t, err := c.exchange(ctx.Session, code)"], ["t, err := c.exchange(code)"]),
        (['csp = "default-src self; script-src self https://a.example/js and more words here"'],
         ['csp = "default-src *; script-src * https://a.example/js and more words here too"']),

        (['req, _ := http.NewRequest("GET", "/", nil)'],
         ["req, _ := http.NewRequest(http.MethodPost, \"/\", nil)"]),
        (["key = s.substr(-3)"], ["key = s.substring(-3)"]),
        (["$table->increments('id');"], ["$table->id();"]),
        (["if (auth instanceof Token) {", "    ((Token) auth).setDetails(d);"],
         ["if (auth instanceof Token token && token.isValid()) {", "    token.setDetails(d);"]),
        (["if (auth instanceof Token) {", "    ((Token) other).setDetails(d);"],
         ["if (auth instanceof Token token) {", "    token.setDetails(d);"]),
        (["if (auth instanceof Token) {", "    ((Token) auth).setDetails(d);"],
         ["if (auth instanceof Admin token) {", "    token.setDetails(d);"]),

        (["\tfor _, allowed := range uris {", "\t\tif allowed != redirectURI {",
          "\t\t\treturn nil", "\t\t}", "\t}"],
         ["\tif slices.Contains(uris, redirectURI) {", "\t\treturn nil", "\t}"]),
        (["\tfor _, u := range users {", "\t\tif u == admin {", "\t\t\tgrant(u)", "\t\t}",
          "\t}"],
         ["\tif slices.Contains(users, admin) {", "\t\tgrant(admin)", "\t}"]),
        (["\tfor k, v := range claims {", '\t\tif k != "sub" {', "\t\t\tout[k] = v", "\t\t}",
          "\t}"],
         ["\tmaps.Copy(out, claims)"]),
        (["\tfor i := 1; i < len(ids); i++ {"], ["\tfor i := range ids {"]),
        (["\tfor i := 0; i < len(ids)-1; i++ {"], ["\tfor i := range ids {"]),
        # a shorter form's word only inside a longer name or a string: no token of its own
        (["\tfor i := 0; i < n; i++ {"], ["\tfor i := arrange(n) {"]),
        (["\tlog.Print(a, b)"], ['\tlog.Print("range")']),
        (["\tif err = f.Chmod(0600); err != nil {"], ["\tif err = f.Chmod(0o666); err != nil {"]),
        (["    allowed = is", "    admin(user)"], ["    allowed = isadmin(user)"]),
        (['    q = "SELECT id FROM users', '    WHERE active"'],
         ['    q = "SELECT id FROM usersWHERE active"']),
        (['    q = "SELECT id FROM users WHERE role = \'Admin\'"'],
         ['    q = "SELECT id FROM users WHERE role = \'admin\'"']),
        (["  if user.admin?", "    grant(user)", "  end"], ["  grant(user) unless user.admin?"]),
        (["  if user.admin?", "    grant(user)", "  end"], ["  grant(user) if user.staff?"]),
        (["  if user.admin?", "    grant(user)", "    audit(user)", "  end"],
         ["  grant(user) if user.admin?"]),
        (["  skip_before_action :authenticate_user!"], ["  skip_forgery_protection"]),
        (['    if claims.get("is_admin"):'], ['    if claims.get("isAdmin"):']),
        (['    cur.execute("UPDATE invoices SET paid = 1 WHERE id = %s", (invoice_id,))'],
         ['    cur.execute("UPDATE invoices SET paid = 1 WHERE id = %s" % (invoice_id,))']),
        (["    required = Scope.READ_USER"], ["    required = Scope.READ_USERS"]),
        (['  scope :visible, -> { where("hidden IS NOT TRUE AND deleted_at IS NULL") }'],
         ['  scope :visible, -> { where("hidden IS NOT TRUE OR deleted_at IS NULL") }']),
        (['    where("reference = ?", term)'], ['    where("reference = \'#{term}\'")']),
        (["  q.whereRaw('email = :email', { email })"], ["  q.whereRaw(`email = '${email}'`)"]),
        # a here-document's delimiter quoted: its lines are no longer expanded (shell, Ruby)
        (["cat > /etc/app/hook.sh << EOF"], ["cat > /etc/app/hook.sh << 'EOF'"]),
        (["cat > /etc/app/hook.sh <<-EOF"], ["cat > /etc/app/hook.sh <<-'EOF'"]),
        (["    script = <<~SCRIPT"], ["    script = <<~'SCRIPT'"]),
        # an argument given, or a call chained onto the new object (without the parentheses,
        # JavaScript's `new Foo.bar()` makes a `Foo.bar`)
        (["    $gateway = new Gateway();"], ["    $gateway = new Gateway($key);"]),
        (["  const c = new Client().connect();"], ["  const c = new Client.connect();"]),
        # a Go directive is read by the compiler, whatever its spacing
        (["//go:build linux"], ["//go:build darwin"]),
        (["/// <reference path=\"./auth.d.ts\" />"], ["/// <reference path=\"./billing.d.ts\" />"]),
        # a name more in the brackets, or a bracket the hunk does not close
        (["from app.auth.permissions import PermissionTypes"],
         ["from app.auth.permissions import (", "    PermissionTypes,", "    require_role,", ")"]),
        (["from app.auth.permissions import PermissionTypes"],
         ["from app.auth.permissions import (", "    PermissionTypes,"]),
        # `.is_(None)` for `!= None`, and Python's own `is None` (another test where `==` is
        # overridden)
        (["    q = q.filter(Token.revoked_at != None)"], ["    q = q.filter(Token.revoked_at.is_(None))"]),
        (["    if user.token == None:"], ["    if user.token is None:"]),
        # map_or's default flipped, or one that is no boolean
        (["        .map_or(false, |at| at > now)"], ["        .is_none_or(|at| at > now)"]),
        (["        .map_or(0, |c| c.len())"], ["        .is_some_and(|c| c.len())"]),
        # a literal joined to a value, or to a query: not a message split over literals
        (["    throw new Exception('The request does not hold the authentication service');"],
         ["    throw new Exception('The request does not hold the service ' . $name);"]),
        (['    $sql = "SELECT * FROM tokens " . "WHERE user_id = ?";'],
         ['    $sql = "SELECT * FROM tokens " . "WHERE user_id = ? OR 1 = 1";']),
        # ioutil.ReadDir returns other values than os.ReadDir; a read limit added
        (["\tfiles, _ := ioutil.ReadDir(dir)"], ["\tfiles, _ := os.ReadDir(dir)"]),
        (["\tbody, _ := ioutil.ReadAll(resp.Body)"],
         ["\tbody, _ := io.ReadAll(io.LimitReader(resp.Body, maxBody))"]),
        # an interpolated ternary whose other branch is no empty string, whose modifier is the
        # other one, or whose condition an assignment ends
        (['  "#{admin ? "admin" : "user"}"'], ['  "#{"admin" if admin}"']),
        (['  "#{admin ? "" : "(guest)"}"'], ['  "#{"(guest)" if admin}"']),
        (['  "#{role = admin ? "" : "(guest)"}"'], ['  "#{"(guest)" unless role = admin}"']),
        # a namespace's own BigDecimal class, or the value rounded too
        (["        Money::BigDecimal.new(amount)"], ["        BigDecimal(amount)"]),
        (["        BigDecimal.new(amount)"], ["        BigDecimal(amount).round(2)"]),
        # another parent class, or an interface that extends another
        (["class CreateSessionsTable extends Migration"],
         ["return new class extends TenantMigration"]),
        (["export interface Options extends BaseOptions {"], ["export type Options = {"]),
        # a value formatted by printf (`%.2f`), or the values swapped
        (["        return '%.2f EUR' % (amount)"], ["        return f'{amount} EUR'"]),
        (["        return '%s : %s' % (self.digest, self.user)"],
         ["        return f'{self.user} : {self.digest}'"]),
        # a name imported from another list, one more, or a list of values beside the imports
        (["use a::{Reader, Writer};", "use b::{Signer};"],
         ["use a::{Reader};", "use b::{Signer, Writer};"]),
        (["use crate::errors::{new_error, ErrorKind};"],
         ["use crate::errors::{ErrorKind, Result, new_error};"]),
        (["use crate::errors::{new_error, ErrorKind};", "    let roles = [admin, viewer];"],
         ["use crate::errors::{ErrorKind, new_error};", "    let roles = [viewer, admin];"]),
        # an imported name respelt names another class or module, not a rename
        (["import com.example.auth.Github;"], ["import com.example.auth.GitHub;"]),
        # imports put in sections with one more or one less among them
        (["from app.auth import login", "import stripe"],
         ["import stripe", "", "import braintree", "", "from app.auth import login"]),
        (["from app.auth import login", "import os", "import stripe"],
         ["import os", "", "import stripe"]),
        # a list sorted anew in another quote style with a name more, or from another module
        (["import { verify, sign } from 'jsonwebtoken';"],
         ['import { decode, sign, verify } from "jsonwebtoken"']),
        (["import { verify, sign } from 'jsonwebtoken';"], ['import { sign, verify } from "jose"']),
        (["from app.auth.permissions import (", "    require_role,", "    PermissionTypes,", ")"],
         ["from app.auth.permissions import (", "    PermissionTypes,", "    require_admin,", ")"]),
        # a constant that names no string the other side holds is another value
        (["$role = 'admin';"], ["$role = Role::SUPERADMIN;"]),
        (["    'query' => ['access_token' => $token],"],
         ["    RequestOptions::JSON => ['access_token' => $token],"]),
        # a separator or a delimiter changed: a string of no words is data another program
        # parses (`scope=a,b` -> `scope=a b`), not a string built another way
        (['scopes = self.scopes.join(",")'], ['scopes = self.scopes.join(" ")']),
        (['parts = header.split(";")'], ['parts = header.split(",")']),
        (['url = base + "/" + path'], ['url = f"{base}:{path}"']),
        # imports regrouped beside another change, or binding another name
        (["from app.auth import login", "from app.auth import logout", "x = 1"],
         ["from app.auth import login, logout_all", "x = 1"]),
        (["import type { Session } from './session';", "grant(user)"],
         ["import { Session } from './session';", "deny(user)"]),
        (["from .auth import login", "from .auth import logout", "", "go()"],
         ["from .auth import login as signin, logout", "", "go()"]),
        (["function f(Scope $s = null)"], ["function f(?Scope $s)"]),
    ],
    ids=["condition-widened", "statements-reordered", "grouping-changed", "comparison-flipped",
         "permission-class-swapped", "sql-scope-dropped", "csp-string-changed",
         "two-word-string-is-not-prose", "only-added", "only-removed", "import-added",
         "f-string-with-another-variable", "operator-changed-beside-a-string",
         "chained-exception-reworded", "other-exception-caught", "class-attribute-annotated",
         "keyword-argument-value-changed", "tag-with-attributes",
         "chained-over-lines-with-a-statement-added", "log-argument-changed",
         "log-placeholder-and-argument-added", "message-placeholder-argument-changed",
         "sql-with-placeholder-changed", "two-word-format-changed", "url-template-changed",
         "word-array-grown", "route-group-not-a-converter", "route-regex-not-plain",
         "hash-inside-a-string", "code-before-a-comment-changed", "other-subscript-in-f-string",
         "long-csp-string", "other-enum-member", "constant-with-another-word",
         "context-field-dropped", "another-http-method", "js-substr-from-the-end",
         "laravel-int-id-made-big", "java-pattern-with-a-condition-added",
         "java-pattern-for-another-operand", "java-pattern-of-another-type",
         "go-contains-for-a-negated-test", "go-contains-for-a-loop-that-does-not-return",
         "go-copy-of-some-keys", "go-range-from-one", "go-range-short-of-the-end",
         "go-word-inside-a-name", "go-word-inside-a-string",
         "go-octal-literal-of-another-mode", "words-run-together-over-lines",
         "string-words-run-together-over-lines", "query-value-recapitalised",
         "ruby-modifier-negated", "ruby-modifier-on-another-condition",
         "ruby-block-of-two-statements", "rails-another-callback-skipped",
         "string-key-respelt", "sql-parameter-pasted-into-the-query",
         "constant-of-the-same-group-in-the-plural", "sql-condition-is-no-message",
         "bound-fragment-parameter-interpolated", "named-fragment-parameter-interpolated",
         "shell-heredoc-made-verbatim", "shell-indented-heredoc-made-verbatim",
         "ruby-heredoc-made-verbatim", "argument-added-to-a-new-object",
         "js-call-chained-onto-a-new-object", "go-build-constraint-changed",
         "ts-triple-slash-reference-changed", "python-import-name-added",
         "python-import-bracket-not-closed", "sqlalchemy-is-none-for-not-none",
         "python-is-none-for-equals-none", "rust-map-or-default-flipped",
         "rust-map-or-of-a-number", "literal-joined-to-a-value", "query-joined-and-changed",
         "go-ioutil-read-dir", "go-read-limit-added",
         "ruby-interpolated-ternary-of-two-values", "ruby-interpolated-ternary-modifier-flipped",
         "ruby-interpolated-ternary-after-an-assignment", "ruby-namespaced-big-decimal",
         "ruby-big-decimal-rounded",
         "laravel-migration-of-another-parent", "ts-interface-with-a-parent",
         "printf-float-as-f-string", "f-string-values-swapped", "name-imported-from-another-list",
         "name-added-to-an-import-list", "values-reordered-beside-imports",
         "imported-name-respelt",
         "import-added-among-sections", "import-dropped-among-sections",
         "name-added-to-a-list-in-another-quote-style", "list-from-another-module-in-another-quote-style",
         "python-import-name-swapped-in-brackets",
         "string-as-a-constant-of-another-name", "string-key-as-another-option",
         "separator-changed", "delimiter-changed", "separator-changed-while-formatting",
         "imports-joined-with-a-name-swapped", "type-only-import-beside-a-changed-call",
         "import-given-an-alias-while-joined", "php-nullable-without-its-null-default"],
)
def test_changes_that_are_not_mechanical(removed: list[str], added: list[str]) -> None:
    assert not mechanical_hunk(removed, added)


@pytest.mark.parametrize(
    ("removed", "added", "expected"),
    [
        (["            if (_certFactory is object)"], ["            if (_certFactory is not null)"],
         True),
        (["    (_algorithm is object || _algFactory is object) &&"],
         ["    (_algorithm is not null || _algFactory is not null) &&"], True),
        (["            if (_certFactory is object)"], ["            if (_certFactory is null)"],
         False),
        # a type pattern that binds a name is not the null test
        (["    if (key is object k)"], ["    if (key is not null k)"], False),
    ],
    ids=["csharp-is-object", "csharp-is-object-in-a-condition", "csharp-is-object-as-is-null",
         "csharp-is-object-binding"],
)
def test_csharp_is_object_is_is_not_null(removed: list[str], added: list[str],
                                         expected: bool) -> None:
    assert mechanical_hunk(removed, added) is expected


@pytest.mark.parametrize(
    ("removed", "added", "expected"),
    [
        (["            if (_jsonSerializerFactory is null)", "                return false;", "",
          "            return true;"],
         ["            return _jsonSerializerFactory is not null;"], True),
        (["    if (a && b) {", "      return false;", "    }", "    return true;"],
         ["    return !a || !b;"], True),
        (['    if (user.role === "admin") return true;', "    return false;"],
         ['    return user.role === "admin";'], True),
        # Python's blocks are its indentation: `return True` may follow the loop the `if` is in
        (["    for key in keys:", "        if key in allowed:", "            return False",
          "    return True"],
         ["    for key in keys:", "        return key not in allowed"], False),
        (["            if (_jsonSerializerFactory is null)", "                return false;", "",
          "            return true;"],
         ["            return _jsonSerializerFactory is null;"], False),
        (["    if (a && b) {", "      return false;", "    }", "    return true;"],
         ["    return !a && !b;"], False),
        # a truthy value returned as it is, not a boolean
        (["    if (user.isStaff) return true;", "    return false;"],
         ["    return user.isStaff;"], False),
        (["    if (!user) return false;", "    return true;"], ["    return user;"], False),
        # the return after an `else if` also follows the branches above
        (["    } else if (a) {", "      return false;", "    }", "    return true;"],
         ["    } else return !a;"], False),
        (["    if (x) return false;", "    return false;"], ["    return !x;"], False),
        # an `if` that is an unbraced loop's or condition's body: the return after it follows
        # the loop or the outer `if`
        (["    for (String s : scopes) if (granted.contains(s)) { return false; }",
          "    return true;"],
         ["    for (String s : scopes) return !(granted.contains(s));"], False),
        (["    if (a) if (isAdmin(u)) return false;", "    return true;"],
         ["    if (a) return !isAdmin(u);"], False),
    ],
    ids=["csharp-is-null-negated", "js-de-morgan", "js-comparison-returned",
         "python-return-after-a-loop", "csharp-negation-lost", "js-connective-kept",
         "js-truthy-value", "js-negation-taken-off", "js-else-if", "js-same-literal-twice",
         "java-unbraced-loop-body", "js-nested-if"],
)
def test_a_boolean_literal_returned_around_a_test_is_the_test(
    removed: list[str], added: list[str], expected: bool
) -> None:
    assert mechanical_hunk(removed, added) is expected


@pytest.mark.parametrize(
    ("removed", "added", "expected"),
    [
        (["    if not (user is None):"], ["    if user is not None:"], True),
        (["    if not (user is not None):"], ["    if user is None:"], True),
        (["    if not (scope in granted):"], ["    if scope not in granted:"], True),
        (["    if not (scope not in granted):"], ["    if scope in granted:"], True),
        (["    if (!(key is null))"], ["    if (key is not null)"], True),
        (["    if not (user is None):"], ["    if user is None:"], False),
        (["    if not (scope in granted):"], ["    if scope in granted:"], False),
    ],
    ids=["is-not", "is-not-taken-off", "not-in", "not-in-taken-off", "csharp-is-not-null",
         "negation-dropped", "membership-negation-dropped"],
)
def test_a_negated_identity_or_membership_test_is_its_negated_operator(
    removed: list[str], added: list[str], expected: bool
) -> None:
    assert mechanical_hunk(removed, added) is expected


@pytest.mark.parametrize(
    ("removed", "added", "expected"),
    [
        # the loop's closing brace is a context line the new `if` closes with
        (["\t\tfor _, validExt := range viper.SupportedExts {", "\t\t\tif ext == validExt {",
          "\t\t\t\textIsValid = true", "\t\t\t\tbreak", "\t\t\t}"],
         ["\t\tif slices.Contains(viper.SupportedExts, ext) {", "\t\t\textIsValid = true"],
         True),
        (["\tfor _, u := range users {", "\t\tif admin == u {", "\t\t\tok = true",
          "\t\t\tbreak", "\t\t}", "\t}"],
         ["\tif slices.Contains(users, admin) {", "\t\tok = true", "\t}"], True),
        # what it does reads the element
        (["\tfor _, u := range users {", "\t\tif u == admin {", "\t\t\tgrant(u)",
          "\t\t\tbreak", "\t\t}", "\t}"],
         ["\tif slices.Contains(users, admin) {", "\t\tgrant(admin)", "\t}"], False),
        # without the break, it runs for each equal element
        (["\tfor _, u := range users {", "\t\tif u == admin {", "\t\t\tcount++", "\t\t}",
          "\t}"],
         ["\tif slices.Contains(users, admin) {", "\t\tcount++", "\t}"], False),
        (["\tfor _, u := range users {", "\t\tif u != admin {", "\t\t\tok = true",
          "\t\t\tbreak", "\t\t}", "\t}"],
         ["\tif slices.Contains(users, admin) {", "\t\tok = true", "\t}"], False),
    ],
    ids=["go-flag-set-and-broken", "go-value-first", "go-element-read", "go-no-break",
         "go-not-equal"],
)
def test_a_go_loop_breaking_at_an_equal_element_is_slices_contains(
    removed: list[str], added: list[str], expected: bool
) -> None:
    assert mechanical_hunk(removed, added) is expected


@pytest.mark.parametrize(
    ("removed", "added", "divides", "expected"),
    [
        (["  byte[] bytes = RandomNumberGenerator.GetBytes(32);"],
         ["  byte[] bytes = RandomNumberGenerator.GetBytes(256 / 8);"], True, True),
        (["SESSION_AGE = 86400"], ["SESSION_AGE = 24 * 60 * 60"], False, True),
        (["  n = 60 * 60"], ["  n = 3600"], False, True),
        # Python's `/` gives a float
        (["  key = secrets.token_bytes(32)"], ["  key = secrets.token_bytes(256 / 8)"], False,
         False),
        (["SESSION_AGE = 86400"], ["SESSION_AGE = 24 * 60 * 6"], False, False),
        (["  x = 33"], ["  x = 100 / 3"], True, False),
        # a chain inside a longer operand
        (["  x = y / 32"], ["  x = y / 256 / 8"], True, False),
        (["  x = 1 << 16"], ["  x = 1 << 8 * 2"], True, False),
        (["  x = 512"], ["  x = 2 * 16 ** 2"], True, False),
        (['  n = "3600"'], ['  n = "60 * 60"'], True, False),
        (["  mode = 16"], ["  mode = 010 * 2"], True, False),
        # a 32-bit int's product overflows; a macro's body is pasted in as text
        (["val tokenTtlMs = 2592000000"], ["val tokenTtlMs = 30 * 24 * 60 * 60 * 1000"], True,
         False),
        (["#define SESSION_TIMEOUT 86400"], ["#define SESSION_TIMEOUT 24 * 60 * 60"], True,
         False),
    ],
    ids=["csharp-bits-to-bytes", "seconds-in-a-day", "product-written-out",
         "python-true-division", "product-changed", "inexact-quotient", "divided-operand",
         "go-shift-peer", "power-after", "in-strings", "octal-literal", "int-overflow",
         "c-macro"],
)
def test_an_integer_literal_written_as_a_product_or_a_quotient_is_that_literal(
    removed: list[str], added: list[str], divides: bool, expected: bool
) -> None:
    assert mechanical_hunk(removed, added, divides=divides) is expected


_MATCHED = ["            match revoked_cert_result {", "                Err(e) => return Err(e),",
            "                Ok(revoked_cert) => {",
            "                    if revoked_cert.serial_number.eq(serial) {",
            "                        return Ok(Some(revoked_cert));", "                    }",
            "                }"]
_MARKED = ["            let revoked_cert = revoked_cert_result?;",
           "            if revoked_cert.serial_number.eq(serial) {",
           "                return Ok(Some(revoked_cert));"]


@pytest.mark.parametrize(
    ("removed", "added", "expected"),
    [
        # the `match`'s closing brace is the unchanged line the body's `if` now closes with
        (_MATCHED, _MARKED, True),
        ([*_MATCHED, "            }"], [*_MARKED, "            }"], True),
        (["    let key = match parse(input) {", "        Ok(key) => key,",
          "        Err(e) => return Err(e),", "    };"], ["    let key = parse(input)?;"], True),
        (["    let key = match parse(input) {", "        Err(e) => return Err(e),",
          "        Ok(key) => key,", "    };"], ["    let key = parse(input)?;"], True),
        (_MATCHED, ["            let revoked_cert = revoked_cert_result.unwrap();",
                    *_MARKED[1:]], False),
        # the error wrapped, or not returned
        (["    let key = match parse(input) {", "        Ok(key) => key,",
          "        Err(e) => return Err(Error::Parse(e)),", "    };"],
         ["    let key = parse(input)?;"], False),
        (["    let key = match parse(input) {", "        Ok(key) => key,",
          "        Err(e) => return Ok(None),", "    };"], ["    let key = parse(input)?;"], False),
    ],
    ids=["rust-match-as-let", "rust-match-closed-in-the-hunk", "rust-match-as-expression",
         "rust-err-arm-first", "rust-unwrapped", "rust-error-wrapped", "rust-error-swallowed"],
)
def test_a_rust_match_returning_its_error_as_it_is_is_the_question_mark(
    removed: list[str], added: list[str], expected: bool
) -> None:
    assert mechanical_hunk(removed, added) is expected


@pytest.mark.parametrize(
    ("removed", "added", "markup", "expected"),
    [
        (["import withActions from './withActions';"],
         ["import { withActions } from './withActions';"], False, True),
        (["import React, { useState } from 'react';"],
         ["import { React, useState } from 'react';"], False, True),
        (["import type Props from './props';"], ["import type { Props } from './props';"],
         False, True),
        (["export default function withAuth(Component) {"],
         ["export function withAuth(Component) {"], False, True),
        (["export default class TokenStore extends Store {"],
         ["export class TokenStore extends Store {"], False, True),
        (["export default connect(null, mapDispatchToProps);"],
         ["export const withInvoiceActions = connect(null, mapDispatchToProps);"], False, True),
        (["export const withInvoiceActions = (mapState) => {"],
         ["export default (mapState) => {"], False, True),
        # another name bound, another module, another value: changes
        (["import withActions from './withActions';"],
         ["import { withPayments } from './withActions';"], False, False),
        (["import withActions from './withActions';"],
         ["import { withActions } from './withPayments';"], False, False),
        (["export default connect(null, mapDispatchToProps);"],
         ["export const withInvoiceActions = connect(mapStateToProps, mapDispatchToProps);"],
         False, False),
        (["export default function (Component) {"], ["export function withAuth(Component) {"],
         False, False),
        # a component's default export is what its framework compiles
        (["export default defineComponent({ name: 'Checkout' });"],
         ["export const Checkout = defineComponent({ name: 'Checkout' });"], True, False),
    ],
    ids=["default-import-as-named", "default-beside-named", "type-import",
         "function-exported-by-name", "class-exported-by-name", "value-exported-by-name",
         "value-exported-as-default", "another-name-imported", "another-module",
         "another-value-exported", "anonymous-function-named", "component-markup"],
)
def test_a_default_export_made_a_named_one_is_mechanical(
    removed: list[str], added: list[str], markup: bool, expected: bool
) -> None:
    # a codemod to named exports (ESLint's import/no-default-export): the same value, exported
    # and imported under the same name
    assert mechanical_hunk(removed, added, markup=markup) is expected


@pytest.mark.parametrize(
    ("removed", "added", "expected"),
    [
        (["    if (self.token is not None) and (token == self.token) and (now < self.valid_until):"],
         ["    if (", "        (self.token is not None)", "        and (token == self.token)",
          "        and (now < self.valid_until)", "    ):"], True),
        (["    device = self._device_from_id(persistent_id) if persistent_id else None"],
         ["    device = (", "        self._device_from_id(persistent_id)", "        if persistent_id",
          "        else None", "    )"], True),
        (["    return (match is not None)", "    user.save()"],
         ["    return match is not None", "    user.save()"], True),
        (["  const allowed = (", "    user.isAdmin && invoice.ownerId === user.id", "  );"],
         ["  const allowed = user.isAdmin && invoice.ownerId === user.id;"], True),
        # the brackets group an operand, or something else changed with them: changes
        (["total = (price + fee) * qty"], ["total = price + fee * qty"], False),
        (["if not (user.is_admin and user.is_active):"],
         ["if not user.is_admin and user.is_active:"], False),
        (["allowed = (is_owner or is_admin) and is_active"],
         ["allowed = is_owner or is_admin and is_active"], False),
        (["check = (lambda: user.is_admin) if strict else allow"],
         ["check = lambda: user.is_admin if strict else allow"], False),
        (["return (user.is_admin)"], ["return user.is_staff"], False),
        (["roles = (admin,)"], ["roles = admin"], False),
    ],
    ids=["black-condition-wrapped", "black-conditional-value-wrapped",
         "return-unwrapped", "prettier-value-unwrapped", "operand-group-dropped",
         "negated-group-dropped", "group-before-a-connective", "lambda-unwrapped-before-if",
         "another-name-unwrapped", "tuple-unwrapped"],
)
def test_a_whole_expression_wrapped_in_brackets_is_the_same_code(
    removed: list[str], added: list[str], expected: bool
) -> None:
    # Black and Prettier wrap a long expression in brackets to break it over lines, and drop
    # them around a short one: the statement reads the same expression whole
    assert mechanical_hunk(removed, added) is expected


@pytest.mark.parametrize(
    ("path", "lines", "expected"),
    [
        ("auth/pkce.go", ['\t"slices"', '\tstd "maps"'], True),
        ("auth/pkce.go", ['import "slices"'], True),
        ("auth/db.go", ['\t_ "github.com/lib/pq"'], False),
        ("auth/Login.java", ["import java.util.List;", "import static java.util.Objects.*;"], True),
        ("Auth/Login.cs", ["using System.Linq;", "global using static System.Math;"], True),
        ("Auth/Login.cs", ["using (var tx = db.BeginTransaction())"], False),
        ("auth/login.rs", ["use std::collections::{HashMap, HashSet};"], True),
        ("auth/login.py", ["import signals"], False),
        ("auth/login.py", ["from . import signals  # noqa: F401"], False),
        ("auth/login.py", ["import typing", "from typing import Optional",
                           "from django.http import HttpRequest"], True),
        ("auth/login.py", ["from .models import (", "    Account,", "    Group as G,", ")"], True),
        ("auth/login.py", ["if typing.TYPE_CHECKING:", "    from auth.ldap import LDAPUser"], True),
        ("auth/login.py", ["from .models import Account", "    return"], False),
        ("auth/pkce.go", ['\t"slices"', "\tx := 1"], False),
    ],
    ids=["go-block", "go-single", "go-blank-import", "java", "csharp", "csharp-using-statement",
         "rust", "python-may-run-code", "python-module-for-its-effect", "python-names",
         "python-names-over-lines", "python-type-checking-block", "python-with-code",
         "with-code"],
)
def test_name_imports_only_bring_names_into_scope(path: str, lines: list[str], expected: bool
                                                  ) -> None:
    assert name_imports(path, lines) is expected


def test_tokens_drop_layout_and_quotes_but_keep_operators() -> None:
    assert tokens(["a = f'x'  ,;", "!b"]) == ["a", "=", "x", "!", "b"]
    assert line_key("  foo( 'a' ,b )") == line_key('foo("a", b)') == "foo ( a b )"


@pytest.mark.parametrize(
    ("removed", "added", "manifest", "expected"),
    [
        (["\tgithub.com/coreos/go-oidc/v3 v3.9.0"], ["\tgithub.com/coreos/go-oidc/v3 v3.10.0"],
         True, True),
        (['"jsonwebtoken": "^8.5.1",'], ['"jsonwebtoken": "^9.0.2",'], True, True),
        (['"jsonwebtoken": "^8.5.1",'], ['"jsonwebtoken": "github:someone/jsonwebtoken#fix",'],
         True, False),
        (["FROM node:18-slim"], ["FROM node:20-slim"], False, False),
        (['"jsonwebtoken": "^8.5.1",'], ['"jose": "^8.5.1",'], True, False),
        (["version: 1.52.1"], ["version: 1.52.2"], True, True),
        (["version: 1.52.1", "appVersion: 2.9.0"], ["version: 1.47.2", "appVersion: 2.8.2"],
         True, False),
    ],
    ids=["go-mod-bump", "package-json-bump", "package-source-changed",
         "version-outside-a-manifest", "package-swapped", "helm-chart-version-bump",
         "helm-app-version-deployed"],
)
def test_version_bumps_are_mechanical_only_in_manifests(
    removed: list[str], added: list[str], manifest: bool, expected: bool
) -> None:
    assert mechanical_hunk(removed, added, manifest=manifest) is expected


@pytest.mark.parametrize(
    ("removed", "added", "code", "expected"),
    [
        (['    "User-Agent": "square/43.0.1",', '    "X-Fern-SDK-Version": "43.0.1",'],
         ['    "User-Agent": "square/43.1.0",', '    "X-Fern-SDK-Version": "43.1.0",'], True, True),
        (['VERSION = "2.9.0-beta.1"'], ['VERSION = "2.10.0"'], True, True),
        (['    "User-Agent": "square/43.0.1",'], ['    "User-Agent": "square/43.1.0",'], False,
         False),
        (['if client_version < "2.0.0":'], ['if client_version < "3.0.0":'], True, False),
        (['image = "nginx:1.25.3"'], ['image = "nginx:1.26.0"'], True, False),
        (['MIN_TLS = "1.2"'], ['MIN_TLS = "1.3"'], True, False),
        (['    "User-Agent": "square/43.0.1",'], ['    "User-Agent": "squareup/43.1.0",'], True,
         False),
        # an address is four numbers: who is let in, not a release
        (['ADMIN_ALLOWED_IP = "10.1.2.3"'], ['ADMIN_ALLOWED_IP = "0.0.0.0"'], True, False),
        (['TRUSTED = ["10.0.0.0/8"]'], ['TRUSTED = ["0.0.0.0/8"]'], True, False),
        # a release's number given to a call is a gate too
        (['if Version(token.version) < Version("2.0.0"):'],
         ['if Version(token.version) < Version("1.0.0"):'], True, False),
        (['  if (semver.lt(v, "2.3.1")) return deny();'], ['  if (semver.lt(v, "1.0.0")) return deny();'],
         True, False),
    ],
    ids=["sdk-user-agent", "pre-release", "outside-source-code", "version-gate",
         "image-tag", "two-numbers", "another-name-beside-the-number", "ip-address",
         "cidr-range", "version-gate-called", "version-gate-argument"],
)
def test_a_release_number_in_a_source_file_s_strings_is_mechanical(
    removed: list[str], added: list[str], code: bool, expected: bool
) -> None:
    assert mechanical_hunk(removed, added, code=code) is expected


DEFINITION = (["def verify_sig(payload, sig):"], ["def check_sig(payload, sig):"])
CALL = (["    if not verify_sig(body, header):"], ["    if not check_sig(body, header):"])


def _renamed(hunks: list[tuple[list[str], list[str]]], moved: list[tuple[str, str]]) -> set[int]:
    return renamed_hunks([hunk_swaps(*hunk) for hunk in hunks], moved)


def test_a_rename_declared_by_its_definition_is_mechanical_where_it_is_carried_out() -> None:
    assert _renamed([DEFINITION, CALL], []) == {0, 1}


def test_a_name_swapped_without_its_definition_is_a_change() -> None:
    assert _renamed([CALL], []) == set()
    assert _renamed([(["if user.is_admin:"], ["if user.is_staff:"])], []) == set()


GO_ALIAS = (['\tdsc3 "github.com/aserto-dev/go-directory/common/v3"'],
            ['\tdsc "github.com/aserto-dev/go-directory/common/v3"'])
GO_ALIAS_USE = (["func f(o *dsc3.Object) error {"], ["func f(o *dsc.Object) error {"])


@pytest.mark.parametrize(
    "hunks",
    [
        [GO_ALIAS, GO_ALIAS_USE],
        [(['import { verify as check } from "./jwt";'], ['import { verify as verifyJwt } from "./jwt";']),
         (["  if (!check(token)) {"], ["  if (!verifyJwt(token)) {"])],
        [(["import numpy as np"], ["import numpy as npy"]), (["x = np.zeros(3)"], ["x = npy.zeros(3)"])],
        [(["using Claims = System.Security.Claims;"], ["using SecClaims = System.Security.Claims;"]),
         (["var c = new Claims.Claim(t, v);"], ["var c = new SecClaims.Claim(t, v);"])],
    ],
    ids=["go-import-spec", "js-named-import", "python-module", "csharp-using-alias"],
)
def test_an_import_alias_renamed_declares_its_rename(
    hunks: list[tuple[list[str], list[str]]],
) -> None:
    assert _renamed(hunks, []) == set(range(len(hunks)))


@pytest.mark.parametrize(
    "hunks",
    [
        [GO_ALIAS_USE],
        # a Ruby DSL's verb before a string is no import's alias (a route, a gem)
        [(['get "/users"'], ['post "/users"']), (['get "/users/:id"'], ['post "/users/:id"'])],
        [(['gem "rails"'], ['require "rails"'])],
    ],
    ids=["go-alias-used-without-its-spec", "ruby-route-verb", "ruby-gem"],
)
def test_a_name_before_a_string_that_is_no_import_declares_nothing(
    hunks: list[tuple[list[str], list[str]]],
) -> None:
    assert _renamed(hunks, []) == set()


@pytest.mark.parametrize(
    ("line", "found"),
    [('	dsc3 "github.com/aserto-dev/go-directory/common/v3"', True),
     ('import dsc3 "github.com/aserto-dev/go-directory/common/v3"', True),
     ("from app import jwt as dsc3", True), ("using dsc3 = App.Claims;", True),
     ('gem "dsc3"', False), ('dsc3 "/users"', False)],
    ids=["go-spec-in-a-block", "go-import", "python-as", "csharp-using", "ruby-gem",
         "not-a-module-path"],
)
def test_an_import_alias_defines_its_name(line: str, found: bool) -> None:
    names = ["dsc3"]
    assert defines(line, names) is found
    pattern = re2.compile(definitions_pattern(names))
    if found:
        assert pattern.search(f"context\n-{line}\n".encode()) is not None


def test_a_rename_carried_out_two_ways_is_not_mechanical() -> None:
    other = (["    ok = verify_sig(body, header)"], ["    ok = verify_hmac(body, header)"])
    assert _renamed([DEFINITION, CALL, other], []) == set()


def test_a_changed_line_beside_a_rename_is_a_change() -> None:
    widened = (["    if not verify_sig(body, header):"], ["    if not check_sig(body, header) or debug:"])
    assert _renamed([DEFINITION, widened], []) == {0}


def test_an_import_follows_its_renamed_module() -> None:
    imported = (['import { verifySig } from "../verify-webhook";'],
                ['import { verifySig } from "../verify-webhook-signature";'])
    moved = [("api/verify-webhook.ts", "api/verify-webhook-signature.ts")]
    assert _renamed([imported], moved) == {0}
    assert _renamed([imported], []) == set()


def test_a_go_package_clause_declares_the_rename_of_its_qualifier() -> None:
    clause = (["package auth"], ["package authn"])
    call = (["\ts := auth.NewServer(logger)"], ["\ts := authn.NewServer(logger)"])
    assert _renamed([clause, call], []) == {0, 1}
    assert _renamed([call], []) == set()


#: a generic type parameter renamed where a function declares it, and its uses in the signature
_TYPE_PARAMETER = (["export function verify<T extends KeyLike = KeyLike>(", "  key: T,",
                    "): Promise<Result<T>>"],
                   ["export function verify<KeyLikeType extends KeyLike = KeyLike>(",
                    "  key: KeyLikeType,", "): Promise<Result<KeyLikeType>>"])
_TYPE_ARGUMENT = (["  const set = new LocalSet<T>(jwks)"],
                  ["  const set = new LocalSet<KeyLikeType>(jwks)"])


@pytest.mark.parametrize(
    ("hunks", "expected"),
    [
        # the definition declares the rename of its type parameter: its uses follow it
        ([_TYPE_PARAMETER, _TYPE_ARGUMENT], {0, 1}),
        ([(["class Cache<T> {", "  [alg: string]: T"], ["class Cache<K> {", "  [alg: string]: K"])],
         {0}),
        # a type argument swapped without a parameter declared is a change (another type)
        ([_TYPE_ARGUMENT], set()),
        ([(["  verify<Old>(key)"], ["  verify<New>(key)"])], set()),
    ],
    ids=["type-parameter-and-its-uses", "class-type-parameter", "type-argument-only",
         "explicit-type-argument-only"],
)
def test_a_generic_type_parameter_declares_its_rename(
    hunks: list[tuple[list[str], list[str]]], expected: set[int]
) -> None:
    assert _renamed(hunks, []) == expected


@pytest.mark.parametrize(
    ("removed", "added", "expected"),
    [
        ("        final ArrayList<Integer> ids = new ArrayList<>();",
         "        final List<Integer> ids = new ArrayList<>();", True),
        ("        HashSet<String> allowedOrigins = new HashSet<>(",
         "        Set<String> allowedOrigins = new HashSet<>(", True),
        ("    public Map<Integer, ArrayList<Integer>> getExclusions() {",
         "    public Map<Integer, List<Integer>> getExclusions() {", True),
        ("    private readonly IDictionary<string, Role> _roles = new Dictionary<string, Role>();",
         "    private readonly Dictionary<string, Role> _roles = new Dictionary<string, Role>();",
         True),
        # another class made, in Java or Kotlin; a type tested; another kind of collection
        ("        Map<String, Grant> grants = new HashMap<>();",
         "        Map<String, Grant> grants = new TreeMap<>();", False),
        ("        val grants = HashMap<String, Grant>()", "        val grants = TreeMap<String, Grant>()",
         False),
        ("        if (roles is List<Role>) {", "        if (roles is IList<Role>) {", False),
        ("        ArrayList<Integer> ids = load();", "        Set<Integer> ids = load();", False),
    ],
    ids=["java-list", "java-set", "java-type-argument", "csharp-dictionary", "other-class-made",
         "kotlin-other-class-made", "csharp-type-tested", "other-kind"],
)
def test_a_collection_declared_as_its_interface_is_the_same_code(
    removed: str, added: str, expected: bool
) -> None:
    assert mechanical_hunk([removed], [added]) is expected


_RUBY_USE = (["    self.whitelist = SanitizationFilter::DEFAULTS.deep_merge("],
             ["    self.allowlist = SanitizationFilter::DEFAULTS.deep_merge("])


@pytest.mark.parametrize(
    ("use", "alias", "expected"),
    [
        (_RUBY_USE, "      alias_attribute :whitelist, :allowlist", {0}),
        (_RUBY_USE, "  alias allowlist whitelist", {0}),
        (_RUBY_USE, "  alias_method :allowlist, :whitelist", {0}),
        ((["        $list = new Whitelist($tags);"], ["        $list = new Allowlist($tags);"]),
         "class_alias(Allowlist::class, 'Whitelist');", {0}),
        (_RUBY_USE, "      alias_attribute :blocklist, :allowlist", set()),
        (_RUBY_USE, "  whitelist = allowlist", set()),
        (_RUBY_USE, "  alias = whitelist || allowlist", set()),
        (_RUBY_USE, "  const alias = [whitelist, allowlist]", set()),
    ],
    ids=["ruby-alias-attribute", "ruby-alias", "ruby-alias-method", "php-class-alias",
         "another-name-aliased", "no-alias-word", "variable-named-alias",
         "constant-named-alias"],
)
def test_a_name_kept_as_the_other_s_alias_declares_the_rename(
    use: tuple[list[str], list[str]], alias: str, expected: set[int]
) -> None:
    swaps = [hunk_swaps(*use)]
    assert renamed_hunks(swaps, [], [aliased_names(alias)]) == expected
    assert renamed_hunks(swaps, []) == set()


_RENAMED_FIELD = (["    private readonly string _retryTable;"],
                  ["    private readonly string _lockTable;"])


@pytest.mark.parametrize(
    ("removed", "added", "expected"),
    [
        ('        var sql = $"UPDATE {_retryTable} SET Owner=@owner WHERE Key=@key";',
         '        var sql = $"UPDATE {_lockTable} SET Owner=@owner WHERE Key=@key";', {0, 1}),
        ("    const sql = `DELETE FROM ${_retryTable} WHERE id = $1`;",
         "    const sql = `DELETE FROM ${_lockTable} WHERE id = $1`;", {0, 1}),
        ('    sql = "UPDATE #{_retryTable} SET owner = ?"',
         '    sql = "UPDATE #{_lockTable} SET owner = ?"', {0, 1}),
        ('        $sql = "UPDATE {$_retryTable} SET owner = ?";',
         '        $sql = "UPDATE {$_lockTable} SET owner = ?";', {0, 1}),
        # the name written in the text, not interpolated: data another program reads
        ('        var sql = "UPDATE _retryTable SET Owner=@owner";',
         '        var sql = "UPDATE _lockTable SET Owner=@owner";', {0}),
        # the string changes besides the name
        ('        var sql = $"UPDATE {_retryTable} SET Owner=@owner";',
         '        var sql = $"UPDATE {_lockTable} SET Owner=NULL";', {0}),
    ],
    ids=["csharp-interpolation", "template-literal", "ruby-interpolation", "php-interpolation",
         "name-in-the-text", "text-changed-too"],
)
def test_a_renamed_variable_interpolated_into_a_string_is_renamed_there(
    removed: str, added: str, expected: set[int]
) -> None:
    swaps = [hunk_swaps(*_RENAMED_FIELD), hunk_swaps([removed], [added])]
    assert renamed_hunks(swaps, []) == expected
    # without the field's declaration renamed, nothing declares it
    assert renamed_hunks(swaps[1:], []) == set()


def test_a_service_id_aliased_to_its_new_one_is_renamed_in_strings_too() -> None:
    argument = (['    <argument type="service" id="shop.tax_rate_resolver" />'],
                ['    <argument type="service" id="shop.resolver.tax_rate" />'])
    alias = '    <service id="shop.resolver.tax_rate" alias="shop.tax_rate_resolver" />'
    other = '    <service id="shop.resolver.tax_rate" class="Shop\\TaxRateResolver" />'
    swaps = [hunk_swaps(*argument)]
    assert renamed_hunks(swaps, [], [aliased_names(alias)]) == {0}
    assert renamed_hunks(swaps, [], [aliased_names(other)]) == set()
    assert aliased_names(other) == frozenset()


@pytest.mark.parametrize(
    ("moved", "expected"),
    [
        ([("internal/server/auth/method/http.go", "internal/server/authn/method/http.go")], {0}),
        ([("internal/server/auth/http.go", "internal/server/authn/http.go")], set()),
        ([("internal/server/auth/method/http.go", "internal/server/login/method/http.go")],
         set()),
        ([], set()),
    ],
    ids=["its-folder-moved", "another-folder-moved", "moved-elsewhere", "nothing-moved"],
)
def test_an_import_follows_the_folder_its_package_moved_to(
    moved: list[tuple[str, str]], expected: set[int]
) -> None:
    imported = (['\t"example.com/app/internal/server/auth/method"'],
                ['\t"example.com/app/internal/server/authn/method"'])
    assert _renamed([imported], moved) == expected


@pytest.mark.parametrize(
    ("removed", "added", "expected"),
    [
        ("    execute <<-SQL.squish", "    execute <<~SQL.squish", True),
        ("    body = <<EOS", "    body = <<~EOS", True),
        ("    execute <<-SQL.squish", "    execute <<~EOS.squish", False),
        ("    x = a <<-b", "    x = a <<~b", False),
        ("    cat <<'EOF'", "    cat <<EOF", False),
    ],
    ids=["dash-to-squiggly", "plain-to-squiggly", "delimiter-changed", "shift-by-negated",
         "verbatim-to-expanding"],
)
def test_a_here_document_s_indentation_style_is_layout(
    removed: str, added: str, expected: bool
) -> None:
    assert mechanical_hunk([removed], [added]) is expected


def test_relaid_compares_a_hunk_of_any_size() -> None:
    before = ["<div>", *(f"    <p>{n}</p>" for n in range(300)), "</div>"]
    after = ["<div>", *(f"  <p>{n}</p>" for n in range(300)), "</div>"]
    assert relaid(Sides(before[1:-1], after[1:-1]), lambda: (before, after))
    after[150] = "  <p>x</p>"
    assert not relaid(Sides(before[1:-1], after[1:-1]), lambda: (before, after))


@pytest.mark.parametrize(
    ("before", "after", "expected"),
    [
        (["if ($a) {", "\t\tf();", "    return;", "\treturn;"],
         ["\tif ($a) {", "\t\tf();", "\treturn;", "\t\treturn;"], True),
        (["if ($a) {", "\tf();", "\treturn;", "}"], ["if ($a) {", "\tf();", "}", "return;"],
         False),
        (["if ($a) {", "\tf();", "}"], ["if ($a) {", "\tf(); }"], False),
    ],
    ids=["reindented", "exit-moved-out-of-block", "lines-joined"],
)
def test_relaid_is_the_same_lines_indentation_aside(
    before: list[str], after: list[str], expected: bool
) -> None:
    removed = [line for line in before if line not in after]
    added = [line for line in after if line not in before]
    assert relaid(Sides(removed, added), lambda: (before, after)) is expected


FIELD = (["    private String targetIssuer;"], ["    private String targetOp;"])
GETTER = (["    return isNotBlank(getFederation().getTargetIssuer());"],
          ["    return isNotBlank(getFederation().getTargetOp());"])


@pytest.mark.parametrize(
    "definition",
    [
        (["    public static bool HasPrompt(this Request request, string prompt)"],
         ["    public static bool HasPromptValue(this Request request, string prompt)"]),
        (["    public static ImmutableArray<string> HasPrompt(this Request request)"],
         ["    public static ImmutableArray<string> HasPromptValue(this Request request)"]),
        (['variable "HasPrompt" {'], ['variable "HasPromptValue" {']),
    ],
    ids=["typed-method", "generic-return-type", "terraform-variable"],
)
def test_a_typed_or_terraform_definition_declares_its_rename(
    definition: tuple[list[str], list[str]],
) -> None:
    caller = (["    if (request.HasPrompt(PromptValues.Login)) {"],
              ["    if (request.HasPromptValue(PromptValues.Login)) {"])
    assert _renamed([definition, caller], []) == {0, 1}


GO_METHOD_CALLER = (["\tselector, token, err := ab.Core.Tokens.GenerateCreds()"],
                    ["\tselector, token, err := ab.Core.Tokens.GenerateToken()"])


def test_a_go_method_renamed_below_another_definition_declares_its_rename() -> None:
    # the hunk opens with the type the method belongs to: the receiver's own `func` is what
    # makes the name after it a definition, not the hunk's first word
    definition = (["type Sha512Generator struct{}", "",
                   "func (g *Sha512Generator) GenerateCreds() (string, string, error) {"],
                  ["type Sha512Generator struct{}", "",
                   "func (g *Sha512Generator) GenerateToken() (string, string, error) {"])
    assert _renamed([definition, GO_METHOD_CALLER], []) == {0, 1}


def test_a_go_return_type_swapped_declares_no_rename() -> None:
    # `)` before the name closes the parameters, not a receiver: the function returns another
    # type, and the call elsewhere that swaps the same names is a change of its own
    returned = (["func NewStore(db *sql.DB) Store {"], ["func NewStore(db *sql.DB) Cache {"])
    caller = (["	var s Store = NewStore(db)"], ["	var s Cache = NewStore(db)"])
    assert _renamed([returned, caller], []) == set()


@pytest.mark.parametrize(
    ("signature", "caller"),
    [
        ((["    public static function param(string $key, bool $specialchars = false) {"],
          ["    public static function param(string $key, bool $plaintext = false) {"]),
         (["$password = Request::param('p', specialchars: true);"],
          ["$password = Request::param('p', plaintext: true);"])),
        ((["    def login(self, request, remember: bool = False):"],
          ["    def login(self, request, persistent: bool = False):"]),
         (["    auth.login(request, remember=True)"], ["    auth.login(request, persistent=True)"])),
    ],
    ids=["php-named-argument", "python-keyword-argument"],
)
def test_a_parameter_renamed_in_its_signature_is_renamed_where_it_is_passed(
    signature: tuple[list[str], list[str]], caller: tuple[list[str], list[str]],
) -> None:
    assert _renamed([signature, caller], []) == {0, 1}
    assert _renamed([caller], []) == set()


@pytest.mark.parametrize(
    ("row", "found"),
    [
        ("-    public static bool HasPrompt(this Request request)", True),
        ("-def verify_sig(payload, sig):", True),
        ("-    public function param(string $key, bool $verify_sig = false)", True),
        ("-    ok = verify_sig(body) and HasPrompt", False),
        ("+def verify_sig(payload, sig):", False),
    ],
    ids=["typed-method", "python-def", "php-parameter", "a-use", "an-added-line"],
)
def test_the_definitions_pattern_finds_removed_lines_that_may_define_a_name(
    row: str, found: bool
) -> None:
    pattern = re2.compile(definitions_pattern(["HasPrompt", "verify_sig"]))
    assert (pattern.search(f"context\n{row}\n".encode()) is not None) is found


def test_a_parameter_rename_does_not_rename_a_member_of_the_same_name() -> None:
    signature = (["def grant(self, is_admin=False):"], ["def grant(self, is_staff=False):"])
    member = (["    if user.is_admin:"], ["    if user.is_staff:"])
    assert _renamed([signature, member], []) == set()


def test_a_parameter_rename_does_not_rename_a_column_of_the_same_name() -> None:
    signature = (["    public function subscription($name = 'default')"],
                 ["    public function subscription($type = 'default')"])
    column = (["            $table->string('name');"], ["            $table->string('type');"])
    assert _renamed([signature, column], []) == set()


@pytest.mark.parametrize(
    ("removed", "added"),
    [
        (["def grant(self, role: Admin = None):"], ["def grant(self, role: Owner = None):"]),
        (["def grant(self, role=ADMIN):"], ["def grant(self, role=OWNER):"]),
        (["public void grant(String key, Admin role) {"], ["public void grant(String key, Owner role) {"]),
        (["func grant(role string) {"], ["func grant(role int) {"]),
        (["    grant(admin)"], ["    grant(owner)"]),
    ],
    ids=["python-annotation", "default-value", "java-parameter-type", "go-parameter-type", "call"],
)
def test_a_signature_s_types_and_defaults_declare_nothing(removed: list[str], added: list[str]
                                                         ) -> None:
    swaps = hunk_swaps(removed, added)
    assert swaps.pairs and not swaps.declared and not swaps.scoped


def test_a_type_and_name_without_a_modifier_declare_nothing() -> None:
    assignment = (["    result = String targetIssuer"], ["    result = String targetOp"])
    assert _renamed([assignment, GETTER], []) == set()


def test_a_renamed_field_renames_its_accessors() -> None:
    setter = (['    config.setTargetIssuer("https://op.example.org");'],
              ['    config.setTargetOp("https://op.example.org");'])
    assert _renamed([FIELD, GETTER, setter], []) == {0, 1, 2}


def test_a_string_made_of_a_renamed_name_is_a_change() -> None:
    column = (['    @Column(name = "target_issuer_url")'], ['    @Column(name = "target_op_url")'])
    field = (["    private String target_issuer;"], ["    private String target_op;"])
    assert _renamed([field, column], []) == {0}


def test_a_string_respelt_is_no_rename() -> None:
    key = (['    if claims.get("is_admin"):'], ['    if claims.get("isAdmin"):'])
    assert _renamed([key], []) == set()


def test_an_accessor_renamed_another_way_is_a_change() -> None:
    other = (["    return getTargetIssuer();"], ["    return getTrustAnchor();"])
    assert _renamed([FIELD, other], []) == {0}


def test_a_name_swapped_alike_in_many_places_without_its_definition_is_a_change() -> None:
    calls = [([f"    response = Faraday.get({uri})"], [f"    response = SsrfFilter.get({uri})"])
             for uri in ("jwks_uri", "sector_identifier_uri", "value")]
    assert _renamed(calls, []) == set()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('? t("environments.settings.billing.per_month")', '? t("")'),
        ("__('auth.failed')", '__("")'),
        ('"payout": "Occurs whenever a payout in your program is confirmed",', '"payout": "",'),
        ('raise PermissionDenied("You do not have permission to do this")',
         'raise PermissionDenied("")'),
        ('headers["Stripe-Signature"]', 'headers["Stripe-Signature"]'),
        ('{"password": pw}', '{"password": pw}'),
        ('q = "SELECT * FROM docs WHERE owner_id = %s"', 'q = "SELECT * FROM docs WHERE owner_id = %s"'),
        ('csp = "default-src self; script-src self"', 'csp = "default-src self; script-src self"'),
        ('db.execute("truncate table user sessions")', 'db.execute("truncate table user sessions")'),
        ("throw new NotFoundHttpException(sprintf('Request %s is already completed.', $h));",
         "throw new NotFoundHttpException(sprintf('Request %s is already completed.', $h));"),
        # a row lock given to a query builder alone is part of a query; the same words in a
        # sentence's case are a sentence
        ("Order.where(id: id).lock('FOR UPDATE SKIP LOCKED').first",
         "Order.where(id: id).lock('FOR UPDATE SKIP LOCKED').first"),
        ('notify("Check back for update news")', 'notify("")'),
        # a description or a summary, one word or many, the key quoted or not
        ('    Description = "Unauthorized"', '    Description = ""'),
        ('@Operation(summary = "Refund", responses = {})', '@Operation(summary = "", responses = {})'),
        ('  "description": "Forbidden",', '  "description": "",'),
        ("    help_text='Designates admin access.',", '    help_text="",'),
        # counter-examples: what the line does beside it, a name that starts with the word, a
        # value that is not a description's
        ('description = "Admin" if user.is_admin else ""', 'description = "" if user.is_admin else ""'),
        ('x = descriptionOf("admin")', 'x = descriptionOf("admin")'),
        ('role = "admin"  # its description', 'role = "admin"  # its description'),
        # a link to documentation, a help article's title in its path; an API's endpoint is code
        ('    support_article: "https://help.example.com/en/articles/1340-what-are-invoices",',
         '    support_article: "",'),
        ('DOCS = "https://docs.example.com/payments/refunds"', 'DOCS = ""'),
        ('link_to "Learn more", "https://example.com/docs/billing/refunds"',
         'link_to "Learn more", ""'),
        ('REFUNDS_URL = "https://api.stripe.com/v1/refunds"',
         'REFUNDS_URL = "https://api.stripe.com/v1/refunds"'),
        ('fetch("https://billing.example.com/charges")',
         'fetch("https://billing.example.com/charges")'),
        # a Rails translation looked up by a symbol, as a view writes one; a symbol given to
        # another method, or after a name that only ends in t, is data
        (".label #{t :discount} (#{t :currency}):", '.label #{t ""} (#{t ""}):'),
        ("<%= I18n.t(:refund_policy) %>", '<%= I18n.t("") %>'),
        ("  total = format :currency", "  total = format :currency"),
        ("  charge.refund(:amount)", "  charge.refund(:amount)"),
    ],
    ids=["translation-key", "translation-key-php", "prose-value", "message-beside-code",
         "header-name", "dict-key", "sql", "csp", "sql-without-punctuation",
         "added-message-with-placeholder-still-read", "row-lock-clause", "for-update-in-a-sentence",
         "description-of-one-word",
         "openapi-summary", "json-description", "django-help-text", "code-beside-a-description",
         "name-starting-with-description", "value-before-a-comment", "help-article",
         "docs-site", "docs-folder", "api-endpoint", "billing-host",
         "rails-translation-symbol", "rails-translation-symbol-called", "symbol-to-a-method",
         "symbol-as-an-argument"],
)
def test_without_copy_blanks_text_for_people_only(line: str, expected: str) -> None:
    assert without_copy(line) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # a paragraph's sentences between an element's tags, around a link
        ("<p>Use FIDO compatible credit cards or a <a href=\"/help\">security key</a>.</p>",
         "<p> <a href=\"/help\">security key</a>.</p>"),
        ("      <p>Refunds are paid back to the card you paid with.</p>", "      <p> </p>"),
        # what the element is and does stays: its attributes, a template's expressions, words
        # too few to be sentences
        ('<input type="text" name="card_number" autocomplete="cc-number">',
         '<input type="text" name="card_number" autocomplete="cc-number">'),
        ("<p>{{ invoice.total }} refunded to your card</p>",
         "<p>{{ invoice.total }} refunded to your card</p>"),
        ("<td>Refund</td>", "<td>Refund</td>"),
        ("<%= link_to 'Refund', refund_path %> refunds the whole payment",
         "<%= link_to 'Refund', refund_path %> refunds the whole payment"),
        # a template's directive or call beside the words is code (Blade, Razor)
        ('<form method="POST">@csrf Send it now</form>',
         '<form method="POST">@csrf Send it now</form>'),
        ("<form>@Html.AntiForgeryToken() Send it now</form>",
         "<form>@Html.AntiForgeryToken() Send it now</form>"),
        ("<form>csrf_field() and then send</form>", "<form>csrf_field() and then send</form>"),
        # ... but a handle in a sentence is no directive
        ("<p>Ask @billing on Slack for help</p>", "<p> </p>"),
        # a name quoted in a sentence (a package, a file) is a word of it
        ('<td colspan="2">Did you install "web-token/jwt-signature"?</td>',
         '<td colspan="2"> </td>'),
        ("<p>Edit 'config/security.yml' before signing in</p>", "<p> </p>"),
        # ... but not a quoted key, nor an expression in quotes, nor a quoted name alone
        ('<p>Use the key "sk_live_4eC39HqLyjWDarjtT1zdp7dc" to charge</p>',
         '<p>Use the key "sk_live_4eC39HqLyjWDarjtT1zdp7dc" to charge</p>'),
        ('<p>Your token is "{{ user.api_token }}" here</p>',
         '<p>Your token is "{{ user.api_token }}" here</p>'),
        ('<td>"jwt-signature"</td>', '<td>"jwt-signature"</td>'),
    ],
    ids=["paragraph-around-a-link", "paragraph", "attributes", "template-expression",
         "one-word", "erb-tag", "blade-directive", "razor-expression", "call",
         "handle-in-a-sentence", "quoted-package", "quoted-file", "quoted-key",
         "quoted-expression", "quoted-name-alone"],
)
def test_without_copy_blanks_a_templates_sentences_between_tags(line: str, expected: str) -> None:
    assert without_copy(line, markup=True) == expected
    assert without_copy(line) == line


@pytest.mark.parametrize(
    ("line", "prose"),
    [
        ("Create additional schemas for a given database.", True),
        ("Update the session settings before you deploy them", True),
        ("They may be instances of :class:`~django.contrib.auth.models.Permission`, or", True),
        ("`prompt_logout` says whether the logout has to be confirmed", True),
        ("CREATE TABLE sessions (id int primary key, user_id int)", False),
        ("DELETE FROM sessions WHERE expires_at before now", False),
        ("UPDATE users SET role to admin where the id matches", False),
        ("const url = `${base}/auth/${id}` is built here for you", False),
        # a condition continued over lines inside `if (...)`: words only, but code
        ("user is not None and user.is_active and not user.is_locked", False),
        ("or request.user.is_staff and obj.owner_id in allowed_ids", False),
        ("and invoice.paid_at is None and invoice.total in range", False),
        # look-alikes that stay sentences: `None` and a dotted name away from operator words
        ("Returns None if the user cannot be found here.", True),
        ("See the settings.AUTH_USER_MODEL setting for the model used", True),
        ("It is checked on login and on every request after that", True),
        # a quoted name and an aside in brackets stay a sentence; a call does not
        ('to work.  We implement the "Extended Key Check" (RFC 1234) extension for it', True),
        ('The session is "sticky" (see the settings page) until it ends', True),
        ('log.Info("Failed to verify the session token for user")', False),
        ('session.Set("token", value) before the response is written out', False),
        # a column of a table's SQL below its first line: six words of letters, but SQL; a
        # sentence naming a type in lower case stays one
        ("id integer PRIMARY KEY GENERATED BY DEFAULT AS IDENTITY", False),
        ("The id is an integer column that is never empty here", True),
    ],
    ids=["sentence-starting-with-create", "sentence-starting-with-update", "sphinx-role",
         "markdown-code", "create-table", "delete-from", "update-set", "template-literal",
         "condition-with-none", "condition-with-attributes", "condition-with-is-none",
         "sentence-naming-none", "sentence-naming-a-setting", "sentence-with-operator-words",
         "sentence-with-quotes-and-an-aside", "sentence-with-quoted-word-and-aside",
         "log-call-of-a-sentence", "call-then-words", "sql-column", "sentence-naming-a-type"],
)
def test_prose_lines_are_sentences_not_statements(line: str, prose: bool) -> None:
    assert prose_line(line) is prose


@pytest.mark.parametrize(
    ("added", "mechanical"),
    [
        (['\tprivate static final String CODE_VALUE = "code_value";', ""], True),
        (["export const MAX_ATTEMPTS = 5", "// after that, the account locks"], True),
        (["pub const SESSION_TTL: u64 = 3600;"], True),
        (['const val ROLE_ADMIN = "admin"'], True),
        (['private static final String CODE_VALUE = "code_value";', "check(CODE_VALUE);"], False),
        (["SESSION_COOKIE_SECURE = False"], False),
        (['const verify = require("./verify")'], False),
    ],
    ids=["java-constant", "ts-constant-and-comment", "rust-constant", "kotlin-constant",
         "constant-and-its-use", "python-setting", "js-binding-to-code"],
)
def test_a_hunk_that_only_adds_named_constants_is_mechanical(
    added: list[str], mechanical: bool
) -> None:
    assert mechanical_hunk([], added) is mechanical


def _code(line: str) -> bool:
    return not line.lstrip().startswith("#")


@pytest.mark.parametrize(
    ("removed", "added"),
    [
        # comment lines left out on one side only: the kept lines still pair up
        (["# check it", "if not verify_sig(body, f'x'):"], ["if not check_sig(body, f'x'):"]),
        # a string literal on a line after another: string indexes shifted per line
        (['a = "x"', "if not verify_sig(b):"], ['a = "y"', "if not check_sig(b):"]),
        (["x = 1"], ["# only a comment"]),
    ],
)
def test_sides_swaps_are_those_of_the_kept_lines_tokenised_anew(
    removed: list[str], added: list[str]
) -> None:
    sides = Sides(removed, added)
    assert sides.swaps(_code) is None  # nothing tokenised yet: the caller tokenises
    mechanical_sides(sides)
    expected = hunk_swaps([t for t in removed if _code(t)], [t for t in added if _code(t)])
    assert sides.swaps(_code) == expected


def test_sides_swaps_find_the_names_a_hunk_swaps() -> None:
    sides = Sides(*DEFINITION)
    assert not mechanical_sides(sides)
    swaps = sides.swaps(_code)
    assert swaps is not None
    assert swaps.pairs == swaps.declared == frozenset({("verify_sig", "check_sig")})
    assert not swaps.quoted
    quoted = Sides(['log("verify_sig failed")'], ['log("check_sig failed")'])
    mechanical_sides(quoted)
    swaps = quoted.swaps(_code)
    assert swaps is not None
    assert swaps.pairs == swaps.quoted == frozenset({("verify_sig failed", "check_sig failed")})
    assert not swaps.declared
    assert hunk_swaps(["x = 1"], ["x = y + 1"]) == NO_SWAPS  # more than names swapped


def _recording(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The lines tokenised from now on, in order."""
    from bot.analysis import mechanical

    tokenised: list[str] = []
    line_stream = mechanical._line_stream

    def recording(line: str) -> tuple[list[str], list[int]]:
        tokenised.append(line)
        return line_stream(line)

    monkeypatch.setattr(mechanical, "_line_stream", recording)
    return tokenised


def test_an_idiom_tokenises_again_only_the_lines_it_rewrites(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tokenised = _recording(monkeypatch)
    removed = ["\tid := r.URL.Query().Get(key)", '\tif req.Method != "POST" {', "\t\treturn"]
    added = ["\tid := r.URL.Query().Get(key)", "\tif req.Method != http.MethodPost {", "\t\treturn"]
    assert mechanical_sides(Sides(removed, added))
    # each line once, and the one line an idiom rewrites again: `http.MethodPost` as "POST"
    assert sorted(tokenised) == sorted([*removed, *added, '\tif req.Method != "POST" {'])


#: hunks for the short-cut of `hunk_swaps` (it stops at the first place that cannot be a swap)
_SWAP_HUNKS = [
    (["if not verify_sig(body):"], ["if not check_sig(body):"]),
    (["def verify_sig(body, key):", "    return hmac(body, key)"],
     ["def check_sig(body, key):", "    return hmac(body, key)"]),
    (["charge(amount,", "       currency)"], ["charge(amount, currency)"]),
    (["charge(a,", "  b)"], ["pay(a, b)", ""]),
    (['log("verify_sig failed")'], ['log("check_sig failed")']),
    (['sep = "-"'], ['sep = "+"']),
    (["x = 1"], ["x = y + 1"]),
    (["x = a", "y = b"], ["x = a"]),
    (["x = a"], ["x = a", "y = b"]),
    (["x = old_name"], ["x = new_name", ""]),
    (["", "   "], ["x = a"]),
    (["x = a"], ["x = a"]),
    (["user.is_admin and ok", "z = 1"], ["user.is_staff or ok", "z = 2"]),
    (["a = 1.0"], ["a = 2.5"]),
]


@pytest.mark.parametrize(("removed", "added"), _SWAP_HUNKS)
def test_hunk_swaps_answers_as_the_comparison_of_whole_streams(
    removed: list[str], added: list[str]
) -> None:
    from bot.analysis import mechanical

    whole = mechanical._swaps(mechanical._stream(removed), mechanical._stream(added))
    assert hunk_swaps(removed, added) == whole
    sides = Sides(removed, added)
    mechanical_sides(sides)
    if sides.swaps(_code) is not None:  # tokenised by the comparison
        assert sides.swaps(_code) == whole


def test_hunk_swaps_stops_tokenising_where_the_streams_cannot_be_a_swap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tokenised = _recording(monkeypatch)
    removed = ["x = a", "verify(a)", "charge(b)"]
    added = ["x -= a", "check(a)", "pay(b)"]
    assert hunk_swaps(removed, added) == NO_SWAPS
    assert tokenised == ["x = a", "x -= a"]  # `=` against `-`: past it nothing is read


@pytest.mark.parametrize(("removed", "added"), [
    *_SWAP_HUNKS,
    (["x = " + "a" * MAX_WIDTH], ["x = " + "b" * MAX_WIDTH]),  # too wide to be legible
    (["f(a)"] * 201, ["f(b)"] * 200),  # more lines than are compared
    ([], ["x = a"]),
    (["x = a"], []),
])
def test_may_swap_rules_out_only_hunks_that_swap_nothing(
    removed: list[str], added: list[str]
) -> None:
    if not may_swap(iter(removed), iter(added)):
        assert hunk_swaps(removed, added) == NO_SWAPS
    if hunk_swaps(removed, added).pairs:
        assert may_swap(iter(removed), iter(added))


def test_may_swap_reads_lines_only_as_far_as_a_swap_is_possible() -> None:
    read: list[str] = []

    def kept(lines: list[str]) -> Iterator[str]:
        for line in lines:
            read.append(line)
            yield line

    assert not may_swap(kept(["x = a", "verify(a)"]), kept(["x -= a", "check(a)"]))
    assert read == ["x = a", "x -= a"]
    assert may_swap(kept(["verify(a)"]), kept(["check(a)"]))


@pytest.mark.parametrize(
    ("removed", "added", "formatting"),
    [
        (['url = "Bearer " + token'], ['url = f"Bearer {token}"'], True),
        (['log.Fatalf("user failed")'], ['log.Fatal("user failed")'], True),
        # the words of one side a prefix of the other's: compared to the end
        (['url = "Bearer " + token'], ['url = f"Bearer {token}{suffix}"'], False),
        (['url = f"Bearer {token}{suffix}"'], ['url = "Bearer " + token'], False),
        # the same words, another operator that is not string building
        (['x = "a" + b'], ['x = "a" - b'], False),
        (['x = "a" + b'], ['y = "a" + b'], False),
        # a program's arguments joined into one string a shell reads; a command string built
        # another way, and a logging call's arguments joined, are only spellings
        (['system("zip", "-r", out, file)'], ['system("zip -r #{out} #{file}")'], False),
        (['system "zip", out'], ['system "zip #{out}"'], False),
        (['Open3.capture3("git", "log", ref)'], ['Open3.capture3("git log #{ref}")'], False),
        (['system("zip -r #{out}")'], ['system("zip", "-r", out)'], False),
        (['system("convert", src, dst, exception: true)'],
         ['system("convert #{src} #{dst}", exception: true)'], False),
        (['Open3.capture2e("convert", src, dst, chdir: dir)'],
         ['Open3.capture2e("convert #{src} #{dst}", chdir: dir)'], False),
        (['cmd := exec.Command("git", "log", "--format=" + f)'],
         ['cmd := exec.Command("git", "log", fmt.Sprintf("--format=%s", f))'], True),
        (['log.info("user", name)'], ['log.info(f"user {name}")'], True),
    ],
)
def test_string_formatting_compares_all_the_words_then_the_operators(
    removed: list[str], added: list[str], formatting: bool
) -> None:
    from bot.analysis import mechanical

    sides = Sides(removed, added)
    old, new = (functools.partial(sides.tokens, side) for side in ("old", "new"))
    assert mechanical._string_formatting(old, new) is formatting


_GRANTS = ["    grant(user, scope)", "    audit.log(user, scope)"]


@pytest.mark.parametrize(
    ("removed", "added", "read", "expected"),
    [
        # a condition changed on the first line: every comparison parts there
        (["if user.is_admin:", *_GRANTS], ["if user.is_staff or user.is_admin:", *_GRANTS], 1,
         False),
        # the first lines only re-indented: read up to the line that differs
        (["  if user.is_admin:", "      grant(user)", "      revoke(user)"],
         ["if user.is_admin:", "    grant(user)", "    audit(user)"], 3, False),
        # the same code re-wrapped: the same text, line breaks aside, read as one text (it is
        # mechanical), no line tokenised on its own
        (["charge(amount, currency)", "log(amount)"],
         ["charge(", "  amount, currency)", "log(amount)"], 0, True),
    ],
    ids=["differs-on-the-first-line", "differs-on-the-last-line", "mechanical"],
)
def test_a_hunk_is_tokenised_only_as_far_as_its_comparisons_read(
    monkeypatch: pytest.MonkeyPatch, removed: list[str], added: list[str], read: int,
    expected: bool,
) -> None:
    tokenised = _recording(monkeypatch)
    assert mechanical_sides(Sides(removed, added)) is expected
    assert sorted(tokenised) == sorted([*removed[:read], *added[:read]])


@pytest.mark.parametrize(
    ("removed", "added", "expected"),
    [
        (["func (s *DefaultStrategy) verify(token_hint string) error {"],
         ["func (s *defaultStrategy) verify(tokenHint string) error {"], True),
        (['  "payout.confirmed": "Payout confirmed",'],
         ['  "payout.confirmed": "Occurs whenever a payout in your program is confirmed",'], True),
        (["if user.role == ROLE_ADMIN:"], ["if user.role == Role.ADMIN:"], True),
        (["if user.role == ROLE_ADMIN:"], ["if user.role == Role.ADMIN.PARENT:"], False),
        (['h = {"Authorization": "Bearer " + token}'],
         ['h = {"Authorization": f"Bearer {token}"}'], True),
        (['h = {"Authorization": "Bearer " + token}'],
         ['h = {"Authorization": "Bearer " - token}'], False),
        (['	if req.Method != "POST" || p.validator == nil {'],
         ["	if req.Method != http.MethodPost || p.validator == nil {"], True),
        (["if (auth instanceof Token) {", "    ((Token) auth).setDetails(d);"],
         ["if (auth instanceof Token token) {", "    token.setDetails(d);"], True),
        (["if (auth instanceof Token) {", "    ((Token) other).setDetails(d);"],
         ["if (auth instanceof Token token) {", "    token.setDetails(d);"], False),
        (["	for i := 0; i < len(ids); i++ {"], ["	for i := range ids {"], True),
        (["	for i := 1; i < len(ids); i++ {"], ["	for i := range ids {"], False),
    ],
    ids=["names-respelt", "label-reworded", "constant-regrouped", "constant-with-another-word",
         "string-formatting", "operator-changed-beside-a-string", "go-http-method-constant",
         "java-pattern-for-a-cast", "java-pattern-for-another-operand", "go-range-over-a-slice",
         "go-range-from-one"],
)
def test_the_place_that_decides_may_come_after_lines_that_only_moved(
    removed: list[str], added: list[str], expected: bool
) -> None:
    # the same answer with the decisive place on the first line and after a re-indented line
    # whose tokens are the same on both sides (the comparisons read past it)
    assert mechanical_hunk(removed, added) is expected
    lead = (["  total = compute(a, b)"], ["total = compute(a, b)"])
    assert mechanical_hunk([*lead[0], *removed], [*lead[1], *added]) is expected
@pytest.mark.parametrize(
    ("removed", "added", "markup", "mechanical"),
    [
        (['<a href="/logout">Log out</a>'],
         ['<a href="/logout" aria-label="Log out of your account">Log out</a>'], True, True),
        (['<img src="card.png" alt="Card">'], ['<img src="card.png" alt="Credit card">'], True,
         True),
        ([], ['    title="Change your password"'], True, True),
        (["<button onClick={logout}>"], ['<button onClick={logout} aria-label={t("logout")}>'],
         True, True),
        (['<button :aria-label="$t(\'signIn\')">'], ['<button :aria-label="$t(\'logIn\')">'],
         True, True),
        # styles: a class dropped beside an unchanged raw filter, a JSX className, a style
        (["<p class=\"help\">{{ 'faq.description'|trans|raw }}</p>"],
         ["<p>{{ 'faq.description'|trans|raw }}</p>"], True, True),
        (['<input type="password" className="field" />'],
         ['<input type="password" className={styles.field} />'], True, True),
        (['<form method="post" style="margin: 0">'], ['<form method="post">'], True, True),
        # an id given to an element a script or a style sheet finds, a bound one changed
        (['<li class=""><a href="#permissions-pane" role="tab">Permissions</a></li>'],
         ['<li class="" id="permissions-tab"><a href="#permissions-pane" role="tab">Permissions'
          '</a></li>'], True, True),
        (['<input type="password" :id="fieldId">'], ['<input type="password" :id="`pw-${uid}`">'],
         True, True),
        # counter-examples: what a form submits, an element's role, a file that is not markup
        (['<input name="token" aria-label="Token">'], ['<input name="api_token" aria-label="Key">'],
         True, False),
        (['<option value="member" title="Member">'], ['<option value="admin" title="Admin">'],
         True, False),
        (['<div role="button">'], ['<div role="admin">'], True, False),
        # a class beside a filter that stops escaping, an input's type, a data attribute
        (["<p class=\"help\">{{ description }}</p>"], ["<p>{{ description|raw }}</p>"], True,
         False),
        (['<input type="password" class="field">'], ['<input type="text">'], True, False),
        (['<div data-class="member">'], ['<div data-class="admin">'], True, False),
        # what a form submits beside an id, an id that is part of another attribute's name
        (['<input id="role" name="role">'], ['<input id="role-field" name="is_admin">'], True,
         False),
        (['<Member user_id={member.id} />'], ['<Member user_id={owner.id} />'], True, False),
        (['<a href="/logout">'], ['<a href="/logout" aria-label="Log out">'], False, False),
        # what the browser checks or does before a form is sent: the server still validates
        (['<input type="text" name="tax_rate" value="<?= $rate ?>">'],
         ['<input type="text" name="tax_rate" value="<?= $rate ?>" required>'], True, True),
        (['<input type="password" name="password" placeholder="Password">'],
         ['<input type="password" name="password" placeholder="Your password" autofocus>'],
         True, True),
        (['<a href="/billing" tabindex="3">'], ['<a href="/billing" tabindex="-1">'], True, True),
        # ...but not what a field submits, nor whether it is sent at all
        (['<input type="text" name="tax_rate">'], ['<input type="text" name="tax_rate" disabled>'],
         True, False),
        (['<input name="role" required>'], ['<input name="is_admin" required>'], True, False),
        (['  userId: { type: String },'], ['  userId: { type: String, required: true },'], True,
         False),
        # the same words in a view's code, not in a tag: the quotes of `id = '...'` in a query
        # hold the escaping, in a PHP block as on a line of its own
        (['$rows = $db->query("SELECT * FROM notes WHERE id = \'" . $db->escape($id) . "\'");'],
         ['$rows = $db->query("SELECT * FROM notes WHERE id = \'$id\'");'], True, False),
        (['<?php $q = "SELECT * FROM t WHERE id = \'" . esc($i) . "\'"; ?>'],
         ['<?php $q = "SELECT * FROM t WHERE id = \'$i\'"; ?>'], True, False),
        # ...while a label after an arrow function's `=>` or a closed element is still a label
        (['<button onClick={() => go()} aria-label="Go">'],
         ['<button onClick={() => go()} aria-label="Go on">'], True, True),
        (['<p>Hi</p> <span title="Owner">'], ['<p>Hi</p> <span title="Account owner">'], True,
         True),
    ],
    ids=["aria-label-added", "alt-reworded", "title-on-its-own-line", "jsx-aria-label",
         "vue-bound-aria-label", "class-dropped-beside-a-raw-filter", "jsx-class-name",
         "style-dropped", "id-given", "bound-id-changed", "field-name-changed-beside-a-label",
         "option-value-changed-beside-a-title", "role-is-not-a-label",
         "raw-filter-added-beside-a-class", "input-type-beside-a-class",
         "data-attribute-is-not-a-class", "field-name-changed-beside-an-id",
         "attribute-named-with-id", "not-markup", "required-added", "placeholder-and-autofocus",
         "tab-order", "disabled-is-not-a-label", "field-name-changed-beside-required",
         "vue-prop-required-is-code", "query-in-a-view-is-not-an-id",
         "query-in-a-php-block-is-not-an-id", "label-after-an-arrow-function",
         "label-after-a-closed-element"],
)
def test_labels_and_styles_in_markup_are_mechanical(
    removed: list[str], added: list[str], markup: bool, mechanical: bool
) -> None:
    assert mechanical_hunk(removed, added, markup=markup) is mechanical


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        # a source file's strings that build markup: classes, a wrapper that only lays out
        (["    $res .= '<div class=\"title\">'.$mod->html_safe($name).'</div><div>';"],
         ["    $res .= '<div class=\"title fw-bold\">'.$mod->html_safe($name).'</div>"
          "<div class=\"mb-3\">';"], True),
        (["    $res .= '<a href=\"\" class=\"reset\">Reset</a>';"],
         ["    $res .= '<div><a href=\"\" class=\"reset btn\">Reset</a></div>';"], True),
        (['    return f\'<span title="Owner">{name}</span>\''],
         ['    return f\'<span title="Account owner">{name}</span>\''], True),
        # ...but not the escaping dropped beside a class, nor a value a class is built from
        # (written into the attribute unescaped), nor code's own `id = "..."` with no tag
        (["    $res .= '<div class=\"t\">'.$mod->html_safe($name).'</div>';"],
         ["    $res .= '<div>'.$name.'</div>';"], False),
        (["    $res .= '<div class=\"div_'.$id.'\">';"],
         ["    $res .= '<div class=\"div_'.$_GET['id'].'\">';"], False),
        (["    html = '<li class=\"' + cls + '\">'"], ["    html = '<li class=\"' + q + '\">'"],
         False),
        (['    id = "users"'], ['    id = "admins"'], False),
        # a value code writes into the attribute, its escaping dropped: echoed with commas,
        # in an f-string's or Ruby's braces, in an array joined
        (["echo '<span class=\"byline\" title=\"', esc_attr( $author ), '\">';"],
         ["echo '<span class=\"byline\" title=\"', $author, '\">';"], False),
        (["    return mark_safe(f'<span title=\"{escape(user.name)}\">{icon}</span>')"],
         ["    return mark_safe(f'<span title=\"{user.name}\">{icon}</span>')"], False),
        (["  \"<span title='#{h(user.name)}'>#{icon}</span>\".html_safe"],
         ["  \"<span title='#{user.name}'>#{icon}</span>\".html_safe"], False),
        (["  ['<div class=\"row\" title=\"', escapeHtml(title), '\">'].join('')"],
         ["  ['<div class=\"row\" title=\"', title, '\">'].join('')"], False),
        # an element added whole is output, not a label
        ([], ["    $res .= '<div class=\"row\">';"], False),
    ],
    ids=["class-added-and-a-wrapper", "wrapper-added", "title-reworded-in-an-f-string",
         "escaping-dropped-beside-a-class", "raw-value-in-a-class", "joined-value-in-a-class",
         "code-id-with-no-tag", "echoed-with-commas", "f-string-value", "ruby-interpolation",
         "array-joined", "element-added"],
)
def test_labels_in_the_markup_a_source_file_builds_are_mechanical(
    removed: list[str], added: list[str], mechanical: bool
) -> None:
    assert mechanical_hunk(removed, added, code=True) is mechanical


@pytest.mark.parametrize(
    ("removed", "added"),
    [
        # PHP's echo, ERB's raw output, Blade's unescaped echo in a class: what they write may
        # close the attribute
        (['<div class="<?= $cls ?>">'], ['<div class="<?= $_GET[\'c\'] ?>">']),
        (['<div class="<%== @cls %>">'], ['<div class="<%== params[:c] %>">']),
        (['<div class="{!! $cls !!}">'], ['<div class="{!! $request->c !!}">']),
        # Razor's Html.Raw, Hugo's safeHTMLAttr pipe
        (['<a title="@Model.Bio">'], ['<a title="@Html.Raw(Model.Bio)">']),
        (['<a title="{{ .Title }}">'], ['<a title="{{ .Title | safeHTMLAttr }}">']),
        # Handlebars' triple braces, in an attribute as in text
        (['  <a href="/u" title="{{user.bio}}">x</a>'], ['  <a href="/u" title="{{{user.bio}}}">x</a>']),
        (['  <p>{{user.bio}}</p>'], ['  <p>{{{user.bio}}}</p>']),
        # an escaped placeholder turned into the engine's unescaped one in a link's address:
        # Blade's `{!! !!}`, ERB's `<%==`, a `|safe` filter
        (['<a href="{{ $href }}" class="{{ $class }}">'], ['<a href="{!! $href !!}" class="{{ $class }}">']),
        (['<a href="<%= url %>">'], ['<a href="<%== url %>">']),
        (['<a href="{{ url }}">'], ['<a href="{{ url|safe }}">']),
    ],
    ids=["php-echo", "erb-raw", "blade-raw", "razor-raw", "hugo-safe-attribute",
         "handlebars-attribute", "handlebars-text", "blade-unescaped-href", "erb-unescaped-href",
         "safe-filter-href"],
)
def test_a_label_that_writes_unescaped_output_is_no_label(
    removed: list[str], added: list[str]
) -> None:
    assert mechanical_hunk(removed, added, markup=True) is False


@pytest.mark.parametrize(
    ("old", "new", "yaml", "kept"),
    [
        # a statement indented under the `if` above it now runs only when the condition holds
        (["if not allowed:", "    deny()", "grant()"], ["if not allowed:", "    deny()", "    grant()"],
         False, False),
        # and one taken out of a block now runs always
        (["if admin:", "    grant()"], ["if admin:", "grant()"], False, False),
        # a dedent of two levels where one was: the line leaves the inner block and the outer
        (["if a:", "    if b:", "        x()", "    y()"], ["if a:", "    if b:", "        x()", "y()"],
         False, False),
        # a block moved as a whole, tabs made spaces, two spaces made four: nothing moves
        (["def f(a):", "    if a:", "        x()", "    y()"],
         ["def f(a):", "  if a:", "    x()", "  y()"], False, True),
        (["class A:", "\tdef f(self):", "\t\treturn 1"],
         ["class A:", "    def f(self):", "        return 1"], False, True),
        # an argument list re-wrapped (lines inside brackets, a bracket inside a string) and a
        # comment re-indented are no statements
        (["call(a,", "     b)", "z()"], ["call(a,", "    b)", "z()"], False, True),
        (['log("(", a,', "      b)", "z()"], ['log("(", a,', "    b)", "z()"], False, True),
        (["if a:", "    x()", "# note"], ["if a:", "    x()", "    # note"], False, True),
        # a condition a backslash continued, put in brackets by a formatter: the continued
        # line was never a statement of the block below it
        (["if not session and \\", "        config.get('REMEMBER'):", "    remember()", "done()"],
         ["if not session and config.get(", "    'REMEMBER'", "):", "    remember()", "done()"],
         False, True),
        # but a statement after the continued one still keeps its block
        (["if not session and \\", "        config.get('REMEMBER'):", "    remember()", "done()"],
         ["if not session and config.get(", "    'REMEMBER'", "):", "    remember()",
          "    done()"], False, False),
        # YAML: a list indented under its key or not is the same list; a key moved into a
        # mapping is not the same key
        (["steps:", "- run: a", "- run: b"], ["steps:", "  - run: a", "  - run: b"], True, True),
        (["a:", "  b: 1", "c: 2"], ["a:", "  b: 1", "  c: 2"], True, False),
        # Python imports one after another joined into one (isort) stay in their block; an
        # import moved into a block does not
        (["from a import b", "from a import c", "x = 1"], ["from a import b, c", "x = 1"],
         False, True),
        (["import a", "import b", "if x:", "    y()"], ["import a", "if x:", "    import b",
                                                       "    y()"], False, False),
    ],
    ids=["moved-under-a-condition", "taken-out-of-a-block", "dedented-past-its-block",
         "block-re-indented", "tabs-to-spaces", "arguments-re-wrapped", "bracket-in-a-string",
         "comment-re-indented", "backslash-continuation-bracketed",
         "statement-moved-after-a-backslash-continuation", "yaml-list-style",
         "yaml-key-moved-into-a-mapping", "imports-joined", "import-moved-into-a-block"],
)
def test_indentation_that_is_syntax_keeps_each_statement_in_its_block(
    old: list[str], new: list[str], yaml: bool, kept: bool
) -> None:
    assert same_blocks(old, new, yaml=yaml) is kept


#: a signature's parameter re-wrapped by a formatter, the signature opened above the hunk
_PARAMETER = ["    scope: str = Depends(get_scope),", "    challenge: tuple[str, str]",
              "    | None = Depends(get_challenge),", "    nonce: str = Depends(get_nonce),"]
_REWRAPPED = ["    scope: str = Depends(get_scope),",
              "    challenge: tuple[str, str] | None = Depends(", "        get_challenge",
              "    ),", "    nonce: str = Depends(get_nonce),"]


@pytest.mark.parametrize(
    ("old", "new", "kept"),
    [
        # a line beginning with an operator or a closing bracket is inside brackets opened
        # above the hunk: both sides are read from inside them
        (_PARAMETER, _REWRAPPED, True),
        (["    a,", "    b,", ")", "if x:", "    y()"], ["    a, b,", ")", "if x:", "    y()"], True),
        (["    .filter(active=True)", "    .first()", ")"],
         ["    .filter(active=True).first()", ")"], True),
        # counter-examples: once the brackets close, a statement moved into a block still moves
        (["    | None = f(x),", ")", "if admin:", "    deny()", "grant()"],
         ["    | None = f(x),", ")", "if admin:", "    deny()", "    grant()"], False),
        # a line continued by a backslash is no bracket: the statements below still count
        (["x = a \\", "    | b", "if admin:", "    deny()", "grant()"],
         ["x = a \\", "    | b", "if admin:", "    deny()", "    grant()"], False),
        # the text of a docstring may begin with anything
        (['    """', "    | a table |", '    """', "    if admin:", "        deny()", "    grant()"],
         ['    """', "    | a table |", '    """', "    if admin:", "        deny()",
          "        grant()"], False),
        # a statement cannot begin with these, but a name can (`is_admin`, `order`, `android`)
        (["is_admin = 1", "if x:", "    y()", "order()"],
         ["is_admin = 1", "if x:", "    y()", "    order()"], False),
    ],
    ids=["parameter-re-wrapped", "closing-bracket-first", "method-chain-re-wrapped",
         "statement-moved-after-the-brackets-close", "backslash-continuation",
         "docstring-text", "names-beginning-with-an-operator-word"],
)
def test_a_python_hunk_may_begin_inside_brackets_opened_above_it(
    old: list[str], new: list[str], kept: bool
) -> None:
    assert same_blocks(old, new, python=True) is kept


def test_only_python_is_read_from_inside_brackets_opened_above() -> None:
    # Pug's and Slim's `| text` is a line of text, where a re-indent moves it
    assert same_blocks(_PARAMETER, _REWRAPPED) is False


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        # WTForms' render_kw and a Django widget's attrs are HTML attributes the browser shows
        (['    name = StringField("Name or Email", validators=[InputRequired()])'],
         ["    name = StringField(", '        "Name or Email",', "        validators=[InputRequired()],",
          '        render_kw={"autofocus": True},', "    )"], True),
        (['    password = PasswordField("Password", validators=[InputRequired()])'],
         ["    password = PasswordField(",
          '        "Password", validators=[InputRequired()], render_kw={"autofocus": True}',
          "    )"], True),
        (["    widget=forms.PasswordInput(),"],
         ['    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),'], True),
        # counter-examples: a validator dropped beside a hint, a field disabled beside a widget's
        # attrs (Django then ignores what is posted), attrs that are data
        (['    password = PasswordField("Password", validators=[InputRequired()])'],
         ['    password = PasswordField("Password", render_kw={"autofocus": True})'], False),
        (["    email = forms.EmailField(widget=forms.EmailInput())"],
         ['    email = forms.EmailField(disabled=True, widget=forms.EmailInput(attrs={"readonly": 1}))'],
         False),
        (['    ldap.modify(dn, attrs={"memberOf": group})'],
         ['    ldap.modify(dn, attrs={"memberOf": admins})'], False),
    ],
    ids=["render-kw-re-wrapped", "render-kw-on-the-arguments-line", "django-widget-attrs",
         "validator-dropped-beside-a-hint", "field-disabled-beside-widget-attrs",
         "attrs-that-are-data"],
)
def test_html_attributes_a_python_form_renders_are_mechanical(
    removed: list[str], added: list[str], mechanical: bool
) -> None:
    assert mechanical_hunk(removed, added) is mechanical


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        # hashlib's usedforsecurity=False keeps the digest; on its own line with its comma too
        (['    email_md5 = hashlib.md5(email.lower().encode()).hexdigest()'],
         ['    email_md5 = hashlib.md5(email.lower().encode(), usedforsecurity=False).hexdigest()'],
         True),
        (['    key = hashlib.md5("{},{}".format(user.email, user.password_hash).encode()).hexdigest()'],
         ['    key = hashlib.md5(',
          '        "{},{}".format(user.email, user.password_hash).encode(), usedforsecurity=False',
          '    ).hexdigest()'], True),
        (['    digest = hashlib.sha1()'], ['    digest = hashlib.sha1(usedforsecurity=False)'], True),
        # counter-examples: the algorithm or the hashed text changed beside the flag, and the
        # flag turned on (the digest is then refused where the algorithm is not approved)
        (['    token_hash = hashlib.sha256(token.encode()).hexdigest()'],
         ['    token_hash = hashlib.md5(token.encode(), usedforsecurity=False).hexdigest()'], False),
        (['    key = hashlib.md5(user.email.encode()).hexdigest()'],
         ['    key = hashlib.md5(user.password_hash.encode(), usedforsecurity=False).hexdigest()'],
         False),
        (['    h = hashlib.md5(data, usedforsecurity=False)'],
         ['    h = hashlib.md5(data, usedforsecurity=True)'], False),
    ],
    ids=["flag-added", "flag-added-and-re-wrapped", "flag-as-the-only-argument",
         "algorithm-changed-beside-the-flag", "hashed-text-changed-beside-the-flag",
         "flag-turned-on"],
)
def test_a_digest_declared_not_for_security_is_mechanical(
    removed: list[str], added: list[str], mechanical: bool
) -> None:
    assert mechanical_hunk(removed, added) is mechanical


@pytest.mark.parametrize(
    "comma", ["", ",", ")"], ids=["alone-on-its-line", "trailing-comma", "closing-bracket"]
)
def test_a_fields_render_hints_given_other_contents_are_a_change(comma: str) -> None:
    """A field's render hints added or dropped are presentation; given other contents they
    may set the value a hidden field submits, so the hunk is compared as it is."""
    removed = [f'        render_kw={{"placeholder": "key"}}{comma}']
    changed = [f'        render_kw={{"value": current_app.config["STRIPE_SECRET_KEY"]}}{comma}']
    assert not mechanical_hunk(removed, changed)
    assert mechanical_hunk(["    key = HiddenField('key')"],
                           ['    key = HiddenField(\'key\', render_kw={"placeholder": "key"})'])
    assert mechanical_hunk(["    pin = PasswordField('PIN')"],
                           ["    pin = PasswordField('PIN', render_kw={\"role\": \"textbox\", "
                            "\"aria-label\": \"PIN\", \"inputmode\": \"numeric\"})"])


@pytest.mark.parametrize(
    "hint",
    ['render_kw={"value": current_app.config["STRIPE_SECRET_KEY"]}',
     'render_kw={"placeholder": "key", "name": "admin_key"}',
     'render_kw={"data-key": settings.API_KEY}',
     'render_kw={"class": "d-none", **stripe_attrs(app_key)}',
     'render_kw={"class": "d-none", VALUE: app_key}',
     'render_kw={"x-bind:value": "stripeKey"}',
     'render_kw={"placeholder": current_app.config["STRIPE_SECRET_KEY"]}',
     "attrs={'value': settings.STRIPE_SECRET_KEY}"],
    ids=["value", "name-beside-a-placeholder", "data-attribute", "spread", "unquoted-key",
         "binding", "secret-as-a-placeholder", "django-widget-value"],
)
def test_render_hints_that_set_what_a_field_submits_are_a_change(hint: str) -> None:
    """A dict with a key that sets what the field sends or a script reads is not presentation,
    added or not."""
    widget = "HiddenInput(" if hint.startswith("attrs") else "HiddenField('key', "
    assert not mechanical_hunk([f"    key = {widget})"], [f"    key = {widget}{hint})"])


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        # flake8-bugbear's B028: a warning's stacklevel moves only the line it names; added on
        # a line of its own, beside the other arguments, changed or dropped
        ([], ["                stacklevel=2,"], True),
        (['    warnings.warn("use verify()", DeprecationWarning)'],
         ['    warnings.warn("use verify()", DeprecationWarning, stacklevel=2)'], True),
        (['    logger.warning("token reused", stacklevel=2)'],
         ['    logger.warning("token reused", stacklevel=3)'], True),
        # counter-examples: the warning's category changed beside it, a warning made an error,
        # a check replaced by the argument
        (['    warnings.warn("insecure key", UserWarning)'],
         ['    warnings.warn("insecure key", DeprecationWarning, stacklevel=2)'], False),
        (['    warnings.warn("insecure key", UserWarning)'],
         ['    raise InsecureKeyError("insecure key", stacklevel=2)'], False),
        (["    verify_signature(token)"], ["    stacklevel=2,"], False),
    ],
    ids=["argument-alone", "argument-added", "level-changed", "category-changed-beside-it",
         "warning-made-an-error", "check-replaced"],
)
def test_a_warnings_stack_level_is_mechanical(
    removed: list[str], added: list[str], mechanical: bool
) -> None:
    assert mechanical_hunk(removed, added) is mechanical


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        # Django's default before 2.0 written out: deleting the user deletes the device, as it did
        (['    user = models.ForeignKey(User, help_text="The owner.")'],
         ['    user = models.ForeignKey(User, help_text="The owner.", on_delete=models.CASCADE)'],
         True),
        (["                ('user', models.ForeignKey(to=settings.AUTH_USER_MODEL)),"],
         ["                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, "
          "to=settings.AUTH_USER_MODEL)),"], True),
        # counter-examples: another behaviour made CASCADE, the target changed beside it, and
        # CASCADE outside a relation's field
        (["    user = models.ForeignKey(User, on_delete=models.SET_NULL, null=True)"],
         ["    user = models.ForeignKey(User, on_delete=models.CASCADE, null=True)"], False),
        (["    owner = models.ForeignKey(User)"],
         ["    owner = models.ForeignKey(Group, on_delete=models.CASCADE)"], False),
        (['    op.drop_constraint("fk_user", "device")'],
         ['    op.drop_constraint("fk_user", "device", on_delete=models.CASCADE)'], False),
    ],
    ids=["default-written-out", "in-a-migration", "set-null-made-cascade",
         "target-changed-beside-it", "not-a-relation-field"],
)
def test_djangos_former_default_on_delete_written_out_is_mechanical(
    removed: list[str], added: list[str], mechanical: bool
) -> None:
    assert mechanical_hunk(removed, added) is mechanical


@pytest.mark.parametrize(
    ("lines", "read"),
    [
        (["if sys.version_info[0] == 2:", "    from urllib import quote_plus", "else:",
          "    from urllib.parse import quote_plus"], ["from urllib.parse import quote_plus"]),
        (["    if six.PY3:", "        key = key.encode()", "    else:", "        key = str(key)",
          "    return key"], ["    key = key.encode()", "    return key"]),
        (["if sys.version_info < (3,):", "    text_type = unicode", "x = 1"], ["x = 1"]),
        (["text_type = unicode if sys.version_info[0] == 2 else str"], ["text_type = str"]),
        (["raw = str if not PY3 else bytes"], ["raw = bytes"]),
        (['AUTH = {"hasher": legacy_hasher if six.PY2 else bcrypt_hasher}'],
         ['AUTH = {"hasher": bcrypt_hasher}']),
        (["    return f(text, unicode if six.PY2 else str)"], ["    return f(text, str)"]),
        # a choice within a larger expression takes in what stands beside it: not read
        (["accept = verified if six.PY3 else verified or legacy_ok"], None),
        (["accept = legacy_ok or verified if six.PY2 else verified"], None),
        (["limit = MAX_REFUND if six.PY3 else MAX_REFUND * 10"], None),
        (["ok = x == a if six.PY2 else b"], None),
        # not read: no test of the major version, a minor version's test, an elif after it
        (["if settings.PY2_COMPAT:", "    a = 1"], None),
        (["if sys.version_info >= (3, 8):", "    from typing import Literal"], None),
        (["if PY2:", "    a = 1", "elif WINDOWS:", "    a = 2"], None),
    ],
    ids=["py2-block-and-else", "py3-block-kept", "py2-block-alone", "value-chosen",
         "value-chosen-negated", "value-chosen-as-a-dict-value", "value-chosen-as-an-argument",
         "choice-then-or",
         "or-then-choice", "choice-then-product", "comparison-then-choice", "another-flag",
         "minor-version", "elif-after-it"],
)
def test_python3_branches_reads_code_as_python_3_runs_it(
    lines: list[str], read: list[str] | None
) -> None:
    assert python3_branches(lines) == read


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        # RuboCop's Rails/Delegate: a method that forwards to the same method of another object
        (["  def currency_symbol", "    Spree::Money.currency_symbol", "  end"],
         ["  delegate :currency_symbol, to: :'Spree::Money'"], True),
        (["  def admin?", "    user.admin?", "  end"], ["  delegate :admin?, to: :user"], True),
        # Style/MultipleComparison, and Python's membership test
        (["      data[:state] == 'paid' || data[:state] == 'credit_owed'"],
         ["      ['paid', 'credit_owed'].include?(data[:state])"], True),
        (['    if role == "admin" or role == "owner":'], ['    if role in ["admin", "owner"]:'],
         True),
        # counter-examples: another method forwarded to, an argument, another value or subject,
        # a condition joined to one alternative
        (["  def admin?", "    user.staff?", "  end"], ["  delegate :admin?, to: :user"], False),
        (["  def can?(action)", "    policy.can?(action)", "  end"], ["  delegate :can?, to: :policy"],
         False),
        (['    if role == "admin" or role == "owner":'], ['    if role in ["admin", "staff"]:'],
         False),
        (["  a == 'x' || b == 'y'"], ["  ['x', 'y'].include?(a)"], False),
        (["  state == 'paid' || state == 'owed' && admin?"],
         ["  ['paid', 'owed'].include?(state) && admin?"], False),
        (["  admin? && state == 'paid' || state == 'owed'"],
         ["  admin? && ['paid', 'owed'].include?(state)"], False),
    ],
    ids=["rails-delegate-to-a-constant", "rails-delegate-to-a-method", "ruby-multiple-comparison",
         "python-membership", "another-method-forwarded-to", "method-with-an-argument",
         "another-value", "another-subject", "and-joined-after", "and-joined-before"],
)
def test_rubocop_and_python_rewrites_of_the_same_code_are_mechanical(
    removed: list[str], added: list[str], mechanical: bool
) -> None:
    assert mechanical_hunk(removed, added) is mechanical


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        # errcheck's fix: the deferred call's error discarded in a closure
        (["\tdefer response.Body.Close()"],
         ["\tdefer func(Body io.ReadCloser) { _ = Body.Close() }(response.Body)"], True),
        (["\tdefer resp.Body.Close()"], ["\tdefer func() { _ = resp.Body.Close() }()"], True),
        # counter-examples: another call deferred, a commit where a rollback was
        (["\tdefer resp.Body.Close()"], ["\tdefer func() { _ = tx.Rollback() }()"], False),
        (["\tdefer tx.Rollback()"], ["\tdefer func(t *sql.Tx) { _ = t.Commit() }(tx)"], False),
    ],
    ids=["closure-with-the-receiver", "closure-without-a-parameter", "another-call",
         "commit-for-rollback"],
)
def test_a_go_deferred_call_whose_error_is_discarded_is_mechanical(
    removed: list[str], added: list[str], mechanical: bool
) -> None:
    assert mechanical_hunk(removed, added) is mechanical


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        pytest.param(["\t\treturn tx.Sync2(totp20200417175201{})"],
                     ["\t\treturn tx.Sync2(totp20200417175201{}) //nolint:forbidigo // new table"],
                     True, id="go-nolint-directive-added"),
        pytest.param(["\terr = db.Exec(q) //nolint"], ["\terr = db.Exec(q) //lint:ignore SA1019 old"],
                     True, id="go-directive-swapped"),
        pytest.param(["    String token = req.getHeader(h);"],
                     ["    String token = req.getHeader(h); //NOSONAR"], True,
                     id="sonar-suppression-added"),
        pytest.param(["\t\treturn tx.Sync2(totp20200417175201{})"],
                     ["\t\treturn tx.Sync(totp20200417175201{}) //nolint:forbidigo // new table"],
                     False, id="code-changed-beside-a-directive"),
        pytest.param(['\turl := "https://example.com/nolint"'],
                     ['\turl := "https://example.com"'], False, id="directive-word-in-a-string"),
    ],
)
def test_linter_directives_are_comments(removed: list[str], added: list[str],
                                        mechanical: bool) -> None:
    """A linter's suppression written against the comment marker (`//nolint:name`) is a
    comment: only the linter reads it."""
    assert mechanical_hunk(removed, added) is mechanical


GO_LOCALS = (['\tpw1 := r.FormValue("new_password")', '\tpw2 := r.FormValue("confirm_password")'],
             ['\tnewPassword := r.FormValue("new_password")',
              '\tconfirmPassword := r.FormValue("confirm_password")'])
GO_CHECK = (["\tif pw1 != pw2 {"], ["\tif newPassword != confirmPassword {"])


@pytest.mark.parametrize(
    "declaration",
    [
        GO_LOCALS,
        (["\tpw1, pw2 := form.Passwords()"], ["\tnewPassword, confirmPassword := form.Passwords()"]),
        (["\tfor pw1, pw2 := range pairs {"], ["\tfor newPassword, confirmPassword := range pairs {"]),
        (["\t} else if pw1, pw2 := split(v); ok {"],
         ["\t} else if newPassword, confirmPassword := split(v); ok {"]),
    ],
    ids=["one-per-line", "identifier-list", "range-clause", "if-statement"],
)
def test_a_go_local_renamed_where_it_is_short_declared_is_renamed_where_it_is_read(
    declaration: tuple[list[str], list[str]],
) -> None:
    assert _renamed([declaration, GO_CHECK], []) == {0, 1}


@pytest.mark.parametrize(
    "hunks",
    [
        [(['\tpw1 = r.FormValue("new_password")', '\tpw2 = r.FormValue("confirm_password")'],
          ['\tnewPassword = r.FormValue("new_password")',
           '\tconfirmPassword = r.FormValue("confirm_password")']), GO_CHECK],
        [GO_LOCALS, GO_CHECK, (["\tif u.pw1 == nil {"], ["\tif u.newPassword == nil {"])],
        [(['\tpw1 := r.FormValue("new_password")', '\tpw2 := r.FormValue("confirm_password")'],
          ['\tpw := r.FormValue("new_password")', '\tpw := r.FormValue("confirm_password")']),
         (["\tif pw1 != pw2 {"], ["\tif pw != pw {"])],
    ],
    ids=["assigned-not-declared", "swapped-as-a-member-too", "two-names-made-one"],
)
def test_a_go_local_swapped_without_its_short_declaration_is_a_change(
    hunks: list[tuple[list[str], list[str]]],
) -> None:
    assert _renamed(hunks, []) == set()


@pytest.mark.parametrize(
    ("line", "found"),
    [("\tok, verify_sig := check(body)", True), ("\tverify_sig = check(body)", False),
     ("\tx := verify_sig(body)", False)],
    ids=["short-declaration", "assignment", "a-use"],
)
def test_a_go_short_declaration_defines_its_names(line: str, found: bool) -> None:
    names = ["verify_sig"]
    assert defines(line, names) is found
    pattern = re2.compile(definitions_pattern(names))
    assert (pattern.search(f"context\n-{line}\n".encode()) is not None) is found


def test_a_minified_line_is_compared_as_whole_text_only() -> None:
    """A bundle's line (hundreds of kB in real commits) is nobody's re-formatting nor renaming:
    a hunk holding one is the same code only white space aside, and the names a build mangles
    swap no names anyone declared (tokenising two 900 kB lines to ask took seconds)."""
    padding = "var n=t(1);" * (MAX_WIDTH // 10)
    quoted, requoted = ["token = 'abc';"], ['token = "abc"']
    assert mechanical_hunk(quoted, requoted)
    assert not mechanical_hunk([quoted[0] + padding], [requoted[0] + padding])
    assert mechanical_hunk(["  " + quoted[0] + padding], [quoted[0] + padding])
    renamed = ["x = old_name(a)"], ["x = new_name(a)"]
    assert hunk_swaps(*renamed).pairs == {("old_name", "new_name")}
    assert hunk_swaps(*([line + padding for line in side] for side in renamed)) == NO_SWAPS


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        pytest.param(["\terr := seal(input, output, passphrase)", "\tif err != nil {"],
                     ["\tif err := seal(input, output, passphrase); err != nil {"], True,
                     id="declared-error-inlined"),
        pytest.param(["\t\t_, err = buf.Write(plaintext)", "\t\tif err != nil {"],
                     ["\t\tif _, err := buf.Write(plaintext); err != nil {"], True,
                     id="assigned-error-inlined"),
        pytest.param(["\tif ok := session.Valid(token); ok {"],
                     ["\tok := session.Valid(token)", "\tif ok {"], True, id="init-taken-out"),
        pytest.param(["\terr := check(token)", "\tif err != nil {"],
                     ["\tif err := check(token); err == nil {"], False, id="condition-inverted"),
        pytest.param(["\terr := check(token)", "\tif err != nil {"],
                     ["\tif err := verify(token); err != nil {"], False, id="other-call"),
        pytest.param(["\tif err := check(token); err != nil {"],
                     ["\terr := check(token)", "\tif err != nil && !admin {"], False,
                     id="condition-widened"),
        pytest.param(["\terr := check(token)", "\tif err != nil {"],
                     ["\tif err := check(token, admin); err != nil {"], False,
                     id="argument-added"),
    ],
)
def test_a_go_error_check_inlined_into_its_if_is_mechanical(
    removed: list[str], added: list[str], mechanical: bool
) -> None:
    """Go's `if err := f(); err != nil {` runs `f()` and tests `err`, as the statement on the
    line above the `if` does (the inlined check linters ask for)."""
    assert mechanical_hunk(removed, added) is mechanical


@pytest.mark.parametrize(
    ("line", "markup", "expected"),
    [
        pytest.param("""<p v-html="$t('visibility.warning')"></p>""", True, '<p ""></p>',
                     id="vue-translation"),
        pytest.param("""<div dangerouslySetInnerHTML={{ __html: t('billing.notice') }} />""",
                     True, '<div "" />', id="react-translation"),
        pytest.param("""{!! __('auth.notice') !!}""", True, '""', id="blade-translation"),
        pytest.param("""<%= raw t('.intro_html') %>""", True, '""', id="erb-translation"),
        pytest.param("""<%== t('.intro_html') %>""", True, '""', id="erb-unescaped-translation"),
        pytest.param("""t('auth.notice_html').html_safe""", False, '""',
                     id="rails-html-safe-translation"),
        pytest.param("""{{ 'billing.notice'|trans|raw }}""", True, '""', id="twig-translation"),
        pytest.param("""<div [innerHTML]="'auth.notice' | translate"></div>""", True,
                     '<div ""></div>', id="angular-translation"),
        pytest.param("""help = mark_safe(_("Read the <a href='/terms'>terms</a>"))""", False,
                     'help = ""', id="django-translation"),
        pytest.param("""<p v-html="$t('hello', { name: user.name })"></p>""", True,
                     """<p v-html="$t("", { name: user.name })"></p>""",
                     id="vue-value-interpolated"),
        pytest.param("""<p v-html="message"></p>""", True, """<p v-html="message"></p>""",
                     id="vue-variable"),
        pytest.param("""<div dangerouslySetInnerHTML={{ __html: t(props.key) }} />""", True,
                     """<div dangerouslySetInnerHTML={{ __html: t(props.key) }} />""",
                     id="react-key-from-props"),
        pytest.param("""{!! $user->bio !!}""", True, """{!! $user->bio !!}""",
                     id="blade-variable"),
        pytest.param("""<%= raw @post.body %>""", True, """<%= raw @post.body %>""",
                     id="erb-variable"),
        pytest.param("""{{ user.bio|raw }}""", True, """{{ user.bio|raw }}""",
                     id="twig-variable"),
        pytest.param("""{{ 'billing.notice'|trans }}""", True, """{{ 'billing.notice'|trans }}""",
                     id="twig-escaped-translation"),
        pytest.param("""ctx.drawRaw(image, 0, 0, "Draw the raw frame")""", False,
                     """ctx.drawRaw(image, 0, 0, "")""", id="raw-a-word-of-code"),
        pytest.param("""format('x').html_safe""", False, """format('x').html_safe""",
                     id="not-a-translation-call"),
    ],
)
def test_a_translation_printed_raw_is_copy(line: str, markup: bool, expected: str) -> None:
    """The HTML of an application's own message (a link in a sentence) is its copy; a value
    put into the message, or anything else printed raw, stays a sink."""
    assert without_copy(line, markup=markup) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        pytest.param("if(this.censored) type = InputType.PASSWORD;", 'if(this.censored) type = "";',
                     id="lit-input-type"),
        pytest.param("""<input type="password" name="pw">""", '<input "" name="pw">',
                     id="html-input-type"),
        pytest.param("""const field = { type: 'password', label }""",
                     'const field = { "", label }', id="field-definition"),
        pytest.param("""data = {grant_type: 'password', username: u}""",
                     """data = {grant_type: 'password', username: u}""", id="oauth-grant"),
        pytest.param("""if (credential.type === 'password') {""",
                     """if (credential.type === 'password') {""", id="credential-kind"),
        pytest.param("user.password = hash(pw)", "user.password = hash(pw)", id="password-set"),
        pytest.param("keyboardType: TextInputType.visiblePassword,", 'keyboardType: "",',
                     id="flutter-input-type"),
        pytest.param("""<input type='password'>""", '<input "">', id="single-quoted-type"),
        pytest.param('field.type = "Password"', 'field.type = "Password"', id="a-capitalised-value"),
        pytest.param("if(!u.password||u.password.length<8)return",
                     "if(!u.password||u.password.length<8)return", id="minified-password-check"),
    ],
)
def test_a_password_fields_input_type_is_markup(line: str, expected: str) -> None:
    """Whether a field hides what is typed is how it shows its value; OAuth's password grant
    and a stored credential's kind are what a server accepts."""
    assert without_copy(line) == expected


@pytest.mark.parametrize(
    ("path", "line", "fires"),
    [
        pytest.param("web/components/VisibilityForm.vue",
                     """<p v-html="$t('visibilityForm.warningMessage')"></p>""", False,
                     id="vue-message"),
        pytest.param("web/components/VisibilityForm.vue", """<p v-html="element.text"></p>""",
                     True, id="vue-value"),
        pytest.param("app/Notice.tsx",
                     """<div dangerouslySetInnerHTML={{ __html: t('notice.body') }} />""",
                     False, id="react-message"),
        pytest.param("app/Notice.tsx", """<div dangerouslySetInnerHTML={{ __html: body }} />""",
                     True, id="react-value"),
    ],
)
def test_a_message_printed_raw_is_no_sanitisation_evidence(path: str, line: str,
                                                           fires: bool) -> None:
    found = rules_found(path, line, default_policy())
    assert ("security.sanitisation" in found) is fires


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        # the values that describe a field for people, quoted or not, in a list or a mapping
        ("    hint: e.g. https://HOST/realms/REALM/protocol/openid-connect/auth\n",
         '    hint: ""\n'),
        ('  - Description: "Grants read access to invoices"', '  - Description: ""'),
        ("    placeholder: Your password", '    placeholder: ""'),
        # a value on the lines below, an empty one and any other key stay
        ("  description: |", "  description: |"),
        ("  description: >-\n", "  description: >-\n"),
        ("  description:", "  description:"),
        ("    authorizationURL: https://HOST/auth", "    authorizationURL: https://HOST/auth"),
        ("    descriptionTemplate: admin", "    descriptionTemplate: admin"),
    ],
    ids=["hint", "list-description", "placeholder", "block", "folded-block", "empty",
         "other-key", "longer-key"],
)
def test_without_described_values_blanks_a_fields_description_only(
    line: str, expected: str
) -> None:
    assert without_described_values([line]) == [expected]


@pytest.mark.parametrize(
    ("line", "imports", "expected"),
    [
        ("        #[\\Vendor\\Attr\\Sensitive]", ["use Vendor\\Attr\\Sensitive;"],
         "        #[Sensitive]"),
        ("    java.util.List<String> roles;", ["import java.util.List;"], "    List<String> roles;"),
        ("    var p = new System.Security.Claims.ClaimsPrincipal();",
         ["using System.Security.Claims;"], "    var p = new ClaimsPrincipal();"),
        ("    return app.auth.tokens.issue(user)", ["from app.auth.tokens import issue"],
         "    return issue(user)"),
        # another name, an alias, an import not at the start of its line: left as written
        ("    java.util.Set<String> roles;", ["import java.util.List;"],
         "    java.util.Set<String> roles;"),
        ("    java.util.List<String> roles;", ["import java.util.List as L"],
         "    java.util.List<String> roles;"),
        ("    myjava.util.List<String> roles;", ["import java.util.List;"],
         "    myjava.util.List<String> roles;"),
    ],
    ids=["php", "java", "csharp", "python", "other-name", "alias", "longer-qualifier"],
)
def test_a_qualifier_the_file_imports_is_dropped(line: str, imports: list[str],
                                                 expected: str) -> None:
    assert without_imported_qualifiers([line], imports) == [expected]


@pytest.mark.parametrize(
    ("removed", "added", "expected"),
    [
        (["    public function up()"], ["    public function up(): void"], True),
        (["  logout() {"], ["  logout(): void {"], True),
        (["def logout(request):"], ["def logout(request) -> None:"], True),
        (["fun reset() {"], ["fun reset(): Unit {"], True),
        (["    public function up()"], ["    public function up(): bool"], False),
        # a type checker's alone; in a FastAPI endpoint the response's model
        (["def login(form):"], ["def login(form) -> Token:"], True),
        (["def login(form=Depends()):"], ["def login(form=Depends()) -> Token:"], False),
        (["    callback(): void;"], ["    callback(): Promise<void>;"], False),
    ],
    ids=["php-void", "ts-void", "python-none", "kotlin-unit", "php-bool", "python-type",
         "python-fastapi-model", "ts-promise"],
)
def test_a_declared_return_of_nothing_is_no_change(removed: list[str], added: list[str],
                                                  expected: bool) -> None:
    assert mechanical_hunk(removed, added) is expected


@pytest.mark.parametrize(
    ("removed", "added", "expected"),
    [
        (["from typing import Optional, Set, Tuple, TypeVar"],
         ["from typing import Optional, TypeVar"], True),
        (["import { login, logout, refresh } from './auth';"],
         ["import { login, refresh } from './auth';"], True),
        (["use App\\Auth\\{Guard, Token};", "import os"], ["use App\\Auth\\{Guard};", "import os"],
         True),
        # a name added is a use of its own to come; another module, a module dropped
        (["from app.auth import login"], ["from app.auth import login, logout"], False),
        (["from app.auth import login, logout"], ["from app.perms import login"], False),
        (["from app.auth import login, logout", "import signals"],
         ["from app.auth import login"], False),
        # a package's own modules: dropping one stops loading it (its receivers)
        (["from . import signals, views"], ["from . import views"], False),
        (["from .. import handlers, views"], ["from .. import views"], False),
    ],
    ids=["python-unused-names-pruned", "js-unused-name-pruned", "php-group-pruned",
         "name-added", "module-changed", "module-dropped", "package-module-dropped",
         "parent-package-module-dropped"],
)
def test_an_import_pruned_of_unused_names_is_mechanical(
    removed: list[str], added: list[str], expected: bool
) -> None:
    assert mechanical_hunk(removed, added) is expected


@pytest.mark.parametrize(
    ("removed", "added", "expected"),
    [
        # De Morgan's laws, a comparison flipped by the negation, brackets where they bind
        (["if !(a && b) {"], ["if !a || !b {"], True),
        (["if !(token == expected && user.active()) {"],
         ["if token != expected || !user.active() {"], True),
        (["if not (user.is_staff or user.is_superuser):"],
         ["if not user.is_staff and not user.is_superuser:"], True),
        (["ok = !(x && y) && z"], ["ok = (!x || !y) && z"], True),
        (["if !(!a && b) {"], ["if a || !b {"], True),
        # Clippy: a negated `map_or(false, ..)` as `is_none_or` of the negated closure
        (["if !value.last().map_or(false, |c| *c == b'\\n') {"],
         ["if value.last().is_none_or(|c| *c != b'\\n') {"], True),
        # the negation lost, a connective or comparison not swapped, precedence changed
        (["if !(a && b) {"], ["if !a && !b {"], False),
        (["if !(token == expected && user.active()) {"],
         ["if token == expected || !user.active() {"], False),
        (["if not (user.is_staff or user.is_superuser):"],
         ["if not user.is_staff or not user.is_superuser:"], False),
        (["ok = !(x && y) && z"], ["ok = !x || !y && z"], False),
        (["if !(a || b && c) {"], ["if !a && !b || !c {"], False),
        (["if !(a < b) {"], ["if a > b {"], False),
        (["if !value.last().map_or(false, |c| *c == b'\\n') {"],
         ["if value.last().is_none_or(|c| *c == b'\\n') {"], False),
        (["if !session.user().is_some_and(|u| u.is_admin()) {"],
         ["if session.user().is_some_and(|u| !u.is_admin()) {"], False),
    ],
    ids=["de-morgan-and", "de-morgan-with-comparison", "python-de-morgan-or",
         "de-morgan-bracketed-beside-another-connective", "double-negation",
         "rust-negated-map-or-as-is-none-or",
         "negation-lost", "comparison-not-flipped", "python-connective-not-swapped",
         "precedence-changed", "mixed-connectives", "comparison-flipped-wrongly",
         "closure-not-negated", "test-not-swapped"],
)
def test_a_negation_pushed_inwards_is_mechanical(
    removed: list[str], added: list[str], expected: bool
) -> None:
    assert mechanical_hunk(removed, added) is expected


@pytest.mark.parametrize(
    ("name", "text", "found"),
    [
        # `_NEGATED_GROUP`: each alternative, and a word that only ends in `not` or `is_...`
        ("_NEGATED_GROUP", "if !(a && b) {", "!("),
        ("_NEGATED_GROUP", "if ! (a) {", "! ("),
        ("_NEGATED_GROUP", "return not (a or b)", "not ("),
        ("_NEGATED_GROUP", "x.is_some_and(|v| v)", "is_some_and"),
        ("_NEGATED_GROUP", "x.is_none_or(|v| v)", "is_none_or"),
        ("_NEGATED_GROUP", "cannot(a) and knot (b)", None),
        ("_NEGATED_GROUP", "ünot(a)", None),
        ("_NEGATED_GROUP", "this_is_some_and_more(a) != b", None),
        # `_QUALIFIED_CONSTANT`: at a word's start only, a non-ASCII letter being a word's
        ("_QUALIFIED_CONSTANT", "RequestOptions::FORM_PARAMS => $x", "RequestOptions::FORM_PARAMS"),
        ("_QUALIFIED_CONSTANT", "x = Keys.QUERY", "Keys.QUERY"),
        ("_QUALIFIED_CONSTANT", "aKeys.QUERY", None),
        ("_QUALIFIED_CONSTANT", "éKeys.QUERY", None),
        # `_LABELLING`: bound, plain and bare attributes, after white space or at the start
        ("_LABELLING", '<a :title="t" class="c">', ':title="t"'),
        ("_LABELLING", 'v-bind:id="x"', 'v-bind:id="x"'),
        ("_LABELLING", "<input required/>", "required"),
        ("_LABELLING", 'data-title="t" myclass="c" notrequired', None),
    ],
)
def test_a_pattern_s_leading_lookahead_finds_what_it_did_without(
    name: str, text: str, found: str | None
) -> None:
    # The lookahead of the characters a match starts with only makes these patterns faster:
    # it must neither lose a match at a word's start nor add one inside a word.
    match = getattr(mechanical, name).search(text)
    assert (match.group(0) if match else None) == found


# --------------------------------------------------------- Python module-level assignments
#: a hook a Python module makes at its top level, renamed there, and where another module
#: imports it, calls it and lists it in `__all__`
MODULE_HOOK = (["filter_thread_updates_hook = FilterThreadUpdatesHook()"],
               ["filter_thread_events_hook = FilterThreadEventsHook()"])
HOOK_CLASS = (["class FilterThreadUpdatesHook(FilterHook):"],
              ["class FilterThreadEventsHook(FilterHook):"])
HOOK_IMPORT = (["    filter_thread_updates_hook,"], ["    filter_thread_events_hook,"])
HOOK_CALL = (["    return filter_thread_updates_hook(action, user, queryset)"],
             ["    return filter_thread_events_hook(action, user, queryset)"])
HOOK_EXPORTED = (['    "filter_thread_updates_hook",'], ['    "filter_thread_events_hook",'])


def _python_renamed(hunks: list[tuple[list[str], list[str]]], *, python: bool = True) -> set[int]:
    return renamed_hunks([hunk_swaps(*hunk, python=python) for hunk in hunks], [])


def test_a_python_module_level_assignment_declares_the_rename_carried_out_elsewhere() -> None:
    hunks = [HOOK_CLASS, MODULE_HOOK, HOOK_IMPORT, HOOK_CALL, HOOK_EXPORTED]
    assert _python_renamed(hunks) == {0, 1, 2, 3, 4}
    # annotated too
    annotated = (["default_hook: Hook = FilterThreadUpdatesHook()"],
                 ["checked_hook: Hook = FilterThreadEventsHook()"])
    uses = (["    default_hook.append_filter(f)"], ["    checked_hook.append_filter(f)"])
    assert _python_renamed([HOOK_CLASS, annotated, uses]) == {0, 1, 2}


def test_a_python_module_level_assignment_renamed_alone_or_changed_declares_nothing() -> None:
    # no other hunk carries the rename out: a name something may read by name
    assert _python_renamed([HOOK_CLASS, MODULE_HOOK]) == {0}
    # the value changed with the name: the assignment stays a change (its users only follow
    # the name, as a caller follows a `def` renamed beside a changed line)
    changed = (["filter_thread_updates_hook = FilterThreadUpdatesHook()"],
               ["filter_thread_events_hook = SaferHook()"])
    assert 0 not in _python_renamed([changed, HOOK_IMPORT, HOOK_CALL])
    # a comparison at a line's start is no assignment
    compared = (["filter_thread_updates_hook == FilterThreadUpdatesHook()"],
                ["filter_thread_events_hook == FilterThreadUpdatesHook()"])
    assert _python_renamed([compared, HOOK_IMPORT, HOOK_CALL]) == set()
    # not a Python file's (a configuration's `key = value`)
    assert _python_renamed([HOOK_CLASS, MODULE_HOOK, HOOK_CALL], python=False) == {0}


@pytest.mark.parametrize(
    "assignment",
    [
        (["    permission_classes = [IsAdminUser]"], ["    permissions_classes = [IsAdminUser]"]),
        (["SESSION_COOKIE_AGE = 3600"], ["SESSION_COOKIE_TTL = 3600"]),
        (["__all__ = exported"], ["__public__ = exported"]),
    ],
    ids=["class-attribute", "upper-case-setting", "dunder"],
)
def test_an_indented_upper_case_or_dunder_assignment_declares_no_rename(
    assignment: tuple[list[str], list[str]],
) -> None:
    old, new = assignment[0][0].split()[0], assignment[1][0].split()[0]
    use = ([f"    value = settings.{old}"], [f"    value = settings.{new}"])
    assert _python_renamed([assignment, use]) == set()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("  @spec call(Plug.Conn.t(), [Bits.opt()]) :: Plug.Conn.t()",
         "  @spec call(Plug.Conn.t, [Bits.opt]) :: Plug.Conn.t"),
        ("    valid = Auth.Token.valid?()", "    valid = Auth.Token.valid?"),
        ("    user = conn.assigns()", "    user = conn.assigns()"),
        ("    Auth.verify(token)", "    Auth.verify(token)"),
        ("    run.()", "    run.()"),
    ],
    ids=["typespec", "predicate", "variable-field", "arguments", "anonymous-function"],
)
def test_without_empty_remote_calls_drops_only_a_modules_empty_brackets(
    line: str, expected: str
) -> None:
    assert without_empty_remote_calls([line]) == [expected]


def test_import_aliases_swapped_over_their_paths_are_a_change() -> None:
    # each alias now names the other library, and the code that uses them reaches it
    swapped = (['\tjwt "github.com/golang-jwt/jwt/v5"', '\tlegacy "github.com/dgrijalva/jwt-go"'],
               ['\tlegacy "github.com/golang-jwt/jwt/v5"', '\tjwt "github.com/dgrijalva/jwt-go"'])
    assert _renamed([swapped], []) == set()
    assert not mechanical_hunk(*swapped)


def test_ruby_proc_new_is_not_read_as_kernel_proc() -> None:
    # `Proc.new` and `proc` are one idiom in Ruby only; elsewhere two functions (a JavaScript
    # `Proc.new(cfg)` and a `proc(cfg)`), and the idioms are read whatever the language
    assert not mechanical_hunk(["  handler = Proc.new(cfg)"], ["  handler = proc(cfg)"])


@pytest.mark.parametrize(
    ("lines", "found"),
    [
        ([" import (", '\t"time"', "", '\tjwt "github.com/golang-jwt/jwt/v5" // tokens', ")",
          "func f() {}"],
         ([" import (", ")", "func f() {}"], ['"time"', 'jwt"github.com/golang-jwt/jwt/v5"'])),
        # no block opened among the lines: the strings are code, in order
        (['\t"time"', '\t"errors"'], (['\t"time"', '\t"errors"'], [])),
        # a block holding a line that is no spec
        (["import (", '\t"time"', "\tx := 1", ")"], None),
    ],
    ids=["specs-of-a-block-as-a-set", "strings-without-a-block", "block-with-code"],
)
def test_go_import_specs(lines: list[str],
                         found: tuple[list[str], list[str]] | None) -> None:
    assert go_import_specs(lines) == found


@pytest.mark.parametrize(
    ("path", "removed", "added", "added_only"),
    [
        ("a.php", ["    private Foo $foo,"], ["    private readonly Foo $foo,"], True),
        ("a.php", ["    public function __construct(private ?Foo $foo)"],
         ["    public function __construct(private readonly ?Foo $foo)"], True),
        ("A.java", ["    public static String NAME =", '        "update";'],
         ['    public static final String NAME = "update";'], True),
        ("a.ts", ["  readonly a: string;", "  b: string;"],
         ["  readonly a: string;", "  readonly b: string;"], False),
        ("a.php", ['    $label = "final";'], ['    $label = "final readonly";'], False),
        ("a.php", ["    // the last check", "    check();"],
         ["    // the final check", "    check();"], False),
        ("a.py", ["    x: int"], ["    final x: int"], False),
        ("a.cs", ["    private SpinLock gate;"], ["    private readonly SpinLock gate;"], False),
        # a parameter made a property: TypeScript's parameter properties, PHP's promotion
        ("a.ts", ["  constructor(password: string) {}"],
         ["  constructor(readonly password: string) {}"], False),
        ("a.ts", ["    token: string,"], ["    readonly token: string,"], False),
        ("a.php", ["    public function __construct(string $token)"],
         ["    public function __construct(readonly string $token)"], False),
        # a TypeScript field without a visibility, ended by its semicolon
        ("a.ts", ["  roles: string[];"], ["  readonly roles: string[];"], True),
        # TypeScript lines joined: a `return` alone on its line returned nothing
        ("a.ts", ["  roles: string[];", "  return", "  this.roles.includes(x);"],
         ["  readonly roles: string[];", "  return this.roles.includes(x);"], False),
    ],
    ids=["php-property", "php-nullable-promoted-property", "java-constant-rewrapped",
         "ts-old-side-holds-one", "php-in-strings", "php-in-a-comment", "python-not-a-language",
         "csharp-not-a-language", "ts-parameter-property", "ts-parameter-on-its-line",
         "php-promoted-without-visibility", "ts-field-ended-by-semicolon", "ts-lines-joined"],
)
def test_modifiers_added(path: str, removed: list[str], added: list[str],
                         added_only: bool) -> None:
    assert modifiers_added(path, removed, added) is added_only


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(
    ["!", "(", " ", "\n", "not", "is_some_and", "is_none_or", "x", "_", "A", "B", "Z9", "::", ".",
     "_C", "notify", "is_", "some_and", "0"]), max_size=12).map("".join))
def test_every_match_of_a_hinted_rewrite_holds_its_hint(text: str) -> None:
    """A rewrite's pattern is searched only where its hint matches (`_searched`): every text it
    matches in holds a match of the hint, so the hint rules out no hunk the pattern reads."""
    for pattern, hint in ((mechanical._NEGATED_GROUP, mechanical._NEGATED_GROUP_HINT),
                          (mechanical._QUALIFIED_CONSTANT, mechanical._QUALIFIED_CONSTANT_HINT)):
        found = pattern.search(text) is not None
        assert not found or hint.search(text) is not None
        assert mechanical._searched(pattern, hint, ["", text]) is found


@pytest.mark.parametrize(
    ("text", "negated", "qualified"),
    [("if !(a && b) {", True, False), ("return not (a or b)", True, False),
     ("x.is_some_and(|v| v)", True, False), ("notify(a)", False, False),
     ("a != (b)", False, False), ("Keys.QUERY", False, True), ("Options::FORM_PARAMS", False, True),
     ("keys.query", False, False), ("Keys.Query", False, False)],
    ids=["c-negated-group", "word-negated-group", "rust-option-test", "not-inside-a-word",
         "not-equal-before-bracket", "dotted-constant", "scoped-constant", "lower-case",
         "not-a-constant-name"],
)
def test_a_hinted_rewrite_finds_what_its_pattern_finds(
    text: str, negated: bool, qualified: bool
) -> None:
    assert mechanical._searched(mechanical._NEGATED_GROUP, mechanical._NEGATED_GROUP_HINT,
                                [text]) is negated
    assert mechanical._searched(mechanical._QUALIFIED_CONSTANT,
                                mechanical._QUALIFIED_CONSTANT_HINT, [text]) is qualified


@pytest.mark.parametrize(
    ("removed", "added", "flags"),
    [
        # a value pasted into a query by `%` or an f-string, where the driver bound it before:
        # query shapes the statement's opening words miss
        (['cursor.execute("SELECT u.* FROM users u WHERE u.email = %s", (email,))'],
         ['cursor.execute("SELECT u.* FROM users u WHERE u.email = %s" % (email,))'], "code"),
        (['cur.execute("SELECT MAX(id) FROM t WHERE a = %s", (a,))'],
         ['cur.execute(f"SELECT MAX(id) FROM t WHERE a = {a}")'], "code"),
        (['cur.execute("UPDATE users u SET name = %s WHERE id = 1", (n,))'],
         ['cur.execute("UPDATE users u SET name = %s WHERE id = 1" % (n,))'], "code"),
        # EJS's and Mustache's unescaped output
        (['<p title="<%= comment.author %>">'], ['<p title="<%- comment.author %>">'], "markup"),
        (['<a href="{{url}}">'], ['<a href="{{&url}}">'], "markup"),
        # an exit's value put on the next line: JavaScript returns undefined there
        (["  return blockedIps.has(ip) || isBanned(ip);"],
         ["  return", "    blockedIps.has(ip) || isBanned(ip);"], "code"),
        # a comma or a semicolon that is code: a tuple of one, a value made a tuple, an empty
        # statement as a condition's body
        (['    if request.user.role in ("admin",):'], ['    if request.user.role in ("admin"):'],
         "code"),
        (["DEBUG = False"], ["DEBUG = False,"], "code"),
        (["  if (isAdmin(user)) {"], ["  if (isAdmin(user)); {"], "code"),
        # a name and a string of the same text are other values
        (["DEBUG = False"], ['DEBUG = "False"'], "code"),
        (["token = jwt.encode(payload, SECRET_KEY)"], ['token = jwt.encode(payload, "SECRET_KEY")'],
         "code"),
        # `//` and `#` after code where they are no comment: Python's integer division, a
        # template's text
        (["    if (now - token.issued_at) // 60 > MAX_AGE:"],
         ["    if (now - token.issued_at) // 60 > MAX_AGE * 1000:"], "code"),
        (["<p>Order # {{ order.note }}</p>"], ["<p>Order # {{ order.note|safe }}</p>"], "markup"),
        # a string of words a program reads: a firewall's verdict, a mode's sign, scopes
        (['    run("iptables -P INPUT DROP")'], ['    run("iptables -P INPUT ACCEPT")'], "code"),
        (['    run("ufw default deny incoming")'], ['    run("ufw default allow incoming")'], "code"),
        (['    run("chmod go-w uploads")'], ['    run("chmod go+w uploads")'], "code"),
        (['SCOPES = "openid profile email"'], ['SCOPES = "openid profile email offline_access admin"'],
         "code"),
        # a key or a keyword argument respelt: the framework reads the old name only
        (["  cookie: { httpOnly: true, sameSite: 'strict' },"],
         ["  cookie: { httponly: true, same_site: 'strict' },"], "code"),
        (["resp.set_cookie('s', v, httponly=True)"], ["resp.set_cookie('s', v, http_only=True)"],
         "code"),
        (["  podSecurityContext:"], ["  pod_security_context:"], "code"),
        # a constant's words in another order in the same grouping: another constant
        (["    if user.group == OWNER_GROUP:"], ["    if user.group == GROUP_OWNER:"], "code"),
    ],
    ids=["sql-percent", "sql-max-fstring", "sql-update-set", "ejs-unescaped", "mustache-ampersand",
         "return-on-its-own-line", "tuple-of-one", "trailing-comma-tuple", "empty-if-body",
         "name-to-string", "constant-to-string", "floor-division", "hash-in-template-text",
         "firewall-verdict", "ufw-default", "chmod-sign", "scopes-widened", "cookie-key-respelt",
         "keyword-argument-respelt", "yaml-key-respelt", "constant-words-reordered"],
)
def test_changes_that_look_like_formatting_but_change_what_runs(
    removed: list[str], added: list[str], flags: str
) -> None:
    assert mechanical_hunk(removed, added, **{flags: True}) is False


@pytest.mark.parametrize(
    ("removed", "added"),
    [
        (["foo(a, b)"], ["foo(a, b,)"]),
        (["foo(a)"], ["foo(", "    a,", ")"]),
        (["x = 'a'"], ['x = "a"']),
        (['const o = { "a": 1, "b": 2 };'], ["const o = { a: 1, b: 2 };"]),
        (["  return foo(a, b);"], ["  return foo(", "    a,", "    b", "  );"]),
        (['log.info("Updated %s" % name)'], ['log.info("Updated {}".format(name))']),
        (["x = 1  # the count"], ["x = 1  # the total count"]),
        (['raise ValueError("You are not allowed to do that")'],
         ['raise ValueError("You are not permitted to do that")']),
        (["const userName = getUser();", "log(userName);"],
         ["const username = getUser();", "log(username);"]),
    ],
    ids=["trailing-comma", "exploded-call", "quote-style", "unquoted-keys", "wrapped-return",
         "log-message-format", "comment-reworded", "message-reworded", "local-renamed"],
)
def test_layout_of_commas_quotes_and_returns_stays_mechanical(
    removed: list[str], added: list[str]
) -> None:
    assert mechanical_hunk(removed, added, code=True) is True


@pytest.mark.parametrize(
    ("removed", "added", "mechanical"),
    [
        # a framework's class attribute respelt where it is assigned: nothing reads the new
        # spelling, Django REST framework's default permissions apply
        (["    permission_classes = [IsAuthenticated]"],
         ["    permissionClasses = [IsAuthenticated]"], False),
        (["SESSION_COOKIE_SECURE = True"], ["SessionCookieSecure = True"], False),
        # a local respelt with its use in the hunk is renamed throughout
        (["    userId = request.user.id", "    return load(userId)"],
         ["    user_id = request.user.id", "    return load(user_id)"], True),
        # another name, not a respelling, is left to the renames across the change
        (["    permission_classes = [IsAuthenticated]"],
         ["    permission_classes = [IsAuthenticated, IsOwner]"], False),
    ],
    ids=["drf-attribute", "setting", "local-with-its-use", "value-changed"],
)
def test_a_definition_respelt_alone_is_a_change(
    removed: list[str], added: list[str], mechanical: bool
) -> None:
    assert mechanical_hunk(removed, added) is mechanical
    assert (hunk_swaps(removed, added) == NO_SWAPS) is not mechanical
