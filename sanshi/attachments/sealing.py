"""Sealing a file's bytes with the keys and algorithm that seal personal data in the database.

The same `sanshi.core.crypto.sealer()` (AES-256-GCM, or SM4-GCM; the key ring of
SANSHI_ENCRYPTION_KEYS, newest first) seals bytes instead of text: "SSF1", the algorithm's code,
the key id, the nonce, then ciphertext and tag. The associated data names the attachment, so
a stored file cannot be swapped for another one's unnoticed.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag

from sanshi.core.crypto import BY_CODE, NONCE, DecryptionError, sealer

MAGIC = b"SSF1"


def seal_bytes(data: bytes, aad: str) -> bytes:
    """The bytes sealed with the current key."""
    box = sealer()
    kid, key = box.keys[0]
    nonce = os.urandom(NONCE)
    kid_bytes = kid.encode()
    sealed = box.algorithm.seal(key, nonce, data, aad.encode())
    return (
        MAGIC + box.algorithm.code.encode() + bytes([len(kid_bytes)]) + kid_bytes + nonce + sealed
    )


def open_bytes(blob: bytes, aad: str) -> bytes:
    """The bytes `seal_bytes` sealed; DecryptionError when the key is unknown or it was changed."""
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 2:
        raise DecryptionError("not a sealed file")
    code = blob[4:5].decode(errors="replace")
    kid_len = blob[5]
    kid = blob[6 : 6 + kid_len].decode(errors="replace")
    rest = blob[6 + kid_len :]
    algorithm = BY_CODE.get(code)
    key = dict(sealer().keys).get(kid)
    if algorithm is None or key is None:
        raise DecryptionError(f"no key {kid!r} for algorithm {code!r}")
    try:
        return algorithm.open(key, rest[:NONCE], rest[NONCE:], aad.encode())
    except InvalidTag:
        raise DecryptionError("the file does not open: tampered, or another file's") from None
