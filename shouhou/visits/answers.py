"""An answer of a visit or survey, `{level, scores: {<dimension>: 1–5}, tags, note}`, checked against the
company's satisfaction settings (settings_decl). Every error is collected and refused at once."""

from django.utils.translation import gettext as _

from shouhou.core import clean, company_settings
from shouhou.core.validators import control_character_message, find_control_character, normalize_newlines

from .models import LEVELS

MAX_NOTE = 500
MAX_TAGS = 20


def levels():
    """[(key, the company's word)] in order: good, fair, bad."""
    words = company_settings.get("visit.levels") or {}
    return [(key, words.get(key) or key) for key in LEVELS]


def level_label(key):
    return dict(levels()).get(key, key)


def dimensions():
    return list(company_settings.get("visit.dimensions") or [])


def tags():
    """(positive, negative) quick tags."""
    return list(company_settings.get("visit.positive_tags") or []), list(company_settings.get("visit.negative_tags") or [])


def survey_questions():
    return set(company_settings.get("visit.survey_questions") or [])


def _text(value, key, errors, *, multiline=False, limit=MAX_NOTE):
    if value is not None and not isinstance(value, str):
        errors[key] = [_("Enter text.")]
        return ""
    value = normalize_newlines(value or "")
    char = find_control_character(value, multiline=multiline)
    if char is not None:
        errors[key] = [control_character_message(char)]
        return ""
    return clean.text(value, limit, key, errors)


def clean_answer(raw, *, asked=None):
    """The answer as stored, or ValidationFailed naming every bad part. `asked`: the questions the form
    asked (the SMS survey asks the company's choice; a manual visit asks all): a question not asked must
    not be answered; a level is always required when asked, scores for every dimension when asked."""
    asked = set(asked if asked is not None else ("level", "scores", "tags", "note"))
    raw = raw if isinstance(raw, dict) else {}
    errors = {}
    unknown = sorted(set(raw) - {"level", "scores", "tags", "note"})
    for key in unknown:
        errors[key] = [_("Unknown property.")]
    level = raw.get("level")
    if "level" in asked:
        if level in (None, ""):
            errors["level"] = [clean.REQUIRED]
        elif level not in LEVELS:
            errors["level"] = [_("Choose one of: %(choices)s.") % {"choices": ", ".join(LEVELS)}]
    elif level not in (None, ""):
        errors["level"] = [_("This question is not asked.")]
    scores = _scores(raw.get("scores"), "scores" in asked, errors)
    chosen = _tags(raw.get("tags"), "tags" in asked, errors)
    note = _text(raw.get("note"), "note", errors, multiline=True)
    if note and "note" not in asked:
        errors["note"] = [_("This question is not asked.")]
    clean.raise_if(errors)
    return {"level": level or "", "scores": scores, "tags": chosen, "note": note}


def _scores(value, asked, errors):
    if value in (None, {}):
        if asked and dimensions():
            errors["scores"] = [_("Rate every dimension from 1 to 5.")]
        return {}
    if not asked:
        errors["scores"] = [_("This question is not asked.")]
        return {}
    if not isinstance(value, dict):
        errors["scores"] = [_("Send the ratings as an object of dimension: 1–5.")]
        return {}
    known = dimensions()
    result = {}
    for name, score in value.items():
        if name not in known:
            errors[f"scores.{name}"[:80]] = [_("Unknown dimension.")]
        elif isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
            errors[f"scores.{name}"] = [_("Rate from 1 to 5.")]
        else:
            result[name] = score
    missing = [name for name in known if name not in value]
    if missing:
        errors["scores"] = [_("Rate every dimension from 1 to 5.")]
    return {name: result[name] for name in known if name in result}


def _tags(value, asked, errors):
    if value in (None, []):
        return []
    if not asked:
        errors["tags"] = [_("This question is not asked.")]
        return []
    if not isinstance(value, list) or len(value) > MAX_TAGS or not all(isinstance(t, str) for t in value):
        errors["tags"] = [_("Send the tags as a list of the company's tags.")]
        return []
    positive, negative = tags()
    known = positive + negative
    strange = [t for t in value if t not in known]
    if strange:
        errors["tags"] = [_("Unknown tag: %(tag)s.") % {"tag": strange[0][:30]}]
        return []
    return [t for t in known if t in value]  # the settings' order, once each
