from .views import grid, ledger, members, overview, remittances

app_name = "dues"

urlpatterns = overview.urls + grid.urls + members.urls + remittances.urls + ledger.urls
