"""Resident ID numbers encrypted at rest, with a keyed hash for exact lookup and uniqueness.

The keys come from ``settings.FIELD_ENCRYPTION_KEYS`` (the environment variable
of the same name, comma-separated; never ``SECRET_KEY``): each is 32 random
bytes in URL-safe base64 (``manage.py rotate_id_key --generate`` prints one).
The first key is the current one: every value written is encrypted under it.
The others still decrypt, so a key is rotated by putting the new key first,
restarting, running ``manage.py rotate_id_key`` (every row re-encrypted and
re-hashed under the new key, all or nothing) and then dropping the old key.

- :class:`EncryptedIdField` stores ``e1:<key id>:<base64(nonce ‖ AES-256-GCM ciphertext ‖ tag)>``
  (a fresh random nonce per value, so equal numbers do not look equal in the
  database) and reads back the plain number; the model attribute is always the
  plain text, so masking, reveal and printing work as before.  It refuses
  every query lookup but ``isnull``: a forgotten ``filter(id_number=…)``
  would compare with ciphertext and silently find nothing, so it fails loudly.
- :class:`IdHashField` is the lookup column: HMAC-SHA256 of the number (or of
  its last four characters, ``tail=4``).  It fills itself in ``pre_save``, so
  ``save()`` and ``bulk_create`` (the importer) set it without the caller's
  help, and in ``full_clean`` (``clean``), so ``validate_unique`` checks the
  number being saved.  ``bulk_update`` and ``QuerySet.update`` skip both: a
  caller changing an ID number that way must set the hash itself
  (:func:`refresh_hashes`).  ``save(update_fields=…)`` writes the hash only if
  named: :func:`with_derived_fields` adds it (``core.versioning.save_changed``
  calls it).
- :func:`id_hash_q` is how code finds a number: ``Member.objects.filter(id_hash_q("id_number", n))``.

Why the hash key is derived from the encryption key (HKDF-SHA256, its own
``info``) rather than kept as a second secret: the hash of a number from a
space this small (region × birth date × sequence, about 10¹¹) is as good as
the number to anyone holding the hash key, so the hash key must be as secret
and as rotatable as the encryption key.  Deriving it means one secret to keep
and back up, and a rotation after a suspected leak renews both.  Lookups stay
right during a rotation because :func:`lookup_hashes` hashes the number under
every configured key (current first), so a row still hashed under the old key
is found; ``rotate_id_key`` then moves every row to the current key.  The two
derived keys are separate (HKDF ``info``), so the AES key is never used as an
HMAC key.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.signals import setting_changed
from django.db import models
from django.db.models import Q, QuerySet

from .idcard import ID_INPUT_MAX_LENGTH, canonical_id_number, normalize_id_number

#: Ciphertext format version; a later format gets a new prefix and both are read.
PREFIX = "e1"
NONCE_BYTES = 12
KEY_BYTES = 32
#: Bound to every ciphertext (GCM associated data): a value from another application's key use never decrypts here.
ASSOCIATED_DATA = b"partyorg:id-number:v1"
HASH_INFO = b"partyorg:id-number:lookup-hmac:v1"
ENCRYPTION_INFO = b"partyorg:id-number:aes-gcm:v1"
KEY_ID_INFO = b"partyorg:id-number:key-id:v1"

KEYS_MISSING = "未配置 FIELD_ENCRYPTION_KEYS（公民身份号码加密密钥），无法读写公民身份号码"
KEY_INVALID = (
    "FIELD_ENCRYPTION_KEYS 中第{n}个密钥无效：每个密钥应为32字节随机数的URL安全Base64编码"
    "（可用 python manage.py rotate_id_key --generate 生成）"
)
KEY_UNKNOWN = (
    "数据库中的公民身份号码由另一密钥（编号{kid}）加密，该密钥不在 FIELD_ENCRYPTION_KEYS 中："
    "请把原密钥加回（放在当前密钥之后），再运行 python manage.py rotate_id_key"
)
NOT_ENCRYPTED = "数据库中的公民身份号码未加密或已损坏（应先执行数据迁移 migrate）"
TAMPERED = "数据库中的公民身份号码密文校验失败（已被改动，或密钥编号相同而密钥不同）"


class UnreadableValue(ImproperlyConfigured):
    """The configured keys cannot read a stored value (a key missing, a value not encrypted or altered)."""


@dataclass(frozen=True)
class Key:
    """One configured key and what is derived from it."""

    kid: str
    aead: AESGCM
    hash_key: bytes


def generate_key() -> str:
    """A fresh key for FIELD_ENCRYPTION_KEYS: 32 random bytes, URL-safe base64."""
    return base64.urlsafe_b64encode(os.urandom(KEY_BYTES)).decode()


def _derive(secret: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(secret)


@functools.lru_cache(maxsize=8)
def _keyring(configured: tuple[str, ...]) -> tuple[Key, ...]:
    keys = []
    for n, text in enumerate(configured, start=1):
        try:
            secret = base64.urlsafe_b64decode(text.strip().encode() + b"=" * (-len(text.strip()) % 4))
        except (binascii.Error, ValueError):
            raise ImproperlyConfigured(KEY_INVALID.format(n=n)) from None
        if len(secret) != KEY_BYTES:
            raise ImproperlyConfigured(KEY_INVALID.format(n=n))
        kid = hmac.new(secret, KEY_ID_INFO, hashlib.sha256).hexdigest()[:8]
        keys.append(
            Key(kid=kid, aead=AESGCM(_derive(secret, ENCRYPTION_INFO)), hash_key=_derive(secret, HASH_INFO))
        )
    if not keys:
        raise ImproperlyConfigured(KEYS_MISSING)
    return tuple(keys)


def keyring() -> tuple[Key, ...]:
    """The configured keys, current first (parsed once per configuration)."""
    configured = settings.FIELD_ENCRYPTION_KEYS
    if isinstance(configured, str):
        configured = configured.split(",")
    return _keyring(tuple(k for k in configured if k.strip()))


def _clear_cache(*, setting: str, **kwargs: Any) -> None:
    if setting == "FIELD_ENCRYPTION_KEYS":
        _keyring.cache_clear()


setting_changed.connect(_clear_cache)


def current_key_id() -> str:
    return keyring()[0].kid


def encrypt(text: str) -> str:
    """``text`` encrypted under the current key, as stored."""
    key = keyring()[0]
    nonce = os.urandom(NONCE_BYTES)
    sealed = key.aead.encrypt(nonce, text.encode(), ASSOCIATED_DATA)
    return f"{PREFIX}:{key.kid}:{base64.urlsafe_b64encode(nonce + sealed).decode().rstrip('=')}"


def key_id_of(token: str) -> str:
    """The id of the key a stored value was encrypted under ("" when it is not a ciphertext of ours)."""
    parts = token.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == PREFIX else ""


def decrypt(token: str) -> str:
    """The plain text of a stored value; refuses (ImproperlyConfigured) what no configured key reads."""
    parts = token.split(":", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise UnreadableValue(NOT_ENCRYPTED)
    kid, body = parts[1], parts[2]
    key = next((k for k in keyring() if k.kid == kid), None)
    if key is None:
        raise UnreadableValue(KEY_UNKNOWN.format(kid=kid))
    try:
        raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
        return key.aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], ASSOCIATED_DATA).decode()
    except (InvalidTag, binascii.Error, ValueError):
        raise UnreadableValue(TAMPERED) from None


def _digest(key: Key, text: str, tail: int) -> str:
    # The tail hash is its own domain: HMAC("tail4:9072") never equals the hash of a whole number.
    message = f"tail{tail}:{text[-tail:]}" if tail else f"id:{text}"
    return hmac.new(key.hash_key, message.encode(), hashlib.sha256).hexdigest()


def lookup_hash(text: str, *, tail: int = 0) -> str:
    """The hash stored for ``text`` (the whole number, or its last ``tail`` characters) under the current key."""
    return _digest(keyring()[0], text, tail)


def lookup_hashes(text: str, *, tail: int = 0) -> list[str]:
    """``text``'s hash under every configured key, current first: what a lookup matches during a rotation."""
    return [_digest(key, text, tail) for key in keyring()]


class EncryptedIdField(models.CharField):
    """A resident ID number stored encrypted (AES-256-GCM); the attribute is the plain, canonical number."""

    description = "公民身份号码（加密存储）"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 18)
        super().__init__(*args, **kwargs)

    def get_internal_type(self) -> str:
        return (
            "TextField"  # the column holds the ciphertext (about 75 characters), unbounded on every backend
        )

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> str | None:
        return decrypt(value) if value else value

    def to_python(self, value: Any) -> Any:
        """The canonical number (core.idcard's normaliser; a 15-digit number as 18) — full_clean stores this."""
        value = super().to_python(value)
        return canonical_id_number(value) if value else value

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def get_lookup(self, lookup_name: str) -> Any:
        # Only isnull makes sense on a ciphertext: anything else would compare with it and find nothing.
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.model.__name__}.{self.name} is encrypted at rest: query it through its keyed hash "
            f"(core.fieldcrypto.id_hash_q / id_tail_q), not the lookup '{lookup_name}'"
        )

    def get_transform(self, lookup_name: str) -> Any:
        return None

    def formfield(self, **kwargs: Any) -> Any:
        # Normalised and checked as typed (room for separators); a 15-digit number's notice (core.forms).
        from .forms import IdNumberField

        return super().formfield(**{"form_class": IdNumberField, "max_length": ID_INPUT_MAX_LENGTH, **kwargs})


class IdHashField(models.CharField):
    """HMAC-SHA256 of ``source`` (an :class:`EncryptedIdField`), kept up to date by the model, never typed."""

    description = "公民身份号码检索码"

    def __init__(self, *args: Any, source: str, tail: int = 0, **kwargs: Any) -> None:
        self.source = source
        self.tail = tail
        kwargs.setdefault("max_length", 64)
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.tail:
            kwargs["tail"] = self.tail
        kwargs.pop("editable", None)
        if kwargs.get("max_length") == 64:
            del kwargs["max_length"]
        return name, path, args, kwargs

    def compute(self, instance: models.Model) -> str | None:
        text = getattr(instance, self.source)
        if not text:
            return None if self.null else ""
        # As the number is stored: EncryptedIdField.get_prep_value canonicalises it too.
        return lookup_hash(canonical_id_number(text), tail=self.tail)

    def pre_save(self, model_instance: models.Model, add: bool) -> Any:
        value = self.compute(model_instance)
        setattr(model_instance, self.attname, value)
        return value

    def clean(self, value: Any, model_instance: models.Model | None) -> Any:
        # full_clean: the hash of the number as it will be saved, so validate_unique checks that number.
        return self.compute(model_instance) if model_instance is not None else value


def encrypted_fields(model: type[models.Model]) -> list[EncryptedIdField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedIdField)]


def hash_fields(model: type[models.Model]) -> list[IdHashField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, IdHashField)]


def refresh_hashes(obj: models.Model) -> list[str]:
    """Set ``obj``'s hash attributes from its numbers (for ``bulk_update``); returns their names."""
    fields = hash_fields(type(obj))
    for field in fields:
        setattr(obj, field.attname, field.compute(obj))
    return [f.name for f in fields]


def with_derived_fields(model: type[models.Model], names: Iterable[str]) -> list[str]:
    """``names`` plus the hash fields of any ID number among them (for ``save(update_fields=…)``)."""
    names = list(names)
    extra = [f.name for f in hash_fields(model) if f.source in names and f.name not in names]
    return names + extra


def id_hash_q(field: str, number: str, *, tail: int = 0) -> Q:
    """Rows whose ``field`` (an encrypted ID field) is ``number``, or ends with it (``tail``), under any key.

    The hash column is ``<field>_hash`` (``<field>_tail_hash`` for ``tail``).  ``number``
    goes through core.idcard's normaliser first (a 15-digit number converted), as stored.
    """
    if tail:
        return Q(**{f"{field}_tail_hash__in": lookup_hashes(normalize_id_number(number), tail=tail)})
    return Q(**{f"{field}_hash__in": lookup_hashes(canonical_id_number(number))})


def id_hashes_q(field: str, numbers: Iterable[str]) -> Q:
    """Rows whose ``field`` is any of ``numbers``, under any key: one ``IN`` over their hashes."""
    return Q(**{f"{field}_hash__in": [h for n in numbers for h in lookup_hashes(canonical_id_number(n))]})


def id_tail_q(rows: QuerySet[Any], field: str, ending: str, *, tail: int = 4) -> Q:
    """Rows of ``rows`` whose ``field`` ends with ``ending`` (at least ``tail`` characters).

    The ``<field>_tail_hash`` column finds the rows sharing the last ``tail``
    characters (a handful in a county); a longer ending is then checked on
    their decrypted numbers — one more query, over those few rows only.
    """
    q = id_hash_q(field, ending, tail=tail)
    if len(ending) == tail:
        return q
    matching = [pk for pk, number in rows.filter(q).values_list("pk", field) if number.endswith(ending)]
    return Q(pk__in=matching)


# --- data migrations: plain numbers in the database → encrypted and hashed (and back) ------------------

#: Rows read and written per statement by the data migrations and rotate_id_key.
BATCH_SIZE = 1000


def _columns(model: type[models.Model]) -> tuple[list[EncryptedIdField], list[IdHashField]]:
    return encrypted_fields(model), hash_fields(model)


def encrypt_existing_rows(
    model: type[models.Model],
    connection: Any,
    *,
    reverse: bool = False,
    batch_size: int = BATCH_SIZE,
    lock: bool = False,
) -> int:
    """Encrypt (``reverse``: decrypt) every stored ID number of ``model``'s table and fill (clear) its hashes.

    Raw SQL, ``batch_size`` rows read (in primary-key order) and written
    (``executemany``) at a time: the data migrations need it (their historical
    field would try to decrypt the plain text it reads), and the rotation
    wants it (Django's ``bulk_update`` builds a CASE of every row for each
    row: 10,000 members took 28 s, against 0.6 s this way).  A value already
    encrypted is decrypted first (under whichever configured key it names),
    so this also re-encrypts under the current key, and a re-run is harmless.
    ``lock`` reads each batch ``FOR UPDATE`` where the database can.  Returns
    the number of rows.
    """
    enc, hashes = _columns(model)
    if not enc:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    names = [f.column for f in enc]
    assignments = ", ".join(f"{quote(c)} = %s" for c in names + [h.column for h in hashes])
    select = f"SELECT {pk}, {', '.join(quote(c) for c in names)} FROM {table}"
    tail = f" ORDER BY {pk} LIMIT {int(batch_size)}"
    if lock and connection.features.has_select_for_update:
        tail += " FOR UPDATE"
    done, last = 0, None
    with connection.cursor() as cursor:
        while True:
            if last is None:
                cursor.execute(select + tail)
            else:
                cursor.execute(f"{select} WHERE {pk} > %s{tail}", [last])
            rows = cursor.fetchall()
            if not rows:
                return done
            params = []
            for pk_value, *stored in rows:
                plain = {
                    f.name: canonical_id_number(decrypt(v) if key_id_of(v) else v) if v else v
                    for f, v in zip(enc, stored, strict=True)
                }
                if reverse:
                    values = [plain[f.name] for f in enc] + [None for _ in hashes]
                else:
                    values = [encrypt(plain[f.name]) if plain[f.name] else plain[f.name] for f in enc]
                    for h in hashes:
                        text = plain[h.source]
                        values.append(lookup_hash(text, tail=h.tail) if text else (None if h.null else ""))
                params.append([*values, pk_value])
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE {pk} = %s", params)
            done += len(rows)
            last = rows[-1][0]


def scrub_freed_pages(connection: Any, tables: Iterable[str]) -> None:
    """Rewrite the database so no freed page still holds a number in plain text (after the data migration).

    SQLite keeps deleted and overwritten rows in free pages and the WAL until
    ``VACUUM`` and a truncating checkpoint; PostgreSQL keeps dead tuples until
    ``VACUUM FULL`` rewrites the table.  Needs to run outside a transaction
    (a migration with ``atomic = False``).
    """
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        elif connection.vendor == "postgresql":
            for table in tables:
                cursor.execute(f"VACUUM FULL {connection.ops.quote_name(table)}")


# --- key rotation (manage.py rotate_id_key) --------------------------------------------------------


def encrypted_models() -> list[type[models.Model]]:
    """Every installed model with an encrypted ID field (found through the app registry: core imports no app)."""
    from django.apps import apps

    return [m for m in apps.get_models() if encrypted_fields(m)]


def rotate_rows(model: type[models.Model], connection: Any, *, batch_size: int = BATCH_SIZE) -> int:
    """Re-encrypt and re-hash every row of ``model`` under the current key, ``batch_size`` rows at a time.

    Call inside a transaction (``rotate_id_key`` runs every model in one, so
    a failure leaves every row as it was).  Each batch is read ``FOR UPDATE``
    (PostgreSQL): a number corrected by a clerk meanwhile waits for the
    rotation rather than being overwritten by the value read before.  No
    version, ``updated_at`` or audit row changes: the numbers themselves do not.
    """
    return encrypt_existing_rows(model, connection, batch_size=batch_size, lock=True)


def rows_not_under_current_key(model: type[models.Model], connection: Any) -> int:
    """How many of ``model``'s rows hold an ID number encrypted under another key than the current one."""
    current = current_key_id()
    quote = connection.ops.quote_name
    stale = 0
    with connection.cursor() as cursor:
        for field in encrypted_fields(model):
            cursor.execute(
                f"SELECT {quote(field.column)} FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(field.column)} IS NOT NULL AND {quote(field.column)} <> ''"
            )
            stale += sum(1 for (token,) in cursor.fetchall() if key_id_of(token) != current)
    return stale
