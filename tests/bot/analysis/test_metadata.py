"""bot.analysis.metadata: a chart's release metadata and a Terraform module's interface are not
evidence; what they deploy still is."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from bot.analysis.classify import classify
from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.metadata import MetadataLines
from policies.model import Policy
from tests.bot._diffs import edit


def areas_of_edit(policy: Policy, path: str, added: Sequence[str], removed: Sequence[str] = ()
                  ) -> dict[str, list[str]]:
    """The areas (with their files) of an edit of `path` that removes and adds these lines."""
    found = classify(parse_diff(edit(path, added, removed)), policy).areas
    return {area.id: area.files for area in found}


def added(path: str, lines: list[str]) -> str:
    """One added file of these lines."""
    body = "".join(f"+{line}\n" for line in lines)
    return (f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..2222222\n"
            f"--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n{body}")


def django_migration(*operations: str) -> list[str]:
    return ["from django.db import migrations, models", "",
            "class Migration(migrations.Migration):",
            "    dependencies = [('authtoken', '0003_tokenproxy')]",
            "    operations = [", *operations, "    ]"]


MIGRATION = "rest_framework/authtoken/migrations/0004_alter_tokenproxy_options.py"
OPTIONS = ("        migrations.AlterModelOptions(name='tokenproxy', "
           "options={'verbose_name': 'Token'}),")


def patch(path: str, *hunks: str) -> str:
    """One modified file whose hunks are written as git shows them (header, context, +/-)."""
    return (f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n"
            f"--- a/{path}\n+++ b/{path}\n" + "".join(hunks))


CHART_VERSION = """\
@@ -3,7 +3,7 @@ appVersion: v3.0.12
 kubeVersion: ">=1.25.0-0"
 description: A Helm chart for Argo CD.
 name: argo-cd
-version: 8.2.2
+version: 8.2.3
 home: https://github.com/argoproj/argo-helm
 icon: https://argo-cd.readthedocs.io/logo.png
 sources:
"""
CHART_CHANGELOG = """\
@@ -26,4 +26,4 @@ annotations:
     url: https://argoproj.github.io/argo-helm/pgp_keys.asc
   artifacthub.io/changes: |
     - kind: changed
-      description: Bump argo-cd to v3.0.11
+      description: Document setting the bcrypt admin password via `helm.values`
"""
CHART_APP_VERSION = """\
@@ -1,5 +1,5 @@
 apiVersion: v2
-appVersion: v3.0.11
+appVersion: v3.0.12
 kubeVersion: ">=1.25.0-0"
 description: A Helm chart for Argo CD.
 name: argo-cd
"""
CHART_DEPENDENCY = """\
@@ -20,3 +20,6 @@ dependencies:
   - name: redis-ha
     version: 4.33.7
     repository: https://dandydeveloper.github.io/charts/
+  - name: postgresql
+    version: 12.1.0
+    repository: https://charts.bitnami.com/bitnami
"""
OUTPUT_ADDED = """\
@@ -10,3 +10,8 @@ output "private_subnets" {
   description = "List of IDs of private subnets"
   value       = aws_subnet.private[*].id
 }
+
+output "private_subnet_objects" {
+  description = "A list of all private subnets, containing the full objects."
+  value       = aws_subnet.private
+}
"""
OUTPUT_SENSITIVE = """\
@@ -20,4 +20,3 @@ output "db_password" {
   description = "The master password"
   value       = aws_db_instance.this.password
-  sensitive   = true
 }
"""
RESOURCE_AFTER_OUTPUT = """\
@@ -10,2 +10,6 @@ output "vpc_id" {
   value = aws_vpc.this.id
 }
+
+resource "aws_eip" "nat" {
+  domain = "vpc"
+}
"""
VARIABLE_DESCRIPTION = """\
@@ -45,4 +45,5 @@ variable "rds_replica_snapshot" {
 variable "rds_replica_multi_az" {
   type        = string
   default     = "false"
+  description = "Run instances in multiple az"
 }
"""
VARIABLE_HEREDOC = """\
@@ -125,7 +125,7 @@ variable "event_patterns" {
     detail      = optional(map(list(string)))
   }))
   description = <<-EOF
-    Map of title => CloudWatch Event patterns to forward. <https://docs.aws.amazon.com/events>
+    Map of title to CloudWatch Event patterns to forward. https://docs.aws.amazon.com/events
     Example:
     ```hcl
     rules = {
"""
VARIABLE_DEFAULT = """\
@@ -45,5 +45,5 @@ variable "rds_replica_snapshot" {
 variable "rds_replica_multi_az" {
   type        = string
-  default     = "false"
+  default     = "true"
   description = "Run instances in multiple az"
 }
"""
PROVIDER_REQUIREMENTS = """\
@@ -4,7 +4,13 @@ terraform {
   required_providers {
     aws = {
       source  = "hashicorp/aws"
-      version = ">= 6.0"
+      version = ">= 6.28"
     }
   }
+
+  provider_meta "aws" {
+    user_agent = [
+      "github.com/terraform-aws-modules/terraform-aws-iam"
+    ]
+  }
 }
"""
BACKEND = """\
@@ -1,6 +1,6 @@
 terraform {
   backend "s3" {
-    bucket = "state-staging"
+    bucket = "state-production"
     key    = "network.tfstate"
   }
 }
"""
BLOCK_NOT_SHOWN = """\
@@ -40,3 +40,3 @@
     cidr_blocks = ["10.0.0.0/16"]
-    from_port   = 443
+    from_port   = 22
     to_port     = 443
"""

WORKFLOW = ".github/workflows/ci.yml"
SETUP_JAVA = "              uses: actions/setup-java@{} # v5\n"
OLD_SHA, NEW_SHA = "03ad4de0992f5dab5e18fcb136590ce7c4a0ac95", "b6effb05e454b25005698d916606bdc6ffcbf961"


def step(old: str, new: str, *more: str) -> str:
    """A workflow's hunk that changes a step's `uses:` line (and any lines after it)."""
    return (f"@@ -21,3 +21,{3 + len(more)} @@ jobs:\n             - name: Set up JDK\n"
            f"-{old}+{new}" + "".join(more) + "               with:\n")

INITIAL = "taiga/projects/issues/migrations/0001_initial.py"


def create_model(*changed: str, closing: tuple[str, ...] = ("             },",)) -> str:
    """A hunk of a `CreateModel` whose multi-line options have these lines changed (and the
    lines that close them)."""
    rows = [*changed, "                 'verbose_name': 'issue',", *closing]
    old = sum(not row.startswith("+") for row in rows)
    new = sum(not row.startswith("-") for row in rows)
    body = "".join(f"{row}\n" for row in rows)
    return (f"@@ -42,{old + 4} +42,{new + 4} @@ class Migration(migrations.Migration):\n"
            "             ],\n"
            "             options={\n"
            "                 'verbose_name_plural': 'issues',\n"
            f"{body}"
            "             bases=(models.Model,),\n")


def one_line_options(old: str, new: str) -> str:
    """A hunk of a migration that adds a field and alters a model's options on one line."""
    return ("@@ -10,4 +10,4 @@ class Migration(migrations.Migration):\n"
            "         migrations.AddField(model_name='issue', name='ref', "
            "field=models.IntegerField()),\n"
            "         migrations.AlterModelOptions(\n"
            f"-            options={{{old}}},\n"
            f"+            options={{{new}}},\n"
            "         ),\n")


@pytest.mark.parametrize(
    ("text", "areas"),
    [
        (patch("charts/argo-cd/Chart.yaml", CHART_VERSION, CHART_CHANGELOG), {}),
        (patch("outputs.tf", OUTPUT_ADDED), {}),
        (patch("rds.tf", VARIABLE_DESCRIPTION), {}),
        (patch("modules/forwarder/variables.tf", VARIABLE_HEREDOC), {}),
        (patch("modules/iam-group/versions.tf", PROVIDER_REQUIREMENTS), {}),
        (patch("charts/argo-cd/Chart.yaml", CHART_APP_VERSION),
         {"infrastructure": ["charts/argo-cd/Chart.yaml"]}),
        (patch("charts/argo-cd/Chart.yaml", CHART_DEPENDENCY),
         {"infrastructure": ["charts/argo-cd/Chart.yaml"]}),
        (patch("outputs.tf", OUTPUT_SENSITIVE),
         {"infrastructure": ["outputs.tf"], "security": ["outputs.tf"]}),
        (patch("main.tf", RESOURCE_AFTER_OUTPUT), {"infrastructure": ["main.tf"]}),
        (patch("rds.tf", VARIABLE_DEFAULT), {"infrastructure": ["rds.tf"]}),
        (patch("backend.tf", BACKEND), {"infrastructure": ["backend.tf"]}),
        # the port a security group rule opens is also the security area's (network-exposure)
        (patch("main.tf", BLOCK_NOT_SHOWN),
         {"infrastructure": ["main.tf"], "security": ["main.tf"]}),
        (added(MIGRATION, django_migration(OPTIONS)), {}),
        (added(MIGRATION, django_migration(
            OPTIONS, "        migrations.AddField(model_name='token', name='scope',",
            "            field=models.CharField(max_length=40)),")),
         {"migrations": [MIGRATION]}),
        (added(MIGRATION, django_migration(
            OPTIONS, "        migrations.RunPython(copy_keys),")), {"migrations": [MIGRATION]}),
        (patch(INITIAL, create_model(
            "-                'permissions': (('view_issue', 'Can view issue'),),")), {}),
        (patch(INITIAL, create_model(
            "-                'permissions': (",
            "-                    ('view_issue', 'Can view issue'),",
            "-                ),",
            "+                'ordering': ['project', '-created_date'],")), {}),
        (patch(INITIAL, one_line_options("'ordering': ['-id'], 'verbose_name': 'issue'",
                                         "'ordering': ['id'], 'verbose_name': 'issue'")), {}),
        (patch(INITIAL, create_model("+                'db_table': 'issues_issue',")),
         {"migrations": [INITIAL]}),
        (patch(INITIAL, create_model("-                'managed': True,",
                                     "+                'managed': False,")),
         {"migrations": [INITIAL]}),
        (patch(INITIAL, create_model(
            "-                'permissions': (('view_issue', 'Can view issue'),),",
            "+                'unique_together': {('project', 'ref')},")),
         {"migrations": [INITIAL]}),
        (patch(INITIAL, create_model(
            "-                'permissions': (('view_issue', 'Can view issue'),),",
            closing=("-            },", "+            },",
                     "+            managers=[('objects', IssueManager())],"))),
         {"migrations": [INITIAL]}),
        (patch(INITIAL, one_line_options("'ordering': ['-id']",
                                         "'ordering': ['-id'], 'unique_together': {('a', 'b')}")),
         {"migrations": [INITIAL]}),
        (patch(INITIAL, "@@ -44,5 +44,4 @@ class Migration(migrations.Migration):\n"
                        "                 'verbose_name_plural': 'issues',\n"
                        "-                'permissions': (('view_issue', 'Can view issue'),),\n"
                        "                 'ordering': ['project', '-created_date'],\n"
                        "             },\n"
                        "             bases=(models.Model,),\n"), {}),
        (patch(INITIAL, "@@ -44,4 +44,3 @@ class Migration(migrations.Migration):\n"
                        "                 'ordering': ['project', '-created_date'],\n"
                        "-                'permissions': (('view_issue', 'Can view issue'),),\n"
                        "             },\n"
                        "             bases=(models.Model,),\n"),
         {"migrations": [INITIAL]}),
        (patch("app/migrations/0007_editors.py",
               "@@ -20,4 +20,3 @@ def create_groups(apps, schema_editor):\n"
               "         'name': 'editors',\n"
               "-        'permissions': ['change_page', 'publish_page'],\n"
               "         'verbose_name': 'Editors',\n"
               "     },\n"),
         {"migrations": ["app/migrations/0007_editors.py"]}),
        (patch(WORKFLOW, step(SETUP_JAVA.format(OLD_SHA), SETUP_JAVA.format(NEW_SHA))), {}),
        (patch(WORKFLOW, step("      - uses: actions/checkout@v4\n",
                              "      - uses: actions/checkout@v4.1.7\n")), {}),
        (patch(WORKFLOW, step("      - uses: actions/checkout@v3\n",
                              "      - uses: actions/checkout@v4.1.7\n")),
         {"infrastructure": [WORKFLOW]}),
        (patch(WORKFLOW, step(SETUP_JAVA.format(OLD_SHA),
                              f"              uses: actions/setup-java@{NEW_SHA} # v6.0.1\n")),
         {"infrastructure": [WORKFLOW], "security": [WORKFLOW]}),
        (patch(".github/actions/setup/action.yml",
               step(SETUP_JAVA.format(OLD_SHA), SETUP_JAVA.format(NEW_SHA))), {}),
        (patch(WORKFLOW, step("      - uses: actions/checkout@v4\n",
                              f"      - uses: actions/checkout@{NEW_SHA} # v4\n")),
         {"infrastructure": [WORKFLOW], "security": [WORKFLOW]}),
        (patch(WORKFLOW, step(SETUP_JAVA.format(OLD_SHA), "              uses: actions/setup-java@v5\n")),
         {"infrastructure": [WORKFLOW], "security": [WORKFLOW]}),
        (patch(WORKFLOW, step("      - uses: actions/checkout@v4\n",
                              "      - uses: actions/checkout@main\n")),
         {"infrastructure": [WORKFLOW]}),
        (patch(WORKFLOW, step(SETUP_JAVA.format(OLD_SHA),
                              f"              uses: someone/setup-java@{NEW_SHA} # v5\n")),
         {"infrastructure": [WORKFLOW], "security": [WORKFLOW]}),
        (patch(WORKFLOW, step(SETUP_JAVA.format(OLD_SHA), SETUP_JAVA.format(NEW_SHA),
                              "+              with: {java-version: 21}\n")),
         {"infrastructure": [WORKFLOW]}),
        (patch(WORKFLOW, step(SETUP_JAVA.format(OLD_SHA), "              run: ./gradlew build\n")),
         {"infrastructure": [WORKFLOW], "security": [WORKFLOW]}),
    ],
    ids=[
        "chart-version-and-changelog",
        "terraform-output-added",
        "terraform-variable-description",
        "terraform-variable-description-heredoc",
        "terraform-provider-requirements",
        "chart-app-version-counts",
        "chart-dependency-counts",
        "terraform-output-made-not-sensitive-counts",
        "terraform-resource-after-an-output-counts",
        "terraform-variable-default-counts",
        "terraform-backend-counts",
        "terraform-block-not-shown-counts",
        "django-migration-of-model-options",
        "django-migration-adding-a-field-counts",
        "django-migration-running-code-counts",
        "django-create-model-permissions-dropped",
        "django-create-model-permissions-over-lines-swapped-for-ordering",
        "django-options-on-one-line-beside-another-operation",
        "django-create-model-db-table-counts",
        "django-create-model-managed-counts",
        "django-create-model-unique-together-counts",
        "django-create-model-managers-after-the-options-count",
        "django-one-line-options-with-a-database-option-count",
        "django-options-opened-above-the-hunk",
        "django-options-above-the-hunk-not-known-as-a-models-count",
        "django-data-migration-dict-counts",
        "workflow-action-moved-to-another-commit",
        "workflow-action-moved-to-another-version-tag",
        "workflow-action-moved-to-another-major-version-counts",
        "workflow-action-pinned-to-a-commit-of-another-major-version-counts",
        "composite-action-moved-to-another-commit",
        "workflow-action-pinned-to-a-commit-counts",
        "workflow-action-unpinned-to-a-tag-counts",
        "workflow-action-moved-to-a-branch-counts",
        "workflow-action-of-another-owner-counts",
        "workflow-action-bumped-with-its-inputs-changed-counts",
        "workflow-action-replaced-by-a-command-counts",
    ],
)
def test_metadata_is_not_evidence_and_what_is_deployed_is(
    text: str, areas: dict[str, list[str]], policy: Policy
) -> None:
    found = classify(parse_diff(text), policy).areas
    assert {area.id: area.files for area in found} == areas


def test_a_changelogs_words_are_not_evidence_and_the_report_says_why(policy: Policy) -> None:
    text = patch("charts/argo-cd/Chart.yaml", CHART_VERSION, CHART_CHANGELOG)
    result = classify(parse_diff(text), policy)
    assert result.metadata_lines == 1  # "the bcrypt admin password"
    assert result.metadata_paths == ["charts/argo-cd/Chart.yaml"]
    assert decide(parse_diff(text), policy).reasons[-1] == (
        "Not counted as evidence (metadata: a Helm chart's version, description and changelog "
        "annotations, a Terraform module's outputs, variable descriptions and provider "
        "requirements, a model's ordering, names and permissions as a Django migration records "
        "them, a workflow's pinned action moved to another version of its major, an API's "
        "OpenAPI annotations and security schemes, a Go field's documentation tags): 1 changed line "
        "naming a sensitive area and the path of "
        "`charts/argo-cd/Chart.yaml`, which only change such metadata."
    )


def test_each_side_of_a_hunk_has_its_own_block() -> None:
    # the old side's lines were an output's, the new side's are a resource's
    text = patch("main.tf", """\
@@ -1,3 +1,3 @@
-output "id" {
-  value = aws_vpc.this.id
+resource "aws_vpc" "this" {
+  cidr_block = var.cidr
 }
""")
    diff = parse_diff(text)
    assert MetadataLines(diff).of(0) == {("old", 1), ("old", 2)}


@pytest.mark.parametrize(
    ("path", "lines", "rules"),
    [
        # an API documented for its generated OpenAPI document: swagger-core's and springdoc's
        # annotations, Swashbuckle's security definitions, swagger-core's scheme built and
        # registered, NestJS's, drf-spectacular's and swagger-php's
        ("src/main/java/shop/api/OrderController.java",
         ['    @Schema(name = "password", requiredMode = Schema.RequiredMode.REQUIRED)'], set()),
        ("src/main/java/shop/api/OrderController.java",
         ['    @Operation(summary = "Rotate", security = @SecurityRequirement(name = "api_key"))'],
         set()),
        ("src/Shop.Api/Swagger/SwaggerSetup.cs",
         ['        options.AddSecurityDefinition("api_key", new OpenApiSecurityScheme', "        {",
          "            Type = SecuritySchemeType.ApiKey,", '            Name = "api_key",',
          "            In = ParameterLocation.Header,", "        });"], set()),
        ("src/main/java/shop/config/OpenApiConfig.java",
         ["        final SecurityScheme apiKey = new SecurityScheme()",
          "                .type(SecurityScheme.Type.APIKEY)", '                .name("X-Api-Key")',
          "                .in(SecurityScheme.In.HEADER);",
          '        openAPI.getComponents().addSecuritySchemes("api_key", apiKey);'], set()),
        ("src/orders/orders.controller.ts", ["  @ApiBearerAuth('access_token')"], set()),
        ("shop/api/views.py",
         ['    @extend_schema(parameters=[OpenApiParameter("api_key", str, OpenApiParameter.HEADER)])'],
         set()),
        ("src/Controller/OrderController.php",
         ["    #[OA\\Parameter(name: 'api_key', in: 'header')]"], set()),
        # look-alikes: a field declared after the annotation, a guard or a role on the next
        # line, the authentication itself, a statement after the scheme's
        ("src/main/java/shop/api/Account.java",
         ['    @Schema(description = "x") private String password;'], {"auth.credentials"}),
        ("src/orders/account.dto.ts", ["  @ApiProperty() password: string;"],
         {"auth.credentials"}),
        ("src/orders/orders.controller.ts",
         ["  @ApiBearerAuth('access_token')", "  @UseGuards(AuthGuard('jwt'))"],
         {"auth.jwt", "permissions.nest-guards"}),
        ("src/Shop.Api/Controllers/OrdersController.cs",
         ["    [ProducesResponseType(403)]", '    [Authorize(Roles = "admin")]'],
         {"permissions.roles"}),
        ("src/Shop.Api/Program.cs",
         ["builder.Services.AddAuthentication().AddJwtBearer(options =>",
          '    options.Authority = "https://id.example.com");'], {"auth.jwt"}),
        ("src/main/java/shop/config/OpenApiConfig.java",
         ["        final SecurityScheme apiKey = new SecurityScheme();",
          "        http.authorizeHttpRequests(a -> a.anyRequest().authenticated());"],
         {"permissions.spring-authz"}),
    ],
    ids=["springdoc-schema", "springdoc-operation", "swashbuckle-definition",
         "swagger-core-scheme", "nest-bearer", "drf-spectacular", "swagger-php",
         "field-after-annotation", "nest-field", "nest-guard", "aspnet-role",
         "aspnet-authentication", "statement-after-scheme"],
)
def test_an_apis_openapi_documentation_in_code_is_metadata(
    policy: Policy, path: str, lines: list[str], rules: set[str]
) -> None:
    result = classify(parse_diff(edit(path, lines)), policy)
    assert {e.rule for area in result.areas for e in area.evidence} == rules


#: made-up Go models: a gorm-mapped order and an xorm-mapped API token
ORDER_TOTAL = '\tTotal int64 `gorm:"not null" json:"total"{}`'
TOKEN_SECRET = '\tSecret string `xorm:"varchar(64) not null" json:"secret"{}`'


@pytest.mark.parametrize(
    ("removed", "added", "rules"),
    [
        # documentation added to, reworded in or dropped from a field's tag, for the OpenAPI or
        # JSON Schema document Huma or swaggo build from the struct
        ([ORDER_TOTAL.format("")], [ORDER_TOTAL.format(' doc:"The order total in cents."')],
         set()),
        ([TOKEN_SECRET.format(' doc:"The secret."')],
         [TOKEN_SECRET.format(' writeOnly:"true" doc:"Signs requests; never returned."')],
         set()),
        ([ORDER_TOTAL.format(' example:"1999"')], [ORDER_TOTAL.format("")], set()),
        (["\tOwner *User `xorm:\"-\" json:\"owner\"` // who made it",
          ORDER_TOTAL.format("")],
         ["\tOwner *User `xorm:\"-\" json:\"owner\" readOnly:\"true\"`",
          ORDER_TOTAL.format(' swaggertype:"integer"')], set()),
        # look-alikes: the column's own tag changed too, the field added, another field's tag
        # changed, the JSON name that hides a secret changed
        ([ORDER_TOTAL.format("")],
         ['\tTotal int64 `gorm:"not null;index" json:"total" doc:"The order total."`'],
         {"migrations.go-orm-tags"}),
        ([], [ORDER_TOTAL.format(' doc:"The order total in cents."')],
         {"migrations.go-orm-tags"}),
        ([ORDER_TOTAL.format("")], ['\tPaid int64 `gorm:"not null" json:"total" doc:"Paid."`'],
         {"migrations.go-orm-tags"}),
        (['\tSecret string `xorm:"varchar(64)" json:"-"`'],
         ['\tSecret string `xorm:"varchar(64)" json:"secret" doc:"The secret."`'],
         {"migrations.go-orm-tags"}),
    ],
    ids=["doc-added", "write-only-and-doc", "example-dropped", "two-fields",
         "column-changed-too", "field-added", "another-field", "json-name-changed"],
)
def test_a_go_fields_documentation_tags_are_metadata(
    policy: Policy, removed: list[str], added: list[str], rules: set[str]
) -> None:
    text = edit("pkg/models/orders.go", added, removed, section="type Order struct {")
    result = classify(parse_diff(text), policy)
    assert {e.rule for area in result.areas for e in area.evidence} == rules


INVOICES = "src/main/java/shop/api/InvoiceResource.java"
TAGS_OLD = ('    public Response getTags(@ApiParam(required=true) @QueryParam("accountId") '
            "final UUID accountId,")
TAGS_NEW = ('    public Response getTags(@Parameter(required = true, description = "The (owning) '
            'account") @QueryParam("accountId") final UUID accountId,')


@pytest.mark.parametrize(
    ("removed", "added", "areas"),
    [
        # a signature whose parameters' OpenAPI annotations move from Swagger 2 to swagger-core's
        # OpenAPI 3, or are dropped; swagger-core's configuration of the document it scans for
        ([TAGS_OLD], [TAGS_NEW], {}),
        (['                            @ApiParam(hidden = true) @HeaderParam("X-Reason") '
          "final String reason,"],
         ['                            @HeaderParam("X-Reason") final String reason,'], {}),
        ([], ["        final SwaggerConfiguration config = new SwaggerConfiguration()",
              '                .resourcePackages(Set.of("shop.api"))',
              "                .prettyPrint(true);"], {}),
        # look-alikes: the parameter's type or binding changed too, a line added, a statement
        # after the configuration
        ([TAGS_OLD], [TAGS_NEW.replace("UUID accountId", "String accountId")],
         {"billing": [INVOICES]}),
        ([TAGS_OLD], [TAGS_NEW.replace("QueryParam", "PathParam")], {"billing": [INVOICES]}),
        ([], [TAGS_NEW], {"billing": [INVOICES]}),
        ([], ["        final SwaggerConfiguration config = new SwaggerConfiguration();",
              "        invoices.refundAll(config);"], {"billing": [INVOICES]}),
    ],
    ids=["parameter-annotation-migrated", "parameter-annotation-dropped", "swagger-configuration",
         "parameter-type-changed", "parameter-binding-changed", "parameter-added",
         "statement-after-configuration"],
)
def test_a_signatures_openapi_parameter_annotations_are_metadata(
    policy: Policy, removed: list[str], added: list[str], areas: dict[str, list[str]]
) -> None:
    assert areas_of_edit(policy, INVOICES, added, removed) == areas


CHARGE = "app/models/billing/stripe/charge.rb"


@pytest.mark.parametrize(
    ("removed", "added", "areas"),
    [
        # a class that runs its lazy load hooks, as Rails' own classes and engines end theirs
        ([], ["ActiveSupport.run_load_hooks :billing_stripe_charge, Billing::Stripe::Charge"], {}),
        ([], ["  ActiveSupport.run_load_hooks(:billing_charge, self)"], {}),
        # look-alikes: a hook's block registered (what it does counts), a statement after the
        # hooks, a line of the class beside them
        ([], ["ActiveSupport.on_load(:billing_charge) { include Refundable }"],
         {"billing": [CHARGE]}),
        ([], ["ActiveSupport.run_load_hooks :billing_charge, Charge; Charge.refund_all!"],
         {"billing": [CHARGE]}),
        ([], ["  has_many :refunds", "ActiveSupport.run_load_hooks :billing_charge, self"],
         {"billing": [CHARGE]}),
    ],
    ids=["hooks-run-with-a-class", "hooks-run-with-self", "hook-registered",
         "statement-after-the-hooks", "line-beside-the-hooks"],
)
def test_a_class_running_its_load_hooks_is_metadata(
    policy: Policy, removed: list[str], added: list[str], areas: dict[str, list[str]]
) -> None:
    assert areas_of_edit(policy, CHARGE, added, removed) == areas


LOGIN = "app/Http/Controllers/Auth/LoginController.php"
OA_POST = ["    /**", "     * Sign a user in.", "     *", "     * @OA\\Post(",
           '     *     path="/api/login",', '     *     security={{"bearerAuth": {}}},',
           '     *     @OA\\Response(response=200, description="Signed in")', "     * )",
           "     */"]


@pytest.mark.parametrize(
    ("added", "areas"),
    [
        # swagger-php's annotations in a docblock, over lines or on one, and Swagger 2's
        (OA_POST, {}),
        (['     * @OA\\Get(path="/api/session", security={{"api_key": {}}})'], {}),
        (['     * @SWG\\Get(path="/api/tokens", security={{"api_key": {}}})'], {}),
        (["use OpenApi\\Annotations as OA;"], {}),
        # look-alikes: a framework's annotation that decides who reaches the route in the same
        # docblock, code after the docblock
        ([*OA_POST[:-1], '     * @IsGranted("ROLE_ADMIN")', "     */"],
         {"auth": [LOGIN], "permissions": [LOGIN]}),
        ([*OA_POST, "    public function __construct()", "    {",
          "        $this->middleware('guest')->except('logout');", "    }"], {"auth": [LOGIN]}),
    ],
    ids=["docblock-over-lines", "docblock-one-line", "swagger-2-docblock", "annotations-imported",
         "access-annotation-beside", "code-after-the-docblock"],
)
def test_swagger_phps_docblock_annotations_are_metadata(
    policy: Policy, added: list[str], areas: dict[str, list[str]]
) -> None:
    assert areas_of_edit(policy, LOGIN, added) == areas


@pytest.mark.parametrize(
    ("path", "removed", "added", "counts"),
    [
        # a build matrix's versions and its exclusions, keyed by the toolchain or database:
        # what the tests run on
        (".github/workflows/test.yml", ['        ruby: ["2.6", "3.3"]'],
         ['        ruby: ["3.1", "3.2", "3.3", "3.4"]'], False),
        (".github/workflows/ci.yml", [],
         ['          - ruby: "ruby-4.0"', '            gemfile: "rails-5.2"'], False),
        (".github/workflows/ci.yml", ['        postgres: ["14.1"]'],
         ['        postgres: ["14.1", "16.2-alpine"]'], False),
        # ... but not what a job runs on or in, what it runs, a flag in its environment, the
        # version a release publishes, nor versions beside any other change
        (".github/workflows/ci.yml", ["    runs-on: ubuntu-22.04"],
         ["    runs-on: ubuntu-24.04"], True),
        (".github/workflows/ci.yml", [], ["      NODE_TLS_REJECT_UNAUTHORIZED: 0"], True),
        (".github/workflows/publish.yml", ['        default: "1.1.1"'],
         ['        default: "1.1.2-dev"'], True),
        (".github/workflows/ci.yml", ['        ruby: ["3.2"]'],
         ['        ruby: ["3.3"]', "    permissions: write-all"], True),
        (".github/workflows/deploy.yml", ["    image: node-18.1"], ["    image: node-20.1"], True),
        # ... nor a version under any other key or in a bare list: the branches that trigger a
        # workflow, a signing tool's release, the Terraform a deploy runs, a TLS floor, a setup
        # step's toolchain
        (".github/workflows/ci.yml", ['      branches: ["1.2.x"]'], ['      branches: ["1.*"]'],
         True),
        (".github/workflows/ci.yml", ["        - 1.2.x"], ["        - 1.x"], True),
        (".github/workflows/release.yml", ["          cosign-release: 'v2.2.4'"],
         ["          cosign-release: 'v1.13.1'"], True),
        (".gitlab-ci.yml", ["  terraform_version: 1.5.7"], ["  terraform_version: 0.11.14"],
         True),
        (".circleci/config.yml", ["      min_tls: 1.2"], ["      min_tls: 1.0"], True),
        (".github/workflows/release.yml", ["          go-version: 1.22.1"],
         ["          go-version: 1.21.0"], True),
        # the same lines outside a CI configuration still count where their path does
        ("deploy/helm/values.yaml", ['  tag: "1.2"'], ['  tag: "1.3"'], True),
    ],
    ids=["matrix-versions", "matrix-exclusions", "matrix-database-versions", "runner",
         "environment-flag", "published-version", "versions-and-permissions", "container-image",
         "trigger-branches", "bare-list-item", "tool-release", "terraform-version", "tls-floor",
         "setup-version", "helm-values"],
)
def test_a_ci_matrix_of_versions_is_metadata(
    policy: Policy, path: str, removed: list[str], added: list[str], counts: bool
) -> None:
    """Which versions of a toolchain a CI configuration builds and tests on is not what the
    pipeline does or may reach: its steps, runners, images, environment and what it publishes
    still count."""
    assert ("infrastructure" in areas_of_edit(policy, path, added, removed)) is counts


def _hunk(path: str, rows: list[str]) -> str:
    """One modified file with one hunk of these rows, each with its marker (' ', '-', '+')."""
    old = sum(row[:1] in (" ", "-") for row in rows)
    new = sum(row[:1] in (" ", "+") for row in rows)
    body = "".join(f"{row}\n" for row in rows)
    return (f"diff --git a/{path} b/{path}\nindex 1111111..2222222 100644\n--- a/{path}\n"
            f"+++ b/{path}\n@@ -1,{old} +1,{new} @@\n{body}")


@pytest.mark.parametrize(
    ("path", "rows", "counts"),
    [
        # the versions listed one an item under the toolchain's key, as Travis CI lists them
        # (`rvm:`, `go:`), and in a matrix
        (".travis.yml", [" language: ruby", " rvm:", "-  - 2.2.9", "-  - 2.3.6", "+  - 2.3",
                         "+  - 2.4", " before_install:"], False),
        (".travis.yml", [" language: go", " go:", '-  - "1.23.x"', '   - "1.24.x"',
                         '+  - "1.25.x"', " script: go test ./..."], False),
        (".github/workflows/test.yml", ["     strategy:", "       matrix:", "         ruby:",
                                        "-          - '3.1'", "           - '3.2'",
                                        "+          - '3.3'"], False),
        # ... but not a list under another key (the branches that trigger a workflow), an item
        # whose key the hunk does not show, nor versions beside a change of what runs
        (".github/workflows/ci.yml", ["   push:", "     branches:", "-      - 1.2.x",
                                      "+      - 1.3.x"], True),
        (".travis.yml", ["   - 2.4", "-  - 2.5", "+  - 2.6"], True),
        (".travis.yml", [" rvm:", "-  - 2.5", "+  - 2.6", "-script: bundle exec rake",
                         "+script: bundle exec rake deploy"], True),
        # ... nor a list under a setup step's key, which is not a matrix's, as on one line
        (".github/workflows/release.yml", ["         go-version:", "-          - 1.22.1",
                                           "+          - 1.21.0"], True),
    ],
    ids=["travis-rvm", "travis-go", "matrix-ruby-list", "trigger-branches-list",
         "key-not-shown", "versions-and-script", "setup-version-list"],
)
def test_a_list_of_a_toolchains_versions_is_metadata(
    policy: Policy, path: str, rows: list[str], counts: bool
) -> None:
    """A CI configuration's list of versions, one an item under the toolchain's key, says which
    toolchains the tests run on, as the same list on one line does; a list the hunk does not
    show the key of, or one under any other key, still counts."""
    found = classify(parse_diff(_hunk(path, rows)), policy).areas
    assert ("infrastructure" in {area.id for area in found}) is counts
