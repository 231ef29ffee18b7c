"""Fixtures shared by the reporting app's tests."""

from tinhso.indicators.tests.report_setup import setup

__all__ = ["setup"]
