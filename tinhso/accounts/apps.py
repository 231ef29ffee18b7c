from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users, roles scoped to units and agencies, API tokens, personal-data access log."""

    name = "tinhso.accounts"
    label = "accounts"
    verbose_name = _("Tài khoản và phân quyền")

    def ready(self) -> None:
        """Register the personal-data registry check and the demo accounts step."""
        from tinhso.accounts import personal_data  # noqa: F401
        from tinhso.accounts.demo import create_demo_accounts
        from tinhso.core import registry

        registry.register_demo_loader(
            registry.DemoLoader(
                key="accounts",
                title=_("Tài khoản trình diễn, mỗi vai trò một tài khoản"),
                load=create_demo_accounts,
                order=20,
            )
        )
