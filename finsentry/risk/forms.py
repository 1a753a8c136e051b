"""The admin form for weights versions: only valid YAML of a new version is saved."""

from __future__ import annotations

from django import forms

from finsentry.risk.errors import WeightsError
from finsentry.risk.models import WeightsVersion
from finsentry.risk.weights import parse_weights


class WeightsVersionForm(forms.ModelForm):
    """Edit a copy of the weights; the version is taken from the YAML itself."""

    class Meta:
        model = WeightsVersion
        fields = ("yaml_text", "note", "active")
        widgets = {
            "yaml_text": forms.Textarea(
                attrs={"rows": 40, "cols": 120, "style": "font-family: monospace"}
            )
        }
        help_texts = {
            "yaml_text": "格式见 docs/risk.md；请修改 version 后保存为新版本。",
            "active": "启用后替换现行权重；保存后运行 finsentry rescore 重新评分。",
        }

    def clean_yaml_text(self) -> str:
        """Return the YAML if it parses, passes the schema and names a new version."""
        text: str = self.cleaned_data["yaml_text"]
        try:
            weights = parse_weights(text, "权重")
        except WeightsError as exc:
            raise forms.ValidationError(exc.message, code=exc.code) from exc
        others = WeightsVersion.objects.filter(version=weights.version)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            message = f"版本 {weights.version} 已存在，请修改 version。"
            raise forms.ValidationError(message, code="version_exists")
        self._version = weights.version
        return text

    def save(self, commit: bool = True) -> WeightsVersion:
        """Return the saved version, its name copied from the YAML."""
        self.instance.version = self._version
        if self.cleaned_data.get("active"):
            active = WeightsVersion.objects.filter(active=True)
            if self.instance.pk:
                active = active.exclude(pk=self.instance.pk)
            active.update(active=False)
        return super().save(commit=commit)
