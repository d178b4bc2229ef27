"""满意度设置 (CUS-12, WO-18): the company's words for the levels, the rated dimensions, the quick tags, what
the SMS survey asks and how long its link lives. Read with company_settings.get; written by
services.save_settings (validated there)."""

from django.utils.translation import gettext_lazy as _

from shouhou.core.company_settings import declare

GROUP = "visit"

# the defaults are the product document's words; a company renames them on 满意度设置
DEFAULT_LEVELS = {"good": "满意", "fair": "一般", "bad": "不满意"}
DEFAULT_DIMENSIONS = ["服务态度", "服务效率", "服务质量"]
DEFAULT_POSITIVE_TAGS = ["速度快", "很热情", "质量高", "技术强"]
DEFAULT_NEGATIVE_TAGS = ["有点差", "速度慢", "态度差"]
QUESTIONS = ("level", "scores", "tags", "note")
DEFAULT_QUESTIONS = list(QUESTIONS)

declare("visit.levels", DEFAULT_LEVELS, _("Satisfaction levels"), group=GROUP)
declare("visit.dimensions", DEFAULT_DIMENSIONS, _("Rated dimensions"), group=GROUP)
declare("visit.positive_tags", DEFAULT_POSITIVE_TAGS, _("Positive tags"), group=GROUP)
declare("visit.negative_tags", DEFAULT_NEGATIVE_TAGS, _("Negative tags"), group=GROUP)
declare("visit.survey_questions", DEFAULT_QUESTIONS, _("Questions of the SMS survey"), group=GROUP)
declare("visit.survey_expiry_days", 7, _("Days a survey link stays valid"), group=GROUP)
