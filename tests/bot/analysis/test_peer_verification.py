"""Security's signal for who decides that a TLS or SSH peer is the one meant: the callbacks and
verifiers that accept or refuse a server's certificate or a host's key, in each stack's
spelling, and the CA or certificate a Node TLS client reads from a file.

On the development commits three repositories changed this with no other security word: an
SSH tunnel given a known_hosts callback, a metadata fetch that accepts every certificate in
debug builds, an https.Agent whose certificate file now loads inside a try that falls back to
the default trust. Each named row was routine before; a row with no rule is a look-alike that
must stay silent.
"""

from __future__ import annotations

import pytest

from policies.model import Policy
from tests.bot.analysis._rules import assert_rule_or_quiet

PEER = "security.peer-verification"
RULES = {PEER}


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # Go's ssh: the host-key callback, known_hosts, the callback that accepts any key
        ("ssh_tunnel.go", "\t\t\tsshConfig.HostKeyCallback = hostKeyCallback", PEER),
        ("ssh_tunnel.go",
         '\tif cb, err := knownhosts.New(filepath.Join(home, ".ssh", "known_hosts")); err == nil {',
         PEER),
        ("internal/deploy/ssh.go", "\t\tHostKeyCallback: ssh.InsecureIgnoreHostKey(),", PEER),
        # paramiko's policy for a host key it has not seen
        ("app/sftp.py", "    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())", PEER),
        # .NET: the process-wide and the per-handler certificate callbacks
        ("src/Saml2/Metadata/EntityDescriptor.cs",
         "    ServicePointManager.ServerCertificateValidationCallback += (s, c, ch, e) => true;",
         PEER),
        ("src/Api/HttpFactory.cs",
         "    handler.ServerCertificateCustomValidationCallback = (m, c, ch, e) => true;", PEER),
        # Node: the server identity check, the certificate an https.Agent reads
        ("src/client.ts", "    checkServerIdentity: () => undefined,", PEER),
        ("src/create-http-client.ts",
         "      cert: fs.readFileSync(path.resolve(__dirname, cert), 'utf8'),", PEER),
        # Java: a hostname verifier, a trust manager, Apache HttpClient's trust-all strategy
        ("src/main/java/org/shop/http/Client.java",
         "        conn.setHostnameVerifier((host, session) -> true);", PEER),
        ("src/main/java/org/shop/http/TrustAll.java",
         "public class TrustAll implements X509TrustManager {", PEER),
        ("src/main/java/org/shop/http/Client.java",
         "        builder.loadTrustMaterial(null, TrustAllStrategy.INSTANCE);", PEER),
        # ... in their other spellings: a default or a no-op verifier, OkHttp's, the constant,
        # an extended trust manager, Netty's insecure factory, a trust strategy as a lambda
        ("src/main/java/org/shop/http/Client.java",
         "        HttpsURLConnection.setDefaultHostnameVerifier((h, s) -> true);", PEER),
        ("src/main/java/org/shop/http/Client.java",
         "        builder.setSSLHostnameVerifier(NoopHostnameVerifier.INSTANCE);", PEER),
        ("app/src/main/kotlin/shop/Http.kt", "    .hostnameVerifier { _, _ -> true }", PEER),
        ("src/main/java/org/shop/http/Client.java",
         "        factory.setHostnameVerifier(SSLSocketFactory.ALLOW_ALL_HOSTNAME_VERIFIER);", PEER),
        ("src/main/java/org/shop/http/Trust.java",
         "class Trust extends X509ExtendedTrustManager {", PEER),
        ("src/main/java/org/shop/net/Client.java",
         "        .trustManager(InsecureTrustManagerFactory.INSTANCE)", PEER),
        ("src/main/java/org/shop/http/Client.java",
         "        builder.loadTrustMaterial(null, (chain, auth) -> true);", PEER),
        # ... Rust's and PHP curl's switches, ssh's host-key checking (OpenSSL's verify modes
        # are read by security.transport and security.encryption too)
        ("src/http.rs", "        .danger_accept_invalid_certs(true)", PEER),
        ("src/Http/Client.php", "        curl_setopt($ch, CURLOPT_SSL_VERIFYPEER, false);", PEER),
        ("scripts/sync.sh", "ssh -o StrictHostKeyChecking=no deploy@host true", PEER),
        ("lib/shop/sftp.rb", "    Net::SSH.start(host, user, verify_host_key: :never)", PEER),
        ("src/agent.ts", "const agent = new https.Agent({ ca: fs.readFileSync('/etc/ssl/root.pem') });",
         PEER),
        # look-alikes: a verify_mode that is a flag or an enum, a codec's constant
        # a downloader told not to check the server's certificate
        ("archivebox/extractors/wget.py", "        '--no-check-certificate',", PEER),
        ("scripts/install.sh", "curl -k -o /tmp/app.tar.gz https://example.com/app.tar.gz", PEER),
        ("scripts/fetch.sh", "curl --insecure -fsSL \"$URL\" -o out.json", PEER),
        ("scripts/fetch.sh", "curl -sSk \"$URL\" -o out.json", PEER),
        ("tools/fetch.py", '    subprocess.run(["curl", "-sS", "-k", url], check=True)', PEER),
        ("scripts/fetch.ps1", "Invoke-WebRequest $Url -SkipCertificateCheck -OutFile out.json",
         PEER),
        ("scripts/versions.sh", "curl -s \"$URL\" | jq -r '.[]' | sort -V -k 1", None),
        ("scripts/install.sh", "curl -fsSL https://example.com/install.sh -o install.sh", None),
        ("tools/checksum.py", "    parser.add_argument('--verify_mode', default='sha256')", None),
        ("app/models/user.rb", "  enum verify_mode: { email: 0, sms: 1 }", None),
        ("src/encoder/constants.py", "VERIFY_NONE = 0", None),
        ("config/dev-server.js", "    cert: fs.readFileSync('./certs/localhost.pem'),", None),
        # look-alikes: a dev server's HTTPS options, a UI's mode, docs, other callbacks
        ("vite.config.ts", "      cert: fs.readFileSync('./certs/localhost.pem'),", None),
        ("src/settings/Theme.tsx", "  const verifyMode = props.mode;", None),
        ("docs/ssh.md", "Add the host to ~/.ssh/known_hosts before deploying.", None),
        ("src/ui/HostCard.tsx", "  <Text>Host key fingerprint</Text>", None),
        ("src/Web/Hooks.cs", "    public Func<Task> ServerStartedCallback { get; set; }", None),
        ("lib/verify.py", "    mode = verify_modes[kind]", None),
        ("src/upload.ts", "      body: fs.readFileSync(file),", None),
        # ... nor a test's SSH client
        ("tests/test_ssh.py",
         "    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())", None),
    ],
)
def test_peer_verification_idioms(path: str, line: str, rule: str | None, policy: Policy) -> None:
    assert_rule_or_quiet(path, line, rule, RULES, policy)
