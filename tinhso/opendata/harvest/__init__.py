"""Harvesting in (thu thập dữ liệu): importing datasets from other portals on a schedule.

A :class:`~tinhso.opendata.models.HarvestSource` is a CKAN-compatible Action API (``ckan``,
gathered like ckanext-harvest's ``CKANHarvester``) or a DCAT catalogue (``dcat``, gathered like
ckanext-dcat's RDF harvester). ``run.run_source`` gathers the source's datasets, maps each onto
a local dataset of the source's organisation keyed by ``(harvest_source, harvest_guid)``, and
creates, updates or withdraws through the catalogue's actions, so a harvested dataset has the
same history, audit trail and search index as one typed in by an officer.
"""
