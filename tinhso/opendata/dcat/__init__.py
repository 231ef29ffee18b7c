"""The catalogue in DCAT (DCAT-AP 3 shaped RDF), as ckanext-dcat serves it.

``graph`` builds the RDF of datasets and of a catalogue page, ``views`` serves
``/catalog.{fmt}``, ``/dataset/<id or name>.{fmt}`` and ``/dcat.json``, and ``urls`` routes
them at CKAN's paths so DCAT harvesters configured for a CKAN site work unchanged.
"""
