"""The visit dialog (WO-18) and the public survey's form, and 满意度设置's form: built from the company's
satisfaction settings; the services check the answer again (answers.clean_answer)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from shouhou.core import company_settings
from shouhou.core.forms import ConsoleForm

from . import answers, settings_decl

STARS = [(n, str(n)) for n in range(1, 6)]


class AnswerForm(ConsoleForm):
    """满意度, a 1–5 rating per dimension, quick tags, 备注 — the questions in `asked` only."""

    def __init__(self, *args, asked=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.asked = set(asked if asked is not None else settings_decl.QUESTIONS)
        self.dimension_keys = []
        if "level" in self.asked:
            self.fields["level"] = forms.ChoiceField(label=_("Service satisfaction"), choices=answers.levels(),
                                                     widget=forms.RadioSelect)
        if "scores" in self.asked:
            for index, name in enumerate(answers.dimensions()):
                key = f"score_{index}"
                self.dimension_keys.append((key, name))
                self.fields[key] = forms.TypedChoiceField(label=name, choices=STARS, coerce=int,
                                                          widget=forms.RadioSelect(attrs={"class": "btn-check"}))
        if "tags" in self.asked:
            positive, negative = answers.tags()
            self.fields["tags"] = forms.MultipleChoiceField(
                label=_("Service tags"), required=False, widget=forms.CheckboxSelectMultiple,
                choices=[(t, t) for t in positive + negative])
            self.negative_tags = set(negative)
        if "note" in self.asked:
            self.fields["note"] = forms.CharField(label=_("Visit note"), required=False, max_length=answers.MAX_NOTE,
                                                  widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}))

    def star_fields(self):
        return [self[key] for key, _name in self.dimension_keys]

    def answer(self):
        data = self.cleaned_data
        result = {}
        if "level" in self.asked:
            result["level"] = data.get("level")
        if "scores" in self.asked:
            result["scores"] = {name: data[key] for key, name in self.dimension_keys if data.get(key)}
        if "tags" in self.asked:
            result["tags"] = list(data.get("tags") or [])
        if "note" in self.asked:
            result["note"] = data.get("note", "")
        return result

    def add_answer_errors(self, exc):
        """The service's errors (keys level, scores.<name>, tags, note) onto the fields."""
        by_name = {name: key for key, name in self.dimension_keys}
        for key, messages in (getattr(exc, "details", None) or {}).items():
            field = key
            if key.startswith("scores."):
                field = by_name.get(key[7:])
            elif key == "scores":
                field = self.dimension_keys[0][0] if self.dimension_keys else None
            for message in messages:
                self.add_error(field if field in self.fields else None, message)
        if not getattr(exc, "details", None):
            self.add_error(None, str(exc.message))


class SettingsForm(ConsoleForm):
    good = forms.CharField(label=_("Satisfied"), max_length=20)
    fair = forms.CharField(label=_("Neutral"), max_length=20)
    bad = forms.CharField(label=_("Dissatisfied"), max_length=20)
    dimensions = forms.CharField(label=_("Rated dimensions"), required=False, max_length=400,
                                 help_text=_("Separated by commas, e.g. 服务态度, 服务效率, 服务质量."))
    positive_tags = forms.CharField(label=_("Positive tags"), required=False, max_length=400,
                                    help_text=_("Separated by commas."))
    negative_tags = forms.CharField(label=_("Negative tags"), required=False, max_length=400,
                                    help_text=_("Separated by commas."))
    survey_questions = forms.MultipleChoiceField(
        label=_("The SMS survey asks"), widget=forms.CheckboxSelectMultiple, choices=[
            ("level", _("Service satisfaction")), ("scores", _("Ratings")), ("tags", _("Service tags")),
            ("note", _("Comment"))])
    expiry_days = forms.IntegerField(label=_("Days a survey link stays valid"), min_value=1, max_value=90)

    @classmethod
    def initial_values(cls):
        levels = dict(answers.levels())
        positive, negative = answers.tags()
        return {**levels, "dimensions": ", ".join(answers.dimensions()), "positive_tags": ", ".join(positive),
                "negative_tags": ", ".join(negative), "survey_questions": sorted(answers.survey_questions()),
                "expiry_days": company_settings.get("visit.survey_expiry_days")}
