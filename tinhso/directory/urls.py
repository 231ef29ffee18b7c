"""Pages of the directory app."""

app_name = "directory"
urlpatterns: list = []
