"""The real-commit corpus (bench/corpus/*.yml) is well formed: references and labels only, each
label complete and consistent, no repository reserved for independent evaluation, and the folds
by repository stable. The diffs themselves come from local mirrors in `bench/accuracy.py --real`;
this test needs none."""

from __future__ import annotations

import re
from collections import Counter

import pytest
import yaml

from bench.realcorpus import CORPUS_DIR, FOLDS, fold_of, load_labels

AREAS = {"auth", "permissions", "billing", "migrations", "transactions", "security",
         "infrastructure"}
TIERS = {"premium", "long-context", "context-heavy", "everyday"}
STACKS = {"python", "js-ts", "ruby", "go", "rust", "php", "csharp", "java-kotlin", "sql", "infra",
          "ci"}
TRAP_KINDS = {"mechanical", "tests", "contract", "copy", "seed", "docs", "dependency", "removal",
              "hidden"}
KEYS = {"id", "repo", "sha", "stack", "critical", "areas", "mentions", "tier", "files", "lines",
        "trap", "trap_kind", "reason"}
# DEVELOPERS.md: reserved for independent evaluation, never used here
RESERVED = {
    "saleor/saleor", "getlago/lago-api", "supabase/auth", "pennersr/django-allauth",
    "lepture/authlib", "ory/kratos", "netbox-community/netbox", "medusajs/medusa", "lldap/lldap",
    "fastapi/full-stack-fastapi-template", "rubygems/rubygems.org", "solidusio/solidus",
    "lobsters/lobsters", "bookstackapp/bookstack", "firefly-iii/firefly-iii", "bitwarden/server",
    "authelia/authelia", "logto-io/logto", "documenso/documenso", "dani-garcia/vaultwarden",
    "healthchecks/healthchecks", "apache/fineract", "maybe-finance/maybe",
    "pocketbase/pocketbase", "immich-app/immich", "paperless-ngx/paperless-ngx",
    "jellyfin/jellyfin", "zitadel/zitadel", "chatwoot/chatwoot", "invoiceninja/invoiceninja",
}

LABELS = load_labels()


def test_the_corpus_has_the_size_and_mix_it_claims() -> None:
    repos = {label.repo for label in LABELS}
    critical = [label for label in LABELS if label.critical]
    per_area = Counter(area for label in critical for area in label.areas)
    assert len(LABELS) >= 400 and len(repos) >= 30
    assert 0.35 <= len(critical) / len(LABELS) <= 0.5
    assert min(per_area[area] for area in AREAS) >= 25, per_area
    assert sum(label.trap for label in LABELS) >= len(LABELS) / 3
    assert {label.stack for label in LABELS} == STACKS


@pytest.mark.parametrize("path", sorted(CORPUS_DIR.glob("*.yml")), ids=lambda p: p.name)
def test_every_label_is_complete_and_holds_no_code(path) -> None:
    for row in yaml.safe_load(path.read_text(encoding="utf-8")):
        assert set(row) == KEYS, row.get("id")
        assert re.fullmatch(r"[0-9a-f]{40}", row["sha"]), row["id"]
        assert "\n" not in row["reason"] and len(row["reason"]) <= 300, row["id"]


@pytest.mark.parametrize("label", LABELS, ids=lambda label: label.id)
def test_a_label_is_consistent(label) -> None:
    assert label.repo.lower() not in RESERVED
    assert label.stack in STACKS and label.tier in TIERS
    assert label.areas <= AREAS and label.mentions <= AREAS
    assert bool(label.areas) == label.critical
    assert (label.tier == "premium") == label.critical
    assert (label.trap_kind is not None) == label.trap
    assert label.trap_kind is None or label.trap_kind in TRAP_KINDS
    assert label.trap_kind != "hidden" or label.critical
    assert 5 <= label.lines <= 3000 and label.files >= 1


def test_ids_and_commits_are_unique() -> None:
    assert len({label.id for label in LABELS}) == len(LABELS)
    assert len({(label.repo, label.sha) for label in LABELS}) == len(LABELS)


def test_folds_are_by_repository_and_stable() -> None:
    assert fold_of("encode/django-rest-framework") == fold_of("Encode/Django-Rest-Framework")
    assert all(0 <= fold_of(label.repo) < FOLDS for label in LABELS)
    assert len({fold_of(label.repo) for label in LABELS}) == FOLDS
