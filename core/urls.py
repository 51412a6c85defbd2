"""The project-wide pages that belong to no app: the access records (访问记录) under /audit/."""

from .access_views import urls

app_name = "audit"

urlpatterns = urls
