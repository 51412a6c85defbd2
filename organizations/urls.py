from django.urls import path

from . import regulation_views, views

app_name = "organizations"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("vacancies/", views.vacancy_list, name="vacancies"),
    path("warnings/", views.warning_list, name="warnings"),
    path("import/", views.import_page, name="import"),
    path("import/template/", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_job, name="import_job"),
    path("import/<int:pk>/progress/", views.import_job_progress, name="import_job_progress"),
    # 制度建设 (before the organization pages: "regulations" is no organization code)
    *regulation_views.urls,
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/new/", views.create_child, name="create_child"),
    path("<str:code>/edit/", views.edit, name="edit"),
    path("<str:code>/rename/", views.rename, name="rename"),
    path("<str:code>/move/", views.move, name="move"),
    path("<str:code>/merge/", views.merge, name="merge"),
    path("<str:code>/dissolve/", views.dissolve, name="dissolve"),
    path("<str:code>/posts/new/", views.appoint, name="appoint"),
    path("<str:code>/posts/<int:pk>/end/", views.end_post, name="end_post"),
]
