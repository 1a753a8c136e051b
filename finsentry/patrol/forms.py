"""Forms of the patrol pages: site filters, adding sites, overrides, manual links."""

from __future__ import annotations

from django import forms

from finsentry.patrol.browse import SiteFilters
from finsentry.patrol.models import Site

# An uploaded list is read whole; a province's list of sites is a few MB at most.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class SiteFilterForm(forms.Form):
    q = forms.CharField(label="网址或企业", required=False, max_length=100)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *Site.Status.choices]
    )
    linked = forms.ChoiceField(
        label="关联企业",
        required=False,
        choices=[("", "全部"), ("yes", "已关联"), ("no", "未关联")],
    )

    def filters(self) -> SiteFilters:
        """Return the filters the form holds, or none when it is invalid."""
        if not self.is_valid():
            return SiteFilters()
        data = self.cleaned_data
        return SiteFilters(
            q=data["q"].strip(), status=data["status"], linked=data["linked"]
        )


class AddSitesForm(forms.Form):
    urls = forms.CharField(
        label="网址（每行一个）",
        required=False,
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": "https://www.example.com"}
        ),
    )
    file = forms.FileField(
        label="或上传名单（.txt / .csv，每行一个网址）", required=False
    )
    source = forms.ChoiceField(
        label="来源",
        choices=[
            (Site.Source.MANUAL, Site.Source.MANUAL.label),
            (Site.Source.TIP, Site.Source.TIP.label),
            (Site.Source.UPLOAD, Site.Source.UPLOAD.label),
        ],
    )
    note = forms.CharField(label="备注", required=False, max_length=500)

    def lines(self) -> list[str]:
        """Return the submitted lines, pasted ones first, then the uploaded file's."""
        lines = self.cleaned_data["urls"].splitlines()
        upload = self.cleaned_data.get("file")
        if upload is not None:
            raw = upload.read()
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                text = raw.decode("gb18030", errors="replace")
            lines.extend(text.splitlines())
        return lines

    def clean_file(self):  # type: ignore[no-untyped-def]
        upload = self.cleaned_data.get("file")
        if upload is not None and upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件超过 5 MB，请分批上传。")
        return upload

    def clean(self) -> dict:
        data = super().clean() or {}
        if not data.get("urls", "").strip() and not data.get("file"):
            raise forms.ValidationError("请填写网址或上传名单。")
        return data


class RobotsOverrideForm(forms.Form):
    ignore_robots = forms.BooleanField(label="忽略该网站的 robots.txt", required=False)
    reason = forms.CharField(
        label="原因（必填，将记录在案）",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        required=False,
    )

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("ignore_robots") and not data.get("reason", "").strip():
            raise forms.ValidationError("忽略 robots.txt 必须说明原因。")
        return data


class ManualLinkForm(forms.Form):
    uscc = forms.CharField(label="统一社会信用代码", min_length=18, max_length=18)

    def clean_uscc(self) -> str:
        return self.cleaned_data["uscc"].strip().upper()
