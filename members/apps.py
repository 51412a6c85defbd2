from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from organizations.hooks import CLOSING_HANDLERS, register_member_counts

        from . import models
        from .selectors import member as member_selectors
        from .services import member as member_services

        if member_services.move_members_on_close not in CLOSING_HANDLERS:
            CLOSING_HANDLERS.append(member_services.move_members_on_close)
        register_member_counts(member_selectors.direct_member_counts)
        auditlog.register(models.Member, mask_fields=["id_number"])
        auditlog.register(models.MemberPeriod)
        # development pipeline: applicants (ID masked), steps, 公示, plans; applicants follow a merged branch
        from .services import development as development_services

        if development_services.move_applicants_on_close not in CLOSING_HANDLERS:
            CLOSING_HANDLERS.append(development_services.move_applicants_on_close)
        auditlog.register(models.Applicant, mask_fields=["id_number"])
        auditlog.register(models.DevelopmentStep)
        auditlog.register(models.Publicity)
        auditlog.register(models.DevelopmentPlan)
        # Progress ticks are plain UPDATEs; the outcome (status, counts) is audited.
        auditlog.register(models.ImportJob, exclude_fields=["processed", "total", "errors", "updated_at"])
        # open mobile / lost-contact records follow a member's move and end when they leave
        from .services import transfers as transfer_services

        transfer_services.register_member_hooks()
        # transfers, certificates, mobile members, leaving, lost contact, care visits
        auditlog.register(models.Transfer, mask_fields=["person_id_number"])
        auditlog.register(models.Certificate)
        auditlog.register(models.MobileRegistration)
        auditlog.register(models.Departure)
        auditlog.register(models.LostContact)
        auditlog.register(models.CareVisit)
        auditlog.register(models.CareVisitMember)
