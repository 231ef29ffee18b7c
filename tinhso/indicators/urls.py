"""Pages of the reporting app: report entry (``entry``) and the scorecard (``scorecard``)."""

from tinhso.indicators import entry_views, scorecard_views

app_name = "indicators"

# The scorecard's fixed paths come first: a report's path is any three segments.
urlpatterns = scorecard_views.urlpatterns + entry_views.urlpatterns
