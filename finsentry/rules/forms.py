"""The admin form for rule packs: only valid, compilable YAML is saved."""

from __future__ import annotations

from typing import Any

from django import forms

from finsentry.rules.errors import RulePackError
from finsentry.rules.models import RulePack
from finsentry.rules.packs import Pack, merge_packs, packaged_packs, parse_pack
from finsentry.rules.ruleset import compile_packs


class RulePackForm(forms.ModelForm):
    """Edit a pack's YAML; name and version are taken from the YAML itself."""

    class Meta:
        model = RulePack
        fields = ("yaml_text", "active")
        widgets = {
            "yaml_text": forms.Textarea(
                attrs={"rows": 40, "cols": 120, "style": "font-family: monospace"}
            )
        }
        help_texts = {
            "yaml_text": (
                "规则包格式见 docs/rules.md；"
                "保存前校验字段，并用 hyperscan 编译全部模式。"
            ),
            "active": "启用后替换同名的内置规则包；同名只能启用一个。",
        }

    def clean_yaml_text(self) -> str:
        """Return the YAML text if it parses, validates and compiles with the others."""
        text: str = self.cleaned_data["yaml_text"]
        try:
            pack = parse_pack(text, "规则包")
            # Compiled together with every other pack, so that a rule id
            # used elsewhere or a set too large for hyperscan is refused too.
            compile_packs(merge_packs(packaged_packs(), [pack]))
        except RulePackError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        self._pack: Pack = pack
        return text

    def clean(self) -> dict[str, Any]:
        """Return the cleaned data, refusing a second active pack of one name."""
        data = super().clean() or {}
        pack = getattr(self, "_pack", None)
        if pack is not None and data.get("active"):
            others = RulePack.objects.filter(name=pack.name, active=True)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                message = f"规则包 {pack.name} 已有启用的版本，请先停用它。"
                raise forms.ValidationError(message, code="pack_already_active")
        return data

    def save(self, commit: bool = True) -> RulePack:
        """Return the saved pack, its name and version copied from the YAML."""
        pack: Pack = self._pack
        self.instance.name = pack.name
        self.instance.version = pack.version
        return super().save(commit=commit)
