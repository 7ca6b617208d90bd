"""Output printed unescaped by each template engine's own syntax for it, a shell run with a
command line in the spellings the older sink rule misses, and what an upload accepts by
extension or by the upload library's switch for it.

Each named row was routine before; a row with no rule is a look-alike that must stay silent:
the escaped form of the same output, ERB's trimming `<%-`, an include, an argument vector, a
plain comparison.
"""

from __future__ import annotations

import pytest

from policies.model import Policy
from tests.bot.analysis._rules import assert_rule_or_quiet

RAW = "security.raw-output"
TEMPLATES = "security.raw-output-templates"
SHELL = "security.shell-commands"
UPLOAD = "security.upload-types"
RULES = {RAW, TEMPLATES, SHELL, UPLOAD}


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # raw output in any file
        ("templates/profile.mustache", "  <p>{{& bio}}</p>", RAW),
        ("src/main/resources/templates/page.ftl", "  <div>${page.body?no_esc}</div>", RAW),
        ("src/main/resources/templates/page.ftl", "<#noautoesc>", RAW),
        ("Components/Post.razor", "    @((MarkupString)post.Body)", RAW),
        ("src/render.ts", "  .use(remarkRehype, { allowDangerousHtml: true })", RAW),
        ("src/render.ts", "import rehypeRaw from 'rehype-raw';", RAW),
        ("src/render.ts", "const md = markdownit({ html: true, linkify: true });", RAW),
        # look-alikes: the escaped forms, markdown-it's default
        ("templates/profile.mustache", "  <p>{{ bio }}</p>", None),
        ("src/main/resources/templates/page.ftl", "  <div>${page.body}</div>", None),
        ("src/render.ts", "const md = markdownit({ linkify: true });", None),
        ("src/report.ts", "  reporters: [{ html: true }],", None),
        # raw output in the engines' own files
        ("views/profile.ejs", "  <p><%- user.bio %></p>", TEMPLATES),
        ("views/profile.pug", "  p!= user.bio", TEMPLATES),
        ("views/profile.pug", "  p Hello !{user.name}", TEMPLATES),
        ("app/views/users/show.html.haml", "  != @user.bio", TEMPLATES),
        ("app/views/users/show.html.slim", "  == @user.bio", TEMPLATES),
        # look-alikes: EJS's include, the escaped forms, ERB's trimming tag
        ("views/profile.ejs", "  <%- include('header') %>", None),
        ("views/profile.ejs", "  <p><%= user.bio %></p>", None),
        ("views/profile.pug", "  p= user.bio", None),
        ("app/views/users/show.html.haml", "  = @user.bio", None),
        ("app/views/users/show.html.erb", "<%- if @user.admin? -%>", None),
        # shell commands
        ("internal/hooks/run.go", '\tcmd := exec.Command("sh", "-c", hook.Script)', SHELL),
        ("internal/hooks/run.go",
         '\tcmd := exec.CommandContext(ctx, "/bin/bash", "-c", line)', SHELL),
        ("src/hooks.rs", '    let out = Command::new("sh").arg("-c").arg(&script).output()?;',
         SHELL),
        ("src/Backup/Runner.php", "        $out = shell_exec($command);", SHELL),
        ("src/Backup/Runner.php", "        passthru('tar czf ' . $name);", SHELL),
        ("tools/backup.py", "    out = os.popen(cmd).read()", SHELL),
        ("tools/backup.py", "    status, out = subprocess.getstatusoutput(cmd)", SHELL),
        ("lib/backup.rb", '    IO.popen("pg_dump #{db}") { |io| io.read }', SHELL),
        ("lib/backup.rb", "    out, status = Open3.capture2e(cmd)", SHELL),
        ("lib/backup.rb", '    system("convert #{path} out.png")', SHELL),
        ("src/backup.ts", "  execSync(`pg_dump ${database} > ${file}`);", SHELL),
        ("src/Backup/Runner.cs", '            FileName = "/bin/bash",', SHELL),
        # the end of a command's options among its arguments (option injection)
        ("get_git.go", '\targs := []string{"clone", "--", u.String(), dst}', SHELL),
        ("tools/sync.py", '    subprocess.run(["git", "log", "--", path], check=True)', SHELL),
        ("lib/mirror.rb", "    system('git', 'fetch', '--', remote)", SHELL),
        ("src/git.js", "  args.push('--', url);", SHELL),
        ("src/git.rs", '    cmd.arg("--");', SHELL),
        ("tools/sync.py", '    cmd = ["git", "clone"] + opts + ["--"] + [url, dest]', SHELL),
        ("internal/git/clone.go", '\targs = append(args, "--", url)', SHELL),
        ("tools/sync.py", '    cmd += ["--", url]', SHELL),
        ("src/Git.php", "        $args[] = '--';", SHELL),
        ("lib/mirror.rb", '    args << "--" << url', SHELL),
        ("src/git.js", "  const args = [...baseArgs, '--', url];", SHELL),
        ("src/git.rs", '    cmd.args(&["--", url]);', SHELL),
        # ... and git's own spelling of it
        ("get_git.go",
         '\tcmd := exec.CommandContext(ctx, "git", "rev-parse", "--verify", "--end-of-options", ref)',
         SHELL),
        # ... not "--" among placeholders for an empty value, nor a separator line or boundary
        ("etl/read.py", '    df = pd.read_csv(path, na_values=["", "--", "N/A"])', None),
        ("etl/read.py", '    df = pd.read_csv(path, na_values=["none", "--", "n/a"])', None),
        ("src/ui/empty.js", "const EMPTY = ['', '--', 'n/a'];", None),
        ("src/main/java/org/shop/Multipart.java", '        out.append("--").append(boundary);', None),
        ("tools/report.py", '    lines.append("--")', None),
        # look-alikes: a split or a check on "--" (a SQL comment, the end of a CLI's options)
        ("tools/sql.py", '    head, _, comment = line.partition("--")', None),
        ("tools/sql.py", '    if line.startswith("--"):', None),
        ("bin/cli.js", "  const rest = argv.slice(argv.indexOf('--') + 1);", None),
        ("tools/help.py", '    print("put --end-of-options before a ref")', None),
        # look-alikes: an argument vector, a fixed command, a method named exec on a query
        ("internal/hooks/run.go", '\tcmd := exec.Command("git", "log", "--oneline")', None),
        ("lib/backup.rb", '    system("pg_dump", db)', None),
        ("src/backup.ts", "  const rows = await query.exec();", None),
        ("src/Backup/Runner.cs", '            FileName = "report.csv",', None),
        # uploads: extensions allowed, the libraries' switches
        ("app/upload.py", "ALLOWED_EXTENSIONS = {'png', 'jpg', 'pdf'}", UPLOAD),
        ("app/uploaders/avatar_uploader.rb", "  def extension_allowlist", UPLOAD),
        ("app/uploaders/avatar_uploader.rb", "  def content_type_allowlist", UPLOAD),
        ("app/uploaders/image_uploader.rb", "    validate_extension %w[jpg jpeg png]", UPLOAD),
        ("app/models/user.rb",
         '  validates_attachment_content_type :avatar, content_type: /\\Aimage/', UPLOAD),
        ("src/routes/upload.ts",
         "  fileFilter: (req, file, cb) => cb(null, file.mimetype.startsWith('image/')),", UPLOAD),
        ("src/Web/Models/UploadModel.cs", '    [FileExtensions(Extensions = "jpg,png")]',
         UPLOAD),
        ("src/Module/Art/ArtUpload.php",
         "        if (!in_array($extension, ['jpg', 'jpeg', 'png', 'gif'], true)) {", UPLOAD),
        ("src/Upload.php", "        if (in_array($mimeType, $this->allowed, true)) {", UPLOAD),
        ("src/Upload.php", "        if (in_array($extra, $options, true)) {", None),
        ("app/Http/Controllers/AvatarController.php",
         "        if (!in_array($request->file('avatar')->extension(), ['jpg', 'png'])) {", UPLOAD),
        ("src/Upload.php",
         "        if (!in_array(strtolower(pathinfo($name, PATHINFO_EXTENSION)), $allowed)) {",
         UPLOAD),
        ("src/Text.php", "        if (in_array($text, $stopWords, true)) {", None),
        ("upload.php", "if (!in_array($imageFileType, $allowed)) {", UPLOAD),
        ("src/Graph.php", "        if (!in_array($next, $visited, true)) {", None),
        # look-alikes: a file's extension read, a list of extensions a linter walks
        ("app/upload.py", "    ext = os.path.splitext(filename)[1]", None),
        ("tools/lint.py", "SOURCE_SUFFIXES = ('.py', '.pyi')", None),
    ],
)
def test_raw_output_shell_and_upload_idioms(
    path: str, line: str, rule: str | None, policy: Policy
) -> None:
    assert_rule_or_quiet(path, line, rule, RULES, policy)
