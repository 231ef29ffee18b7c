from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _ledger_size() -> int:
    from tinhso.core.ledger import tree_size

    return tree_size()


class CoreConfig(AppConfig):
    """Base models, the audit ledger, request context and shared helpers."""

    name = "tinhso.core"
    label = "core"
    verbose_name = _("Lõi hệ thống")

    def ready(self) -> None:
        """Show the size of the audit ledger on the home page."""
        from tinhso.core import registry

        registry.register_tile(
            registry.Tile(
                key="core.ledger",
                title=_("Bản ghi trong sổ kiểm toán"),
                value=_ledger_size,
                order=90,
            )
        )
