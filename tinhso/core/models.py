"""Abstract base models shared by every app, and the audit ledger's tables."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """A row that knows when it was created and last changed."""

    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        abstract = True


class AuditEntry(models.Model):
    """One write recorded in the append-only audit ledger (bản ghi nhật ký kiểm toán).

    Written by ``tinhso.core.audit.record_write`` (or ``tinhso.core.ledger.append_batch``) in
    the caller's transaction, which also gives it the next leaf of the ledger's Merkle tree.
    Rows are never updated or deleted; ``tinhso verify-audit`` detects any that are. People
    appear only by reference (user id, object id), never by ID-card number.
    """

    created_at = models.DateTimeField(_("thời điểm"), default=timezone.now, db_index=True)
    actor_id = models.BigIntegerField(_("mã người thực hiện"), null=True, blank=True)
    actor_label = models.CharField(_("người thực hiện"), max_length=150, blank=True)
    action = models.CharField(_("hành động"), max_length=100, db_index=True)
    object_type = models.CharField(_("loại đối tượng"), max_length=100, blank=True)
    object_id = models.CharField(_("mã đối tượng"), max_length=100, blank=True)
    object_repr = models.CharField(_("đối tượng"), max_length=255, blank=True)
    changes = models.JSONField(_("thay đổi"), default=dict, blank=True)
    ip_address = models.GenericIPAddressField(_("địa chỉ IP"), null=True, blank=True)
    client = models.CharField(_("phần mềm khách"), max_length=255, blank=True)
    batch_count = models.PositiveIntegerField(_("số bản ghi trong lô"), null=True, blank=True)
    leaf_index = models.BigIntegerField(_("chỉ mục lá"), unique=True, editable=False)
    salt = models.CharField(_("muối băm"), max_length=32, editable=False)

    class Meta:
        verbose_name = _("bản ghi kiểm toán")
        verbose_name_plural = _("nhật ký kiểm toán")
        ordering = ["leaf_index"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_repr}"


class LedgerNode(models.Model):
    """The hash of a perfect subtree of the ledger's Merkle tree (nút cây Merkle).

    Node ``(level, index)`` covers leaves ``[index·2^level, (index+1)·2^level)``; level 0 holds
    the leaf hashes. Written once, when the subtree is complete, so a proof reads O(log n) rows.
    """

    pk = models.CompositePrimaryKey("level", "index")
    level = models.PositiveSmallIntegerField(_("tầng"))
    index = models.BigIntegerField(_("vị trí trong tầng"))
    digest = models.BinaryField(_("giá trị băm"), max_length=32)

    class Meta:
        verbose_name = _("nút cây Merkle")
        verbose_name_plural = _("các nút cây Merkle")

    def __str__(self) -> str:
        return f"({self.level}, {self.index})"


class LedgerHead(models.Model):
    """The ledger's sequencer and its latest signed tree head (đầu cây đã ký). One row.

    Appending locks this row (``SELECT … FOR UPDATE``) until the writing transaction commits,
    so leaf indices follow commit order. ``frontier`` holds the compact range of the tree (one
    hash per set bit of ``size``, largest subtree first) that new leaves are hashed against.
    """

    SINGLETON = 1

    id = models.PositiveSmallIntegerField(_("mã"), primary_key=True, default=SINGLETON)
    size = models.BigIntegerField(_("số lá"), default=0)
    frontier = models.BinaryField(_("biên phải của cây"), default=b"")
    root_hash = models.BinaryField(_("băm gốc"), default=b"")
    timestamp_ms = models.BigIntegerField(_("thời điểm ký (ms)"), default=0)
    signature = models.BinaryField(_("chữ ký Ed25519"), default=b"")

    class Meta:
        verbose_name = _("đầu cây nhật ký")
        verbose_name_plural = _("đầu cây nhật ký")

    def __str__(self) -> str:
        return f"size={self.size}"
