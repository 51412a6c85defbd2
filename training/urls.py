from .views import av, hours, lectures, meetings, overview, publications, sessions

app_name = "training"

urlpatterns = (
    overview.urls + sessions.urls + hours.urls + lectures.urls + av.urls + meetings.urls + publications.urls
)
