"""django-tasks-db's app, named 后台任务 in the admin (its name is a literal, beyond translation).

Install as ``core.tasks_app.TasksDatabaseConfig`` in place of ``"django_tasks_db"``;
the app label stays ``django_tasks_database``, so tables and migrations are unchanged.
"""

from __future__ import annotations

from django_tasks_db.apps import TasksAppConfig


class TasksDatabaseConfig(TasksAppConfig):
    verbose_name = "后台任务"
