"""Encryption of personal data at rest, behind one small interface.

A sealed value is text: "<alg>:<kid>:<base64 of nonce + ciphertext + tag>". The algorithm is
AES-256-GCM by default, or SM4-GCM where a deployment must use the national algorithms
(SANSHI_CIPHER=sm4-gcm). The associated data names the column, so a value cannot be moved
from one column to another unnoticed. Keys come from settings (environment or key file).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
from dataclasses import dataclass
from functools import cache
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

NONCE = 12


class DecryptionError(Exception):
    """A sealed value could not be opened: wrong key, wrong column, or tampered."""


class Algorithm(Protocol):
    code: str

    def seal(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes: ...

    def open(self, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes: ...


class Aes256Gcm:
    code = "A"

    def seal(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        return AESGCM(key).encrypt(nonce, data, aad)

    def open(self, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        return AESGCM(key).decrypt(nonce, sealed, aad)


class Sm4Gcm:
    """SM4 (GB/T 32907) in GCM mode, with a 16-byte key derived from the 32-byte one."""

    code = "S"

    @staticmethod
    def _key(key: bytes) -> bytes:
        return HKDF(hashes.SHA256(), 16, salt=None, info=b"sanshi sm4-gcm").derive(key)

    def seal(self, key: bytes, nonce: bytes, data: bytes, aad: bytes) -> bytes:
        enc = Cipher(algorithms.SM4(self._key(key)), modes.GCM(nonce)).encryptor()
        enc.authenticate_additional_data(aad)
        return enc.update(data) + enc.finalize() + enc.tag

    def open(self, key: bytes, nonce: bytes, sealed: bytes, aad: bytes) -> bytes:
        body, tag = sealed[:-16], sealed[-16:]
        dec = Cipher(algorithms.SM4(self._key(key)), modes.GCM(nonce, tag)).decryptor()
        dec.authenticate_additional_data(aad)
        return dec.update(body) + dec.finalize()


ALGORITHMS: dict[str, Algorithm] = {"aes-256-gcm": Aes256Gcm(), "sm4-gcm": Sm4Gcm()}
BY_CODE: dict[str, Algorithm] = {a.code: a for a in ALGORITHMS.values()}


@dataclass(frozen=True)
class Sealer:
    """Seals with the current key and algorithm; opens with any known key."""

    algorithm: Algorithm
    keys: tuple[tuple[str, bytes], ...]

    @property
    def current_prefix(self) -> str:
        return f"{self.algorithm.code}:{self.keys[0][0]}:"

    def seal(self, text: str, aad: str) -> str:
        kid, key = self.keys[0]
        nonce = os.urandom(NONCE)
        sealed = self.algorithm.seal(key, nonce, text.encode(), aad.encode())
        return f"{self.algorithm.code}:{kid}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, value: str, aad: str) -> str:
        code, _, rest = value.partition(":")
        kid, _, payload = rest.partition(":")
        algorithm = BY_CODE.get(code)
        key = dict(self.keys).get(kid)
        if algorithm is None or key is None or not payload:
            raise DecryptionError(f"no key {kid!r} for algorithm {code!r}")
        raw = base64.b64decode(payload)
        try:
            return algorithm.open(key, raw[:NONCE], raw[NONCE:], aad.encode()).decode()
        except InvalidTag:
            raise DecryptionError(
                "the value does not open: tampered, or another column's"
            ) from None


@cache
def sealer() -> Sealer:
    """The sealer built from settings (cached; tests that change keys call sealer.cache_clear())."""
    return Sealer(ALGORITHMS[settings.SANSHI_CIPHER], tuple(settings.SANSHI_ENCRYPTION_KEYS))


def normalise_phone(phone: str) -> str:
    """Digits only, without China's +86 prefix."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return digits[2:] if digits.startswith("86") and len(digits) == 13 else digits


def blind_index(value: str, purpose: str) -> str:
    """A keyed HMAC-SHA256 for exact search without storing the value ("" for no value)."""
    if not value:
        return ""
    message = f"{purpose}\x00{value}".encode()
    return hmac.new(settings.SANSHI_BLIND_INDEX_KEY, message, hashlib.sha256).hexdigest()


def phone_index(phone: str) -> str:
    return blind_index(normalise_phone(phone), "phone")


def mask_phone(phone: str) -> str:
    """138****1234 (keeps the first three and last four digits)."""
    digits = normalise_phone(phone)
    if len(digits) < 8:
        return "*" * len(digits)
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_name(name: str) -> str:
    """王** : the surname and one star per other character."""
    name = name.strip()
    return name[:1] + "*" * (len(name) - 1) if name else ""


def mask_address(address: str) -> str:
    """Keep the first six characters (district, street), hide the rest."""
    return address[:6] + "*" * max(len(address) - 6, 0)


# Mainland mobile numbers, with or without +86 and separators.
PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[ -]?)?1[3-9]\d(?:[ -]?\d){8}(?!\d)")


def mask_phones_in_text(text: str) -> str:
    """Mask every mobile number written inside free text (notes quote them)."""
    return PHONE_IN_TEXT.sub(lambda m: mask_phone(m.group(0)), text)
