"""Exchange formats of the reporting API beyond dataValueSets: ADX and SDMX."""

from ninja import Router

router = Router(tags=["indicators"])
