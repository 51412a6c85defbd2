from .views import care, development, imports, member, transfers

app_name = "members"

urlpatterns = member.urls + development.urls + transfers.urls + care.urls + imports.urls
