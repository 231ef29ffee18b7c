"""Fixtures for the core app's tests."""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

TEST_SEED = bytes(range(32))


@pytest.fixture(autouse=True)
def ledger_signing_key(settings: Any) -> Ed25519PublicKey:
    """Sign checkpoints with a fixed test key instead of one kept in the data directory."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    settings.TINHSO_LEDGER_SIGNING_KEY = TEST_SEED.hex()
    return Ed25519PrivateKey.from_private_bytes(TEST_SEED).public_key()
