from django.apps import AppConfig


class TrainingConfig(AppConfig):
    name = "training"
    verbose_name = "教育培训"

    def ready(self) -> None:
        from core.audit import register_audited
        from organizations.todos import register_todos

        from . import models
        from .selectors.todos import training_todos

        register_todos(training_todos)
        # the training workbooks on the shared import pages (/imports/) and import_records
        from core.recordimports import register_kind

        from .imports import KINDS

        for kind in KINDS:
            register_kind(kind)
        register_audited(models.TrainingSession, m2m_fields={"topics"})
        for model in (
            models.TrainingTopic,
            models.Attendance,
            models.LecturerUnit,
            models.PartyLecture,
            models.LectureAttendance,
            models.AVEquipment,
            models.AVEquipmentEvent,
            models.AVFilm,
            models.FilmOrder,
            models.OrgMeeting,
            models.ActivityDay,
            models.Publication,
            models.Subscription,
        ):
            register_audited(model)
