"""The sinks and safeguards each stack names in its documentation: HTML sanitisers and output
encoders, and the switches that print raw markup.

Missed critical changes in repositories nobody tuned on often use a framework's API that no
content rule knew; a rule written from the API's documented names carries over to every codebase
of that stack. Each row is a line written with such an API and the rule that must read it; a row
with no rule is routine code that must stay silent (a look-alike, or a comment naming the API).
"""

from __future__ import annotations

import pytest

from policies.model import Policy
from tests.bot.analysis.test_framework_apis import rules_found


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
        # a comment naming the sanitiser, a chemistry module's ammonia, another package's
        # templates: none is a sanitiser called
        ("app/models/comment.rb", "  # bodies are sanitized by Loofah when they are rendered", None),
        ("lab/compounds.py", 'nh3 = Compound("NH3", molar_mass=17.031)', None),
        ("internal/render/page.go", '\t"github.com/acme/site/text/templates"', None),
    ],
)
def test_a_documented_sink_or_safeguard_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found
