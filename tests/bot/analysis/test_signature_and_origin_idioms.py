"""Security's signals for what a signature covers and whom a request is accepted from, in each
stack's spelling: XML signatures and the SAML settings that ask for them, a verifier handed a
signature, the origin a WebSocket handshake is accepted from, and a redirect target checked by a
function named for the verdict.

Each named row was routine before; a row with no rule is a look-alike that must stay silent.
"""

from __future__ import annotations

import pytest

from policies.model import Policy
from tests.bot.analysis._rules import assert_rule_or_quiet

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

