from django.urls import path, re_path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("submissions/", views.submissions, name="submissions"),
    path("submissions/submit/", views.submit, name="submit"),
    path("submissions/<int:pk>/return/", views.return_submission, name="return_submission"),
    re_path(
        r"^(?P<code>[A-Za-z0-9_-]{1,32})/(?P<period>\d{4}(?:[Hh][12])?)\.json$",
        views.report_json,
        name="json",
    ),
]
