"""Each stack's well-known sensitive idioms: cookie flags, mass assignment, SQL built by
interpolation, unsafe deserialisers, markup printed raw, redirects to where the request says,
CORS credentials and origins, the switches that turn a token's verification off, the
certificates a verifier trusts, the size of a secret's random bytes and an OAuth client's PKCE.

They were found by reading each stack's conventions, not the corpus, which has few of them:
the point is code nobody here has seen. Each row is a line written with the idiom, in a file no
path pattern claims, and the rule that must read it; every named row was routine (no evidence)
or read by another rule only before. A row with no rule is a look-alike that must stay silent:
the safe spelling of the same thing, or code that merely resembles it.
"""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy, Risk
from tests.bot._diffs import edit
from tests.bot.analysis._rules import rules_found

COOKIE = "security.cookie-flags"
MASS = "security.input-allowlist"
SQL = "security.sql-interpolation"
DESER = "security.deserialisation"
RAW = "security.sanitisation"
REDIRECT = "security.redirect-from-input"
CORS = "security.web-protections"
TOKEN = "security.token-verification"
KEYS = "security.key-algorithm-checks"
CERTS = "security.certificate-trust"
RANDOM = "security.randomness"
PKCE = "security.pkce"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # Cookie flags: the Servlet API's setters, Spring Boot's properties, express-session,
        # ASP.NET's policies, PHP's ini settings and cookie parameters, the Rust cookie crate
        ("src/main/java/org/shop/web/TokenFilter.java", "        cookie.setHttpOnly(true);", COOKIE),
        ("src/main/java/org/shop/web/TokenFilter.java", "        cookie.setSecure(false);", COOKIE),
        ("src/main/resources/application.properties",
         "server.servlet.session.cookie.http-only=false", COOKIE),
        ("src/server.js", "  cookie: { secure: false },", COOKIE),
        ("src/Web/Program.cs", "    Secure = CookieSecurePolicy.SameAsRequest,", COOKIE),
        ("src/Web/Program.cs", "    MinimumSameSitePolicy = SameSiteMode.Strict,", COOKIE),
        ("internal/web/handlers.go", "\treturn http.SameSiteNoneMode", COOKIE),
        ("public/index.php", "ini_set('session.cookie_secure', '1');", COOKIE),
        ("php.ini", "session.cookie_httponly = 0", COOKIE),
        ("public/index.php", "session_set_cookie_params(['lifetime' => 0, 'secure' => true]);",
         COOKIE),
        ("config/session.php", "    'secure' => env('SESSION_SECURE_COOKIE'),", COOKIE),
        ("src/routes.rs", "    cookie.set_secure(false);", COOKIE),
        ("src/routes.rs", "    cookie.set_http_only(false);", COOKIE),
        # the secure option beside a cookie; a Go struct literal's Secure field
        ("src/routes/auth.js", "  res.cookie('token', token, { secure: false });", COOKIE),
        ("app/controllers/home_controller.rb",
         "    cookies[:remember] = { value: token, secure: false }", COOKIE),
        ("app/views.py", "    resp.set_cookie('token', token, secure=False)", COOKIE),
        ("src/Controller/RememberMe.php",
         "setcookie('remember', $token, ['expires' => 0, 'secure' => false]);", COOKIE),
        ("internal/web/handlers.go", "\t\tSecure:   false,", "security.go-secure-field"),
        ("src/ui/a.js", "  const secure = cookieConsent.secure;", None),
        ("src/mail.js", "  const t = nodemailer.createTransport({ host, port: 587, secure: false });",
         None),
        ("src/net/options.ts", "\t\tSecure:   false,", None),
        ("src/ui/theme.js", "  document.cookie = 'theme=dark';", None),
        ("src/net/client.go", '\tsecure := u.Scheme == "https"', None),
        ("app/secure_headers.py", "    secure = request.is_secure()", None),
        # Mass assignment: Rails, Laravel, Django, Spring, ASP.NET, Express
        ("app/controllers/users_controller.rb", "    params.require(:user).permit!", MASS),
        ("app/models/user.rb", "  attr_accessible :name, :email, :role", MASS),
        ("app/models/user.rb", "  attr_protected :admin", MASS),
        ("app/Models/User.php", "    protected $guarded = [];", MASS),
        ("app/Models/User.php", "    protected $fillable = ['name', 'email', 'is_admin'];", MASS),
        ("app/Http/Controllers/UserController.php", "        User::unguard();", MASS),
        ("app/Http/Controllers/UserController.php", "        $user->update($request->all());",
         MASS),
        ("shop/forms.py", "        fields = '__all__'", MASS),
        ("shop/serializers.py", '        fields = "__all__"', MASS),
        ("src/main/java/org/shop/web/UserController.java", "    @InitBinder", MASS),
        ("src/main.ts", "  app.useGlobalPipes(new ValidationPipe({ whitelist: false }));", MASS),
        ("src/main.ts", "    forbidNonWhitelisted: true,", MASS),
        ("src/Web/Controllers/UsersController.cs",
         '    public async Task<IActionResult> Edit([Bind("Id,Name,Email")] User user)', MASS),
        ("src/Web/Models/User.cs", "    [BindNever]", MASS),
        ("src/routes/users.js", "  Object.assign(user, req.body);", MASS),
        ("src/routes/users.js", "  await User.findByIdAndUpdate(id, req.body);", MASS),
        ("app/controllers/users_controller.rb",
         "    params.require(:user).permit(:name, :email, :role)", MASS),
        ("app/controllers/admin/users_controller.rb",
         "    params.require(:user).permit(:name, :admin, role_ids: [])", MASS),
        ("app/controllers/users_controller.rb", "    params.require(:user).permit(:name, :email)",
         None),
        ("app/controllers/posts_controller.rb",
         "    params.require(:post).permit(:title, :body, :role_model_name)", None),
        ("app/Http/Controllers/UserController.php",
         "        $user->update($request->validated());", None),
        ("app/Models/Post.php", "    protected $casts = ['published' => 'boolean'];", None),
        # which attributes a response lets out: Rails' serialisation options, Laravel's $hidden
        ("app/models/member.rb", "    super(options.merge(only: [:id, :name, :email]))", MASS),
        ("app/models/user.rb", "    serializable_hash(except: [:password_digest, :otp_secret])",
         MASS),
        ("app/Models/User.php", "    protected $hidden = ['password', 'remember_token'];", MASS),
        ("app/controllers/users_controller.rb", "    render json: @user, only: [:id, :name]", MASS),
        ("app/View/Components/Table.php", "    public $visible = ['name', 'email'];", None),
        ("app/controllers/reports_controller.rb",
         "    render json: rows, meta: { only: params[:only] }", None),
        ("app/controllers/posts_controller.rb", "  before_action :set_post, only: [:show, :edit]",
         None),
        ("app/models/report.rb", "    hash = defaults.merge(options)", None),
        ("src/util/merge.js", "  Object.assign(target, defaults);", None),
        ("src/ui/a.js", "  const merged = { ...defaults, ...options };", None),
        # SQL built from a value: a template literal, an f-string, % and .format(), concatenation,
        # C#'s $"", fmt.Sprintf, PHP's "$var", Ruby's #{}, Rust's format!
        ("src/routes/users.js",
         "  const rows = await db.query(`SELECT * FROM users WHERE id = ${req.params.id}`);", SQL),
        ("src/routes/users.js", "  await sequelize.query(`DELETE FROM t WHERE user_id = ${id}`);",
         SQL),
        ("src/routes/users.ts", "  await prisma.$queryRawUnsafe(sql);", SQL),
        ("app/repo.py", '    cur.execute("SELECT * FROM users WHERE name = \'%s\'" % name)', SQL),
        ("app/repo.py", '    cur.execute("DELETE FROM t WHERE id = {}".format(id))', SQL),
        ("app/repo.py", '    db.session.execute(text(f"UPDATE users SET name = \'{n}\'"))', SQL),
        ("app/Http/Controllers/UserController.php", '        $q->whereRaw("name = \'$name\'");',
         SQL),
        ("src/Repository/UserRepository.php",
         '        $conn->query("SELECT * FROM user WHERE id = " . $id);', SQL),
        ("internal/store/users.go",
         '\trows, err := db.Query(fmt.Sprintf("SELECT * FROM users WHERE name = \'%s\'", name))',
         SQL),
        ("internal/store/users.go", '\t_, err := db.Exec("DELETE FROM users WHERE id = " + id)', SQL),
        ("src/main/java/org/shop/repo/UserRepo.java",
         '        em.createQuery("SELECT u FROM User u WHERE u.name = \'" + name + "\'");', SQL),
        ("src/main/java/org/shop/repo/UserRepo.java",
         '        jdbcTemplate.queryForList("select * from orders where status = " + status);', SQL),
        ("src/Data/UserStore.cs",
         '        var users = db.Users.FromSqlRaw($"SELECT * FROM Users WHERE Name = \'{name}\'");',
         SQL),
        ("src/Data/UserStore.cs",
         '        var cmd = new SqlCommand("SELECT * FROM Users WHERE Name = \'" + name + "\'", c);',
         SQL),
        ("app/models/user.rb", '    where("name = \'#{params[:name]}\'")', SQL),
        ("app/models/user.rb", '    find_by_sql("SELECT * FROM users WHERE id = #{id}")', SQL),
        ("src/db.rs", '    diesel::sql_query(format!("DELETE FROM users WHERE id = {}", id))', SQL),
        ("src/repo/users.ts", "  qb.where(`user.email = '${email}'`)", SQL),
        ("src/repo/users.js", "  order: sequelize.literal(`score > ${min}`),", SQL),
        ("internal/store/users.go", '\tdb.Where("name = \'" + name + "\'").Find(&users)', SQL),
        # bound parameters; a table or column name interpolated; EF Core's safe spelling;
        # a log message; a header name formatted
        ("src/routes/users.js",
         "  const rows = await db.query('SELECT * FROM users WHERE id = $1', [id]);", None),
        ("app/repo.py", '    cur.execute("SELECT * FROM users WHERE name = %s", (name,))', None),
        ("src/repo/users.ts", "  qb.where(`${alias}.id = :id`, { id })", None),
        ("app/models/user.rb", '    where("name = ?", name)', None),
        ("src/db/users.js",
         "  const rows = await db.query(`SELECT * FROM ${table} WHERE id = $1`, [id]);", None),
        ("app/models/user.rb", '    where("#{table_name}.created_at > ?", since)', None),
        ("internal/store/users.go",
         '\trows, err := db.Query(fmt.Sprintf("SELECT %s FROM users WHERE id = $1", cols), id)',
         None),
        ("src/Data/UserStore.cs",
         '        var users = db.Users.FromSqlInterpolated($"SELECT * FROM Users WHERE Name = {n}");',
         None),
        ("app/log.py", '    logger.info(f"selected {n} users")', None),
        ("internal/web/h.go", '\tv := r.Header.Get(fmt.Sprintf("X-%s", name))', None),
        ("src/main/java/org/shop/web/A.java", '        log.info("count = " + count);', None),
        # Deserialisers that build what the input names
        ("app/cache.py", "    return pickle.load(fh)", DESER),
        ("app/cache.py", "    obj = dill.loads(payload)", DESER),
        ("app/config.py", "    data = yaml.unsafe_load(stream)", DESER),
        ("app/config.py", "    data = yaml.load(stream, Loader=yaml.Loader)", DESER),
        ("app/models.py", "    model = torch.load(path, weights_only=False)", DESER),
        ("app/models/preference.rb", "    Marshal.load(Base64.decode64(cookie))", DESER),
        ("app/models/preference.rb", "    YAML.unsafe_load(params[:data])", DESER),
        ("src/main/java/org/shop/web/Import.java",
         "        ObjectInputStream in = new ObjectInputStream(request.getInputStream());", DESER),
        ("src/main/java/org/shop/web/Import.java", "        Object o = xstream.fromXML(body);", DESER),
        ("src/main/java/org/shop/web/JsonConfig.java",
         "        mapper.activateDefaultTyping(ptv, DefaultTyping.NON_FINAL);", DESER),
        ("src/main/java/org/shop/web/Event.java", "@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)", DESER),
        ("src/Web/Import.cs", "        var formatter = new BinaryFormatter();", DESER),
        ("src/Web/Import.cs", "        TypeNameHandling = TypeNameHandling.Auto,", DESER),
        ("src/routes/import.js", "  const obj = serialize.unserialize(req.body.data);", DESER),
        # a class looked up by the name a request gives (unsafe reflection)
        ("app/controllers/follows_controller.rb",
         "    followable = params[:followable_class].constantize", DESER),
        ("app/controllers/reports_controller.rb",
         "    klass = Object.const_get(params[:type])", DESER),
        ("src/main/java/org/shop/web/Loader.java",
         '        Class<?> c = Class.forName(request.getParameter("type"));', DESER),
        # ... not a constant's name built in code, nor the code quoted in a scanner's ignore file
        ("db/seeds.rb", '    breed = "Faker::Creature::#{species.classify}".constantize.breed', None),
        ("config/brakeman.ignore", '      "code": "params[:reportable_class].constantize",', None),
        ("app/config.py", "    data = yaml.safe_load(stream)", None),
        ("app/models/preference.rb", "    YAML.safe_load(params[:data])", None),
        ("app/api.py", "    data = json.loads(body)", None),
        ("app/ser.py", "    blob = pickle.dumps(obj)", None),
        ("src/Web/Cache.cs", "        var s = JsonConvert.SerializeObject(o);", None),
        # Markup printed raw: ERB, Handlebars/Mustache, Angular, maud, the DOM
        ("app/views/posts/show.html.erb", "<%= raw @post.body %>", RAW),
        ("templates/post.hbs", "  <div>{{{post.body}}}</div>", "security.raw-mustache"),
        ("src/ui/post.js", "  const tpl = Handlebars.compile('<p>{{{body}}}</p>');",
         "security.raw-mustache"),
        # a value between literal braces in a format string (Rust, Python, C#)
        ("src/metrics.rs", '        "{name}{{{labels}}} {value}",', None),
        ("app/metrics.py", '    line = f"{name}{{{labels}}} {value}"', None),
        ("src/Metrics/Exporter.cs", '        var line = $"{name}{{{labels}}} {value}";', None),
        ("src/app/post.component.html", '  <div [innerHTML]="post.body"></div>', RAW),
        ("src/render.rs", "    html! { (PreEscaped(post.body)) }", RAW),
        # an application's own input filter, called by its class
        ("app/bundles/LeadBundle/Model/LeadModel.php", "            $val = InputHelper::clean($val);",
         RAW),
        ("src/Controller/PostController.php", "        $body = XssFilter::filter($body);", RAW),
        # look-alikes: a cache cleaned, a filter of rows
        ("src/Service/CacheHelper.php", "        CacheHelper::clean($pool);", None),
        ("src/Repository/PostRepository.php", "        $rows = QueryFilter::filter($rows);", None),
        # a scrubber named for what it scrubs
        ("lib/headers/policy.rb", "      value = scrub_directive_value(name, value)", RAW),
        ("internal/web/verify.go", "\tr = scrubTokenFromRequest(r)", RAW),
        ("lib/converters/rtf.rb", "    html = scrub_html(html)", RAW),
        # look-alikes: Ruby's String#scrub, which replaces invalid bytes, a list scrubbed of blanks
        ("lib/import/reader.rb", "    line = line.scrub('?')", None),
        ("lib/import/reader.rb", "    rows = rows.scrub", None),
        ("src/ui/post.js", "  el.insertAdjacentHTML('beforeend', body);", RAW),
        ("src/ui/post.js", "  el.outerHTML = body;", RAW),
        ("src/ui/post.js", "  document.write(body);", RAW),
        # request input printed as it came
        ("public/search.php", "echo $_GET['q'];", RAW),
        ("public/search.php", "<?= $_POST['name'] ?>", RAW),
        ("src/main/webapp/search.jsp", '<p>You searched for <%= request.getParameter("q") %></p>',
         RAW),
        ("app/views.py", "    return HttpResponse(request.GET['q'])", RAW),
        ("public/index.php", "echo $title;", None),
        ("app/views.py", "    return HttpResponse(content, content_type='text/plain')", None),
        ("templates/post.hbs", "  <div>{{post.body}}</div>", None),
        ("templates/a.hbs", "  {{#if user}}{{user.name}}{{/if}}", None),
        ("src/ui/post.js", "  el.textContent = body;", None),
        ("src/ui/a.js", "  if (el.outerHTML == other) {", None),
        # Redirects to where the request says
        ("app/views.py", "    return redirect(request.GET['next'])", REDIRECT),
        ("app/views.py", "    return HttpResponseRedirect(request.POST.get('next'))", REDIRECT),
        ("app/views.py", "    return redirect(request.args.get('next') or url_for('index'))",
         REDIRECT),
        ("app/views.py", "    return redirect(request.META.get('HTTP_REFERER', '/'))", REDIRECT),
        ("app/views.py", "    return redirect(request.referrer or url_for('index'))", REDIRECT),
        ("app/controllers/home_controller.rb", "    redirect_to params[:return_to]", REDIRECT),
        ("app/controllers/home_controller.rb",
         "    redirect_back fallback_location: root_path, allow_other_host: true", REDIRECT),
        ("src/routes/go.js", "  return res.redirect(req.query.returnTo || '/');", REDIRECT),
        ("src/main/java/org/shop/web/GoController.java",
         '        return "redirect:" + request.getParameter("url");', REDIRECT),
        ("src/main/java/org/shop/web/GoController.java",
         '        response.sendRedirect(request.getParameter("next"));', REDIRECT),
        ("internal/web/handlers.go",
         '\thttp.Redirect(w, r, r.URL.Query().Get("next"), http.StatusFound)', REDIRECT),
        ("internal/web/handlers.go", '\treturn c.Redirect(http.StatusFound, c.QueryParam("to"))',
         REDIRECT),
        ("public/go.php", "header('Location: ' . $_GET['url']);", REDIRECT),
        ("app/Http/Controllers/GoController.php",
         "        return redirect($request->input('redirect'));", REDIRECT),
        ("app/Http/Controllers/GoController.php", "        return redirect()->away($url);",
         REDIRECT),
        ("src/Web/Controllers/AccountController.cs", "        return Redirect(returnUrl);",
         REDIRECT),
        ("src/handlers.rs", "    Redirect::to(&params.next)", REDIRECT),
        ("src/routes/a.js", "  res.set('Location', req.query.next);", REDIRECT),
        ("src/handlers.rs",
         "    HttpResponse::Found().append_header((header::LOCATION, query.next.clone()))", REDIRECT),
        ("src/routes/a.js", "  res.set('Content-Type', req.query.format);", None),
        ("src/Web/Controllers/AccountController.cs", "        return LocalRedirect(returnUrl);",
         None),
        ("src/Web/Controllers/HomeController.cs", '        return RedirectToAction("Index");', None),
        ("app/views.py", "    return redirect('orders:list')", None),
        ("src/main/java/org/shop/web/B.java", '        return "redirect:/orders/" + id;', None),
        # CORS: credentials and origins allowed, in each stack's words
        ("app/main.py", "app.add_middleware(CORSMiddleware, **options)", CORS),
        ("src/main.ts", "  app.enableCors({ origin: true });", CORS),
        ("src/main/java/org/shop/web/WebConfig.java", "        config.setAllowCredentials(true);",
         CORS),
        ("internal/web/router.go", "\t\tAllowAllOrigins: true,", CORS),
        ("internal/web/router.go", "\t\tAllowOriginFunc: func(origin string) bool { return true },",
         CORS),
        ("src/main.rs", "    let layer = CorsLayer::very_permissive();", CORS),
        ("src/net/fetch.js", "  fetch(url, { credentials: 'include' });", None),
        # Rails' CSRF check skipped by its filter's name
        ("app/controllers/api/hooks_controller.rb",
         "  skip_before_action :verify_authenticity_token", CORS),
        ("app/controllers/pages_controller.rb", "  before_action :set_locale", None),
        # A token's verification turned off: the none algorithm, expiry ignored, unverified
        # parsing, ASP.NET's validation parameters, jjwt's parser
        ("app/tokens.py", '        algorithms=["HS256", "none"],', TOKEN),
        ("src/middleware/verify.js", "    ignoreExpiration: true,", TOKEN),
        ("src/middleware/verify.js", "    algorithms: ['none'],", TOKEN),
        ("internal/web/tokens.go", "\ttok, _, err := parser.ParseUnverified(raw, claims)", TOKEN),
        ("internal/web/tokens.go", "\tp := jwt.NewParser(jwt.WithoutClaimsValidation())", TOKEN),
        ("src/Web/Program.cs", "        ValidateLifetime = false,", TOKEN),
        ("src/Web/Program.cs", "        RequireSignedTokens = false,", TOKEN),
        ("src/Web/Program.cs", "        options.RequireHttpsMetadata = false;", "security.transport"),
        ("src/tokens.rs", "    validation.validate_exp = false;", TOKEN),
        ("src/main/java/org/shop/web/TokenParser.java",
         "        Claims c = Jwts.parser().setSigningKey(key).parseClaimsJws(t).getBody();", "auth.jwt"),
        ("src/main/java/org/shop/web/TokenParser.java",
         "        Claims c = parser.parseClaimsJwt(t).getBody();", TOKEN),
        # ... or which signing algorithms a verifier accepts: PyJWT's list, a library's option
        # or setting, an allow-list by name; an algorithm chosen for a hash or a compression is
        # none
        ("app/tokens.py", '    claims = jwt.decode(token, key, algorithms=["RS256"])', TOKEN),
        ("src/Authenticator/JwtAuthenticator.php",
         "            $this->setConfig('algorithms', $config['algorithms'], false);", TOKEN),
        ("lib/resty/openidc.lua",
         "local function is_algorithm_expected(jwt_header, expected_algs)", TOKEN),
        ("config/oidc.py", '    "id_token_signing_alg_values_expected": ["RS256"],', TOKEN),
        # ... or the audience claim a verifier compares with its own client id, and php-jwt's
        # decode, which checks the signature; its encode signs, a claim built is not read
        ("app/webhooks.py", '    audience = payload.get("aud")', TOKEN),
        ("src/auth/verify.js", "  if (claims['aud'] !== clientId) throw new Error('aud');", TOKEN),
        ("lib/OAuth.php", "        $body = (array) JWT::decode($jwt, JWK::parseKeySet($jwks));",
         TOKEN),
        ("lib/OAuth.php", "        $jwt = JWT::encode($claims, $key, 'RS256');", "auth.jwt"),
        ("app/tokens.py", '    payload = {"sub": user.id, "aud": audience}', None),
        ("app/ui/audio.py", '    track = tracks.get("audio")', None),
        ("src/tokens.rs", "    let algorithm = Algorithm::HS256;", None),
        ("src/storage/digest.py", '    algorithm = "sha256"', None),
        ("src/main/java/org/shop/Zip.java",
         "        List<String> supportedAlgorithms = List.of(\"gzip\");", None),
        ("src/ui/select.js", "  const alg = options.alg || 'none';", None),
        ("src/app/compress.js", "  compression: 'none',", None),
        # ... and the algorithms and keys a signature check accepts: go-oidc's allow-list, a
        # public key refused as an HMAC secret, the key an algorithm prepares, an OpenSSL key
        # loaded before signing; a codec's list, a cache key and a PEM file's name are none
        ("internal/web/verify.go", "\tif len(config.SupportedSigningAlgs) == 0 {", KEYS),
        ("lib/algorithms.py", "        if is_pem_format(key) or is_ssh_key(key):", KEYS),
        ("lib/backends.py", "        prepared = self.alg_obj.prepare_key(raw)", KEYS),
        ("src/Token/Signer.php", "        if (!openssl_pkey_get_private($pem)) {", KEYS),
        ("internal/web/codecs.go", "\tsupportedCodecs := []string{\"gzip\"}", None),
        ("app/cache.py", "    name = prepare_cache_name(raw)", None),
        ("app/files.py", '    if path.endswith(".pem"):', None),
        # The certificates a verifier trusts: a chain or path walked to a trust anchor, the CA
        # file a TLS client is handed, Go's client CAs, a store of roots, a revocation list, an
        # attestation's x5c; a concert's path, a certificate's display name and a cache folder
        # are none
        ("src/helpers/attestation.ts",
         "    await validateCertificatePath(x5c.map(toPEM), trustAnchors);", CERTS),
        ("payments/http_client.py", "                cafile=self.ca_bundle_path,", CERTS),
        ("internal/server/listen.go", "		ClientCAs:  pool,", CERTS),
        ("app/mailers/smtp.rb", "    ctx.cert_store = store", CERTS),
        ("lib/Service/RevocationService.php", "        $crl = $this->generate($revoked);", CERTS),
        ("src/verify.rs", "    let anchors = trust_anchors(&roots)?;", CERTS),
        ("app/events/views.py", "    concert_path = reverse('concerts')", None),
        ("src/ui/CertificateCard.tsx", "  const certificateName = props.name;", None),
        ("app/storage.py", "    cache_path = settings.CACHE_DIR", None),
        # How many random bytes a secret, a salt or a nonce is made of; a model's token window,
        # a title's length and a secretary are none
        ("totp/generate.go", "\t\topts.SecretSize = 20", RANDOM),
        ("knox/settings.py", "    SALT_LENGTH = 16", RANDOM),
        ("internal/seal/page.go", "\tnonce := make([]byte, aead.NonceSize())", RANDOM),
        ("internal/api/keys.go", "\tif _, err := rand.Read(key); err != nil {", RANDOM),
        ("internal/otp/code.go", "\tn, err := rand.Int(rand.Reader, big.NewInt(1000000))", RANDOM),
        ("internal/ui/shuffle.go", "\ti := rand.Intn(len(items))", None),
        ("app/nlp/chunks.py", "    max_token_length = 512", None),
        ("app/forms/post.py", "    title_length = len(title)", None),
        ("src/ui/Secretary.tsx", "  const secretaryName = user.name;", None),
        # An OAuth client's PKCE, made optional or sent: the protection of the code it redeems;
        # a component that builds the verifier is none
        ("src/Two/AbstractProvider.php", "        $this->usesPKCE = true;", PKCE),
        ("lib/oauth/client.rb", "      params[:code_challenge_method] = 'S256'", PKCE),
        ("internal/oidc/exchange.go", '\t\tparams.Set("code_verifier", verifier)', PKCE),
        ("app/oidc/discovery.py", '        "code_challenge_methods_supported": ["S256"],', PKCE),
        ("src/components/ConnectButton.tsx", "  const codeVerifier = makeVerifier();", None),
    ],
)
def test_a_stack_idiom_is_evidence(policy: Policy, path: str, line: str, rule: str | None) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("app/quiz/models.py", "    code_challenges = models.ManyToManyField(Quiz)"),
        ("app/captcha/views.py", "    self.code_challenge_id = captcha.new_id()"),
    ],
)
def test_a_coding_challenge_is_no_pkce(policy: Policy, path: str, line: str) -> None:
    """A quiz's `code_challenges` and a captcha's `code_challenge_id` name no PKCE challenge:
    the security rule wants the word to end there (auth's oauth-flow, which reads it as part of
    a sign-in, does not)."""
    found = rules_found(path, line, policy)
    assert PKCE not in found, found


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("app/cache.py", "    return pickle.loads(blob)"),
        ("app/Http/Controllers/CartController.php", "        $cart = unserialize($_COOKIE['cart']);"),
        ("app/repo.py", '    cur.execute(f"SELECT * FROM users WHERE name = \'{name}\'")'),
    ],
)
def test_an_unsafe_deserialiser_or_built_query_alone_is_critical(
    policy: Policy, path: str, line: str
) -> None:
    """pickle.loads and unserialize were weak evidence (injection-sinks) and an f-string query
    still is: alone they made the change elevated, which recommends nothing. The rules that read
    them now are not weak."""
    result = classify(parse_diff(edit(path, [line], ["x = 1"])), policy)
    assert [(area.id, area.risk) for area in result.areas] == [("security", Risk.CRITICAL)]


def test_a_bound_parameter_pasted_into_the_query_is_no_respelling(policy: Policy) -> None:
    """`where("reference = ?", term)` -> `where("reference = '#{term}'")` has the same words on
    both sides; it is the injection itself, not a string built another way."""
    text = edit("app/models/order.rb", ["    where(\"reference = '#{term}'\")"],
                ['    where("reference = ?", term)'])
    result = classify(parse_diff(text), policy)
    assert [e.rule for area in result.areas for e in area.evidence] == [SQL]
