"""Packs staff edit in the admin: only valid ones are saved, and they take over."""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from finsentry.rules.engine import detect
from finsentry.rules.forms import RulePackForm
from finsentry.rules.models import RulePack
from finsentry.rules.packs import packaged_pack_texts
from finsentry.rules.services import current_ruleset, forget_ruleset

pytestmark = pytest.mark.django_db

EDITED = """
pack: payment
version: "2027.1"
scope: [any]
rules:
  - id: pay-test-qr
    code: PAY-04
    phrases: [收款二维码代办]
"""


@pytest.fixture(autouse=True)
def fresh_ruleset() -> None:
    forget_ruleset()


def test_form_saves_a_valid_pack_with_name_and_version_from_the_yaml() -> None:
    form = RulePackForm(data={"yaml_text": EDITED, "active": True})
    assert form.is_valid(), form.errors
    pack = form.save()
    assert (pack.name, pack.version, pack.active) == ("payment", "2027.1", True)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("pack: [", "YAML"),
        (EDITED.replace("PAY-04", "PAY-99"), "PAY-99"),
        (
            EDITED.replace("phrases: [收款二维码代办]", "patterns: ['收款(?!码)']"),
            "hyperscan",
        ),
        (EDITED.replace("pay-test-qr", "p2p-fund-pool-word"), "p2p-fund-pool-word"),
    ],
)
def test_form_refuses_invalid_or_uncompilable_yaml(text: str, words: str) -> None:
    form = RulePackForm(data={"yaml_text": text, "active": True})
    assert not form.is_valid()
    assert words in str(form.errors["yaml_text"])


def test_form_refuses_a_second_active_pack_of_one_name() -> None:
    RulePack.objects.create(name="payment", version="1", yaml_text=EDITED, active=True)
    form = RulePackForm(data={"yaml_text": EDITED, "active": True})
    assert not form.is_valid()
    assert "已有启用的版本" in str(form.errors)


def test_an_active_db_pack_replaces_the_packaged_one() -> None:
    text = "个人POS机办理。收款二维码代办。"
    assert {h.rule for h in detect(text, ruleset=current_ruleset())} == {
        "pay-unlicensed-pos"
    }
    RulePack.objects.create(name="payment", version="2027.1", yaml_text=EDITED)
    forget_ruleset()
    hits = detect(text, ruleset=current_ruleset())
    assert [(h.rule, h.rule_version) for h in hits] == [
        ("pay-test-qr", "payment@2027.1")
    ]


def test_inactive_packs_change_nothing() -> None:
    RulePack.objects.create(name="payment", version="2", yaml_text=EDITED, active=False)
    versions = current_ruleset().versions
    assert versions["payment"] != "2"


def test_admin_starts_a_new_pack_from_the_packaged_one_and_shows_errors() -> None:
    admin = User.objects.create_superuser(
        "chief", "chief@example.invalid", "pw-12345678"
    )
    client = Client()
    client.force_login(admin)
    page = client.get("/admin/rules/rulepack/add/?pack=market")
    assert page.status_code == 200
    assert "mkt-yield-above-benchmark" in page.content.decode()

    bad = EDITED.replace("phrases: [收款二维码代办]", "patterns: ['(a)\\1']")
    refused = client.post(
        "/admin/rules/rulepack/add/", {"yaml_text": bad, "active": "on"}
    )
    assert refused.status_code == 200
    assert "hyperscan" in refused.content.decode()
    assert not RulePack.objects.exists()

    saved = client.post(
        "/admin/rules/rulepack/add/", {"yaml_text": EDITED, "active": "on"}
    )
    assert saved.status_code == 302
    stored = RulePack.objects.get()
    assert (stored.name, stored.edited_by) == ("payment", admin)


def test_every_packaged_pack_passes_the_admin_form() -> None:
    for text in packaged_pack_texts().values():
        form = RulePackForm(data={"yaml_text": text, "active": False})
        assert form.is_valid(), form.errors
