from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "考核评议"

    def ready(self) -> None:
        from core.audit import register_audited
        from members.services.member import LEAVING_HANDLERS, register_hook
        from organizations.todos import register_todos

        from . import models
        from .selectors.todos import assessment_todos
        from .services.appraisals import close_follow_ups_on_leaving

        # a member who leaves the roll (death, transfer out …) ends their open 限期改正
        register_hook(LEAVING_HANDLERS, close_follow_ups_on_leaving)

        # the 工作台: agreements not signed, rectifications overdue, appraisal rounds open, 不合格 follow-ups due
        register_todos(assessment_todos)
        # the agreements, life meetings and grades workbooks on the shared import pages (/imports/)
        from core.recordimports import register_kind

        from .imports import KINDS

        for kind in KINDS:
            register_kind(kind)
        register_audited(models.Inspection, m2m_fields={"targets"})
        for model in (
            models.AgreementTemplate,
            models.TemplateItem,
            models.TargetAgreement,
            models.AgreementItem,
            models.AssessmentScore,
            models.InspectionFinding,
            models.LifeMeeting,
            models.AppraisalRound,
            models.MemberAppraisal,
            models.AppraisalFollowUp,
            models.TeamAppraisal,
            models.StarRating,
        ):
            register_audited(model)
