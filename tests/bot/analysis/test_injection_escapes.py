"""Escaping for the query languages beside SQL and HTML, in each stack's spelling: an LDAP filter
(RFC 4515: `*`, `(`, `)`, `\\` and NUL in a value change the filter), and a value matched as a
pattern (LIKE's `%` and `_`, a glob's or Redis MATCH's `*` and `?`, a regular expression's
metacharacters), where a user's wildcard matches everyone's rows or keys. Also a setting that
keeps a token in an HttpOnly cookie by its `_HTTPONLY` suffix, a quote doubled by hand (SQL's
own escape inside a quoted identifier or literal), and an identifier quoted by the dialect's own
helper where a statement is built by hand.

Each named row was routine before; a row with no rule is a look-alike that must stay silent.
"""

from __future__ import annotations

import pytest

from policies.model import Policy
from tests.bot.analysis._rules import rules_found

LDAP = "security.ldap-injection"
PATTERN = "security.pattern-escaping"
COOKIE = "security.cookie-flags"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # LDAP: each library's escaper
        ("apps/directory/search.py",
         "        extra += '({}={})'.format(attr, escape_filter_chars(value))", LDAP),
        ("apps/directory/search.py",
         "    query = ldap.filter.filter_format('(uid=%s)', [username])", LDAP),
        ("internal/ldap/search.go",
         '\tfilter := "(uid=" + ldap.EscapeFilter(username) + ")"', LDAP),
        ("src/Auth/LdapProvider.php",
         "        $user = ldap_escape($username, '', LDAP_ESCAPE_FILTER);", LDAP),
        ("src/main/java/org/shop/LdapLookup.java",
         '        String f = "(cn=" + LdapEncoder.filterEncode(name) + ")";', LDAP),
        # ... and a filter built with the value spliced in
        ("apps/directory/search.py",
         "    conn.search(base, '(uid=%s)' % username, attributes=['cn'])", LDAP),
        ("apps/directory/search.py",
         '    conn.search(base, f"(mail={email})")', LDAP),
        ("internal/ldap/search.go",
         '\tfilter := fmt.Sprintf("(&(objectClass=person)(sAMAccountName=%s))", user)', LDAP),
        ("src/main/java/org/shop/LdapLookup.java",
         '        ctx.search(base, "(uid=" + login + ")", controls);', LDAP),
        # look-alikes: a filter with no value in it, a repr, a keyword argument
        ("apps/directory/search.py",
         "    conn.search(base, '(objectClass=person)', attributes=['cn'])", None),
        ("apps/directory/models.py",
         '        return f"Entry(id={self.id})"', None),
        ("apps/directory/views.py",
         "    return render(request, 'entry.html', dict(uid=uid))", None),
        # patterns: LIKE, glob and regular-expression metacharacters escaped
        ("app/Repositories/UserRepository.php",
         "        $term = addcslashes($term, '%_\\\\');", PATTERN),
        ("pkg/keyvalue/redis.go",
         '\tvar globEscaper = strings.NewReplacer("*", "\\\\*", "?", "\\\\?", "[", "\\\\[")',
         PATTERN),
        ("shop/search.py",
         "    term = term.replace('%', '\\\\%').replace('_', '\\\\_')", PATTERN),
        ("pkg/search/match.go", "\tre := regexp.MustCompile(regexp.QuoteMeta(q))", PATTERN),
        ("src/main/java/org/shop/Search.java",
         "        Pattern p = Pattern.compile(Pattern.quote(query));", PATTERN),
        ("src/Search/Matcher.php", "        $re = '/' . preg_quote($q, '/') . '/i';", PATTERN),
        ("src/search/match.ts", "  const re = new RegExp(escapeRegExp(query), 'i');", PATTERN),
        ("lib/search/matcher.rb", "    re = /#{Regexp.quote(query)}/i", PATTERN),
        # look-alikes: a pattern written out, a string replaced by another, a plain LIKE
        ("shop/search.py", "    pattern = re.compile(r'^[a-z]+$')", None),
        ("shop/search.py", "    slug = title.replace('_', '-')", None),
        ("shop/search.py", "    name = name.replace('*', '')", None),
        ("app/models/user.rb", '    where("name LIKE ?", "%#{term}%")', None),
        # cookies: a token kept out of scripts by a setting named for it
        ("dj_rest_auth/jwt_auth.py", "                if api_settings.JWT_AUTH_HTTPONLY:", COOKIE),
        ("config/settings.py", "    \"JWT_AUTH_HTTPONLY\": False,", COOKIE),
        # look-alikes: an HTTP client, an only-HTTP transport flag named otherwise
        ("shop/client.py", "    client = httpx.Client(http2=True)", None),
    ],
)
def test_escape_idioms(
    path: str, line: str, rule: str | None, policy: Policy
) -> None:
    found = rules_found(path, line, policy)
    if rule is None:
        assert not {LDAP, PATTERN, COOKIE} & found, found
    else:
        assert rule in found, found


NAMED = "security.named-escapers"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # an escaper a codebase writes for itself, named for the syntax it escapes
        ("server/plugins/auth/ldap.ts", "\tconst value = escapeLdapFilter(user);", NAMED),
        ("crates/dav/src/responses.rs",
         "    fn write_cdata_escaped_to(&self, out: &mut impl Write) -> fmt::Result {", NAMED),
        ("apisix/init.lua", "    ctx.upstream_uri = core.utils.escape_uri_control_chars(uri)",
         NAMED),
        ("core/Renderer/Export.php", "        $cell = $this->csvEscape($value);", NAMED),
        ("lib/reports/export.rb", "    row.map { |v| formula_escape(v) }", NAMED),
        ("internal/search/query.go", "\tq := escapeSQLLike(term)", NAMED),
        ("src/main/java/org/shop/Feed.java", "        out.append(xmlEscape(title));", NAMED),
        # ... and Go's URL path read escaped, not decoded
        ("controllers/route.go", "\t\tpath := u.EscapedPath()", NAMED),
        # look-alikes: a regex's escaper (another rule's), an escape key's handler, a value
        # unescaped for display, a path read decoded
        ("src/search/match.ts", "  const re = new RegExp(escapeRegexParentheses(q));", None),
        ("src/components/Dialog.ts", "  onEscapeKeyDown(event);", None),
        ("src/ui/shortcuts.ts", "  handleEscape(event);", None),
        ("controllers/route.go", "\t\tpath := u.Path", None),
        ("src/format/text.ts", "  const label = escapedLength(name);", None),
    ],
)
def test_an_escaper_named_for_its_sink_is_evidence(
    path: str, line: str, rule: str | None, policy: Policy
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (NAMED not in found), found


ESCAPING = "security.escaping"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # HTML escaping by the frameworks' own helpers: Yii's Html::encode (and Yii 1's
        # CHtml::encode), WordPress's esc_html, esc_attr and esc_url
        ("protected/modules/market/views/list.php",
         "    <p><?= Html::encode($module['description']); ?></p>", ESCAPING),
        ("protected/views/site/index.php", "<h1><?php echo CHtml::encode($title); ?></h1>",
         ESCAPING),
        ("wp-content/plugins/shop/admin.php",
         "    echo '<td>' . esc_html( $order->note ) . '</td>';", ESCAPING),
        ("wp-content/themes/shop/header.php",
         '<a href="<?php echo esc_url( $link ); ?>">', ESCAPING),
        # look-alikes: JSON and URL encoders, an HTML helper that builds a tag
        ("protected/components/Api.php", "        return Json::encode($data);", None),
        ("protected/views/site/index.php", "<?= Html::a('Home', ['site/index']) ?>", None),
        ("src/lib/format.ts", "  const q = encodeURIComponent(term);", None),
    ],
)
def test_a_framework_html_escaper_is_evidence(
    path: str, line: str, rule: str | None, policy: Policy
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (ESCAPING not in found), found


ESCAPERS = "security.escaper-names"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # an escaper named as a type or a writer
        ("src/response/attachment.rs",
         '    let value = format!("attachment; filename=\\"{}\\"", EscapedQuotedString(name));',
         ESCAPERS),
        ("src/options/connect.rs", '    write!(OptionsWriteEscaped(out), "{k}={v}").ok();', ESCAPERS),
        ("src/main/java/org/shop/Feed.java", "        var escaper = new HeaderParamEscaper();",
         ESCAPERS),
        # ... and a backslash doubled by hand, in each stack's spelling
        ("src/pg/array.ts", "  return `\"${item.replace(/\\\\/g, '\\\\\\\\')}\"`;", ESCAPERS),
        ("internal/quote/quote.go", "\ts = strings.ReplaceAll(s, `\\`, `\\\\`)", ESCAPERS),
        ("shop/export.py", "    value = value.replace('\\\\', '\\\\\\\\')", ESCAPERS),
        # look-alikes: a parser's state, the Escape key, a backslash turned into a slash
        ("src/parser/lexer.ts", "  if (isEscaped) return token;", None),
        ("src/ui/keys.ts", "  if (key === Key.Escape) close();", None),
        ("shop/paths.py", "    path = path.replace('\\\\', '/')", None),
    ],
)
def test_an_escaper_type_and_a_doubled_backslash_are_evidence(
    path: str, line: str, rule: str | None, policy: Policy
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (ESCAPERS not in found), found


QUOTES = "security.quote-doubling"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a quote doubled by hand, SQL's escape inside a quoted identifier or literal, in each
        # stack's spelling
        ("lib/dialect/schema.js",
         "  const list = names.map((n) => `\"${n.replace(/\"/g, '\"\"')}\"`).join(',');", QUOTES),
        ("internal/store/filter.go", "\treturn strings.ReplaceAll(v, \"'\", \"''\")", QUOTES),
        ("shop/db/ddl.py", "        quoted = name.replace('\"', '\"\"')", QUOTES),
        ("shop/db/ddl.py", "        literal = \"'%s'\" % value.replace(\"'\", \"''\")", QUOTES),
        ("src/Db/Quoter.php", "        return \"'\" . str_replace(\"'\", \"''\", $value) . \"'\";", QUOTES),
        ("lib/db/quote.rb", "    \"'#{value.gsub(\"'\", \"''\")}'\"", QUOTES),
        # look-alikes: a quote removed or turned typographic, a dash for an underscore
        ("shop/db/ddl.py", "        name = name.replace('\"', '')", None),
        ("src/lib/text.ts", "  const label = title.replace(/'/g, '\\u2019');", None),
        ("shop/search.py", "    slug = title.replace('_', '-')", None),
    ],
)
def test_a_doubled_quote_is_evidence(
    path: str, line: str, rule: str | None, policy: Policy
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (QUOTES not in found), found


IDENTIFIERS = "security.identifier-quoting"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # an identifier quoted by the dialect's helper where a statement is built by hand, in
        # each stack's spelling
        ("src/Db/Adapter/MysqlAdapter.php",
         "        $this->execute(sprintf('DROP DATABASE IF EXISTS %s', "
         "$this->quoteColumnName($name)));", IDENTIFIERS),
        ("migrate.go",
         '\tquery := fmt.Sprintf("SELECT * FROM %s", '
         "dbMap.Dialect.QuotedTableForQuery(schemaName, tableName))", IDENTIFIERS),
        ("database/pgx/pgx.go",
         '\tquery := "SELECT * FROM " + pq.QuoteIdentifier(p.config.LockTable)', IDENTIFIERS),
        ("app/models/sequence.rb",
         "    sql = \"SELECT currval('#{connection.quote_table_name(name)}')\"", IDENTIFIERS),
        ("lib/store.js",
         "  const sql = `DROP TABLE ${client.escapeIdentifier(table)}`;", IDENTIFIERS),
        ("shop/db/ddl.py",
         '    cur.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(table)))', IDENTIFIERS),
        # look-alikes: a name that says it is quoted, a quote taken from a text, a quoted
        # string in a template, a log's identifier
        ("shop/db/ddl.py", "    quoted_table = settings.TABLE", None),
        ("src/Quotes/QuoteService.php", "        $quote = $this->quoteRepository->find($id);", None),
        ("src/api/quotes.ts", "  const id = getQuoteIdentifier.name;", None),
        ("internal/log/fields.go", "\tfield := log.Identifier(req.ID)", None),
        # ... and the generic names called on nothing: a code printer's, a DOM selector's own
        ("src/printer/names.ts", "  out.push(quoteIdentifier(name));", None),
        ("src/ui/select.js", "  const el = document.querySelector(`#${escapeId(id)}`);", None),
        # ... where called on a platform or a connection, they are the dialect's
        ("src/Schema/Table.php", "        $name = $platform->quoteIdentifier($this->name);",
         IDENTIFIERS),
        ("lib/db.js", "  const sql = `SELECT * FROM ${connection.escapeId(table)}`;", IDENTIFIERS),
        ("query.go", "\t\tb = fmter.AppendIdent(b, f.Column)", IDENTIFIERS),
        ("mail/address.py", "    return self.quote_name(display) + f' <{addr}>'", None),
        ("shop/db/ddl.py", '    cursor.execute("TRUNCATE %s" % connection.ops.quote_name(table))',
         IDENTIFIERS),
        ("lib/store.js", "  const sql = `DROP TABLE ${escapeIdentifier(table)}`;", IDENTIFIERS),
    ],
)
def test_an_identifier_quoted_by_the_dialect_is_evidence(
    path: str, line: str, rule: str | None, policy: Policy
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (IDENTIFIERS not in found), found

