from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IocConfig(AppConfig):
    """The intelligent operations centre (trung tâm điều hành): the leaders' live screen and the
    public air and water quality page."""

    name = "tinhso.ioc"
    label = "ioc"
    verbose_name = _("Trung tâm điều hành")
