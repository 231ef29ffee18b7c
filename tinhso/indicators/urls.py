"""Pages of the reporting app: report entry (``entry``) and the scorecard (``scorecard``)."""

from tinhso.indicators import entry_views, scorecard_views

app_name = "indicators"

urlpatterns = entry_views.urlpatterns + scorecard_views.urlpatterns
