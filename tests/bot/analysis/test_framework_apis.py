"""The frameworks' own security, authorisation, transaction and schema APIs (issue 9).

Rules fitted to the development commits did not carry over to repositories nobody tuned on;
the names a framework gives its security API do, by construction. Each row is a line written
with a framework's documented API, in a file no path pattern claims, and the rule that must
read it; a row with no rule is a look-alike from another library that must stay silent. Every
named rule is one the policy did not have, or did not match this API with, before.
"""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy
from tests.bot._diffs import edit


def rules_found(path: str, line: str, policy: Policy) -> set[str]:
    result = classify(parse_diff(edit(path, [line], ["x = 1"])), policy)
    return {e.rule for area in result.areas for e in area.evidence}


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # Spring Security: a resource server's JWT decoding, session management
        ("src/main/java/org/shop/web/WebConfig.java",
         "http.oauth2ResourceServer(Customizer.withDefaults());",
         "auth.spring-security"),
        ("src/main/java/org/shop/web/WebConfig.java",
         "        .sessionManagement(s -> s.maximumSessions(1))", "auth.spring-security"),
        # Apache Shiro's realms, Quarkus's and Micronaut's security API
        ("src/main/java/org/shop/web/ShopRealm.java",
         "public class ShopRealm extends AuthorizingRealm {", "auth.jvm-auth"),
        ("src/main/java/org/shop/web/Account.java",
         "subject.login(new UsernamePasswordToken(name, secret));", "auth.jvm-auth"),
        ("src/main/java/org/shop/web/OrderResource.java",
         "    @Inject SecurityIdentity identity;", "auth.jvm-auth"),
        # Shiro's and Jakarta EE's access annotations and role checks
        ("src/main/java/org/shop/web/OrderController.java",
         '@RequiresPermissions("order:refund")', "permissions.jvm-authz"),
        ("src/main/java/org/shop/web/OrderResource.java", "@DenyAll", "permissions.jvm-authz"),
        ("src/main/java/org/shop/web/OrderResource.java",
         'if (ctx.isUserInRole("manager")) {', "permissions.jvm-authz"),
        # Liquibase changelog in YAML
        ("src/main/resources/db/master.yaml", "databaseChangeLog:",
         "migrations.flyway-liquibase"),
        # ASP.NET Core: the cookie and OIDC handlers registered, authorisation handlers
        ("src/Web/Program.cs", "    .AddCookie(options => options.LoginPath = path)",
         "auth.aspnet-identity"),
        ("src/Web/Program.cs",
         "services.AddScheme(CookieAuthenticationDefaults.AuthenticationScheme);",
         "auth.aspnet-identity"),
        ("src/Web/TeamMemberHandler.cs",
         "public class TeamMemberHandler : AuthorizationHandler<TeamRequirement, Team>",
         "permissions.aspnet-authz-handlers"),
        ("src/Web/OrdersController.cs",
         "var result = await _authz.AuthorizeAsync(User, order, Operations.Update);",
         "permissions.aspnet-authz-handlers"),
        # ASP.NET Core antiforgery and CORS; EF Core's model configuration
        ("src/Web/Program.cs", "builder.Services.AddAntiforgery(o => o.HeaderName = name);",
         "security.web-protections"),
        ("src/Web/Program.cs", "app.UseCors();", "security.web-protections"),
        ("src/Data/OrderConfiguration.cs", "builder.HasIndex(o => o.Number).IsUnique();",
         "migrations.ef-migrations"),
        # Go's net/http adds a cookie to a request: not ASP.NET Core's cookie handler
        ("server/client.go", "req.AddCookie(&http.Cookie{Name: name, Value: value})", None),
    ],
)
def test_a_framework_security_api_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found
