from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "党员"

    def ready(self) -> None:
        from core.audit import register_audited
        from organizations.hooks import CLOSING_HANDLERS, MOVING_CHECKS, register_member_counts

        from . import models
        from .selectors import member as member_selectors
        from .services import member as member_services

        for handler in (member_services.move_members_on_close, member_services.release_group_on_close):
            if handler not in CLOSING_HANDLERS:
                CLOSING_HANDLERS.append(handler)
        if member_services.refuse_moving_a_group_with_members not in MOVING_CHECKS:
            MOVING_CHECKS.append(member_services.refuse_moving_a_group_with_members)
        register_member_counts(member_selectors.direct_member_counts)
        # the 工作台's to-dos: development, transfers, lost contact
        from organizations.todos import register_todos

        from .selectors.todos import member_todos

        register_todos(member_todos)
        register_audited(models.Member, mask_fields=["id_number"])
        register_audited(models.MemberPeriod)
        # development pipeline: applicants (ID masked), steps, 转正记录, 公示, plans; applicants follow a
        # merged branch, and an admitted member's development record follows the member's moves
        from .services import development as development_services

        if development_services.move_applicants_on_close not in CLOSING_HANDLERS:
            CLOSING_HANDLERS.append(development_services.move_applicants_on_close)
        member_services.register_hook(
            member_services.MOVED_HANDLERS, development_services.applicant_follows_member
        )
        register_audited(models.Applicant, mask_fields=["id_number"])
        register_audited(models.DevelopmentStep)
        register_audited(models.Confirmation)
        register_audited(models.Publicity)
        register_audited(models.DevelopmentPlan)
        # Progress ticks are plain UPDATEs; the outcome (status, counts) is audited.
        register_audited(
            models.ImportJob,
            exclude_fields=["processed", "total", "errors", "preview", "preview_digest", "updated_at"],
        )
        # open mobile / lost-contact records follow a member's move and end when they leave
        from .services import transfers as transfer_services

        transfer_services.register_member_hooks()
        # transfers, certificates, mobile members, leaving, lost contact, care visits
        register_audited(models.Transfer, mask_fields=["person_id_number"])
        register_audited(models.Certificate)
        register_audited(models.MobileRegistration)
        register_audited(models.Departure)
        register_audited(models.LostContact)
        register_audited(models.Restoration)
        register_audited(models.CareVisit)
        register_audited(models.CareVisitMember)
        # the import as a kind of the shared record importer (/imports/, import_records)
        from core.recordimports import register_kind

        from .imports import MembersKind

        register_kind(MembersKind)
        from .care_imports import KINDS as CARE_KINDS

        for kind in CARE_KINDS:
            register_kind(kind)
