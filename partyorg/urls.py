from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

admin.site.site_header = "党组织建设管理系统"
admin.site.site_title = "党组织建设管理系统"
admin.site.index_title = "后台管理"

# The project's own pages (templates/400.html … 500.html); under DEBUG, core.errors.ErrorPagesMiddleware.
handler400 = "core.errors.bad_request"
handler403 = "core.errors.permission_denied"
handler404 = "core.errors.page_not_found"
handler500 = "core.errors.server_error"

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("organizations/", include("organizations.urls")),
    path("members/", include("members.urls")),
    path("dues/", include("dues.urls")),
    path("reports/", include("reports.urls")),
    path("training/", include("training.urls")),
    path("assessments/", include("assessments.urls")),
    path("audit/", include("core.urls")),
    path("imports/", include("core.recordimports.urls")),
    path("admin/", admin.site.urls),
]
