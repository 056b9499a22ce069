"""Forms of the data-entry admin.  Validation is delegated to ``workflow.clean_entry``."""

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from indicators import evidence, plausibility, workflow
from indicators import values as V
from indicators.models import Actual, Evidence, Measure
from indicators.formatting import number as format_number

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


def typed_values(value, second_value) -> str:
    """What was typed into a row's value fields as one text, the same however it was written
    (“1,000” and “1000”): a confirmation (确认无误) is tied to it."""
    parts = []
    for text in (value, second_value):
        try:
            parts.append(number_text(V.parse_number(text, allow_percent=True)))
        except V.InvalidValue:
            parts.append(str(text or "").strip())
    return "/".join(parts)


class Confirmation(forms.Form):
    """The 确认无误 box of a row, shown after a plausibility warning, and the values it was offered for (hidden), so
    ticking the box and changing the value does not confirm the new value unseen."""

    outlier_confirmed = forms.BooleanField(label=plausibility.CONFIRM_LABEL, required=False)
    confirmed_values = forms.CharField(label=_("values confirmed"), required=False, widget=forms.HiddenInput)

    def typed(self):
        return typed_values(self.data.get(self.add_prefix("value")), self.data.get(self.add_prefix("second_value")))

    def confirmed(self) -> bool:
        """Did the person tick the box for the values now in the row?"""
        data = self.cleaned_data
        return bool(data.get("outlier_confirmed")) and data.get("confirmed_values") == self.typed()

    def ask_confirmation(self, warnings):
        """Show the box, unticked unless it was ticked for these very values, with the warnings."""
        typed = self.typed()
        data = self.data.copy()
        if data.get(self.add_prefix("confirmed_values")) != typed:
            data.pop(self.add_prefix("outlier_confirmed"), None)
        data[self.add_prefix("confirmed_values")] = typed
        self.data = data
        self.warnings = list(warnings)


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Any number of files in one input (Django's documented pattern); checked by the workflow."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        items = data if isinstance(data, (list, tuple)) else [data]
        clean_one = super().clean
        return [clean_one(item, initial) for item in items if item]


class ActualForm(Confirmation, forms.ModelForm):
    value = forms.CharField(label=_("value"), required=False, widget=NumberInput())
    second_value = forms.CharField(label=_("count"), required=False, widget=NumberInput())
    # Blank only on the add form; on a change ``workflow.clean_entry`` refuses a save that does not
    # say which version it showed, as it could not tell whether someone changed the figure meanwhile.
    version = forms.IntegerField(label=_("version"), widget=forms.HiddenInput, required=False, min_value=0)

    class Meta:
        model = Actual
        fields = ["indicator", "year", "not_carried_out", "note"]
        # The values are typed text here; the workflow parses them and sets the figure's numbers.
        # The admin lists them in its fields, so they are excluded too: the admin keeps a ModelForm's
        # Meta.exclude, and Django copies no excluded field onto the figure nor validates it there.
        exclude = ["value", "second_value"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3, "cols": 60})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The box is offered only once a warning came up (``clean``).
        self.fields["outlier_confirmed"].widget = forms.HiddenInput()
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
        """Every problem of the figure at once: its errors, and a plausibility warning with the box."""
        data = super().clean()
        indicator = data.get("indicator") or (self.instance.indicator if self.instance.pk else None)
        year = data.get("year") or self.instance.year
        if indicator is None or year is None:
            return data
        entry = workflow.Entry(
            indicator=indicator, year=year, value=self.data.get(self.add_prefix("value")),
            second_value=self.data.get(self.add_prefix("second_value")) if indicator.is_pair else None,
            not_carried_out=data.get("not_carried_out", False), note=data.get("note", ""),
            expected_version=data.get("version") if self.instance.pk else 0, outlier_confirmed=self.confirmed(), confirmable=True,
        )
        fields, errors = workflow.check_entry(entry)
        if self.instance.pk and entry.expected_version != self.instance.version:
            errors.append(workflow.conflict_message(self.instance))
        if not self.instance.pk and Actual.objects.filter(indicator=indicator, year=year).exists():
            errors.append(_("A figure for this indicator and year exists already; open it instead."))
        stored = self.instance if self.instance.pk else None
        if indicator.plan.contains_year(year) and (stored is None or (stored.value, stored.second_value) != (fields["value"], fields["second_value"])):
            # The same rule save_entries applies, asked now so the form can offer the box (kept ticked
            # while the values it was ticked for stay, whatever else fails).
            [warnings] = plausibility.warnings_for([(entry, fields)])
            if warnings:
                self.ask_confirmation(plausibility.warning_message(flag, confirmable=True) for flag in warnings)
                self.fields["outlier_confirmed"].widget = forms.CheckboxInput()
                if not entry.outlier_confirmed:
                    errors.extend(self.warnings)
        if errors:
            raise forms.ValidationError(errors)
        self.cleaned_entry = entry, fields
        return data


class EvidenceForm(forms.ModelForm):
    class Meta:
        model = Evidence
        fields = ["file"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):  # a new upload, not the stored file of an existing row
            self.instance.original_name, self.instance.content_type = evidence.check_evidence(upload)
            self.instance.size = upload.size
        return upload


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("reason"), widget=forms.Textarea(attrs={"rows": 4, "cols": 60}), max_length=workflow.NOTE_MAX)


class YearEntryRowForm(Confirmation, forms.Form):
    """One indicator's row on the year page."""

    value = forms.CharField(required=False, widget=NumberInput())
    second_value = forms.CharField(required=False, widget=NumberInput({"size": 6}))
    not_carried_out = forms.BooleanField(required=False)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2, "cols": 36}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, error_messages={
        "required": _("The page did not say which version of the figure you saw. Reload the page and enter it again."),
    })
    # An empty file is refused with the other problems of the save (``evidence.check_evidence``).
    evidence = EvidenceFilesField(label=_("Add evidence"), allow_empty_file=True)
