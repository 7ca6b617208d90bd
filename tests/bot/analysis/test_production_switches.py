"""The settings a deployment reads that switch a protection off: debug mode, CORS for any
origin with credentials, the hosts a server answers for, HTTPS.

Each is one line in a settings file and says nothing about authentication in its words, so
only a rule that knows the framework's name for the switch sees it. The same line in a
development or test environment's settings, which no deployment reads, is routine, as is a
hardening nicety taken out (Express's `x-powered-by` header).
"""

from __future__ import annotations

import pytest

from policies.model import Policy
from tests.bot.analysis._rules import rules_found


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # debug mode: Django's DEBUG (in the settings, a package of them, the production ones),
        # Laravel's 'debug', Werkzeug's debugger, ASP.NET's exception page, PHP's errors shown,
        # Spring Boot's actuator over the web
        ("shop/settings.py", "DEBUG = True", "security.debug-settings"),
        ("shop/settings/base.py", "DEBUG = env.bool('DEBUG', default=True)",
         "security.debug-settings"),
        ("config/app.php", "    'debug' => true,", "security.debug-settings"),
        ("app/__init__.py", "    app.run(host='0.0.0.0', debug=True)", "security.debug-mode"),
        ("src/Web/Program.cs", "app.UseDeveloperExceptionPage();", "security.debug-mode"),
        ("public/index.php", "ini_set('display_errors', '1');", "security.debug-mode"),
        ("src/main/resources/application.properties",
         "management.endpoints.web.exposure.include=*", "security.debug-mode"),
        ("src/main/resources/application.yml", "        include: '*'", "security.debug-settings"),
        # Spring Boot's H2 console, Blazor's detailed errors, EF Core's sensitive data logging,
        # a GraphQL server's introspection
        ("src/main/resources/application.properties", "spring.h2.console.enabled=true",
         "security.debug-mode"),
        ("src/Web/appsettings.json", '  "DetailedErrors": true,', "security.debug-mode"),
        ("src/Data/ShopContext.cs", "    options.EnableSensitiveDataLogging();",
         "security.debug-mode"),
        ("src/server.ts", "  introspection: true,", "security.debug-mode"),
        # CORS for any origin, with credentials (django-cors-headers, FastAPI/Starlette,
        # Flask-CORS, ASP.NET Core)
        ("shop/settings.py", "CORS_ALLOW_ALL_ORIGINS = True", "security.web-protections"),
        ("shop/settings.py", "CORS_ALLOW_CREDENTIALS = True", "security.web-protections"),
        ("app/main.py", "    allow_credentials=True,", "security.web-protections"),
        ("app/__init__.py", "CORS(app, supports_credentials=True)", "security.web-protections"),
        ("src/Web/Program.cs", "    policy.AllowAnyOrigin().AllowAnyHeader();",
         "security.web-protections"),
        # the hosts a server answers for: Rails' host authorization, ASP.NET's host filtering
        ("config/application.rb", "    config.hosts.clear", "security.ssrf-redirect-traversal"),
        ("src/Web/appsettings.json", '  "AllowedHosts": "*",', "security.ssrf-redirect-traversal"),
        # HTTPS in a deployed environment's settings
        ("config/environments/staging.rb", "  config.force_ssl = false", "security.transport"),
        ("src/main/resources/application.properties", "server.ssl.enabled=false",
         "security.transport"),
        # ... and a setting named for SSL or TLS given its value, wherever it is spelt
        ("deploy/prod/main.tf", '    SHOP_POSTGRES_SSL            = "false"', "security.transport"),
        ("config/pooler.yaml", "    server_tls: false", "security.transport"),
        (".env", "MAILER_SMTP_TLS=true", "security.transport"),
        # look-alikes: the development and test environments' own settings, a variable named
        # debug, a debug log level, a hardening header taken out
        ("shop/settings/dev.py", "DEBUG = True", None),
        ("shop/settings/local.py", "DEBUG = True", None),
        ("config/environments/development.rb", "  config.force_ssl = false", None),
        ("config/environments/test.rb", "  config.ssl_options = { hsts: false }", None),
        ("src/Web/appsettings.Development.json", '  "RequireHttps": false,', None),
        ("shop/logging.py", "debug = True", None),
        ("shop/settings.py", 'LOG_LEVEL = "DEBUG"', None),
        ("src/server.ts", "app.disable('x-powered-by');", None),
        ("src/main/resources/application.properties", "server.port=8443", None),
        ("config/pooler.yaml", "    server_tls_port: 8443", None),
        ("shop/settings/dev.py", 'SHOP_POSTGRES_SSL = "false"', None),
        ("src/schema/docs.ts", "const title = 'Schema introspection';", None),
    ],
)
def test_a_protection_switched_off_where_it_is_deployed_is_security(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


@pytest.mark.parametrize(
    ("path", "line", "evidence"),
    [
        # the development and test environments' own configuration, by each framework's name
        # for it: Symfony's (config_dev.yml, config/packages/dev/, .env.dev, .env.test), a dev
        # server's dotenv mode (Vite, Create React App), Laravel's .env.testing, the testing
        # environment's folder of Laravel 4, October CMS and Winter CMS
        ("app/config/config_dev.yml", "        remember_me:", False),
        ("config/packages/dev/security.yaml", "        remember_me:", False),
        ("config/packages/test/security.yaml", "        remember_me:", False),
        (".env.dev", "REMEMBER_ME_COOKIE_NAME=REMEMBERME", False),
        (".env.test", "APP_SECRET=not-a-secret", False),
        ("frontend/.env.development", "VITE_API_KEY=dev-key", False),
        (".env.testing", "STRIPE_SECRET=sk_test_123", False),
        ("config/testing/cms.php", "    'enableCsrfProtection' => false,", False),
        ("app/config/testing/session.php", "    'secure' => false,", False),
        # look-alikes: what a deployment reads
        ("app/config/config.yml", "        remember_me:", True),
        ("config/packages/security.yaml", "        remember_me:", True),
        (".env", "APP_SECRET=not-a-secret", True),
        ("config/cms.php", "    'enableCsrfProtection' => false,", True),
        ("app/config/session.php", "    'secure' => false,", True),
        ("frontend/.env.production", "VITE_API_KEY=prod-key", True),
    ],
)
def test_a_development_or_test_environments_own_configuration_is_no_evidence(
    policy: Policy, path: str, line: str, evidence: bool
) -> None:
    assert bool(rules_found(path, line, policy)) is evidence
