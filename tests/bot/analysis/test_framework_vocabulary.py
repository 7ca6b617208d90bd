"""The sinks and safeguards each stack names in its documentation: HTML sanitisers and output
encoders, the switches that print raw markup, file modes, the headers a proxy passes on,
redirect URIs matched by a prefix, text evaluated as a template, money types, locks and session
expiry.

Missed critical changes in repositories nobody tuned on often use a framework's API that no
content rule knew; a rule written from the API's documented names carries over to every codebase
of that stack. Each row is a line written with such an API and the rule that must read it; a row
with no rule is routine code that must stay silent (a look-alike, or a comment naming the API).
"""

from __future__ import annotations

import pytest

from policies.model import Policy
from tests.bot.analysis._rules import rules_found


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # Ruby: Loofah, which Rails' sanitizers are built on
        ("app/helpers/markdown_helper.rb", "    Loofah.fragment(html).scrub!(:prune).to_s",
         "security.html-sanitisers"),
        # Go: html/template escapes, text/template does not; bluemonday, template.HTMLEscapeString
        ("internal/render/page.go", '\t"text/template"', "security.html-sanitisers"),
        ("internal/render/page.go", "\tp := bluemonday.UGCPolicy()", "security.html-sanitisers"),
        ("internal/render/page.go", "\tfmt.Fprintf(w, \"<p>%s</p>\", template.HTMLEscapeString(name))",
         "security.html-sanitisers"),
        # ... and a Hugo or Go template's pipe that marks a URL or a script trusted, unescaped
        ("templates/forum-posts.html", '  <a href="{{ .DiscussionUrl | safeURL }}">{{ .Title }}</a>',
         "security.html-sanitisers"),
        ("layouts/partials/head.html", "  <script>{{ .Params.analytics | safeJS }}</script>",
         "security.html-sanitisers"),
        # ... not a theme's own copy marked as HTML, nor another pipe
        ("layouts/partials/footer.html", "  {{ .Site.Copyright | safeHTML }}", None),
        ("layouts/partials/card.html", "  {{ .Count | formatApproxNumber }}", None),
        # Java: OWASP's Java Encoder and AntiSamy, Spring's HtmlUtils, Commons Text, Thymeleaf's unescaped
        # text, JSTL's c:out with escaping turned off
        ("src/main/java/org/shop/web/CommentView.java",
         'out.println("<p>" + Encode.forHtml(comment.getBody()) + "</p>");',
         "security.html-sanitisers"),
        ("src/main/java/org/shop/web/CommentView.java",
         "CleanResults results = new AntiSamy().scan(body, policy);", "security.html-sanitisers"),
        ("src/main/java/org/shop/web/MailView.java", "String body = HtmlUtils.htmlEscape(note);",
         "security.html-sanitisers"),
        ("src/main/java/org/shop/web/FeedView.java",
         "String title = StringEscapeUtils.escapeHtml4(entry.getTitle());",
         "security.html-sanitisers"),
        ("src/main/java/org/shop/web/ListGrid.java", "protected boolean htmlEscapeLinks = true;",
         "security.html-sanitisers"),
        ("src/main/webapp/WEB-INF/web.xml", "<param-name>defaultHtmlEscape</param-name>",
         "security.html-sanitisers"),
        ("src/main/resources/templates/comment.html", '<p th:utext="${comment.body}"></p>',
         "security.html-sanitisers"),
        ("src/main/webapp/WEB-INF/views/comment.jsp",
         '<c:out value="${comment.body}" escapeXml="false"/>', "security.html-sanitisers"),
        # PHP: HTML Purifier
        ("src/Service/CommentFormatter.php", "$config = HTMLPurifier_Config::createDefault();",
         "security.html-sanitisers"),
        ("src/Service/CommentFormatter.php", "return $this->purifier->purify($body);",
         "security.html-sanitisers"),
        # Python's nh3, Rust's ammonia, JavaScript's js-xss, ASP.NET's raw HtmlString
        ("blog/markup.py", "    return nh3.clean(html, tags=ALLOWED_TAGS)",
         "security.html-sanitisers"),
        ("src/render.rs", "let safe = ammonia::clean(&html);", "security.html-sanitisers"),
        ("src/render/comment.js", "const safe = filterXSS(body, { whiteList: allowed });",
         "security.html-sanitisers"),
        ("src/Web/Helpers/Markdown.cs", "return new HtmlString(rendered);",
         "security.html-sanitisers"),
        # Raw markup in the JavaScript frameworks: Ember's htmlSafe, Svelte's {@html}, Lit's
        # unsafeHTML
        ("app/helpers/format-bio.js", "  return htmlSafe(marked(bio));", "security.html-sanitisers"),
        ("src/routes/post/+page.svelte", "<div>{@html post.body}</div>", "security.html-sanitisers"),
        ("src/components/comment-view.ts", "return html`<p>${unsafeHTML(this.body)}</p>`;",
         "security.html-sanitisers"),
        ("src/util/strings.js", "const ok = checkHtmlSafety(value);", None),
        # a comment naming the sanitiser, a chemistry module's ammonia, another package's
        # templates: none is a sanitiser called
        ("app/models/comment.rb", "  # bodies are sanitized by Loofah when they are rendered", None),
        ("lab/compounds.py", 'nh3 = Compound("NH3", molar_mass=17.031)', None),
        ("internal/render/page.go", '\t"github.com/acme/site/text/templates"', None),
        # File modes: chmod and umask in each stack, a world-writable mode given to a call
        ("internal/server/socket.go", "\tif err := os.Chmod(sockPath, 0o660); err != nil {",
         "security.file-modes"),
        ("src/listen.rs", "fs::set_permissions(&path, fs::Permissions::from_mode(0o600))?;",
         "security.file-modes"),
        ("lib/storage.js", "fs.chmodSync(keyPath, 0o600);", "security.file-modes"),
        ("src/main/java/org/shop/KeyStore.java",
         'Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));',
         "security.file-modes"),
        ("app/worker.py", "old = os.umask(0o077)", "security.file-modes"),
        ("app/uploads.py", "os.makedirs(upload_dir, mode=0o777, exist_ok=True)",
         "security.file-modes"),
        ("internal/cache/store.go", "\treturn os.WriteFile(path, data, 0666)",
         "security.file-modes"),
        ("scripts/start.sh", "chmod 777 /var/run/app.sock", "security.file-modes"),
        # Rust's OpenOptionsExt: a file created for its owner alone; a readable default is not
        ("src/key_log_file.rs", "        options.mode(0o600);", "security.file-modes"),
        ("src/export.rs", "        options.mode(0o644);", None),
        # the user and group a process drops to, by each stack's call
        ("cmd/sops/subcommand/exec/exec_unix.go", "\terr = syscall.Setgid(gid)",
         "security.file-modes"),
        ("cmd/agent/privs.go", "\tif err := unix.Setregid(gid, gid); err != nil {",
         "security.file-modes"),
        ("app/worker.py", "    os.setuid(pw.pw_uid)", "security.file-modes"),
        ("lib/tasks/start.rb", "      Process::Sys.setgid(2000)", "security.file-modes"),
        ("bin/daemon.php", "posix_setuid($info['uid']);", "security.file-modes"),
        # ... not a field or a getter named so, nor another module's setuid
        ("internal/model/user.go", "	u.SetGid(g.ID)", None),
        ("app/models/user.py", "    self.set_uid(uid)", None),
        # who owns a file, by each stack's call or the shell's chown, also in a command's vector
        ("lib/kamal/commands/app/proxy.rb",
         '    [ :docker, :exec, "--user", "root", name, "chown", "-R", "kamal-proxy:kamal-proxy", dir ]',
         "security.file-modes"),
        ("terraform/production/bootstrap.sh", "chown root:ubuntu /etc/stocks/env",
         "security.file-modes"),
        ("config/dotenv.rb", "        FileUtils.chown_R(2000, 2000, workdir)", "security.file-modes"),
        ("internal/store/dirs.go", "\tif err := unix.Chown(dir, uid, gid); err != nil {",
         "security.file-modes"),
        ("src/store/dirs.ts", "  await fs.promises.chown(dir, uid, gid);", "security.file-modes"),
        ("src/store/dirs.rs", "    std::os::unix::fs::chown(dir, Some(uid), Some(gid))?;",
         "security.file-modes"),
        ("docker/entrypoint.sh", "chown app /var/lib/app/keys", "security.file-modes"),
        ("internal/store/files.go", "	if err := os.Lchown(path, uid, gid); err != nil {",
         "security.file-modes"),
        # ... not the word in a message, nor a method of another name
        ("app/help.py", 'HINT = "ask an admin to chown the folder"', None),
        ("app/models/folder.rb", "    folder.chown_requested = true", None),
        # a file opened without following a planted link, or created only if it is not there
        ("get_file_copy.go",
         "	dstF, err := os.OpenFile(dst, os.O_RDWR|os.O_CREATE|os.O_TRUNC|os.O_EXCL, fmode)",
         "security.file-modes"),
        ("app/uploads.py", "    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW, 0o644)",
         "security.file-modes"),
        ("internal/store/files.go", "	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0644)", None),
        # a mode only its owner may write, a chmod named in help text
        ("internal/cache/store.go", "\treturn os.WriteFile(path, data, 0644)", None),
        ("app/help.py", 'HINT = "run chmod +x on the script first"', None),
        # The headers a proxy passes on, and whom a framework believes
        ("src/Web/Program.cs", 'options.KnownProxies.Add(IPAddress.Parse("10.0.0.100"));',
         "security.proxy-trust"),
        ("src/main/java/org/shop/web/WebConfig.java", "return new ForwardedHeaderFilter();",
         "security.proxy-trust"),
        ("src/main/resources/application.properties", "server.forward-headers-strategy=native",
         "security.proxy-trust"),
        ("src/app.js", "app.set('trust proxy', 1);", "security.proxy-trust"),
        ("server/router.go", '\tr.RemoteIPHeaders = []string{"X-Client-IP"}',
         "security.proxy-trust"),
        ("shop/middleware.py",
         'ip = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[0]',
         "security.proxy-trust"),
        ("shop/settings.py", "USE_X_FORWARDED_HOST = True", "security.proxy-trust"),
        ("internal/proxy/headers.go", '\tr.Header.Del("Proxy")', "security.proxy-trust"),
        ("internal/proxy/headers.go", "\tfor _, h := range hopByHopHeaders {",
         "security.proxy-trust"),
        ("internal/fcgi/env.go", '\t\tif http.CanonicalHeaderKey(field) == "Proxy" {',
         "security.proxy-trust"),
        # an HTTP client's own proxy setting
        ("app/clients/http.py", 'proxy = config.get("proxy")', None),
        # Redirect URIs, origins and referrers matched by a prefix, a suffix or whole
        ("lib/clients.rb", "return false unless redirect_uri.start_with?(client.redirect_uri)",
         "security.url-prefix-match"),
        ("server/authorize.go", "\tif !strings.HasPrefix(redirectURI, client.RedirectURI) {",
         "security.url-prefix-match"),
        ("server/authorize.go", "\tif redirectURI != client.RedirectURI {",
         "security.url-prefix-match"),
        ("src/cors.ts", "if (origin.endsWith('.example.com')) {", "security.url-prefix-match"),
        ("app/Http/Controllers/HomeController.php", "if (str_starts_with($returnTo, '/')) {",
         "security.url-prefix-match"),
        ("shop/views.py", "if referrer.startswith(settings.SITE_URL):",
         "security.url-prefix-match"),
        ("lib/models/client.js", "if (allowedUris.includes(value)) {", "security.url-prefix-match"),
        ("src/server/hosts.ts", "if (!allowedHosts.has(host)) {", "security.url-prefix-match"),
        ("app/models/client.rb", "registered_redirect_uris.include?(uri)",
         "security.url-prefix-match"),
        # a route or a file name matched by its prefix or suffix
        ("src/ui/nav.ts", "if (path.startsWith('/settings')) {", None),
        ("src/ui/menu.ts", "if (visibleItems.includes(item)) {", None),
        ("shop/export.py", "if name.endswith('.csv'):", None),
        # Text evaluated as a template or an expression
        ("shop/views.py", "return render_template_string(request.args.get('tpl'))",
         "security.template-evaluation"),
        ("shop/mailer.py", "body = self.env.from_string(template.body).render(ctx)",
         "security.template-evaluation"),
        ("app/models/notice.rb", "ERB.new(template).result(binding)",
         "security.template-evaluation"),
        ("src/mail.js", "const render = Handlebars.compile(source);",
         "security.template-evaluation"),
        ("src/Service/Mailer.php", "$template = $this->twig->createTemplate($body);",
         "security.template-evaluation"),
        ("src/main/java/org/shop/Rules.java", "ExpressionParser parser = new SpelExpressionParser();",
         "security.template-evaluation"),
        ("src/main/java/org/shop/UniqueValidator.java",
         'ctx.buildConstraintViolationWithTemplate(value + " is taken").addConstraintViolation();',
         "security.template-evaluation"),
        ("src/plugins/run.js", "const fn = new Function('ctx', code);",
         "security.template-evaluation"),
        # ... and the expression evaluators a rule engine or a config reader hands text to
        ("src/rules.rs", "    let ok = engine.eval_with_scope::<bool>(&mut scope, &rule)?;",
         "security.template-evaluation"),
        ("src/rules.rs",
         "    let ok = engine.eval_expression_with_scope::<bool>(&mut scope, &rule)?;",
         "security.template-evaluation"),
        ("shop/config.py", "    value = ast.literal_eval(raw)", "security.template-evaluation"),
        ("src/rules.ts", "import { compile } from 'expression-eval';",
         "security.template-evaluation"),
        ("shop/rules.py", "    result = simple_eval(expr, names=context)",
         "security.template-evaluation"),
        ("internal/rules/eval.go", "	program, err := expr.Compile(rule, expr.Env(env))",
         "security.template-evaluation"),
        # another class's from_string, lodash's other helpers
        ("lib/scopes.rb", "    Scopes.from_string(params[:scope])", None),
        ("src/ui/list.ts", "const ids = _.map(rows, 'id');", None),
        ("shop/rules.py", "    value = evaluate(expression)", None),
        ("src/rules.rs", "    let ast = engine.compile(&rule)?;", None),
        # Money types: bcmath, Dinero.js, JSR 354, an exact decimal holding a price or a fee;
        # .NET's rounding modes
        ("app/Services/Totals.php", "$total = bcadd($subtotal, $shipping, 2);", "billing.amounts"),
        ("src/cart/total.ts", "const price = Dinero({ amount: 5000 });", "billing.amounts"),
        ("src/main/java/org/shop/cart/Cart.java",
         "MonetaryAmount total = Monetary.getDefaultAmountFactory().setNumber(sum).create();",
         "billing.amounts"),
        ("shop/cart.py", "line_total = Decimal(item.price) * quantity", "billing.amounts"),
        ("shop/orders.py", '    fee = Decimal("0.30")', "billing.amounts"),
        ("internal/orders/fees.go", "\tfee := decimal.NewFromFloat(0.3)", "billing.amounts"),
        ("src/orders.rs", "let price = Decimal::from_str(&raw)?;", "billing.amounts"),
        ("src/orders/service.ts", "let amount = new Big(data.unitPrice).mul(data.quantity);",
         "billing.amounts"),
        # arithmetic by method on a money value (big.js, BigDecimal)
        ("src/orders/service.ts", "amount = amount.minus(data.fee);", "billing.money-operations"),
        ("shop/refunds.py", "    if amount > order.total - order.refunded:",
         "billing.money-operations"),
        ("src/orders/totals.ts", "  const due = cart.total + shippingTax;",
         "billing.money-operations"),
        ("src/orders/due.ts", "const due = order.total-order.refunded;",
         "billing.money-operations"),
        ("src/main/java/org/shop/Order.java", "due = price.multiply(quantity);",
         "billing.money-operations"),
        ("src/Orders/OrderLine.cs", "public decimal UnitPrice { get; set; }", "billing.amounts"),
        ("src/Orders/Totals.cs",
         "var rounded = Math.Round(value, 2, MidpointRounding.AwayFromZero);",
         "billing.money-arithmetic"),
        # a decimal that is not money
        ("shop/stats.py", 'ratio = Decimal("0.5")', None),
        ("src/Charts/Axis.cs", "public decimal Scale { get; set; }", None),
        # a set of feeds or of ids grown
        ("src/feeds/reader.ts", "feeds.add(feed);", None),
        ("src/stats/counter.ts", "totalIds.add(id);", None),
        # Locks by their libraries' names: redsync, cache and Redis locks, Python's
        # thread locks, ShedLock, Rails' row lock
        ("internal/jobs/lock.go", "\trs := redsync.New(pool)", "transactions.locks"),
        ("app/Jobs/SyncOrders.php", "$lock = Cache::lock('orders-sync', 10);",
         "transactions.locks"),
        ("shop/tasks.py", 'with cache.lock(f"sync-{shop.id}", timeout=60):',
         "transactions.locks"),
        ("shop/tasks.py", 'with redis_client.lock("sync", blocking_timeout=5):',
         "transactions.locks"),
        ("shop/state.py", "_lock = threading.Lock()", "transactions.locks"),
        ("src/main/java/org/shop/Jobs.java", '@SchedulerLock(name = "invoiceRun")',
         "transactions.locks"),
        ("app/models/account.rb", "account = Account.lock(true).find(id)",
         "transactions.locks"),
        ("shop/util.py", "@global_lock(timeout=300)", "transactions.locks"),
        ("app/jobs/import_job.rb", '  with_distributed_lock("import") do', "transactions.locks"),
        # a screen's orientation locked, a keyboard's caps lock
        ("src/ui/screen.ts", "screen.orientation.lock('portrait');", None),
        ("src/ui/keyboard.ts", "const capsLock = event.getModifierState('CapsLock');", None),
        # Session expiry: read, and set (Rails, ASP.NET Core, Django)
        ("app/controllers/application_controller.rb",
         "    redirect_to root_path if session[:expires_at] < Time.current",
         "auth.session-handling"),
        ("internal/web/handlers.go", "\tif session.ExpiresAt.Before(time.Now()) {",
         "auth.session-handling"),
        ("config/application.rb", "config.session_store :cookie_store, expire_after: 2.hours",
         "auth.session-handling"),
        ("src/Web/Program.cs", "    options.ExpireTimeSpan = TimeSpan.FromMinutes(20);",
         "auth.session-handling"),
        ("shop/views.py", "request.session.set_expiry(300)", "auth.session-handling"),
        # a cache entry's expiry
        ("internal/cache/entry.go", "\tif entry.ExpiresAt.Before(now) {", None),
        # certificate checks switched by a setting's name (requests, Elasticsearch, libpq), and
        # the token settings that choose what a JWT is signed with
        ("app/settings.py", "VERIFY_SSL = False", "security.transport"),
        ("app/search.py", "es = Elasticsearch(hosts, verify_certs=False)", "security.transport"),
        ("config/database.yml", "  url: postgres://db/app?sslmode=disable", "security.transport"),
        ("internal/client/config.go", "\tTLSVerify bool `yaml:\"tls_verify\"`", "security.transport"),
        ("app/settings.py", 'JWT_ALGORITHM = "none"', "auth.jwt"),
        ("config/auth.php", "'jwt_secret' => env('JWT_SECRET'),", "auth.jwt"),
        ("app/jobs/report.py", "jwt_count = len(rows)", None),
        ("app/settings.py", 'VERIFY_HOSTNAME_FORMAT = r"^[a-z.]+$"', None),
        # an upsert that settles a race in the database, not a word ending in "on" before "conflict"
        ("internal/store/tokens.go",
         '\tq := "INSERT INTO tokens (id) VALUES ($1) ON CONFLICT DO NOTHING"',
         "transactions.concurrency"),
        ("internal/plugins/load.go", '\treturn fmt.Errorf("extension conflicts with %s", name)',
         None),
        # a Rust RwLock's guard taken for reading or writing
        ("src/rbac/role_manager.rs", "        role1.write().unwrap().add_role(role2);",
         "transactions.concurrency"),
        ("src/rbac/role_manager.rs", '        let roles = self.all_roles.read().expect("poisoned");',
         "transactions.concurrency"),
        ("src/io/copy.rs", "        let n = reader.read(&mut buf).unwrap();", None),
        # SQL's AND binds tighter than OR: alternatives grouped apart from the filters beside
        # them, in a query's text or around a condition built in code
        ("src/main/java/org/shop/repo/ItemRepository.java",
         '        + " WHERE (v.sku = ?1 OR i.sku = ?1) AND i.shop_id = ?2")',
         "permissions.or-grouping"),
        ("internal/store/query.go", "\t\tclause = \"(\" + clause + \")\"", "permissions.or-grouping"),
        ("src/Model/ItemRepository.php", '        $sql .= " AND (" . $where . ")";',
         "permissions.or-grouping"),
        ("shop/reports.py", '    query = f"({where_sql})"', "permissions.or-grouping"),
        # a group without an alternative, a label in parentheses
        ("src/main/java/org/shop/repo/ItemRepository.java",
         '    @Query("SELECT i FROM Item i WHERE (i.shopId = ?1)")', None),
        ("src/ui/label.ts", "const label = \"(\" + name + \")\";", None),
        # a session's lifetime given with its unit; the session id regenerated by a wrapper
        ("app/settings.py", "    login_session_lifetime_seconds: int = 3600",
         "auth.session-handling"),
        ("src/library/Acme/Store.php", "        $this->regenerateId();", "auth.session-handling"),
        ("app/cache.py", "    cache_lifetime_seconds: int = 3600", None),
        ("app/ids.py", "    key = regenerate_identifier(row)", None),
        # a raw command enlisted in EF Core's ambient transaction
        ("src/Data/DbContextCommandExtensions.cs",
         "    command.Transaction = context.Database.CurrentTransaction.GetDbTransaction();",
         "transactions.dotnet-rust-tx"),
        ("src/Ui/Ledger.cs", "    var current = Transactions.Last();", None),
        # whether an order counts as paid: its payment status, a provider's trade status
        ("shop/models/orders.py",
         "        and self.payment_status not in (PaymentStatus.NOT_PAID, PaymentStatus.CANCELED)",
         "billing.payment-status"),
        ("src/main/java/org/shop/AlipayClient.java",
         '    if ("TRADE_SUCCESS".equals(response.getTradeStatus())) {', "billing.payment-status"),
        ("app/devices.py", "    if device.is_paired and job.status == 'done':", None),
        # a price accumulated in place; a counter is not money
        ("system/library/cart/cart.php", "    $option_price += $option_value_query->row['price'];",
         "billing.money-operations"),
        ("app/stats.py", "    visits += 1", None),
        ("app/stats.py", "    remaining = total - feedback_count", None),
        ("app/stats.py", "    pages = total_count - fetched", None),
        ("courses/progress.py", "    remaining = total_credits - earned_credits", None),
        ("app/timesheets.py", "    unpaid = total_hours - hours_paid", None),
        ("templates/orders.html", '<span class="total-fee">{{ fee }}</span>', None),
        # where a Maven, Gradle or NuGet build takes its packages from
        ("pom.xml", "    <pluginRepositories>", "security.dependency-source"),
        ("build.gradle", "    maven { url 'https://repo.example.com/releases' }",
         "security.dependency-source"),
        ("NuGet.Config", "  <packageSources>", "security.dependency-source"),
        ("pom.xml", "    <version>1.4.2</version>", None),
        ("src/main/resources/catalog.xml", "  <repositories>", None),
        # a record's creator compared with the caller, a query's creator set to the caller
        ("server/api/memos.go", "\tif user == nil || memo.CreatorID != user.ID {",
         "permissions.owner-match"),
        ("server/api/memos.go", "\tfind.CreatorID = &currentUser.ID", "permissions.owner-match"),
        ("server/api/memos.go", "\tmemo.CreatorID = creator.ID", None),
        ("server/api/users.go", "\tif u.ID != user.ID {", None),
        # what a user consented to grant an OAuth client; a cookie banner's consent is not that
        ("src/ResponseHandling/InteractionGenerator.cs",
         "    await Consent.UpdateConsentAsync(request.Subject, request.Client, parsedScopes);",
         "auth.oauth-consent"),
        ("src/components/CookieBanner.tsx", "  saveConsent(choice);", None),
        ("app/analytics.py", "    consent_banner_shown = True", None),
        # an IPv4 address written as IPv6 turned back, or checked for, before a range check
        ("pkg/caveats/types/ipaddress.go", "\treturn IPAddress{parsed.Unmap()}, err",
         "security.ssrf-addresses"),
        ("config/initializers/rack_attack.rb", "    if parsed.ipv6? && !parsed.ipv4_mapped?",
         "security.ssrf-addresses"),
        ("internal/storage/mmap.go", "\tdefer region.Unmap()", None),
        # an address checked for the private or loopback ranges (Python's ipaddress, Rust's
        # std::net); a record's column of the same name set or compared with `=` is a flag
        ("app/fetch.py", "    if ip.is_private or ip.is_loopback:", "security.ssrf-addresses"),
        ("app/fetch.py", "    return not address.is_private", "security.ssrf-addresses"),
        ("src/fetch.rs", "    if addr.is_loopback() || addr.is_private() {",
         "security.ssrf-addresses"),
        ("app/models/issue.rb", '      "(#{table_name}.is_private = #{connection.quoted_false})"',
         None),
        ("tracker/queries.py", "    projects = Project.objects.filter(is_private=False)", None),
    ],
)
def test_a_documented_sink_or_safeguard_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found
