from .views import care, development, import_jobs, imports, member, probation, transfers

app_name = "members"

urlpatterns = (
    member.urls
    + probation.urls
    + development.urls
    + transfers.urls
    + care.urls
    + imports.urls
    + import_jobs.urls
)
