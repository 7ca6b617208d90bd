"""Security's signals for what a signature covers and whom a request is accepted from, in each
stack's spelling: XML signatures and the SAML settings that ask for them, a verifier handed a
signature, the origin a WebSocket handshake is accepted from, and a redirect target checked by a
function named for the verdict.

Each named row was routine before; a row with no rule is a look-alike that must stay silent.
"""

from __future__ import annotations

import pytest

from policies.model import Policy
from tests.bot.analysis._rules import assert_rule_or_quiet, rules_in_section

XML = "security.xml-signatures"
SIGNATURES = "security.signatures"
ORIGINS = "security.websocket-origins"
REDIRECTS = "security.ssrf-redirect-traversal"
RULES = {XML, SIGNATURES, ORIGINS, REDIRECTS}


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # XML signatures: the signed-XML classes, canonicalisation and transforms
        ("src/Saml2/Xml/SignedXmlHelper.cs",
         "        reference.AddTransform(new XmlDsigExcC14NWithCommentsTransform());", XML),
        ("src/Saml2/Xml/SignedXmlHelper.cs",
         "        signedXml.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigC14NTransformUrl;",
         XML),
        ("src/saml2/sigver.py", "            and TRANSFORM_ENVELOPED in transform_algos", XML),
        ("src/main/java/org/idp/SamlVerifier.java",
         "        XMLSignatureFactory factory = XMLSignatureFactory.getInstance(\"DOM\");", XML),
        ("lib/Saml/Signer.php", "        $dsig = new XMLSecurityDSig();", XML),
        ("app/sso/verify.py", "    XMLVerifier().verify(data, x509_cert=cert)", XML),
        # ... and the SAML settings that say which messages are signed or must come signed
        ("src/saml2/client.py",
         "                sign = sign if sign is not None else self.logout_requests_signed", XML),
        ("config/saml.py", "        \"want_assertions_signed\": False,", XML),
        ("src/saml.ts", "    wantAuthnResponseSigned: true,", XML),
        # look-alikes: a document's own signed flag, a count of signed contracts, a signed-in user
        ("app/models/document.rb", "    scope :signed, -> { where(is_signed: true) }", None),
        ("app/services/stats.py", "    documents_signed = Contract.objects.filter(done=True)", None),
        ("app/views/home.py", "    if user.signed_in and user.documents:", None),
        # ... and the same words in a test or in the docs, which sign nothing
        ("tests/test_sigver.py", "    assert TRANSFORM_ENVELOPED in transform_algos", None),
        ("docs/configuration.md", "    want_assertions_signed: true", None),
        # a verifier handed a signature by its short name
        ("protocol/webauthncose/webauthncose.go",
         "func (k *EC2PublicKeyData) Verify(data []byte, sig []byte) (valid bool, err error) {",
         SIGNATURES),
        ("lib/crypto/ed25519.py", "    ok = verify_message(public_key, message, sig)", SIGNATURES),
        # look-alikes: a signal handler, a verifier of something else
        ("cmd/server/main.go", "\tsig := <-signals", None),
        ("app/orders/checks.py", "    verify_stock(order, sku)", None),
        # ... nor a shutdown handed an OS signal, a type checker's call signature
        ("cmd/server/main.go", "\tverifyShutdown(ctx, sig)", None),
        ("internal/types/call.go", "\tcheck.verifyArity(call, sig)", None),
        # the origin a WebSocket handshake is accepted from
        ("lib/phoenix/socket/transport.ex",
         "    key = {:check_origin, handler, Keyword.get(opts, :check_origin)}", ORIGINS),
        ("internal/ws/upgrade.go",
         "\tCheckOrigin: func(r *http.Request) bool { return true },", ORIGINS),
        ("app/handlers/socket.py", "    def check_origin(self, origin):", ORIGINS),
        ("project/asgi.py", "    \"websocket\": AllowedHostsOriginValidator(URLRouter(routes)),",
         ORIGINS),
        ("server/ws.js", "  verifyClient: (info) => allowed.has(info.origin),", ORIGINS),
        # look-alikes: a git remote, a record's origin, an OAuth client's secret verified
        ("scripts/release.py", "    if remote.name == 'origin':", None),
        ("app/models/lead.rb", "    validates :origin, presence: true", None),
        ("src/oauth/clients.ts", "  const client = await verifyClient(clientId, secret);", None),
        # ... nor a map's or a geometry's origin checked
        ("src/map/tiles.ts", "  if (!checkOrigin(tile)) { return; }", None),
        # a redirect target checked by a function named for the verdict
        ("internal/utils/app_utils.go",
         "func IsRedirectSafe(redirectURL string, domain string) bool {", REDIRECTS),
        ("app/auth/views.py", "    if not redirect_url_is_safe(next_url):", REDIRECTS),
        ("src/auth/login.ts", "  if (!isReturnUrlAllowed(returnUrl)) {", REDIRECTS),
        # look-alikes: a product return checked, a redirect followed by an HTTP client
        ("app/orders/returns.py", "    if order.is_return_allowed():", None),
        ("src/client/http.ts", "  const location = response.headers.get('location');", None),
    ],
)
def test_signature_origin_and_redirect_idioms(
    path: str, line: str, rule: str | None, policy: Policy
) -> None:
    assert_rule_or_quiet(path, line, rule, RULES, policy)



SPLITTING = "security.token-splitting"
VERIFICATION = "security.token-verification"
LIMITS = "security.work-limits"
PROTOTYPES = "security.prototype-pollution"
HEADERS = "security.security-headers"
MODES = "security.file-modes"
TOKEN_RULES = {SPLITTING, VERIFICATION, LIMITS, PROTOTYPES, HEADERS, MODES}


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a signed token cut into its parts, in each stack's spelling
        ("lib/src/main/java/com/auth0/jwt/TokenUtils.java",
         '        String[] parts = token.split("\\\\.");', SPLITTING),
        ("jws.go", '\tparts := strings.SplitN(rawToken, ".", 4)', SPLITTING),
        ("program/include/rcmail_oauth.php",
         "        [$headb64, $bodyb64, $cryptob64] = explode('.', $jwt);", SPLITTING),
        ("src/decode.ts", "  const [header, payload, signature] = jwt.split('.');", SPLITTING),
        ("src/jws.rs", "    let mut parts = token.splitn(3, '.');", SPLITTING),
        # look-alikes: a version, a host name, a dotted path, a token of a lexer cut otherwise
        ("src/version.ts", "  const [major, minor] = version.split('.');", None),
        ("internal/dns/name.go", '\tlabels := strings.Split(host, ".")', None),
        ("app/settings.py", "    section, key = dotted_path.split('.', 1)", None),
        ("src/lexer.ts", "  const words = token.split(' ');", None),
        # ... and a template's, a lexer's or a translation key's token split on its dots
        ("src/template/resolve.js", "  const path = token.split('.');", None),
        ("internal/lexer/lexer.go", '\tparts := strings.Split(token, ".")', None),
        ("src/i18n/keys.ts", "  const segments = tokenKey.split('.');", None),
        # the algorithms a parser is kept to
        ("samlsp/middleware.go", "\t\tValidMethods: []string{jwtSigningMethod.Name},", VERIFICATION),
        ("internal/auth/jwt.go",
         '\tp := jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}))', VERIFICATION),
        # ... and erlang-jose's verifier given the algorithms it takes
        ("lib/joken/signer.ex",
         "      case JOSE.JWK.verify_strict(token, [algorithm |> to_string], jwk) do", VERIFICATION),
        ("src/token.erl", "    case jose_jws:verify_strict(Key, [<<\"RS256\">>], Token) of", VERIFICATION),
        # ... not its verifier that takes the algorithm the token names, nor another strict check
        ("lib/joken/signer.ex", "      case JOSE.JWK.verify(token, jwk) do", None),
        ("lib/shop/forms.ex", "    Forms.verify_strict(params, schema)", None),
        # look-alikes: an HTTP router's allowed methods
        ("internal/server/cors.go", '\tAllowedMethods: []string{"GET", "POST"},', None),
        ("internal/router/route.go",
         "\t\tValidMethods: []string{http.MethodGet, http.MethodHead},", None),
        # ... and a lending limit, not a JWE's PBES2 count
        ("internal/loans/limits.go", "\tmaxP2C = 10000", None),
        # the PBES2 iteration count a JWE key derivation uses by default
        ("symmetric.go", "\tdefaultP2C = 600000", LIMITS),
        # look-alike: a load balancer's power-of-two-choices
        ("internal/balancer/p2c.go", "\tpicker := p2c.New(conns)", None),
        # prototype pollution guarded against
        ("lib/merge.js", "    if (key === '__proto__' || key === 'constructor') continue;",
         PROTOTYPES),
        # look-alikes: a method added to a prototype, a prototype read
        ("src/polyfills.js", "Array.prototype.flat = flat;", None),
        ("src/utils.js", "  const has = Object.prototype.hasOwnProperty.call(obj, key);", None),
        # ... nor the comparison every isPlainObject helper makes
        ("src/utils.js", "  return proto === null || proto === Object.prototype;", None),
        # the security headers' switches as the middlewares name them
        ("flask_talisman/talisman.py", "            x_xss_protection=False):", HEADERS),
        ("secure.go", "\tBrowserXssFilter:   true,", HEADERS),
        ("lib/secure_headers/configuration.rb", "      @x_content_type_options = nil", HEADERS),
        # look-alikes: a frame of a video, a filter of a search
        ("src/video/frames.py", "    frame_options = {'fps': 30}", None),
        ("src/search/filters.ts", "  const xFilter = buildFilter(query);", None),
        # a file made readable by its owner alone by the shell's chmod
        ("docker/rootfs/etc/s6-overlay/s6-rc.d/key-secret/up", "chmod 600 /data/id_ed25519", MODES),
        ("docker/entrypoint.sh", "chmod 0400 /run/secrets/api_key", MODES),
        # look-alikes: a mode made executable, a port, a timeout, a CSS width
        ("scripts/build.sh", "chmod +x bin/server", None),
        ("scripts/build.sh", "chmod 755 bin/server", None),
        ("internal/server/config.go", "\tReadTimeout: 600 * time.Second,", None),
        ("src/styles.ts", "  width: 600,", None),
    ],
)
def test_token_parts_algorithms_limits_and_headers(
    path: str, line: str, rule: str | None, policy: Policy
) -> None:
    assert_rule_or_quiet(path, line, rule, TOKEN_RULES, policy)


CHECK = "security.enclosing-symbol"


@pytest.mark.parametrize(
    ("path", "section", "found"),
    [
        # a change made inside a definition named for the check it makes
        ("jws.go", "func ParseSigned(", True),
        ("packages/server/src/helpers/iso/isoCrypto/unwrapEC2Signature.ts",
         "export function unwrapEC2Signature(signature: Uint8Array): Uint8Array {", True),
        ("webhook/client.go",
         "func computeSignature(t time.Time, payload []byte, secret string) []byte {", True),
        ("app/webhooks/verifier.py", "class WebhookVerifier:", True),
        ("system/libraries/Security.php", "class XssCleaner", True),
        ("src/main/java/org/jeecg/common/util/SqlInjectionUtil.java",
         "public class SqlInjectionUtil {", True),
        ("middleware/proxy/security.go", "func isBlockedIP(ip net.IP) bool {", True),
        # look-alikes: a signature drawn or written (e-signatures, e-mail), a dependency
        # injection container, a verifier of something else, a Go OS signal handler
        ("app/controllers/submit_form_draw_signature_controller.rb",
         "class SubmitFormDrawSignatureController < ApplicationController", False),
        ("program/actions/settings/signature_edit.php", "class EmailSignature extends Form", False),
        ("src/Web/DependencyInjection.cs", "public static class DependencyInjection", False),
        ("app/checks/links.py", "class LinkVerifier:", False),
        ("src/pact/verifier.py", "class Verifier:", False),
        ("cmd/server/signals.go", "func handleSignals(ch chan os.Signal) {", False),
        # ... and the same names in test code
        ("jws_test.go", "func TestParseSigned(t *testing.T) {", False),
    ],
)
def test_a_change_inside_a_definition_named_for_its_check_is_evidence(
    policy: Policy, path: str, section: str, found: bool
) -> None:
    rules = rules_in_section(path, section, policy)
    assert (CHECK in rules) is found, rules
