"""The dataset search index, which differs by database (see ``tinhso.opendata.search``).

PostgreSQL: the ``unaccent`` extension, a ``tinhso_vi`` text search configuration (``simple``
words passed through ``unaccent``, so đ → d and NFD input fold too) and a GIN index on the
stored ``search_vector`` (title weighted A, full text D). SQLite: an FTS5 table of folded
text. ``index_dataset`` keeps both.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

POSTGRESQL = [
    "CREATE EXTENSION IF NOT EXISTS unaccent",
    """DO $$ BEGIN
         IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'tinhso_vi') THEN
           CREATE TEXT SEARCH CONFIGURATION tinhso_vi (COPY = simple);
           ALTER TEXT SEARCH CONFIGURATION tinhso_vi
             ALTER MAPPING FOR hword, hword_part, word WITH unaccent, simple;
         END IF;
       END $$""",
    "CREATE INDEX opendata_dataset_search_vector ON opendata_dataset USING gin (search_vector)",
]
POSTGRESQL_UNDO = ["DROP INDEX IF EXISTS opendata_dataset_search_vector"]
SQLITE = [
    "CREATE VIRTUAL TABLE opendata_dataset_fts USING fts5("
    "dataset_id UNINDEXED, title, body, tokenize = 'unicode61 remove_diacritics 2')",
]
SQLITE_UNDO = ["DROP TABLE IF EXISTS opendata_dataset_fts"]


def _run(statements: dict[str, list[str]]) -> Any:
    def run(apps: Any, schema_editor: Any) -> None:
        for statement in statements.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("opendata", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_UNDO, "sqlite": SQLITE_UNDO}),
        ),
    ]
