"""Pages of the alerts app, mounted at /canh-bao/."""

from django.urls import URLPattern, path

from tinhso.alerts import views

app_name = "alerts"

urlpatterns: list[URLPattern] = [
    path("", views.alert_list, name="list"),
    path("<int:pk>/", views.alert_detail, name="detail"),
    path("<int:pk>/xac-nhan/", views.alert_ack, name="ack"),
    path("im-lang/", views.silence_list, name="silences"),
    path("im-lang/<int:pk>/ket-thuc/", views.silence_end, name="silence-end"),
    path("quy-tac/", views.rule_list, name="rules"),
    path("quy-tac/<int:pk>/", views.rule_edit, name="rule"),
    path("quy-tac/<int:pk>/bat-tat/", views.rule_toggle, name="rule-toggle"),
]
