"""Evidence that lives only in code the browser runs (`Policy.client_side`): for an area the
server enforces (`Area.enforced_by_server`: sign-in, permissions, billing), a component or a
front-end module can show or hide a button, a price or a page, but not decide who may do it or
what it costs, so alone it counts one risk lower. Server-rendered templates, server components,
API routes and security evidence in the browser keep their weight."""

from __future__ import annotations

import pytest

from bot.analysis.decide import decide
from bot.analysis.diff import parse_diff
from bot.analysis.models import Decision, PullRequestInfo
from policies.loader import default_policy
from policies.model import Risk
from tests.bot._diffs import edit

#: a list filtered by a permission check, and an admin flag deciding what is shown
_PERMISSION = ["  const plans = all.filter((plan) => hasPermission(user, 'space|update'));"]
_ADMIN = ["    if (item.teamIdList && user && !(allowAllForAdmin && user.isAdmin())) {"]


def _decide(text: str) -> Decision:
    return decide(parse_diff(text), default_policy(), PullRequestInfo())


def _risks(decision: Decision) -> dict[str, Risk]:
    return {area.id: area.risk for area in decision.areas}


@pytest.mark.parametrize(
    "text",
    [
        edit("apps/web/src/features/billing/PlanList.tsx", _PERMISSION),
        edit("frontend/src/billing/plans.ts", _PERMISSION),
        edit("client/src/utils.ts", _ADMIN),
        edit("app/javascript/controllers/plans_controller.js", _PERMISSION),
        edit("src/Web/ClientApp/src/app/plans/plans.component.ts", _PERMISSION),
        edit("portal/src/main/resources/static/scripts/controller/PlanController.js",
             _PERMISSION),
        edit("client/frontend/src/components/server/Tokens.vue", _PERMISSION),
        edit("web/src/routes/api/keys/KeyList.svelte", _PERMISSION),
    ],
    ids=["react-component", "frontend-folder", "client-folder", "rails-app-javascript",
         "aspnet-clientapp", "spring-boot-static", "vue-component-in-a-server-folder",
         "svelte-component-in-an-api-folder"],
)
def test_permission_evidence_only_in_browser_code_is_not_critical(text: str) -> None:
    decision = _decide(text)
    assert decision.risk != Risk.CRITICAL
    (area,) = [a for a in decision.areas if a.id == "permissions"]
    assert area.risk == Risk.ELEVATED
    assert area.weak_evidence is not None and "client-side files" in area.weak_evidence


@pytest.mark.parametrize(
    "path",
    [
        "apps/web/src/pages/api/billing/plans.ts",
        "frontend/pages/api/plans.ts",
        "apps/web/src/app/billing/page.tsx",
        "app/routes/billing.tsx",
        "frontend/src/routes/billing/+page.server.ts",
        "frontend/server/plans.ts",
        "frontend/server/api/plans.vue.ts",
        "apps/api/src/billing/plans.ts",
        "resources/views/billing/index.blade.php",
        "frontend/billing/views.py",
        "pkg/client/plans.go",
        "portal/src/main/java/com/example/portal/PlanService.java",
        "portal/src/main/resources/templates/plans.html",
    ],
    ids=["next-api-route", "api-route-in-frontend", "next-server-component", "remix-route",
         "sveltekit-server-load", "frontend-server-folder", "nuxt-server-module-named-vue",
         "backend", "server-template",
         "python-package-named-frontend", "go-client-package", "spring-backend",
         "spring-thymeleaf-template"],
)
def test_the_same_check_where_the_server_runs_it_stays_critical(path: str) -> None:
    decision = _decide(edit(path, _PERMISSION))
    assert decision.risk == Risk.CRITICAL
    assert _risks(decision)["permissions"] == Risk.CRITICAL


def test_browser_evidence_counts_when_the_server_side_changes_too() -> None:
    text = (edit("frontend/src/billing/PlanList.tsx", _PERMISSION)
            + edit("apps/api/src/billing/plans.ts", _PERMISSION))
    assert _risks(_decide(text))["permissions"] == Risk.CRITICAL


def test_browser_evidence_is_named_when_another_area_makes_the_change_critical() -> None:
    text = (edit("frontend/src/billing/PlanList.tsx", _PERMISSION)
            + edit("db/migrate/20240101_add_plans.rb", ["    create_table :plans do |t|"]))
    decision = _decide(text)
    assert decision.risk == Risk.CRITICAL
    (area,) = [a for a in decision.areas if a.id == "permissions"]
    assert area.risk == Risk.CRITICAL
    assert area.weak_evidence is not None and "anyway: counted" in area.weak_evidence


def test_security_evidence_in_a_component_stays_critical() -> None:
    decision = _decide(edit("frontend/src/Comment.tsx",
                            ["  return <div dangerouslySetInnerHTML={{ __html: comment.body }} />;"]))
    assert decision.risk == Risk.CRITICAL
    assert _risks(decision)["security"] == Risk.CRITICAL


#: a server-rendered page's condition around the way to an action: the endpoint checks again
_ACTION_GATES = [
    ("resources/views/subscribers/index.blade.php", [
        "    @if($currentUser->isAdmin)",
        "    <a class=\"btn\" href=\"{{ route('dashboard.subscribers.create') }}\">",
        "        {{ trans('dashboard.subscribers.add.title') }}",
        "    </a>",
        "    @endif",
    ]),
    ("app/views/posts/show.html.erb", [
        "<% if can?(:update, @post) %>",
        "  <%= link_to t('.edit'), edit_post_path(@post), class: 'btn' %>",
        "<% end %>",
    ]),
    ("bookmarks/templates/bookmarks/tag_section.html", [
        "{% if user.is_authenticated %}",
        "  <a href=\"{% url 'bookmarks:tags.index' %}\" class=\"menu-link\">Manage tags</a>",
        "{% endif %}",
    ]),
    ("Areas/Manager/Views/Role/List.cshtml", [
        "@if ((await Auth.AuthorizeAsync(User, Permissions.RolesDelete)).Succeeded)",
        "{",
        "    <form method=\"post\" action=\"~/manager/role/delete\">",
        "        <input type=\"hidden\" name=\"id\" value=\"@role.Id\">",
        "        <button class=\"danger\">Delete</button>",
        "    </form>",
        "}",
    ]),
]


@pytest.mark.parametrize(("path", "added"), _ACTION_GATES,
                         ids=["blade-admin-button", "erb-can-edit-link", "django-signed-in-menu",
                              "razor-authorized-delete-form"])
def test_a_template_condition_around_an_actions_link_is_not_critical(
    path: str, added: list[str]
) -> None:
    decision = _decide(edit(path, added))
    assert decision.risk != Risk.CRITICAL
    assert all(area.risk != Risk.CRITICAL for area in decision.areas)
    assert any(area.weak_evidence and "template conditions" in area.weak_evidence
               for area in decision.areas)


@pytest.mark.parametrize(
    ("path", "added"),
    [
        # the condition decides who reads the page's data
        ("resources/views/invoices/show.blade.php", [
            "    @if($currentUser->isAdmin)",
            "    <p>{{ $invoice->internal_notes }}</p>",
            "    <a href=\"{{ route('invoices.edit', $invoice) }}\">Edit</a>",
            "    @endif",
        ]),
        ("notes/templates/notes/list.html", [
            "{% if user.is_authenticated %}",
            "  <a href=\"{% url 'notes:edit' note.pk %}\">{{ note.body }}</a>",
            "{% endif %}",
        ]),
        # no link, button or form in what it shows
        ("app/views/reports/index.html.erb", [
            "<% if can?(:read, Report) %>",
            "  <%= render 'reports/table', reports: @reports %>",
            "<% end %>",
        ]),
        # where the condition ends is not shown, nor what it holds after the first lines
        ("resources/views/users/index.blade.php", [
            "    @if($currentUser->isAdmin)",
            "    <div class=\"admin-tools\">",
        ]),
    ],
    ids=["blade-data-beside-a-link", "django-data-in-a-link", "erb-no-action",
         "blade-end-not-shown"],
)
def test_a_template_condition_around_data_stays_critical(path: str, added: list[str]) -> None:
    assert _decide(edit(path, added)).risk == Risk.CRITICAL
