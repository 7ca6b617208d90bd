"""bot.analysis.affordance: a template's condition around the way to an action (a link, a
button, a form) shows or hides it; one around what the page prints decides who reads it."""

from __future__ import annotations

import pytest

from bot.analysis.affordance import ActionGates
from bot.analysis.diff import parse_diff
from tests.bot._diffs import edit


@pytest.mark.parametrize(
    ("path", "added", "gate"),
    [
        ("resources/views/users/index.blade.php",
         ["@can('delete', $user)", "<form method=\"POST\" action=\"{{ route('users.destroy', "
          "$user) }}\">", "    @csrf", "    <button>{{ __('Delete') }}</button>", "</form>",
          "@endcan"], True),
        ("app/views/posts/_actions.html.erb",
         ["<% if policy(@post).update? %>", "  <a href=\"<%= edit_post_path(@post) %>\">Edit</a>",
          "<% else %>", "  <p>Ask an editor to change this post.</p>", "<% end %>"], True),
        ("templates/nav.html",
         ["{% if request.user.is_staff %}", "  <a href=\"/admin/\">{% trans 'Admin' %}</a>",
          "{% endif %}"], True),
        # what the page prints of its data, outside an attribute
        ("resources/views/users/index.blade.php",
         ["@can('view', $user)", "<a href=\"{{ route('users.show', $user) }}\">{{ $user->email }}"
          "</a>", "@endcan"], False),
        ("Views/Role/List.cshtml",
         ["@if (User.IsInRole(\"Admin\"))", "{", "    <a href=\"/roles/@role.Id\">@role.Name</a>",
          "}"], False),
        # a script it runs
        ("templates/base.html",
         ["{% if user.is_superuser %}", "<script src=\"/static/admin.js\"></script>",
          "<a href=\"/admin/\">Admin</a>", "{% endif %}"], False),
        # not a template: a condition in code decides
        ("app/controllers/posts_controller.rb",
         ["<% if can?(:update, @post) %>", "<a href=\"/posts/1/edit\">Edit</a>", "<% end %>"],
         False),
    ],
    ids=["blade-can-delete-form", "erb-policy-link-and-copy", "django-staff-link",
         "blade-data-in-the-link", "razor-data-printed", "script-beside-the-link",
         "not-a-template"],
)
def test_conditions_that_only_show_an_action(path: str, added: list[str], gate: bool) -> None:
    gates = ActionGates(parse_diff(edit(path, added)))
    assert ((path, "new", 10) in gates) is gate
