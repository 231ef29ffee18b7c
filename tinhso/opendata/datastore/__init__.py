"""The datastore (kho dữ liệu dạng bảng): tabular resources loaded into queryable SQL tables.

``columns`` types and names columns, ``loader`` parses a file into a table, ``query`` reads
it for the API and the pages, ``actions`` changes it, ``ckan_actions`` serves CKAN's
``datastore_search``. Why one SQL table per resource: ``docs/adr/0010-datastore-tables.md``.
"""
