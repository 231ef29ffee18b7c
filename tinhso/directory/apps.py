from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _current_communes() -> int:
    from django.conf import settings

    from tinhso.directory import queries
    from tinhso.directory.choices import UnitLevel

    return (
        queries.units_on(queries.today())
        .filter(level=UnitLevel.COMMUNE, parent__code=settings.TINHSO_PROVINCE_CODE)
        .count()
    )


def _current_agencies() -> int:
    from tinhso.directory import queries

    return queries.list_agencies(day=queries.today()).count()


class DirectoryConfig(AppConfig):
    """Administrative units (effective-dated) and agencies."""

    name = "tinhso.directory"
    label = "directory"
    verbose_name = _("Danh mục đơn vị và cơ quan")

    def ready(self) -> None:
        from tinhso.core import registry
        from tinhso.directory.demo import load_demo

        registry.register_demo_loader(
            registry.DemoLoader(
                key="directory",
                title=_("Đơn vị hành chính và cơ quan"),
                load=load_demo,
                order=10,
            )
        )
        registry.register_tile(
            registry.Tile(
                key="directory.communes",
                title=_("Đơn vị cấp xã của tỉnh hiện nay"),
                value=_current_communes,
                url_name="directory:explorer",
                order=10,
            )
        )
        registry.register_tile(
            registry.Tile(
                key="directory.agencies",
                title=_("Cơ quan trong danh bạ"),
                value=_current_agencies,
                url_name="directory:agencies",
                order=11,
            )
        )
