"""The CKAN Action API (``/api/3/action/<name>``): CKAN's envelope, errors, auth and actions."""
