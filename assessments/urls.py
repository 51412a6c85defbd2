from .views import agreements, appraisals, index, inspections, meetings, ratings

app_name = "assessments"

urlpatterns = index.urls + agreements.urls + inspections.urls + meetings.urls + appraisals.urls + ratings.urls
