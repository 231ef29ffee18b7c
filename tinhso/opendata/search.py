"""Dataset search that works for Vietnamese, behind one interface on both databases.

With or without diacritics, đ or d, NFC or NFD input, "dong da", "Dong Da" and "Đống Đa" find
the same datasets. PostgreSQL matches with full-text search through the ``tinhso_vi`` text
search configuration (``simple`` words passed through ``unaccent``; created by migration 0002)
on expression indexes; SQLite matches in an FTS5 table holding the text folded by
:func:`tinhso.core.text.fold`. Both rank title matches above body matches and the query as a
phrase above its words scattered, then by recency.

Filters (CKAN's ``fq``) and facets compare accent-insensitively too — ``tags:ngan sach``
matches the tag "ngân sách" — while facets show the canonical names.
"""

from __future__ import annotations

import datetime
import unicodedata
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.db import connection
from django.db.models import Count, Q, QuerySet, Window

from tinhso.core.text import fold
from tinhso.opendata.models import Dataset, Tag

FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")
SORT_FIELDS = (
    "score",
    "metadata_modified",
    "metadata_created",
    "name",
    "title_string",
    "id",
    "views_recent",
)
DEFAULT_SORT = (("score", True), ("metadata_modified", True))
# Ranking: a title match counts four times a body match; the query found as a phrase adds 10
# (in the title) or 5 (in the body), more than word scores ever reach, so phrases come first;
# a title beginning with the query adds 3 more (see ``match``).


@dataclass(frozen=True)
class Filter:
    """One condition on datasets: ``field`` equals any of ``values`` (or none, if ``negate``),
    or for ``metadata_modified``/``metadata_created`` lies between ``start`` and ``end``."""

    field: str
    values: tuple[str, ...] = ()
    negate: bool = False
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None


@dataclass
class Query:
    """What to search for: free ``text``, ``filters`` (all must hold), order, page, facets."""

    text: str = ""
    filters: Sequence[Filter] = ()
    sort: Sequence[tuple[str, bool]] = DEFAULT_SORT
    rows: int = 10
    start: int = 0
    facet_fields: Sequence[str] = ()
    facet_limit: int = 50
    facet_mincount: int = 1


@dataclass(frozen=True)
class FacetItem:
    """One value of a facet: its canonical ``name``, what to show, and how many datasets."""

    name: str
    display_name: str
    count: int


@dataclass
class Result:
    """The datasets found: how many in all, the ids of this page in order, and the facets."""

    count: int
    ids: list[uuid.UUID]
    facets: dict[str, list[FacetItem]] = field(default_factory=dict)


class UnknownField(ValueError):
    """A filter, sort or facet names a field search does not know."""


# --- indexing ---------------------------------------------------------------------------------


def _documents(dataset: Dataset) -> tuple[str, str]:
    """The title text and the full text of a dataset, as indexed (NFC)."""
    title = " ".join(part for part in (dataset.title, dataset.title_en, dataset.name) if part)
    words: list[str] = [title]
    words += [tag.name for tag in dataset.tags.all()]
    words += [f"{theme.title} {theme.title_en}" for theme in dataset.themes.all()]
    words.append(dataset.organization.title)
    words += [
        dataset.notes,
        dataset.notes_en,
        dataset.spatial_unit.name if dataset.spatial_unit else "",
    ]
    words += [f"{res.name} {res.format}" for res in dataset.resources.filter(state="active")]
    full = "\n".join(word for word in words if word)
    return unicodedata.normalize("NFC", title), unicodedata.normalize("NFC", full)


def index_dataset(dataset: Dataset) -> None:
    """Bring the search index of ``dataset`` up to date (inside the caller's transaction)."""
    title, full = _documents(dataset)
    Dataset.objects.filter(pk=dataset.pk).update(search_title=title, search_text=full)
    dataset.search_title, dataset.search_text = title, full
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE opendata_dataset SET search_vector = "
                "setweight(to_tsvector('tinhso_vi', %s), 'A') "
                "|| setweight(to_tsvector('tinhso_vi', %s), 'D') WHERE id = %s",
                [title, full, dataset.pk],
            )
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "DELETE FROM opendata_dataset_fts WHERE dataset_id = %s", [dataset.pk.hex]
            )
            cursor.execute(
                "INSERT INTO opendata_dataset_fts (dataset_id, title, body) VALUES (%s, %s, %s)",
                [dataset.pk.hex, fold(title), fold(full)],
            )


def reindex(datasets: Iterable[Dataset] | None = None) -> int:
    """Rebuild the index of ``datasets`` (all by default); return how many were indexed."""
    queryset = datasets if datasets is not None else Dataset.objects.all()
    count = 0
    for dataset in queryset:
        index_dataset(dataset)
        count += 1
    return count


# --- matching ---------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return [word for word in "".join(c if c.isalnum() else " " for c in fold(text)).split()]


def _match_postgresql(text: str) -> dict[uuid.UUID, float]:
    normal = unicodedata.normalize("NFC", " ".join(text.split()))
    # Weights {D, C, B, A}: a title word (A) counts four times a body word (D).
    sql = """
        SELECT id,
               4 * ts_rank_cd('{0.25, 0.5, 0.75, 1.0}', search_vector, q)
               + CASE WHEN ts_filter(search_vector, '{a}') @@ p THEN 10
                      WHEN search_vector @@ p THEN 5
                      ELSE 0 END
        FROM opendata_dataset,
             plainto_tsquery('tinhso_vi', %s) AS q,
             phraseto_tsquery('tinhso_vi', %s) AS p
        WHERE search_vector @@ q
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [normal, normal])
        return {row[0]: float(row[1]) for row in cursor.fetchall()}


def _match_sqlite(text: str) -> dict[uuid.UUID, float]:
    words = _words(text)
    if not words:
        return {}
    terms = " ".join(f'"{word}"' for word in words)
    phrase = " ".join(words)
    sql = """
        SELECT dataset_id,
               -bm25(opendata_dataset_fts, 0, 4.0, 1.0)
               + CASE WHEN (' ' || title || ' ') LIKE %s THEN 10
                      WHEN (' ' || body || ' ') LIKE %s THEN 5
                      ELSE 0 END
        FROM opendata_dataset_fts
        WHERE opendata_dataset_fts MATCH %s
    """
    like = f"% {phrase} %"
    with connection.cursor() as cursor:
        cursor.execute(sql, [like, like, "{title body}: " + terms])
        return {uuid.UUID(row[0]): float(row[1]) for row in cursor.fetchall()}


def match(text: str) -> dict[uuid.UUID, float]:
    """Datasets whose text contains every word of ``text`` (accent-insensitive), with scores.

    A title that begins with the query is about it ("khu công nghiệp" → "Khu công nghiệp và
    cụm công nghiệp" before "Nước thải khu công nghiệp"): it gains a further 3.
    """
    words = _words(text)
    if not words:
        return {}
    scores = _match_postgresql(text) if connection.vendor == "postgresql" else _match_sqlite(text)
    phrase = " ".join(words)
    titles = Dataset.objects.filter(pk__in=list(scores)).values_list("pk", "title")
    for pk, title in titles:
        if " ".join(_words(title)).startswith(phrase):
            scores[pk] += 3.0
    return scores


# --- filters and facets -----------------------------------------------------------------------


def _condition(flt: Filter) -> Q:
    values = [value.strip() for value in flt.values if value.strip()]
    folded = [fold(value) for value in values]
    if flt.field in ("metadata_modified", "metadata_created"):
        column = "modified" if flt.field == "metadata_modified" else "created"
        condition = Q()
        if flt.start is not None:
            condition &= Q(**{f"{column}__gte": flt.start})
        if flt.end is not None:
            condition &= Q(**{f"{column}__lte": flt.end})
        return condition
    by_field = {
        "organization": lambda: (
            Q(organization__name__in=values) | Q(organization__folded_title__in=folded)
        ),
        "owner_org": lambda: Q(organization__id__in=_uuids(values)),
        "groups": lambda: Q(themes__name__in=values) | Q(themes__folded_title__in=folded),
        "tags": lambda: Q(tags__folded__in=folded),
        "res_format": lambda: Q(
            resources__format__in=[value.upper() for value in values], resources__state="active"
        ),
        "license_id": lambda: Q(license_id__in=values),
        "id": lambda: Q(id__in=_uuids(values)),
        "name": lambda: Q(name__in=values),
        "state": lambda: Q(state__in=values),
        "capacity": lambda: Q(private=values[0] == "private") if values else Q(),
        "dataset_type": lambda: Q() if "dataset" in values else Q(pk__in=[]),
    }
    if flt.field not in by_field:
        raise UnknownField(flt.field)
    return by_field[flt.field]()


def _uuids(values: Sequence[str]) -> list[uuid.UUID]:
    found = []
    for value in values:
        try:
            found.append(uuid.UUID(value))
        except ValueError:
            continue
    return found


def filtered(base: QuerySet[Dataset], filters: Sequence[Filter]) -> QuerySet[Dataset]:
    """``base`` narrowed by every filter (a negated one excludes its matches)."""
    queryset = base
    for flt in filters:
        condition = _condition(flt)
        matching = Dataset.objects.filter(condition).values("pk")
        queryset = (
            queryset.exclude(pk__in=matching) if flt.negate else queryset.filter(pk__in=matching)
        )
    return queryset


def facets(
    queryset: QuerySet[Dataset], names: Sequence[str], *, limit: int = 50, mincount: int = 1
) -> dict[str, list[FacetItem]]:
    """Count datasets of ``queryset`` per value of each facet in ``names``."""
    columns = {
        "organization": ("organization__name", "organization__title"),
        "groups": ("themes__name", "themes__title"),
        "tags": ("tags__name", "tags__name"),
        "res_format": ("resources__format", "resources__format"),
        "license_id": ("license_id", "license__title"),
    }
    result: dict[str, list[FacetItem]] = {}
    ids = queryset.order_by().values("pk")
    for name in names:
        if name not in columns:
            raise UnknownField(name)
        key, label = columns[name]
        rows = Dataset.objects.filter(pk__in=ids).exclude(**{f"{key}__isnull": True})
        if name == "res_format":
            rows = rows.filter(resources__state="active").exclude(resources__format="")
        counted = (
            rows.values(key, label)
            .annotate(n=Count("pk", distinct=True))
            .filter(n__gte=max(mincount, 1))
            .order_by("-n", key)
        )
        if limit >= 0:
            counted = counted[:limit]
        result[name] = [
            FacetItem(str(row[key]), str(row[label] or row[key]), row["n"]) for row in counted
        ]
    return result


# --- search -----------------------------------------------------------------------------------

_ORDER_COLUMNS = {
    "metadata_modified": "modified",
    "metadata_created": "created",
    "name": "name",
    "title_string": "sort_key",
    "id": "id",
    "views_recent": "view_count",
}


def _sort_value(row: dict[str, Any], *, name: str, scores: dict[uuid.UUID, float]) -> Any:
    if name == "score":
        return scores.get(row["pk"], 0.0)
    return row["pk"] if name == "id" else row[_ORDER_COLUMNS[name]]


def search_datasets(query: Query, *, base: QuerySet[Dataset]) -> Result:
    """Find datasets among ``base`` (what the caller may see) that match ``query``."""
    for name, _descending in query.sort:
        if name not in SORT_FIELDS:
            raise UnknownField(name)
    queryset = filtered(base, query.filters)
    scores: dict[uuid.UUID, float] | None = None
    if _words(query.text):
        scores = match(query.text)
        queryset = queryset.filter(pk__in=list(scores))
    result = Result(count=0, ids=[])
    if scores is None or not any(name == "score" for name, _ in query.sort):
        order = [
            ("-" if descending else "") + _ORDER_COLUMNS[name]
            for name, descending in query.sort
            if name != "score"
        ] or ["-modified"]
        # The page and the total in one query; a page past the end needs a count of its own.
        page = list(
            queryset.order_by(*order, "id")
            .annotate(total=Window(Count("pk")))
            .values_list("pk", "total")[query.start : query.start + query.rows]
            if query.rows
            else []
        )
        result.ids = [pk for pk, _total in page]
        result.count = page[0][1] if page else queryset.count()
    else:
        columns = ["pk", *{_ORDER_COLUMNS[n] for n, _ in query.sort if n not in ("score", "id")}]
        keyed = [dict(zip(columns, row, strict=True)) for row in queryset.values_list(*columns)]
        result.count = len(keyed)
        # Stable sorts from the last key to the first give the combined order.
        for name, descending in reversed([*query.sort, ("id", False)]):
            keyed.sort(key=partial(_sort_value, name=name, scores=scores), reverse=descending)
        result.ids = [row["pk"] for row in keyed[query.start : query.start + query.rows]]
    if query.facet_fields:
        result.facets = facets(
            queryset,
            query.facet_fields,
            limit=query.facet_limit,
            mincount=query.facet_mincount,
        )
    return result


def tag_names(prefix: str = "", *, limit: int = 1000) -> list[str]:
    """Names of the tags on any dataset, those starting with ``prefix`` (accent-insensitive)."""
    tags = Tag.objects.all()
    if prefix:
        tags = tags.filter(folded__startswith=fold(prefix))
    return list(tags.order_by("name").values_list("name", flat=True)[:limit])
