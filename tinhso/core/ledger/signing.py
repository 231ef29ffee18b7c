"""Ed25519 signatures on the ledger's tree heads.

The signed message is the RFC 6962 §3.5 ``TreeHeadSignature`` layout, 50 bytes::

    0x00 (version v1) ‖ 0x01 (signature type tree_hash) ‖ u64be(timestamp_ms)
    ‖ u64be(tree_size) ‖ root_hash (32 bytes)

so anyone holding the public key (``GET /api/v1/ledger/public-key``) can check a checkpoint with
any Ed25519 library. The key is a 32-byte seed from ``TINHSO_LEDGER_SIGNING_KEY`` (hex or
base64); outside production an empty setting means a seed kept in
``DATA_DIR/ledger_ed25519.key`` (created with mode 0600 on first use).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import struct
import threading
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

KEY_FILE_NAME = "ledger_ed25519.key"
MESSAGE_LAYOUT = (
    "0x00 || 0x01 || u64be(timestamp_ms) || u64be(size) || root_hash[32] "
    "(RFC 6962 §3.5 TreeHeadSignature)"
)

_cache: dict[tuple[str, str], Ed25519PrivateKey] = {}
_cache_lock = threading.Lock()


def tree_head_message(timestamp_ms: int, size: int, root_hash: bytes) -> bytes:
    """Return the exact bytes that are signed for a tree head."""
    if len(root_hash) != 32:
        raise ValueError("root_hash must be 32 bytes")
    return b"\x00\x01" + struct.pack(">QQ", timestamp_ms, size) + root_hash


def parse_seed(text: str) -> bytes:
    """Decode a 32-byte Ed25519 seed written as hex (64 digits) or base64.

    Raises:
        ImproperlyConfigured: the text is neither.
    """
    text = text.strip()
    try:
        if len(text) == 64:
            seed = bytes.fromhex(text)
        else:
            standard = text.replace("-", "+").replace("_", "/")
            seed = base64.b64decode(standard, validate=True)
    except (ValueError, binascii.Error):
        seed = b""
    if len(seed) != 32:
        raise ImproperlyConfigured(
            "TINHSO_LEDGER_SIGNING_KEY must be a 32-byte Ed25519 seed in hex or base64"
        )
    return seed


def _seed_from_file(path: Path) -> bytes:
    """Return the seed kept in ``path``, creating it (mode 0600) when missing."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return parse_seed(path.read_text())
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_bytes(32).hex() + "\n")
    return parse_seed(path.read_text())


def signing_key() -> Ed25519PrivateKey:
    """Return the ledger's private key.

    Raises:
        ImproperlyConfigured: a malformed key. (Production refuses to start without one:
            ``tinhso.conf``.)
    """
    configured = settings.TINHSO_LEDGER_SIGNING_KEY or ""
    cache_key = (configured, str(settings.DATA_DIR))
    with _cache_lock:
        key = _cache.get(cache_key)
        if key is None:
            if configured:
                seed = parse_seed(configured)
            else:
                seed = _seed_from_file(Path(settings.DATA_DIR) / KEY_FILE_NAME)
            key = Ed25519PrivateKey.from_private_bytes(seed)
            _cache[cache_key] = key
    return key


def public_key_bytes() -> bytes:
    """Return the raw 32-byte Ed25519 public key that verifies checkpoints."""
    return signing_key().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def public_key_pem() -> str:
    """Return the public key as a PEM SubjectPublicKeyInfo block."""
    return (
        signing_key()
        .public_key()
        .public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def key_id(public_key: bytes) -> bytes:
    """Return SHA-256 of the raw public key, a stable name for it."""
    return hashlib.sha256(public_key).digest()


def sign_tree_head(timestamp_ms: int, size: int, root_hash: bytes) -> bytes:
    """Sign a tree head with the ledger's key; return the 64-byte signature."""
    return signing_key().sign(tree_head_message(timestamp_ms, size, root_hash))


def verify_tree_head(
    public_key: bytes, timestamp_ms: int, size: int, root_hash: bytes, signature: bytes
) -> bool:
    """Check a tree-head signature against a raw Ed25519 public key."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(
            signature, tree_head_message(timestamp_ms, size, root_hash)
        )
    except (InvalidSignature, ValueError):
        return False
    return True
