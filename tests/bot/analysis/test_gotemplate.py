"""bot.analysis.gotemplate: a Helm template whose actions only gain or lose white-space trim
markers renders the same manifest but for blank lines; a marker that joins two lines, an action
changed, a value stripped outside `nindent` or a line re-indented is a change."""

from __future__ import annotations

import pytest

from bot.analysis.classify import classify
from bot.analysis.diff import parse_diff
from bot.analysis.gotemplate import TEMPLATES, same_render
from policies.model import Policy

_WITH = [
    "  pg_basebackup:",
    "    source: origin",
    "    {{ with .Values.recovery.owner }}",
    "    owner: {{ . }}",
    "    {{- end }}",
    "  {{- with .Values.cluster.resources }}",
    "  resources:",
    "    {{- toYaml . | nindent 4 }}",
    "  {{ end }}",
    "  enablePDB: true",
]


def _trimmed(lines: list[str]) -> list[str]:
    return [line.replace("{{ with", "{{- with").replace("{{ end", "{{- end") for line in lines]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(_WITH, _trimmed(_WITH), id="with-and-end-trimmed"),
        pytest.param(["  labels:", "    {{ toYaml . | nindent 4 }}", "spec:"],
                     ["  labels:", "    {{- toYaml . | nindent 4 }}", "spec:"],
                     id="nindent-trimmed"),
        pytest.param(["spec:", '  {{- include "cluster.image" . | nindent 2 }}', "  a: b"],
                     ["spec:", '  {{- include "cluster.image" . | trim | nindent 2 }}', "  a: b"],
                     id="trim-before-nindent"),
        pytest.param(['    {{- include "store" $d | nindent 2 }}', "{{- end }}"],
                     ['    {{- include "store" $d | trimPrefix "\\n" | nindent 2 }}', "{{- end }}"],
                     id="trim-prefix-newline"),
        pytest.param(["a: 1", "{{ if .x }}", "b: 2", "{{ end -}}", "", "c: 3"],
                     ["a: 1", "{{- if .x }}", "b: 2", "{{- end }}", "", "c: 3"],
                     id="right-trim-moved-left"),
    ],
)
def test_trim_markers_alone_render_the_same(old: list[str], new: list[str]) -> None:
    assert same_render(old, new)


@pytest.mark.parametrize(
    ("old", "new"),
    [
        pytest.param(["metadata:", "  name: {{ .Values.name }}"],
                     ["metadata:", "  name: {{- .Values.name }}"], id="key-joined-to-value"),
        pytest.param(["  labels:", "    {{ toYaml . | indent 4 }}"],
                     ["  labels:", "    {{- toYaml . | indent 4 }}"], id="indent-joined-above"),
        pytest.param(["a: 1", "{{ end }}", "b: 2"], ["a: 1", "{{- end -}}", "b: 2"],
                     id="two-lines-joined"),
        pytest.param(["    {{ with .Values.recovery.owner }}"],
                     ["    {{- with .Values.recovery.database }}"], id="action-changed"),
        pytest.param(["  name: {{ .Values.name }}"], ["  name: {{ .Values.name | trim }}"],
                     id="value-stripped"),
        pytest.param(["  {{ with .Values.x }}", "  a: {{ . }}", "  {{ end }}"],
                     ["  {{- with .Values.x }}", "    a: {{ . }}", "  {{- end }}"],
                     id="re-indented"),
        pytest.param(["  {{- if .Values.tls }}", "  tls: true", "  {{- end }}"],
                     ["  {{- if not .Values.tls }}", "  tls: true", "  {{- end }}"],
                     id="condition-negated"),
    ],
)
def test_a_change_of_what_renders_is_not_trimming(old: list[str], new: list[str]) -> None:
    assert not same_render(old, new)


@pytest.mark.parametrize(
    ("path", "matches"),
    [("charts/web/templates/deployment.yaml", True), ("charts/web/templates/_helpers.tpl", True),
     ("deploy/config.gotmpl", True), ("charts/web/values.yaml", False),
     ("app/templates/index.html", False)],
)
def test_templates_by_path(path: str, matches: bool) -> None:
    assert (TEMPLATES.search(path) is not None) is matches


def _template_diff(old: str, new: str) -> str:
    path = "charts/web/templates/secret.yaml"
    return (
        f"diff --git a/{path} b/{path}\n--- a/{path}\n+++ b/{path}\n@@ -1,4 +1,4 @@\n"
        " data:\n   {{- with .Values.secret }}\n   password: {{ . | b64enc }}\n"
        f"-{old}\n+{new}\n"
    )


def test_a_charts_trimming_is_no_infrastructure_change(policy: Policy) -> None:
    trimmed = classify(parse_diff(_template_diff("  {{ end }}", "  {{- end }}")), policy)
    joined = classify(parse_diff(_template_diff("  {{ end }}", "  {{- end -}}")), policy)
    assert [area.id for area in trimmed.areas] == []
    assert "infrastructure" in [area.id for area in joined.areas]
