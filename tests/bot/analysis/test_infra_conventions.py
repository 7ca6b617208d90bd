"""Infrastructure by each tool's own conventions: the file names CI services, container
orchestrators, deploy platforms and proxies document for their configuration, and the lines
that declare cloud resources (CloudFormation, CDK, Pulumi) or root on a host in any file.

Found by writing made-up changes to each tool's configuration and running them through
`modeltier scan`: each named row was routine before (or, for an Ansible role, read as
permissions because of its `roles/` folder). A row with no rule is a look-alike that must stay
silent: application code or data whose name or words merely resemble the tool's.
"""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from policies.model import Policy
from tests.bot._diffs import edit
from tests.bot.analysis._rules import rules_found

PATH = "infrastructure.path"
IAC = "infrastructure.iac-resources"
IMAGE = "infrastructure.build-and-publish"
_SETTING = "    timeout_in_minutes: 30"


@pytest.mark.parametrize(
    ("path", "rule"),
    [
        # CI services' pipelines by their documented names
        (".gitlab/ci/deploy.yml", PATH),
        ("ci/release.gitlab-ci.yml", PATH),
        (".gitlab-ci.yaml", PATH),
        ("bitbucket-pipelines.yml", PATH),
        (".drone.yml", PATH),
        (".woodpecker.yml", PATH),
        (".woodpecker/deploy.yaml", PATH),
        (".travis.yml", PATH),
        ("cloudbuild.yaml", PATH),
        ("buildspec-deploy.yml", PATH),
        ("appveyor.yml", PATH),
        ("azure-pipelines-release.yml", PATH),
        (".azure-pipelines/deploy.yml", PATH),
        ("jenkins/Jenkinsfile.deploy", PATH),
        ("ci/release.Jenkinsfile", PATH),
        # containers and clusters: Compose overrides, a Swarm stack, OpenTofu, kube/, Helm and
        # Skaffold
        ("compose.prod.yaml", PATH),
        ("deploy-tools/docker-stack.yml", PATH),
        ("infra/network.tofu", PATH),
        ("kube/web.yaml", PATH),
        ("chart/values-production.yml", PATH),
        ("helmfile.yaml", PATH),
        ("helmfile.d/10-web.yaml", PATH),
        ("skaffold.yaml", PATH),
        # an Ansible role's tasks, Capistrano, serverless, Fly, Railway, Cloudflare Workers
        ("ansible-roles/roles/web/tasks/main.yml", PATH),
        ("roles/db/defaults/main.yml", PATH),
        ("config/deploy.rb", PATH),
        ("serverless.yaml", PATH),
        ("fly.staging.toml", PATH),
        ("railway.toml", PATH),
        ("wrangler.toml", PATH),
        # DigitalOcean App Platform's app spec and deploy template, GoReleaser's release config
        (".do/deploy.template.yaml", PATH),
        (".do/app.yaml", PATH),
        (".goreleaser.yml", PATH),
        (".goreleaser-test.yml", PATH),
        ("cli/.goreleaser.yaml", PATH),
        # proxies: Traefik's static configuration, HAProxy's
        ("traefik.yml", PATH),
        ("lb/haproxy.cfg", PATH),
        # the data stores' own server configuration
        ("redis.conf", PATH),
        ("docker/postgres/pg_hba.conf", PATH),
        ("deploy/mysql/my.cnf", PATH),
        # a container's start script, a cloud machine's first-boot script (EC2 user data,
        # cloud-init), wherever a module keeps them
        ("docker/entrypoint.sh", PATH),
        ("docker-entrypoint.sh", PATH),
        ("modules/web/templates/user-data.sh", PATH),
        ("user_data.sh", PATH),
        ("infra/cloud-init.yaml", PATH),
        # look-alikes: application code and data named like the tools
        ("src/cli/entrypoint.py", None),
        ("scripts/export_user_data.sh", None),
        ("app/services/user_data.py", None),
        ("src/mail/compose.tsx", None),
        ("lib/haproxy_stats.go", None),
        ("app/cache/redis_conf.py", None),
        ("src/db/postgresql_config.ts", None),
        ("src/jenkins/client.ts", None),
        ("app/values/prices.yml", None),
        ("docs/travis.md", None),
        ("src/todo/list.yaml", None),
        ("docs/goreleaser.md", None),
        # look-alikes: a Go program's packages named for the cluster, the chart or Terraform
        # they talk to (a client-go caller, a Helm SDK wrapper)
        ("internal/k8s/main.go", None),
        ("pkg/kube/client.go", None),
        ("server/kubernetes/namespaces.go", None),
        ("util/helm/cmd.go", None),
        ("internal/terraform/state.go", None),
        # beside them, what those folders deploy still counts, and a Go file elsewhere in a
        # deploy folder too
        ("internal/k8s/deployment.yaml", PATH),
        ("deploy/helm/templates/web.yaml", PATH),
        ("infra/terraform/main.tf", PATH),
        ("deploy/k8s/gen.go", PATH),
    ],
)
def test_a_tools_configuration_file_is_infrastructure(
    policy: Policy, path: str, rule: str | None
) -> None:
    found = rules_found(path, _SETTING, policy)
    assert (rule in found) if rule else (found == set()), found


def test_an_ansible_role_is_not_a_permission_role(policy: Policy) -> None:
    """`roles/` names who may do what in an application, and what runs on a host in Ansible;
    the role layout's folders (tasks, handlers, defaults, vars) say which one it is."""
    ansible = classify(parse_diff(edit("roles/web/tasks/main.yml", [_SETTING])), policy)
    app = classify(parse_diff(edit("app/roles/admin.rb", [_SETTING])), policy)
    assert [area.id for area in ansible.areas] == ["infrastructure"]
    assert [area.id for area in app.areas] == ["permissions"]


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # a CloudFormation or SAM resource, in YAML or JSON, in a file of any name
        ("template.yaml", "    Type: AWS::Serverless::Function", IAC),
        ("stacks/storage.yml", "    Type: 'AWS::S3::Bucket'", IAC),
        ("stacks/roles.json", '    "Type": "AWS::IAM::Role",', IAC),
        # an Ansible play or task run as root
        ("site.yml", "  become: true", IAC),
        ("provision.yml", "      become: yes", IAC),
        # a CDK stack and its constructs, a Pulumi resource in TypeScript and Python
        ("lib/web-stack.ts", "export class WebStack extends cdk.Stack {", IAC),
        ("lib/web-stack.ts", "    const queue = new sqs.Queue(this, 'Jobs', {", IAC),
        ("infra/index.ts", 'const cluster = new aws.ecs.Cluster("web");', IAC),
        ("infra/__main__.py", 'bucket = aws.s3.BucketV2("assets")', IAC),
        # a container image built by Maven's docker-maven-plugin or Jib
        ("docker/pom.xml", "  <dockerFileDir>${project.build.directory}/tmp</dockerFileDir>",
         IMAGE),
        ("pom.xml", "        <artifactId>jib-maven-plugin</artifactId>", IMAGE),
        ("build.gradle", "jib {", IMAGE),
        # a release published to a package registry from a release script, a Makefile or the
        # Gradle build (as a workflow publishing it is)
        ("scripts/release", "twine upload dist/*", IMAGE),
        ("Makefile", "\tnpm publish --access public", IMAGE),
        ("scripts/release.sh", "pnpm publish --no-git-checks", IMAGE),
        ("bin/release.sh", "gem push pkg/*.gem", IMAGE),
        # a deployment run from a Makefile or a script; another target is not
        ("Makefile", "\tkubectl apply -f k8s/", IMAGE),
        ("scripts/deploy.sh", "helm upgrade --install web ./chart", IMAGE),
        ("Makefile", "\tpytest -x", None),
        ("scripts/publish.sh", "cargo publish --token \"$CRATES_TOKEN\"", IMAGE),
        ("build.gradle", "apply plugin: 'io.codearte.nexus-staging'", IMAGE),
        ("build.gradle", "nexusStaging {", IMAGE),
        ("scripts/deploy.sh", "mvn -B -DskipTests deploy", IMAGE),
        ("Makefile", "\t./mvnw clean deploy -P release", IMAGE),
        # an IAM policy document kept as a file beside the Terraform that renders it
        ("modules/runners/policies/instance-policy.json",
         '      "Resource": "${arn_ssm_parameters_path}/*",', "infrastructure.iam-policy-documents"),
        ("modules/runners/policies/lambda-scale-up.json", '      "Effect": "Allow",',
         "infrastructure.iam-policy-documents"),
        ("modules/runners/policies/lambda-scale-up.json", '                "ssm:AddTagsToResource"',
         "infrastructure.iam-policy-documents"),
        # an Azure Pipelines step, in a pipeline kept outside the azure-pipelines*.yml name
        (".pipelines/build.yml", "- task: UseDotNet@2", "infrastructure.azure-pipelines-tasks"),
        ("eng/pipelines/release.yaml", "  - task: NuGetCommand@2",
         "infrastructure.azure-pipelines-tasks"),
        # look-alikes: a task list's item, a task named in code, a step with no version
        ("config/todo.yml", "- task: write the release notes", None),
        ("src/jobs.py", '    task = "UseDotNet@2"', None),
        # look-alikes: a translation's words, a script of package.json
        ("locales/en.json", '  "Effect": "Effect",', None),
        ("package.json", '    "lint:fix": "eslint --fix .",', None),
        # look-alikes: a build's other output folders, the words outside a build file
        ("pom.xml", "  <outputDirectory>${project.build.directory}/lib</outputDirectory>",
         None),
        ("src/main/resources/layout.xml", "  <dockerFileDir>tmp</dockerFileDir>", None),
        # look-alikes: how to publish, said in docs; a publishing tool's own code; a script's
        # other steps
        ("docs/releasing.md", "Run `twine upload dist/*` once the tag is pushed.", None),
        ("src/commands/publish.ts", "  await run('npm publish', { cwd });", None),
        ("scripts/release", "twine check dist/*", None),
        ("Makefile", "\tmvn -Dmaven.deploy.skip=true install", None),
        ("package.json", '    "prepublishOnly": "npm run build",', None),
        # look-alikes: an SDK client, a data structure, a call stack
        ("src/storage.ts", "const s3 = new AWS.S3({ region });", None),
        ("src/util/stack.ts", "const pending = new Stack<number>();", None),
        ("app/storage.py", 'client = boto3.client("s3")', None),
        ("src/debug/trace.ts", "export class CallStack extends Array<Frame> {", None),
        # look-alikes: a template's parameter type, become switched off, copy
        ("template.yaml", "    Type: String", None),
        ("site.yml", "  become: false", None),
        ("config/locales/en.yml", "  cta: Become a member", None),
    ],
)
def test_a_resource_or_root_on_a_host_is_infrastructure(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


NET = "security.network-exposure"
CONTAINER = "security.container-hardening"
IAM = "permissions.cloud-iam"
RESOURCE_POLICY = "permissions.cloud-resource-policies"
FETCHED = "security.dependency-integrity"
CI = "security.ci-hardening"
TLS = "security.transport"
AT_REST = "security.encryption-at-rest"


@pytest.mark.parametrize(
    ("path", "line", "rule"),
    [
        # public storage and open networks in Pulumi, CDK, CloudFormation, Google and Azure
        ("infra/index.ts", "const b = new aws.s3.Bucket('b', { acl: 'public-read' });", NET),
        ("infra/__main__.py", "bucket = aws.s3.Bucket('b', acl='public-read')", NET),
        ("lib/storage-stack.ts", "      publicReadAccess: true,", NET),
        ("lib/storage-stack.ts", "      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ACLS,", NET),
        ("lib/network-stack.ts", "    sg.addIngressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(22));", NET),
        ("template.yaml", "        AccessControl: PublicRead", NET),
        ("template.yaml", "        PubliclyAccessible: true", NET),
        ("gcs.tf", '  members = ["allUsers"]', NET),
        ("azure.tf", "  public_network_access_enabled = true", NET),
        ("azure.tf", "  allow_nested_items_to_be_public = true", NET),
        ("k8s/ingress.yaml",
         "    nginx.ingress.kubernetes.io/whitelist-source-range: 10.0.0.0/8", NET),
        ("k8s/service.yaml", "  loadBalancerSourceRanges:", NET),
        # Compose's host namespaces, capabilities, profiles, the Docker socket; a unit's sandbox
        ("docker-compose.yml", "    network_mode: host", CONTAINER),
        ("docker-compose.yml", '    pid: "host"', CONTAINER),
        ("docker-compose.yml", "    cap_add:", CONTAINER),
        ("docker-compose.yml", "      - seccomp:unconfined", CONTAINER),
        ("docker-compose.yml", "      - /var/run/docker.sock:/var/run/docker.sock:ro", CONTAINER),
        ("deploy/app.service", "User=root", CONTAINER),
        ("deploy/app.service", "NoNewPrivileges=yes", CONTAINER),
        ("deploy/app.service", "ProtectSystem=strict", CONTAINER),
        # any action at once, Google's basic roles
        ("iam.json", '      "Action": "*",', IAM),
        ("modules/ci/main.tf", '    actions   = ["*"]', IAM),
        ("lib/app-stack.ts", "      actions: ['*'],", IAM),
        ("project.tf", '  role    = "roles/owner"', IAM),
        # access granted on the resource itself: a Lambda's invoke permission and function URL,
        # a queue's or a bucket's resource policy, an API Gateway method's authorisation
        ("modules/api/main.tf", 'resource "aws_lambda_permission" "gateway" {', RESOURCE_POLICY),
        ("modules/api/main.tf", "  function_url_auth_type = var.url_auth_type", RESOURCE_POLICY),
        ("modules/api/main.tf", '  authorization_type = "NONE"', RESOURCE_POLICY),
        ("modules/api/main.tf", '  authorization = "NONE"', RESOURCE_POLICY),
        ("modules/queue/main.tf", 'resource "aws_sqs_queue_policy" "events" {', RESOURCE_POLICY),
        ("template.yaml", "    Type: AWS::Lambda::Permission", RESOURCE_POLICY),
        # look-alike: the same word in application code
        ("app/services/exports.py", "    authorization_type = request.json['kind']", None),
        # code run as downloaded
        ("Dockerfile", "RUN curl -fsSL https://example.com/install.sh | sh", FETCHED),
        ("scripts/bootstrap.sh", "wget -qO- https://example.com/setup | sudo -E bash", FETCHED),
        ("Dockerfile", "ADD https://example.com/tool.tar.gz /opt/", FETCHED),
        # ... and a download checked against its pinned digest or signature before use
        (".github/workflows/e2e.yaml",
         '          echo "$SOPS_CHECKSUM  $HOME/.local/bin/sops" | sha256sum -c -', FETCHED),
        ("scripts/install.sh", "shasum -a 256 --check tool.tar.gz.sha256", FETCHED),
        ("scripts/install.sh", "gpg --batch --verify tool.tar.gz.asc tool.tar.gz", FETCHED),
        ("scripts/install.sh", "cosign verify-blob --key cosign.pub tool.tar.gz", FETCHED),
        # ... and the package managers' guards against a compromised release: install scripts
        # not run, versions younger than a cooling-off period refused
        (".npmrc", "min-release-age=7", FETCHED),
        ("web/.npmrc", "ignore-scripts=true", FETCHED),
        ("pnpm-workspace.yaml", "minimumReleaseAge: 1440", FETCHED),
        (".yarnrc.yml", "npmMinimalAgeGate: 3d", FETCHED),
        (".github/workflows/ci.yml", "      - run: npm ci --ignore-scripts", FETCHED),
        # a called workflow given every secret, a self-hosted runner, workflow_run's head
        (".github/workflows/release.yml", "    secrets: inherit", CI),
        (".github/workflows/ci.yml", "    runs-on: [self-hosted, linux]", CI),
        (".github/workflows/preview.yml",
         "          ref: ${{ github.event.workflow_run.head_sha }}", CI),
        # GitLab's protected branches and masked variables, Ansible's no_log
        (".gitlab/ci/deploy.yml", '    - if: $CI_COMMIT_REF_PROTECTED == "true"', CI),
        ("gitlab.tf", "  masked    = false", CI),
        ("roles/db/tasks/main.yml", "  no_log: false", CI),
        # HTTPS enforced or not: Fly, Flask-Talisman, Azure's App Service and databases
        ("fly.toml", "  force_https = false", TLS),
        ("app/__init__.py", "talisman = Talisman(app, force_https=False)", TLS),
        ("app.tf", "  https_only = false", TLS),
        ("db.tf", "  ssl_enforcement_enabled = false", TLS),
        # storage encrypted at rest as Terraform, CloudFormation and CDK declare it
        ("rds.tf", "  storage_encrypted = false", AT_REST),
        ("ebs.tf", "    encrypted   = true", AT_REST),
        ("s3.tf", 'resource "aws_s3_bucket_server_side_encryption_configuration" "b" {', AT_REST),
        ("sqs.tf", "  kms_master_key_id = var.kms_key", AT_REST),
        ("template.yaml", "      StorageEncrypted: true", AT_REST),
        ("lib/db-stack.ts", "      storageEncrypted: false,", AT_REST),
        # a port published on every interface, a chart's network policy, Traefik's open API
        ("docker-compose.yml", '      - "0.0.0.0:5432:5432"', NET),
        # the ports a security group rule opens
        ("modules/sg/main.tf", "    from_port   = 22", NET),
        ("modules/sg/rules.tf", '    loki-grafana-grpc = [9095, 9095, "tcp", "Grafana Loki GRPC"]', NET),
        ("app/net/forward.py", "    from_port = args.port", None),
        ("charts/web/values.yaml", "networkPolicy:", NET),
        ("compose.yaml", '      - "--api.insecure=true"', "security.debug-mode"),
        # look-alikes: the same words in application code
        ("app/models/note.rb", "  encrypts :body", "security.encryption"),
        ("app/serializers/file.py", "    encrypted_name = serializers.CharField()", None),
        ("src/api/ports.ts", "const host = '0.0.0.0';", None),
        ("scripts/fetch.sh", "curl -fsSL https://example.com/data.json | jq .name", None),
        ("scripts/release.sh", "sha256sum dist/*.tar.gz > dist/SHA256SUMS", None),
        ("src/net/peers.ts", "const peer = Peer.create(config);", None),
        ("src/ui/menu.ts", "const actions = ['open', 'close'];", None),
        ("config/app.yml", "  network_mode: bridge", None),
        ("src/ci/labels.ts", "const runner = 'self-hosted';", None),
        ("app/settings.py", "ADMIN_USER = 'root'", None),
        ("src/team.ts", "const members = [owner];", None),
        ("src/ui/input.ts", "    maskedValue: true,", None),
        ("app/logging.py", "    log_level = 'info'", None),
        (".npmrc", "save-exact=true", None),
        ("src/releases.ts", "const minReleaseAge = 7;", None),
        (".npmrc", "ignore-scripts=false", None),
    ],
)
def test_an_infrastructure_security_idiom_is_evidence(
    policy: Policy, path: str, line: str, rule: str | None
) -> None:
    found = rules_found(path, line, policy)
    assert (rule in found) if rule else (found == set()), found


@pytest.mark.parametrize(
    ("path", "line"),
    [
        ("modules/api/main.tf", 'resource "aws_lambda_function" "gateway" {'),
        ("modules/queue/main.tf", 'resource "aws_sqs_queue" "events" {'),
        ("modules/api/main.tf", '  auth_type = "basic"'),
        ("modules/api/variables.tf", '  description = "Whether the authorization is NONE"'),
    ],
)
def test_a_resource_that_grants_nothing_is_no_resource_policy(
    policy: Policy, path: str, line: str
) -> None:
    # infrastructure still, but no access granted on the resource
    found = rules_found(path, line, policy)
    assert RESOURCE_POLICY not in found, found
    assert not any(rule.startswith("permissions.") for rule in found), found
