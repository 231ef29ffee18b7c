"""Pages of the services app: citizens' (catalogue, submission, tracking), officers'
(inbox, dossier, counter), and the statistics."""

from tinhso.services import citizen_views, officer_views, stats_views

app_name = "services"

urlpatterns = citizen_views.urlpatterns + officer_views.urlpatterns + stats_views.urlpatterns
