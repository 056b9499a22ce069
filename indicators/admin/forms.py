"""Forms of the data-entry admin.  Validation is delegated to ``workflow.clean_entry``."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from indicators import evidence, workflow
from indicators.models import Actual, Evidence, Measure
from indicators.values import format_number

MEASURE_HINTS = {
    Measure.FLOW: _("this year's count or amount"),  # 当年发生数
    Measure.STOCK: _("total at year end"),  # 年末存量
    Measure.RATE: _("rate in percent, 0–100"),  # 比率
}


def measure_hint(indicator):
    return MEASURE_HINTS.get(indicator.measure, "")


class NumberInput(forms.TextInput):
    """Text, not <input type=number>: people paste “2,868” and full-width digits, which we accept."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", "size": 10, **(attrs or {})})


def number_text(value):
    return "" if value is None else format_number(value)


class ActualForm(forms.ModelForm):
    value = forms.CharField(label=_("value"), required=False, widget=NumberInput())
    second_value = forms.CharField(label=_("count"), required=False, widget=NumberInput())
    # Blank only on the add form; on a change ``workflow.clean_entry`` refuses a save that does not
    # say which version it showed, as it could not tell whether someone changed the figure meanwhile.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Actual
        fields = ["indicator", "year", "value", "second_value", "not_carried_out", "note"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["value"] = number_text(self.instance.value)
            self.initial["second_value"] = number_text(self.instance.second_value)
            self.initial["version"] = self.instance.version
            indicator = self.instance.indicator
            self.fields["value"].help_text = f"{indicator.unit} · {measure_hint(indicator)}"
            if indicator.is_pair:
                self.fields["second_value"].help_text = indicator.second_unit
            else:
                self.fields["second_value"].widget = forms.HiddenInput()

    def clean(self):
        data = super().clean()
        indicator = data.get("indicator") or (self.instance.indicator if self.instance.pk else None)
        year = data.get("year") or self.instance.year
        if indicator is None or year is None:
            return data
        entry = workflow.Entry(
            indicator=indicator,
            year=year,
            value=self.data.get(self.add_prefix("value")),
            second_value=self.data.get(self.add_prefix("second_value")) if indicator.is_pair else None,
            not_carried_out=data.get("not_carried_out", False),
            note=data.get("note", ""),
            expected_version=data.get("version") if self.instance.pk else 0,
        )
        try:
            self.cleaned_entry = entry, workflow.clean_entry(entry)
        except workflow.WorkflowError as exc:
            raise forms.ValidationError([problem.message for problem in exc.problems]) from None
        if self.instance.pk and entry.expected_version != self.instance.version:
            raise forms.ValidationError(workflow.conflict_message(self.instance))
        if not self.instance.pk and Actual.objects.filter(indicator=indicator, year=year).exists():
            raise forms.ValidationError(_("A figure for this indicator and year exists already; open it instead."))
        return data

    # The value fields are text on the form; the model's Decimal fields are set by the workflow.
    def _post_clean(self):
        for name in ("value", "second_value"):
            self.cleaned_data.pop(name, None)
        super()._post_clean()


class EvidenceForm(forms.ModelForm):
    class Meta:
        model = Evidence
        fields = ["file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # a new upload, not the stored file of an existing row
            name, content_type = evidence.check_evidence(upload)
            self.instance.original_name = name
            self.instance.content_type = content_type
            self.instance.size = upload.size
        return upload


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("reason"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), max_length=workflow.NOTE_MAX
    )


class YearEntryRowForm(forms.Form):
    """One indicator's row on the year page."""

    value = forms.CharField(required=False, widget=NumberInput())
    second_value = forms.CharField(required=False, widget=NumberInput({"size": 6}))
    not_carried_out = forms.BooleanField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 36}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages={
        "required": _("The page did not say which version of the figure you saw. Reload the page and enter it again."),
    })
