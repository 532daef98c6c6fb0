"""A compiled cache of the validated, indexed catalogue, so an unchanged content folder loads fast.

Loading 10,000 listings (parsing, validating, indexing) takes seconds; reading back the catalogue
compiled by an earlier load takes a fraction of that. The cache is one file,
`DATA_DIR/cache/catalog.bin`, in an owner-only folder (0700, the file 0600), holding only
public content: the loaded content, its search index and the loader's problems and
translation coverage (so warnings are reported exactly as a fresh load reports them). Nothing
of a person ever goes in it.

It is used only when its key matches: a hash of the code (every source file of the `bot`
package, the Python version and the versions of the libraries the loader depends on), the
content folder's path, the day (a verified date in the future is a warning that depends on the
date), and every content file's name and bytes. Any change to any of them misses, and the next
load writes a fresh cache.

Why pickle is safe here: the file is only ever written by the bot itself, in its owner-only
folder, and is trusted only when an HMAC-SHA256 over it, keyed with a key derived from the
bot's HASH_SECRET, matches (checked before a single byte is unpickled). A corrupt,
truncated, foreign or old file fails the check or the key and is ignored (and replaced by the
next write), never trusted and never a crash. Writes go to a temporary file renamed into
place, so a reader never sees half a file.

The bot never writes the cache itself: a separate process does (bot/cache_compiler.py says
why). Reading goes through a small Python-level file object: the C unpickler calls it once per
64 KiB frame, and each call lets the event loop take the GIL (see docs/performance.md,
"Compiled cache, memory and start-up").
"""

from __future__ import annotations

import copyreg
import datetime as dt
import functools
import gc
import hashlib
import hmac
import logging
import os
import pickle
import sys
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, TypeGuard

import bot
from bot.content_files import fingerprint
from bot.domain.catalog import Catalog, catalog_from, load_catalog
from bot.domain.load_result import LoadResult
from bot.domain.models import CACHE_REDUCERS, Access, LocalizedText, Verified
from bot.domain.search import SearchIndex

if TYPE_CHECKING:
    from bot.domain.load_context import ParsedFiles

logger = logging.getLogger(__name__)

CACHE_FOLDER = "cache"
CACHE_FILE = "catalog.bin"
_TEMPORARY_PREFIX = ".catalog-"
_MAGIC = b"WAYPOINT-CATALOG-1\n"
_KEY_BYTES = _MAC_BYTES = 32
_HEADER_BYTES = len(_MAGIC) + _KEY_BYTES + _MAC_BYTES
_FOLDER_MODE = 0o700
_CHUNK_BYTES = 1 << 20
_KEY_PURPOSE = b"waypoint compiled content cache v1"
# What the loader's results depend on besides our own code.
_LIBRARIES = ("PyYAML", "Babel", "opening-hours-py", "tzdata")
# What `_share_equal_values` looks inside, besides the bot's own objects.
_CONTAINERS = (dict, list, tuple, set, frozenset)
# Models whose equal values `_share_equal_values` shares (compared by their fields).
_SHARED_MODELS = (Access, Verified)


@dataclass(frozen=True)
class Compiled:
    """What the cache holds: a load's result (content, problems, coverage) and, when it is
    usable, its index; a load with errors has neither content nor index, only its problems."""

    result: LoadResult
    index: SearchIndex | None


@dataclass(frozen=True)
class CachedLoad:
    """A load through the cache: the catalog (None on errors), the loader's result, the key
    the files had, and whether it came from the cache. `fresh` is what to write to the cache
    (None on a hit, on errors, or when the files changed while loading)."""

    catalog: Catalog | None
    result: LoadResult
    key: bytes
    hit: bool
    fresh: Compiled | None = None


@functools.cache
def code_version() -> bytes:
    """A hash of every source file of the `bot` package (names and bytes), the Python version
    and the versions of the libraries loading depends on: a cache is never trusted across
    versions of any of them."""
    digest = hashlib.sha256(sys.version.encode())
    for library in _LIBRARIES:
        try:
            digest.update(f"{library}={metadata.version(library)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{library}=absent".encode())
    package = Path(bot.__file__).resolve().parent
    digest.update(fingerprint(package, hidden=True).encode())
    return digest.digest()


def content_key(root: Path, today: dt.date) -> bytes:
    """The cache key of a content folder as it is now (every file, hidden ones included,
    since the loader reads some of them), for a load on `today`."""
    digest = hashlib.sha256(code_version())
    for part in (str(root), today.isoformat(), fingerprint(root, hidden=True)):
        digest.update(part.encode("utf-8", "surrogateescape"))
        digest.update(b"\0")
    return digest.digest()


def mac_key_from(secret: bytes) -> bytes:
    """The key that signs the cache, derived from the bot's hash secret (never the secret
    itself, which keys people's HMACs)."""
    return hmac.new(secret, _KEY_PURPOSE, hashlib.sha256).digest()


class ContentCache:
    """The compiled cache in `folder`, signed and checked with `mac_key` (see `mac_key_from`)."""

    def __init__(self, folder: Path, mac_key: bytes) -> None:
        self.folder = folder
        self.mac_key = mac_key

    @classmethod
    def in_data_dir(cls, data_dir: Path, secret: bytes) -> ContentCache:
        """The cache of the bot whose data folder is `data_dir` (`DATA_DIR/cache/`)."""
        return cls(data_dir / CACHE_FOLDER, mac_key_from(secret))

    @property
    def path(self) -> Path:
        """The cache file."""
        return self.folder / CACHE_FILE

    def read(self, key: bytes) -> Compiled | None:
        """What was compiled for `key`, or None when there is no such file, or it is for
        another key, corrupt, truncated or not ours (logged, never raised)."""
        try:
            with open(self.path, "rb") as file:
                return self._read_from(file, key)
        except FileNotFoundError:
            return None
        except Exception as error:  # anything wrong with the file only means a cold load
            logger.warning("Content cache ignored: %s", type(error).__name__)
            return None

    def _read_from(self, file: BinaryIO, key: bytes) -> Compiled | None:
        header = file.read(_HEADER_BYTES)
        if len(header) < _HEADER_BYTES or not header.startswith(_MAGIC):
            logger.warning("Content cache ignored: not a cache file of this bot")
            return None
        stored_key, stored_mac = header[len(_MAGIC) : -_MAC_BYTES], header[-_MAC_BYTES:]
        if not hmac.compare_digest(stored_key, key):
            return None  # an older version of the content or the code: simply a miss
        mac = hmac.new(self.mac_key, stored_key, hashlib.sha256)
        while chunk := file.read(_CHUNK_BYTES):
            mac.update(chunk)
        if not hmac.compare_digest(mac.digest(), stored_mac):
            logger.warning("Content cache ignored: its check does not match (corrupt or foreign)")
            return None
        # The same open file, read again: a rewrite of the cache replaces it by a rename, so
        # what is unpickled is exactly what was checked.
        file.seek(_HEADER_BYTES)
        compiled = pickle.Unpickler(_YieldingReader(file)).load()
        if not isinstance(compiled, Compiled) or (compiled.result.content is None) != (
            compiled.index is None
        ):
            logger.warning("Content cache ignored: it holds something else")
            return None
        return compiled

    def write(self, key: bytes, compiled: Compiled) -> None:
        """Replace the cache with `compiled` under `key`, atomically; a failure is logged and
        leaves no partial file behind (the bot works the same without a cache)."""
        try:
            self._prepare_folder()
            descriptor, temporary = tempfile.mkstemp(
                dir=self.folder, prefix=f"{_TEMPORARY_PREFIX}{os.getpid()}-", suffix=".tmp"
            )
        except OSError as error:
            logger.warning("Content cache not written: %s", error.strerror or type(error).__name__)
            return
        replaced = False
        try:
            with os.fdopen(descriptor, "wb") as file:
                self._write_to(file, key, compiled)
            os.replace(temporary, self.path)
            replaced = True
        except Exception as error:  # e.g. a full disk: the next load is simply cold
            logger.warning("Content cache not written: %s", type(error).__name__)
        finally:  # also when the writing process is told to stop midway
            if not replaced:
                Path(temporary).unlink(missing_ok=True)

    def _write_to(self, file: BinaryIO, key: bytes, compiled: Compiled) -> None:
        _share_equal_values(compiled)
        file.write(_MAGIC + key + bytes(_MAC_BYTES))
        writer = _SigningWriter(file, hmac.new(self.mac_key, key, hashlib.sha256))
        pickler = pickle.Pickler(writer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.dispatch_table = {**copyreg.dispatch_table, **CACHE_REDUCERS}
        pickler.dump(compiled)
        file.seek(len(_MAGIC) + _KEY_BYTES)
        file.write(writer.mac.digest())

    def _prepare_folder(self) -> None:
        """The owner-only cache folder, made if missing; what writes of an earlier process
        left behind (stopped halfway) removed. One bot runs per DATA_DIR, and this one's own
        writes in progress have its process id in their names."""
        if self.folder.is_symlink():
            raise OSError(f"{self.folder} is a symbolic link; the cache will not follow it")
        self.folder.mkdir(mode=_FOLDER_MODE, exist_ok=True)  # in DATA_DIR, already 0700
        os.chmod(self.folder, _FOLDER_MODE)
        ours = f"{_TEMPORARY_PREFIX}{os.getpid()}-"
        for leftover in self.folder.glob(f"{_TEMPORARY_PREFIX}*.tmp"):
            if not leftover.name.startswith(ours):
                leftover.unlink(missing_ok=True)


def _share_equal_values(compiled: Compiled) -> None:
    """Make equal translations one string object, and equal field values of the models one
    object, before they are written, so that a cached load reads each once. Listings repeat
    many texts ("Hotline, day and night", in eight languages) that the YAML reader shares only
    within a file: at 10,000 listings, 201,000 strings held 83,000 texts (8.6 MiB of copies).
    They repeat sets of communities, lists of needs and languages, verifications and access
    rules too (3 MiB of copies), every text its tuple of locales, and whole texts (44,500
    texts held 15,200 distinct ones: 2 MiB of peak RSS), and other strings models hold (the
    letters of Chinese and Thai phrases: 7,300 copies). Only which object holds a value
    changes."""
    texts: dict[str, str] = {}
    values: dict[object, object] = {}
    # Each object seen is kept until the walk ends: one dropped for an equal value must not
    # free its id for an object made meanwhile (a new tuple of texts), which would be skipped.
    seen: dict[int, object] = {}
    pending: list[object] = [compiled]
    while pending:
        obj = pending.pop()
        if id(obj) in seen:
            continue
        seen[id(obj)] = obj
        if isinstance(obj, LocalizedText):
            shared = tuple(texts.setdefault(text, text) for text in obj.texts)
            object.__setattr__(obj, "texts", shared)
        if isinstance(obj, _CONTAINERS) or type(obj).__module__.startswith("bot."):
            if type(obj) in CACHE_REDUCERS and "__slots__" in vars(type(obj)):
                _share_fields(obj, texts, values)
            pending.extend(gc.get_referents(obj))


def _share_fields(model: object, texts: dict[str, str], shared: dict[object, object]) -> None:
    """Replace each field value of a frozen, slotted model by the first equal one `shared`
    has seen (remembering it when it is the first); a string, or each string of a tuple, by
    the first equal one `texts` has seen."""
    for name in vars(type(model))["__slots__"]:
        value = getattr(model, name)
        if type(value) is str:
            value = texts.setdefault(value, value)
        elif _is_texts(value):  # a tuple of texts holds each text shared, then is shared itself
            value = tuple(_shared(text, shared) for text in value)
        elif _is_strings(value):  # the letters of a Chinese or Thai phrase, say
            value = tuple(texts.setdefault(item, item) for item in value)
        object.__setattr__(model, name, _shared(value, shared))


def _is_strings(value: object) -> TypeGuard[tuple[str, ...]]:
    return type(value) is tuple and all(type(item) is str for item in value)


def _shared(value: object, shared: dict[object, object]) -> object:
    """The first value equal to `value` that `shared` has seen (remembering it when it is the
    first), or `value` itself when it is not of a kind that is shared."""
    key = _sharing_key(value)
    return value if key is None else shared.setdefault(key, value)


def _is_texts(value: object) -> TypeGuard[tuple[LocalizedText, ...]]:
    return isinstance(value, tuple) and all(isinstance(item, LocalizedText) for item in value)


def _sharing_key(value: object) -> object | None:
    """What equal values that may be shared have in common, the kinds of their items included
    (a text and a `StrEnum` of the same letters stay apart); None for a value not shared.
    Texts are keyed by how they are held (locales and translations in order), not by their
    looser equality, so a shared text shows and pickles exactly as each copy did."""
    if isinstance(value, _SHARED_MODELS):
        return type(value), value
    if isinstance(value, LocalizedText):
        return (
            type(value),
            value.locales,
            value.texts,
            value.default_locale,
            value.same_in_every_locale,
        )
    if isinstance(value, (tuple, frozenset)) and all(isinstance(item, str) for item in value):
        return type(value), type(value)((type(item), item) for item in value)
    if value and _is_texts(value):
        return tuple, tuple(_sharing_key(text) for text in value)
    return None


class _YieldingReader:
    """A file the unpickler reads frame by frame through Python code, so that the event loop
    can take the GIL between frames instead of waiting for the whole catalogue."""

    def __init__(self, file: BinaryIO) -> None:
        self._file = file

    def read(self, size: int = -1) -> bytes:
        return self._file.read(size)

    def readinto(self, buffer: bytearray | memoryview) -> int:
        return self._file.readinto(buffer)  # type: ignore[attr-defined]

    def readline(self) -> bytes:
        return self._file.readline()


class _SigningWriter:
    """A file the pickler writes frame by frame, signing every byte on the way."""

    def __init__(self, file: BinaryIO, mac: hmac.HMAC) -> None:
        self._file = file
        self.mac = mac

    def write(self, data: bytes | memoryview) -> int:
        self.mac.update(data)
        return self._file.write(data)


def load_through_cache(
    root: Path,
    cache: ContentCache,
    parsed: ParsedFiles | None = None,
    previous: Catalog | None = None,
) -> CachedLoad:
    """Load a content folder from the cache when its key matches, else from its files. Call
    inside `frozen_when_loaded` as any load. A fresh load (usable or with errors) comes back
    in `fresh` for the caller to write (off the event loop) when the files did not change
    meanwhile."""
    today = dt.date.today()
    key = content_key(root, today)
    cached = _cached(cache, key)
    if cached is not None:
        return cached
    catalog, result = load_catalog(root, parsed, previous, today=today)
    if content_key(root, today) != key:
        return CachedLoad(catalog, result, key, False)  # files changed while it ran: not kept
    index = None if catalog is None else catalog.index
    return CachedLoad(catalog, result, key, False, Compiled(result, index))


def load_from_cache(root: Path, cache: ContentCache) -> CachedLoad | None:
    """The content folder's catalog (or its errors) from the cache when its key matches; None
    when it does not (the files are never read then). Call inside `frozen_when_loaded`."""
    return _cached(cache, content_key(root, dt.date.today()))


def _cached(cache: ContentCache, key: bytes) -> CachedLoad | None:
    compiled = cache.read(key)
    if compiled is None:
        return None
    if compiled.result.content is None or compiled.index is None:
        return CachedLoad(None, compiled.result, key, True)  # the same errors as from the files
    return CachedLoad(
        catalog_from(compiled.result.content, compiled.index), compiled.result, key, True
    )
