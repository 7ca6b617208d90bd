"""Security sinks in each stack's spelling, beside the ones `test_framework_apis` covers: a file
read, sent or deleted at a path with a value interpolated after a directory (path traversal), a
value put between quotes in SQL built away from the call that runs it (injection),
Cache-Control's `private` (a response no shared cache may store) and input refused unless it
matches an anchored allow-list (what may reach the sink at all).

Each named row was routine before; a row with no rule is a look-alike that must stay silent: a
fixed path, a number formatted into one, a bound parameter, a table name interpolated, caching
directives about freshness.
"""

from __future__ import annotations

import pytest

from policies.model import Policy
from tests.bot.analysis._rules import rules_found

PATH = "security.path-interpolation"
SQL = "security.sql-quoted-value"
HEADERS = "security.security-headers"
ALLOWLIST = "security.anchored-allowlist"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # Node: fs and Express with a template literal
        ("src/pages/guide.ts",
         "  const text = fs.readFileSync(`${docsDir}/${req.query.page}.md`, 'utf8');", PATH),
        ("src/routes/files.ts", "  res.sendFile(`/srv/uploads/${req.params.name}`);", PATH),
        ("src/routes/files.ts", "  await fs.promises.unlink(`${uploadDir}/${name}`);", PATH),
        ("src/routes/files.ts", "  res.download(`${exportDir}/${req.query.file}`);", PATH),
        # Python: an f-string
        ("shop/views.py", '    with open(f"{settings.MEDIA_ROOT}/{name}") as fh:', PATH),
        ("shop/views.py", '    return send_file(f"/srv/exports/{request.args[\'f\']}")', PATH),
        # Ruby, PHP, .NET, Go, Java
        ("app/controllers/files_controller.rb",
         '    send_file "#{Rails.root}/exports/#{params[:name]}"', PATH),
        ("app/Http/Controllers/FileController.php",
         '        $body = file_get_contents("{$this->dir}/$name");', PATH),
        ("app/Http/Controllers/FileController.php",
         '        include __DIR__ . "/lang/$lang.php";', PATH),
        ("src/Web/FilesController.cs",
         '        var text = File.ReadAllText($"{_root}/{name}.txt");', PATH),
        ("internal/files/handler.go",
         '\tdata, err := os.ReadFile(fmt.Sprintf("%s/%s.json", dir, name))', PATH),
        ("src/main/java/org/shop/Files.java",
         '        InputStream in = new FileInputStream(baseDir + "/" + name);', PATH),
        # look-alikes: a fixed path, a path made of the directory alone, a number formatted in,
        # a path joined and checked, a string that is not read from disk
        ("src/build/copy.ts", "  const pkg = fs.readFileSync(`${__dirname}`, 'utf8');", None),
        ("src/build/copy.ts", "  const pkg = fs.readFileSync('package.json', 'utf8');", None),
        ("internal/stats/proc.go",
         '\traw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))', None),
        ("shop/views.py", '    with open(os.path.join(BASE_DIR, "config.json")) as fh:', None),
        ("src/ui/links.ts", "  const href = `${base}/${slug}`;", None),
        # ... a browser opened at a URL, a file downloaded by the page from the API
        ("tools/cli.py", '    webbrowser.open(f"{base_url}/{path}")', None),
        ("src/ui/exports.ts", "  await api.download(`/api/exports/${id}`);", None),
        # SQL: a value quoted by hand in a statement built away from its call
        ("core/Updates/5.1.0.php",
         """            sprintf('DELETE FROM %s WHERE option_name = "%s"', $table, $name),""", SQL),
        ("shop/reports.py",
         """    sql = "SELECT * FROM orders WHERE status = '{}'".format(status)""", SQL),
        ("src/reports/query.ts",
         "  const sql = `SELECT id FROM users WHERE email LIKE '${pattern}'`;", SQL),
        ("app/models/report.rb",
         """    sql = "UPDATE orders SET state = '#{state}' WHERE id = 1\"""", SQL),
        ("app/Reports/Export.php",
         """        $sql = "SELECT * FROM users WHERE name = '$name'";""", SQL),
        ("internal/report/sql.go",
         """\tq := fmt.Sprintf("INSERT INTO audit (who) VALUES ('%s')", who)""", SQL),
        # look-alikes: bound parameters, a table name interpolated, a log message
        ("core/Updates/5.1.0.php",
         """            sprintf('DELETE FROM `%s` WHERE option_name = ?', $table),""", None),
        ("shop/reports.py",
         """    cursor.execute("SELECT * FROM orders WHERE status = %s", [status])""", None),
        ("internal/report/sql.go",
         """\trows, err := db.Query("SELECT id FROM users WHERE email = $1", email)""", None),
        ("src/reports/query.ts", "  const sql = `SELECT id FROM ${table} WHERE id = ?`;", None),
        ("shop/reports.py", """    log.info("no order with status '%s'", status)""", None),
        # Cache-Control: private, as a header and in each stack's API
        ("flask_shop/utils.py", '    "CACHE_CONTROL": {"private": True, "no-store": True},',
         HEADERS),
        ("flask_shop/utils.py", "    resp.cache_control.private = True", HEADERS),
        ("shop/views.py", "@cache_control(private=True, max_age=0)", HEADERS),
        ("src/server/account.ts", "  res.set('Cache-Control', 'private, no-store');", HEADERS),
        ("app/Http/Middleware/NoSharedCache.php",
         "        $response->headers->set('Cache-Control', 'private');", HEADERS),
        # Input refused unless the whole of it matches an allow-list written where it is
        # checked, in each stack's spelling; a match that only finds, one that accepts, and a
        # form's field checked in a component are none
        ("server/socket-handlers/general-socket-handler.js",
         "        if (!/^[a-z-]+$/.test(language)) {", ALLOWLIST),
        ("admin/modules/user/users.php",
         "        if(!preg_match('/^fid[0-9]+(_blank)?$/', $column))", ALLOWLIST),
        ("shop/views.py", '    if not re.fullmatch(r"[a-z0-9-]+", slug):', ALLOWLIST),
        ("lib/exports.rb", "    raise ArgumentError unless name =~ /\\A[\\w.-]+\\z/", ALLOWLIST),
        ("src/Files/Store.cs", '        if (!Regex.IsMatch(name, @"^[\\w-]+$")) return null;',
         ALLOWLIST),
        ("src/http/client.ts", "    if (!allowedHostnameRegex.test(url.hostname)) {", ALLOWLIST),
        # ... and a pattern of any other name, or a .NET match that only finds a digit
        ("src/signup/phone.ts", "    if (!phoneRegex.test(value)) return false;", None),
        ("src/Files/Store.cs", '        if (!Regex.IsMatch(input, @"\\d")) return null;', None),
        ("src/format/dates.ts", "  const parts = value.match(/^(\\d+)-(\\d+)$/);", None),
        ("app/Support/Slug.php", "        if (preg_match('/^[a-z-]+$/', $slug)) {", None),
        ("src/components/AgeField.tsx", "    if (!/^\\d+$/.test(age)) setError(true);", None),
    ],
)
def test_a_security_sink_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("src/server/assets.ts", "  res.set('Cache-Control', 'public, max-age=31536000, immutable');"),
        ("app/Http/Controllers/HealthController.php",
         "            'Cache-Control' => 'max-age=0, must-revalidate, no-cache, no-store',"),
        ("src/app/page.tsx", "  const res = await fetch(url, { cache: 'no-store' });"),
    ],
)
def test_caching_for_freshness_is_not_a_security_header(
    policy: Policy, path: str, line: str
) -> None:
    """Directives about freshness (`public`, `max-age`, `no-cache`, `no-store`) stay with the
    weak request-limits rule: alone they do not make a change critical."""
    assert HEADERS not in rules_found(path, line, policy)


def test_a_server_s_header_limits_are_request_limits(policy: Policy) -> None:
    """Go's http.Server without ReadHeaderTimeout or MaxHeaderBytes holds a connection for a
    client that sends its headers slowly (Slowloris)."""
    for line in ("\t\tReadHeaderTimeout: 10 * time.Second,", "\t\tMaxHeaderBytes:    1 << 20,"):
        assert "security.request-limits" in rules_found("cmd/server/main.go", line, policy)


CONFINED = "security.path-confinement"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # A value escaped into the path segment it fills, in each stack's spelling
        ("lib/recurly/BaseClient.js",
         "      path = path.replace(`{${name}}`, encodeURIComponent(parameters[name].toString()))",
         CONFINED),
        ("src/api/customers.ts", "  const url = base + '/' + encodeURIComponent(customerId);",
         CONFINED),
        ("src/api/customers.ts", "  return http.get(`/customers/${encodeURIComponent(id)}`);",
         CONFINED),
        ("internal/client/users.go", '\tu := base + "/users/" + url.PathEscape(id)', CONFINED),
        ("src/Client.php", "        $uri = '/customers/' . rawurlencode($id);", CONFINED),
        ("sdk/client.py", "        path = \"/customers/\" + quote(customer_id, safe=\"\")",
         CONFINED),
        # ... a `..` segment refused, a resolved path checked against its root
        ("packages/backend/src/util/path.ts",
         "    if (parts.some(p => p === '.' || p === '..')) {", CONFINED),
        ("app/storage.py", "        if part == '..':", CONFINED),
        ("starlette/staticfiles.py",
         "            if os.path.commonpath([full_path, directory]) != str(directory):", CONFINED),
        ("app/storage.py", "    if not resolved.is_relative_to(root):", CONFINED),
        # ... by a helper named for the check
        ("plexpy/webserve.py", "        if not helpers.is_subdir(img_path, resource_dir):",
         CONFINED),
        ("tools/walk.py", "        if is_subdir(entry) and entry.is_dir():", None),
        ("app/archive.py", "            if not is_within_directory(path, member_path):",
         CONFINED),
        # look-alikes: a query string's value, a common prefix of strings, a link a component
        # builds, a path compared with the root itself
        ("src/api/search.ts", "  const url = `/search?q=${encodeURIComponent(query)}`;", None),
        ("src/Client.php", "        $url = $base . '?q=' . rawurlencode($q);", None),
        ("tools/diffutil.py", "    prefix = os.path.commonprefix([left, right])", None),
        ("src/components/TagLink.tsx",
         "  return <a href={'/' + encodeURIComponent(slug)}>{slug}</a>;", None),
        ("src/router.ts", "  if (path === '/') return home;", None),
        # ... an image name escaped, a cache key quoted, a build script's common path
        ("registry/pull.go", "\tu := base + url.PathEscape(image)", None),
        ("app/cache.py", '    key = quote(key, safe="")', None),
        ("scripts/build.py", "    root = os.path.commonpath(paths)", None),
    ],
)
def test_a_value_kept_to_its_path_segment_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    """An id put into an API's URL path unescaped (`../customers/1`), or a file path no longer
    checked against its root, reaches another resource: the escaping and the check are the
    traversal's fix."""
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


TRAVERSAL = "security.path-traversal"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a name from the request cut to its last part before it is joined to a directory
        ("app/controllers/files_controller.rb",
         '    send_file Rails.root.join("exports", File.basename(params[:name]))', TRAVERSAL),
        ("app/views.py", "    name = os.path.basename(request.args['file'])", TRAVERSAL),
        ("src/routes/files.ts", "  const name = path.basename(req.params.name);", TRAVERSAL),
        ("internal/web/files.go", "	name := filepath.Base(r.URL.Path)", TRAVERSAL),
        ("public/download.php", "    $file = basename($_GET['file']);", TRAVERSAL),
        # a name checked for a parent step or for either separator, the value first or second
        ("server/jetstream_api.go", "\tif strings.ContainsAny(accName, `\\/`) {", TRAVERSAL),
        ("server/stream.go", '\treturn !strings.ContainsAny(name, " \\t.*>\\\\/")', TRAVERSAL),
        ("src/Storage.php", "        if (str_contains($path, '..')) {", TRAVERSAL),
        ("src/files.ts", "  if (name.includes('..')) {", TRAVERSAL),
        # look-alikes: one separator looked for, a path split
        ("src/urls.go", '\tif strings.Contains(s, "/") {', None),
        ("src/urls.go", '\tparts := strings.Split(p, "/")', None),
        # ... a git revision's or a version's range
        ("cmd/git-tool/main.go", '\tif strings.Contains(rev, "..") {', None),
        ("src/Version.php", "        if (str_contains($constraint, '..')) {", None),
        # ... an uploaded file's own name, in each stack's spelling
        ("plexpy/webserve.py",
         "            config_file_name = os.path.basename(config_file.filename)", TRAVERSAL),
        ("src/routes/upload.js", "  const name = path.basename(file.originalname);", TRAVERSAL),
        ("internal/web/upload.go", "	name := filepath.Base(header.Filename)", TRAVERSAL),
        ("src/Web/Controllers/UploadController.cs",
         "        var name = Path.GetFileName(file.FileName);", TRAVERSAL),
        # ... not any object's file name, nor a name cut where it is joined under a directory
        # (a backup's rotation reads as a session store does)
        ("app/models.py", "        name = os.path.basename(self.filename).lower()", None),
        ("backup/rotate.go",
         '	dst := filepath.Join(archiveDir, prefix+filepath.Base(f))', None),
        # look-alikes: a build script's or a log's file name, not one a request gives
        ("scripts/build.py", "    name = os.path.basename(source_path)", None),
        ("internal/log/log.go", "	file = filepath.Base(file)", None),
        ("app/report.py", "    title = os.path.basename(self.path)", None),
        ("app/paths.py", "    out = os.path.join(root, name)", None),
    ],
)
def test_a_requested_name_cut_to_its_last_part_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


WORK = "security.work-limits"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # A body read within the limit, a form's parts counted, a JWE's PBES2 count capped
        ("axum-extra/src/json_lines.rs", "        let body = req.into_limited_body();", WORK),
        ("src/main.rs", "        .layer(DefaultBodyLimit::max(1024 * 1024))", WORK),
        ("src/main.rs", "        .layer(RequestBodyLimitLayer::new(4096))", WORK),
        ("starlette/formparsers.py", "        max_files: typing.Union[int, float] = 1000,",
         WORK),
        ("app/views.py", "    form = await request.form(max_files=10, max_fields=100)", WORK),
        ("impl/src/main/java/io/jsonwebtoken/impl/security/Pbes2HsAkwAlgorithm.java",
         "        final int iterations = reader.get(DefaultJweHeader.P2C);", WORK),
        ("src/jwe/pbes2.ts", "  const iterations = header.p2c;", WORK),
        # look-alikes: a log rotation's file count, a load balancer's power of two choices, a
        # constant of another name, the body read as it is
        ("src/logger.ts", "  maxFiles: '14d',", None),
        ("pkg/balancer/balancer.go", "\tpicker := p2c.New(nodes)", None),
        ("backup/rotate.py", "MAX_FILES = 5", None),
        ("app/views.py", "    body = await request.body()", None),
        # ... a log rotation's file count passed on, a balancer's P2C type
        ("app/log.py", "    handler = RotatingFileHandler(path, max_files=5)", None),
        ("lb/balancer.go", "\tb := P2C{}", None),
    ],
)
def test_a_cap_on_what_parsing_input_costs_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    """What a request or a token may make the server parse or derive, capped (or not): each
    cap left out is a denial of service the sender sizes."""
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


EXPECTED = "security.token-expectations"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # The issuer claim read to be compared, the issuer or audience handed to the decoder,
        # the algorithms an OpenID Connect client registered for its responses
        ("jwt/api_jwt.py", '            if payload["iss"] != issuer:', EXPECTED),
        ("h/services/jwt.py", "                issuer=issuer,", EXPECTED),
        ("app/auth/oidc.py", "            issuer=settings.OIDC_ISSUER,", EXPECTED),
        ("lib/client.js", "    const expectedAlg = this.id_token_signed_response_alg;", EXPECTED),
        ("lib/client.js", "    if (!this.userinfo_encrypted_response_enc) {", EXPECTED),
        # look-alikes: an issuer stored as a column, computed, or named in Terraform
        ("app/models/totp.py", "    issuer = Column(String(64), nullable=False)", None),
        ("app/otp.py", "    issuer = build_issuer(account)", None),
        ("main.tf", "      issuer = default_action.value.issuer", None),
        # ... and a mailing's audience, a certificate's issuer, the claim written
        ("app/campaigns/send.py", "        audience = segment.id", None),
        ("app/tls.py", "    issuer = cert.issuer", None),
        ("app/tokens.py", '    claims["iss"] = issuer', None),
    ],
)
def test_what_a_verifier_expects_of_a_token_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    """A claim no longer compared, or a response verified with another client's algorithm,
    loosens what a token must say; an issuer elsewhere (a column, Terraform) is other areas'."""
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (EXPECTED not in found), found


SIGNATURES = "security.signatures"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a verifier named for the signature it checks, whatever stands between (a provider)
        ("razorpay/utility/utility.py",
         "    def verify_payment_signature(self, parameters):", SIGNATURES),
        ("src/Http/Middleware/VerifyWebhookSignature.php",
         "        if ($this->isInvalidSignature($request, $signature)) {", SIGNATURES),
        ("lib/webhooks.ts",
         "  if (!verifyWebhookSignature(body, header, secret)) return res.status(401).end();",
         SIGNATURES),
        ("app/slack/events.js", "  verifySlackSignature(req, signingSecret);", SIGNATURES),
        ("internal/hooks/verify.go",
         "\tif err := checkPayloadSignatures(r, secret); err != nil {", SIGNATURES),
        # look-alikes: an e-signature's field, pad or image (a name that goes on past the word)
        ("app/forms/signing.ts", "  if (!validateDrawnSignatureField(field)) return errors;", None),
        ("app/forms/pad.ts", "  const pad = new SignaturePad(canvas);", None),
        ("app/documents/stamp.rb", "    return unless valid_signature_image?(upload)", None),
    ],
)
def test_a_verifier_named_for_its_signature_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    """A webhook's or a payment's verifier changed (its result inverted, its input another)
    decides which forged requests pass; an e-signature's drawing is not a signature check."""
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (SIGNATURES not in found), found
