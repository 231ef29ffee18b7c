from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles scoped to units and agencies, API tokens, personal-data access log."""

    name = "tinhso.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản và phân quyền")

    def ready(self) -> None:
        """Register the personal-data registry check."""
        from tinhso.accounts import personal_data  # noqa: F401
