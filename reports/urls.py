from django.urls import path, re_path

from . import views

app_name = "reports"
ORG = r"(?P<code>[A-Za-z0-9_-]{1,32})"
PERIOD = r"(?P<period>\d{4}(?:[Hh][12])?)"

urlpatterns = [
    path("", views.index, name="index"),
    path("submissions/", views.submissions, name="submissions"),
    path("submissions/submit/", views.submit, name="submit"),
    path("submissions/<int:pk>/return/", views.return_submission, name="return_submission"),
    re_path(rf"^{ORG}/{PERIOD}\.json$", views.report_json, name="json"),
    re_path(rf"^{ORG}/{PERIOD}\.docx$", views.summary_docx, name="summary_docx"),
    re_path(rf"^{ORG}/{PERIOD}/$", views.summary, name="summary"),
    re_path(rf"^{ORG}/{PERIOD}/edit/$", views.summary_edit, name="summary_edit"),
    re_path(rf"^{ORG}/{PERIOD}/batch/$", views.batch_start, name="batch_start"),
    path("batches/<int:pk>/", views.batch, name="batch"),
    path("batches/<int:pk>/download/", views.batch_download, name="batch_download"),
    re_path(rf"^{ORG}/{PERIOD}/dashboard/$", views.dashboard_page, name="dashboard"),
    re_path(rf"^{ORG}/{PERIOD}/statistics/$", views.statistics, name="statistics"),
    re_path(rf"^{ORG}/{PERIOD}/statistics\.xlsx$", views.statistics_xlsx, name="statistics_xlsx"),
]
