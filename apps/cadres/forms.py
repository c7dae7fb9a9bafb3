"""Forms of the cadre pages; messages in Chinese, naming the field."""

from typing import Any

from django import forms

from apps.core.forms import DATE_WIDGET, style_fields
from apps.core.forms import StyledFormMixin as CoreStyledFormMixin
from apps.core.scope import Action
from apps.units.models import Unit

from . import rules
from .models import Cadre, Education, FamilyMember, RankRecord, ResumeEntry
from .services import CADRE_FIELDS

MAX_PHOTO_BYTES = 2 * 1024 * 1024


class StyledFormMixin(CoreStyledFormMixin):
    """The core mixin plus native date pickers for the record's dates."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form: Any = self
        for field in form.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = DATE_WIDGET
        style_fields(form)


class CadreForm(StyledFormMixin, forms.ModelForm[Cadre]):
    """The identity block of the 任免审批表 plus unit and management level."""

    id_number = forms.CharField(
        label="公民身份号码",
        max_length=18,
        required=False,
        help_text="18位，末位可为X；保存后加密存储。编辑时留空表示不修改。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Cadre
        fields = [f for f in CADRE_FIELDS if f != "photo"] + ["photo"]
        widgets = {
            "birth_date": DATE_WIDGET,
            "party_join_date": DATE_WIDGET,
            "work_start_date": DATE_WIDGET,
        }

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        unit_field = self.fields["unit"]
        assert isinstance(unit_field, forms.ModelChoiceField)
        unit_field.queryset = Unit.objects.visible_to(actor, Action.CHANGE).active()
        unit_field.error_messages["invalid_choice"] = "所选单位不存在或不在您的数据范围内"
        if not self.instance.pk:
            self.fields["id_number"].help_text = "18位，末位可为X；保存后加密存储。"

    def clean_photo(self) -> Any:
        photo = self.cleaned_data.get("photo")
        if photo and getattr(photo, "size", 0) > MAX_PHOTO_BYTES:
            raise forms.ValidationError("照片不能超过2MB")
        return photo

    def clean_id_number(self) -> str:
        raw: str = self.cleaned_data.get("id_number", "").strip()
        if not raw:
            return ""
        try:
            number, _birth, _gender = rules.parse_id_number(raw)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None
        return number


class PartForm[M: Any](StyledFormMixin, forms.ModelForm[M]):
    """Base for the record's parts."""


class EducationForm(PartForm[Education]):
    class Meta:
        model = Education
        fields = ["mode", "level", "degree", "school", "major", "start_date", "end_date"]


class RankForm(PartForm[RankRecord]):
    class Meta:
        model = RankRecord
        fields = ["rank_grade", "start_date", "end_date", "doc_no"]


class ResumeForm(PartForm[ResumeEntry]):
    class Meta:
        model = ResumeEntry
        fields = ["start_date", "end_date", "text"]


class FamilyForm(PartForm[FamilyMember]):
    class Meta:
        model = FamilyMember
        fields = ["relation", "name", "birth_date", "political_status", "work_unit_and_post"]


class AppointmentForm(StyledFormMixin, forms.Form):
    post = forms.IntegerField(label="职务", widget=forms.Select)
    start_date = forms.DateField(label="任职时间", widget=DATE_WIDGET)
    end_date = forms.DateField(label="免职时间", widget=DATE_WIDGET, required=False)
    appoint_doc_no = forms.CharField(label="任职文号", max_length=100, required=False)
    removal_doc_no = forms.CharField(label="免职文号", max_length=100, required=False)
