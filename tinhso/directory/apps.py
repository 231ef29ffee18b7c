from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DirectoryConfig(AppConfig):
    """Administrative units (effective-dated) and agencies."""

    name = "tinhso.directory"
    label = "directory"
    verbose_name = _("Danh mục đơn vị và cơ quan")
