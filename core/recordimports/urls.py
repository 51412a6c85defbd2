"""/imports/: the shared pages of every record import kind."""

from .views import urls

app_name = "imports"

urlpatterns = urls
