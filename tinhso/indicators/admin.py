"""Read-only admin for the reporting app: writes go through ``actions.py`` (pages, API, loaders)."""

from __future__ import annotations

from django.contrib import admin

from tinhso.core.admin import ReadOnlyAdmin
from tinhso.directory.admin import ReadOnlyInline
from tinhso.indicators.models import (
    ApprovalStep,
    DataElement,
    ExpectedReporter,
    Indicator,
    ReportingRegime,
    Submission,
    SubmissionEvent,
    Target,
    ValidationRule,
    ValueChange,
)


@admin.register(DataElement)
class DataElementAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "value_type", "aggregation_time", "aggregation_space")
    search_fields = ("code", "name")


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "numerator", "denominator", "factor")
    search_fields = ("code", "name")


@admin.register(Target)
class TargetAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "comparison", "target_value", "deadline", "scope")
    list_filter = ("scope", "deadline")
    search_fields = ("code", "name")


class ApprovalStepInline(ReadOnlyInline):
    model = ApprovalStep
    fields = ("order", "name", "agency", "unit_level")


class ValidationRuleInline(ReadOnlyInline):
    model = ValidationRule
    fields = ("code", "left", "operator", "right", "importance", "message")


@admin.register(ReportingRegime)
class ReportingRegimeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "period_type", "cutoff_start_day", "recipient")
    search_fields = ("code", "name")
    inlines = (ApprovalStepInline, ValidationRuleInline)


@admin.register(ExpectedReporter)
class ExpectedReporterAdmin(ReadOnlyAdmin):
    list_display = ("regime", "unit", "valid_from", "valid_to")
    list_filter = ("regime",)
    list_select_related = ("regime", "unit")


class SubmissionEventInline(ReadOnlyInline):
    model = SubmissionEvent
    fields = ("at", "action", "step", "actor", "comment")


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    list_display = ("regime", "unit", "period", "status", "expected", "due_date", "on_time")
    list_filter = ("regime", "status", "expected", "period")
    list_select_related = ("regime", "unit")
    inlines = (SubmissionEventInline,)


@admin.register(ValueChange)
class ValueChangeAdmin(ReadOnlyAdmin):
    list_display = ("at", "data_element", "unit", "period", "previous", "value", "channel")
    list_filter = ("channel",)
    list_select_related = ("data_element", "unit")
