"""The upload form of the LRMX import page: file, target unit and 管理权限 within the actor's
change scope, and whether an existing cadre (same id number) is updated."""

from pathlib import PurePosixPath
from typing import Any

from django import forms

from apps.accounts.models import ManagedBy
from apps.core.forms import StyledFormMixin
from apps.core.scope import Action, rules_for
from apps.units.models import Unit

from .exchange import UPLOAD_SUFFIXES
from .schema import MAX_FILE_BYTES, MAX_ZIP_BYTES


class LrmxImportForm(StyledFormMixin, forms.Form):
    file = forms.FileField(
        label="文件",
        help_text="支持 .lrmx、旧版 .lrm，或包含多个文件的 .zip 压缩包（单个文件不超过10MB）",
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(UPLOAD_SUFFIXES)}),
    )
    unit = forms.ModelChoiceField(label="导入到单位", queryset=Unit.objects.none())
    managed_by = forms.ChoiceField(label="干部管理权限")
    update_existing = forms.BooleanField(
        label="已存在时更新",
        required=False,
        help_text="按身份证号匹配已有干部：勾选则用文件内容更新（单位不变），不勾选则不导入该人",
    )

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.visible_to(actor, Action.CHANGE).active()
        unit_field.error_messages["invalid_choice"] = "所选单位不存在或不在您的数据范围内"
        levels = {
            level for rule in rules_for(actor, Action.CHANGE) for level in rule.managed_levels
        }
        managed = self.fields["managed_by"]
        assert isinstance(managed, forms.ChoiceField)
        managed.choices = [(v, label) for v, label in ManagedBy.choices if v in levels]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = str(getattr(upload, "name", ""))
        suffix = PurePosixPath(name.lower()).suffix
        if suffix not in UPLOAD_SUFFIXES:
            raise forms.ValidationError("只能上传 .lrmx、.lrm 文件或 .zip 压缩包")
        limit = MAX_ZIP_BYTES if suffix == ".zip" else MAX_FILE_BYTES
        if getattr(upload, "size", 0) > limit:
            raise forms.ValidationError(f"文件超过{limit // 1024 // 1024}MB，不能导入")
        return upload
