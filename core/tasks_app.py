"""django-tasks-db's app, named in Chinese in the admin (it ships no zh-Hans catalogue).

Install as ``core.tasks_app.TasksDatabaseConfig`` in place of ``"django_tasks_db"``;
the app label stays ``django_tasks_database``, so tables and migrations are unchanged.
"""

from __future__ import annotations

from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = "后台任务"

    def ready(self) -> None:
        super().ready()
        from django_tasks_db.models import DBTaskResult

        DBTaskResult._meta.verbose_name = "任务记录"
        DBTaskResult._meta.verbose_name_plural = "任务记录"
