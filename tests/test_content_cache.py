"""The compiled content cache: a hit is the same catalogue as a fresh load; any change to any
content file, the code or the day misses; a bad file is ignored and replaced; owner-only
permissions; the compiler process writes it (and leaves nothing when stopped); starts, live
reloads and uploads' checks have it compiled first and read it (the bot's own process never
loads the files then); nothing of a person lands in it."""

from __future__ import annotations

import copy
import copyreg
import datetime as dt
import io
import logging
import os
import pickle
import pickletools
import shutil
import stat
from collections import Counter
from dataclasses import fields, replace
from pathlib import Path, PurePosixPath

import pytest

from bot import cache_compiler, content_cache
from bot import live as live_module
from bot.cache_compiler import WAITED_FOR, CacheCompiler
from bot.content_cache import (
    CACHE_FILE,
    CACHE_FOLDER,
    Compiled,
    ContentCache,
    content_key,
    load_from_cache,
    load_through_cache,
    mac_key_from,
)
from bot.domain.catalog import Catalog, load_catalog
from bot.domain.changes import content_changes
from bot.domain.models import (
    CACHE_REDUCERS,
    Appointment,
    Community,
    LocalizedText,
    Phone,
    Situation,
)
from bot.domain.search import Postings, SearchIndex, _ResourceIndex
from bot.domain.situations import _CharacterPhrase
from bot.live import LiveContent, frozen_when_loaded
from bot.run import start_up_catalog
from tests.app_harness import harness_config
from tests.canaries import TEXT_WORD, canary_user, found
from tests.conftest import CONTENT
from tests.fake_bot_api import message_update

SECRET = b"a test secret of thirty-two bytes!"
QUERIES = ("condoms", "naloxona", "abogado", "ducha", "安全套", "food near fruitvale", "zzqx")


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """A copy of the sample content with a stray file, so a load has a warning to report."""
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    (root / "notes.txt").write_text("not content\n", encoding="utf-8")
    return root


@pytest.fixture
def cache(tmp_path: Path) -> ContentCache:
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700)
    return ContentCache.in_data_dir(data_dir, SECRET)


def no_processes_left(*_args: object, **_kwargs: object) -> None:
    """In place of starting a process, as when a machine has none left to give."""
    raise OSError(11, "Resource temporarily unavailable")


def loaded_here(*_args: object, **_kwargs: object) -> None:
    """In place of a load from the files in the bot's own process, which must not happen."""
    raise AssertionError("the bot loaded the content files itself")


def cold_then_written(root: Path, cache: ContentCache) -> content_cache.CachedLoad:
    """A load that misses, then its compiled catalogue written as the bot writes it."""
    with frozen_when_loaded():
        loaded = load_through_cache(root, cache)
    assert not loaded.hit and loaded.fresh is not None
    cache.write(loaded.key, loaded.fresh)
    return loaded


def hit(root: Path, cache: ContentCache) -> content_cache.CachedLoad:
    with frozen_when_loaded():
        loaded = load_through_cache(root, cache)
    assert loaded.hit and loaded.fresh is None
    return loaded


def searched(catalog: Catalog) -> list[object]:
    """What each query finds, everywhere and in each region, as comparable values."""
    found_ = []
    for query in QUERIES:
        for region in (None, *catalog.content.regions):
            result = catalog.index.search(query, region)
            found_.append(
                (
                    [(h.resource.id, round(h.score, 9), h.named) for h in result.resources],
                    [n.id for n in result.needs],
                    result.neighbourhood.id if result.neighbourhood else None,
                    [s.id for s in result.situations],
                    [p.id for p in result.pages],
                    dict(result.topic_scores),
                )
            )
    return found_


def test_a_hit_is_the_same_catalogue_as_a_fresh_load(content: Path, cache: ContentCache) -> None:
    cold = cold_then_written(content, cache)
    warm = hit(content, cache)
    fresh, result = load_catalog(content)
    assert fresh is not None and warm.catalog is not None and cold.catalog is not None
    changes = content_changes(fresh.content, warm.catalog.content)
    assert not changes.listings and not changes.other
    assert list(warm.catalog.content.resources) == list(fresh.content.resources)
    assert searched(warm.catalog) == searched(fresh)
    assert result.problems.warnings, "the stray file is reported"
    assert warm.result.problems.items == result.problems.items
    assert warm.result.coverage == result.coverage
    assert warm.result.region_files == result.region_files


def test_any_changed_byte_or_name_in_any_content_file_misses(
    content: Path, cache: ContentCache
) -> None:
    cold_then_written(content, cache)
    today = dt.date.today()
    key = content_key(content, today)
    files = sorted(p for p in content.rglob("*") if p.is_file())
    for path in files:
        original = path.read_bytes()
        for at in (0, len(original) // 2, len(original) - 1):
            changed = bytearray(original)
            changed[at] ^= 0x01
            path.write_bytes(bytes(changed))
            assert content_key(content, today) != key, (path, at)
            assert cache.read(content_key(content, today)) is None
        path.write_bytes(original)
    renamed = files[-1].with_name(f"x{files[-1].name}")
    files[-1].rename(renamed)
    assert content_key(content, today) != key
    renamed.rename(files[-1])
    (content / ".hidden.yaml").write_text("a: 1\n", encoding="utf-8")  # the loader may read it
    assert content_key(content, today) != key
    (content / ".hidden.yaml").unlink()
    assert content_key(content, today) == key
    assert cache.read(key) is not None


def test_another_code_version_folder_or_day_misses(
    content: Path, cache: ContentCache, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    cold_then_written(content, cache)
    today = dt.date.today()
    assert content_key(content, today + dt.timedelta(days=1)) != content_key(content, today)
    moved = tmp_path / "elsewhere"
    shutil.copytree(content, moved)  # problems name the files by their path
    assert content_key(moved, today) != content_key(content, today)
    monkeypatch.setattr(content_cache, "code_version", lambda: b"another version of the bot")
    with frozen_when_loaded():
        loaded = load_through_cache(content, cache)
    assert not loaded.hit and loaded.fresh is not None


def test_the_code_version_covers_every_source_file_of_the_bot() -> None:
    package = Path(content_cache.__file__).parent
    sources = {p.relative_to(package).as_posix() for p in package.rglob("*.py")}
    assert {"content_cache.py", "domain/search.py", "domain/models.py"} <= sources
    assert len(content_cache.code_version()) == 32


def corrupted_versions(good: bytes) -> dict[str, bytes]:
    header = len(b"WAYPOINT-CATALOG-1\n") + 64
    flipped = bytearray(good)
    flipped[header + len(good[header:]) // 2] ^= 0x40
    return {
        "empty": b"",
        "truncated header": good[:20],
        "truncated": good[: len(good) // 2],
        "a flipped byte": bytes(flipped),
        "another format": b"PK\x03\x04" + good[4:],
        "garbage": os.urandom(4096),
        "a plain pickle": pickle.dumps({"not": "ours"}),
    }


BAD_FILES = (
    "empty",
    "truncated header",
    "truncated",
    "a flipped byte",
    "another format",
    "garbage",
    "a plain pickle",
)


@pytest.mark.parametrize("kind", BAD_FILES)
def test_a_corrupt_or_truncated_file_is_ignored_and_replaced(
    content: Path, cache: ContentCache, kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    cold_then_written(content, cache)
    good = cache.path.read_bytes()
    cache.path.write_bytes(corrupted_versions(good)[kind])
    with caplog.at_level(logging.WARNING):
        replaced = cold_then_written(content, cache)
    assert replaced.catalog is not None
    assert cache.path.read_bytes() != corrupted_versions(good)[kind]
    hit(content, cache)


def test_a_file_signed_with_another_secret_is_not_trusted(
    content: Path, cache: ContentCache
) -> None:
    foreign = ContentCache(cache.folder, mac_key_from(b"someone else's secret, 32 bytes!!"))
    cold_then_written(content, foreign)
    assert cache.read(content_key(content, dt.date.today())) is None
    cold_then_written(content, cache)


def test_a_signed_file_holding_something_else_is_ignored(
    content: Path, cache: ContentCache
) -> None:
    key = content_key(content, dt.date.today())
    cache.write(key, "not a catalogue")  # type: ignore[arg-type]
    assert cache.path.exists()
    assert cache.read(key) is None


def test_owner_only_folder_and_file_written_atomically(content: Path, cache: ContentCache) -> None:
    old_umask = os.umask(0o022)
    try:
        cold_then_written(content, cache)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(cache.folder.stat().st_mode) == 0o700
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600
    assert [p.name for p in cache.folder.iterdir()] == [CACHE_FILE]
    assert cache.folder.name == CACHE_FOLDER


def test_a_leftover_of_a_stopped_write_is_removed(content: Path, cache: ContentCache) -> None:
    cache.folder.mkdir(mode=0o700)
    leftover = cache.folder / ".catalog-1-abc.tmp"
    leftover.write_bytes(b"half a file")
    cold_then_written(content, cache)
    assert [p.name for p in cache.folder.iterdir()] == [CACHE_FILE]


def test_a_failed_write_leaves_no_file_and_raises_nothing(
    content: Path, cache: ContentCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    with frozen_when_loaded():
        loaded = load_through_cache(content, cache)
    assert loaded.fresh is not None

    def full_disk(*_args: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(content_cache._SigningWriter, "write", full_disk)
    cache.write(loaded.key, loaded.fresh)
    assert list(cache.folder.iterdir()) == []


def test_content_with_errors_is_cached_as_its_errors(content: Path, cache: ContentCache) -> None:
    """A reload or an upload's check reads the errors of a broken folder from the cache the
    compiler wrote, as a start reads a catalog: exactly what a load from the files reports."""
    (content / "needs.yaml").write_text("needs: [\n", encoding="utf-8")
    with frozen_when_loaded():
        loaded = load_through_cache(content, cache)
    assert loaded.catalog is None and loaded.fresh is not None and loaded.result.problems.errors
    cache.write(loaded.key, loaded.fresh)
    read = load_from_cache(content, cache)
    assert read is not None and read.hit and read.catalog is None
    assert read.result.problems.items == loaded.result.problems.items


def test_files_changed_during_the_load_are_not_cached(
    content: Path, cache: ContentCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = content_cache.load_catalog

    def edited_meanwhile(*args: object, **kwargs: object) -> object:
        loaded = real(*args, **kwargs)  # type: ignore[arg-type]
        (content / "notes.txt").write_text("edited while loading\n", encoding="utf-8")
        return loaded

    monkeypatch.setattr(content_cache, "load_catalog", edited_meanwhile)
    with frozen_when_loaded():
        loaded = load_through_cache(content, cache)
    assert loaded.catalog is not None and loaded.fresh is None


def test_the_compiler_process_writes_the_cache_and_a_hit_follows(
    content: Path, cache: ContentCache
) -> None:
    compiler = CacheCompiler(content, cache)
    compiler.start()
    assert compiler.wait() == 0
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600
    warm = hit(content, cache)
    fresh, result = load_catalog(content)
    assert fresh is not None and warm.catalog is not None
    assert searched(warm.catalog) == searched(fresh)
    assert warm.result.problems.items == result.problems.items


def test_a_stopped_compiler_leaves_no_file(content: Path, cache: ContentCache) -> None:
    compiler = CacheCompiler(content, cache)
    compiler.start()
    compiler.stop(patience=0.0)
    compiler.stop()  # nothing left to stop
    assert compiler.wait() is None
    assert not cache.folder.exists() or [p.name for p in cache.folder.iterdir()] in (
        [],
        [CACHE_FILE],  # it may have finished first
    )


def test_the_compiler_refuses_a_missing_key(content: Path, cache: ContentCache) -> None:
    import subprocess
    import sys

    command = [sys.executable, "-m", "bot.cache_compiler", str(content), str(cache.folder)]
    done = subprocess.run(command, input=b"not hex\n", capture_output=True, check=False)
    assert done.returncode == 2 and b"signing key" in done.stderr
    assert not cache.path.exists()


async def test_a_live_reload_has_the_cache_compiled_first_and_reads_it(
    content: Path, cache: ContentCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The edited files are loaded in the compiler's process, never in the bot's (which would
    keep that load's peak memory for good); the bot serves what the compiler wrote."""
    catalog, _result = load_catalog(content)
    assert catalog is not None
    listings = list(catalog.content.resources)
    served: list[Catalog] = [catalog]
    live = LiveContent(content, catalog, lambda new: served.__setitem__(0, new), cache)
    del catalog

    monkeypatch.setattr(content_cache, "load_catalog", loaded_here)
    monkeypatch.setattr(live_module, "load_catalog", loaded_here)
    region = content / "regions" / "oakland.yaml"
    region.write_text(region.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    outcome = await live.reload()
    assert outcome.served and served[0] is live.catalog
    compiled = cache.read(content_key(content, dt.date.today()))
    assert isinstance(compiled, Compiled) and compiled.result.content is not None
    assert list(compiled.result.content.resources) == listings
    assert await live.cache_compiled() is None  # nothing left to compile
    again = await live.reload()  # the same files: read from the cache
    assert again.served and not again.changes.listings
    assert list(served[0].content.resources) == listings


async def test_a_reload_the_compiler_cannot_help_loads_the_files_itself(
    content: Path, cache: ContentCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    catalog, _result = load_catalog(content)
    assert catalog is not None
    live = LiveContent(content, catalog, lambda _new: None, cache)

    monkeypatch.setattr(cache_compiler.subprocess, "Popen", no_processes_left)
    (content / "notes.txt").write_text("changed\n", encoding="utf-8")
    assert (await live.reload()).served
    (content / "needs.yaml").write_text("needs: [\n", encoding="utf-8")
    refused = await live.reload()
    assert not refused.served and any(e.file == "needs.yaml" for e in refused.errors)


async def test_an_upload_is_checked_in_the_compiler_s_process(
    content: Path, cache: ContentCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upload's check loads the staged copy in the compiler's process too, into a cache of
    the copy's own: the bot's cache and folder are left as they were."""
    catalog, _result = load_catalog(content)
    assert catalog is not None
    live = LiveContent(content, catalog, lambda _new: None, cache)

    monkeypatch.setattr(live_module, "load_catalog", loaded_here)
    needs = PurePosixPath("needs.yaml")
    before = (content / "needs.yaml").read_bytes()
    good = await live.check_with(needs, before + b"\n# checked\n")
    assert good.catalog is not None and not good.errors
    bad = await live.check_with(needs, b"needs: [\n")
    assert bad.catalog is None and any(e.file == "needs.yaml" for e in bad.errors)
    assert (content / "needs.yaml").read_bytes() == before and not cache.path.exists()


async def test_nothing_of_a_person_lands_in_the_cache(
    content: Path, cache: ContentCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """People using the bot while it reloads and writes the cache leave nothing in it."""
    from tests.app_harness import running_bot
    from tests.conftest import SUNDAY_MORNING

    user = canary_user("es", number=3)
    catalog, _result = load_catalog(content)
    assert catalog is not None
    async with running_bot(catalog, tmp_path / "bot", lambda: SUNDAY_MORNING) as bot:
        live = LiveContent(content, catalog, bot.handlers.use_catalog, cache)
        del catalog
        for text in (f"{TEXT_WORD} condones", "/start", TEXT_WORD):
            await bot.send(message_update(user, text))
        (content / "notes.txt").write_text("changed\n", encoding="utf-8")
        assert (await live.reload()).served
        await bot.send(message_update(user, f"{TEXT_WORD} ducha"))
    raw = cache.path.read_bytes()
    assert raw and found(raw.decode("latin-1")) == []
    assert str(user["id"]).encode() not in raw


def test_a_compiler_that_cannot_start_is_only_logged(
    content: Path, cache: ContentCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_compiler.subprocess, "Popen", no_processes_left)
    compiler = CacheCompiler(content, cache)
    compiler.start()
    assert compiler.wait() is None and not cache.path.exists()


def test_models_are_written_as_their_values_without_a_state_object_each(
    content: Path, cache: ContentCache
) -> None:
    """A state object per model would be kept by the reader until the whole cache is read."""
    loaded = cold_then_written(content, cache)
    pickled = cache.path.read_bytes()[content_cache._HEADER_BYTES :]
    opcodes = Counter(opcode.name for opcode, _arg, _at in pickletools.genops(pickled))
    # Only one-off objects (the loader's result and problems, parts of the index) have one.
    assert opcodes["BUILD"] < 50 < opcodes["APPENDS"]
    assert loaded.catalog is not None
    access = next(iter(loaded.catalog.content.resources.values())).access
    assert copy.deepcopy(access) == access == pickle.loads(pickle.dumps(access))


def test_a_hit_holds_each_distinct_translation_once(content: Path, cache: ContentCache) -> None:
    cold_then_written(content, cache)
    warm = hit(content, cache)
    assert warm.catalog is not None
    texts = [
        text
        for resource in warm.catalog.content.resources.values()
        for field in (resource.name, resource.description)
        for text in field.values.values()
    ]
    one_each = {text: text for text in texts}
    assert len(one_each) < len(texts), "the sample content repeats some texts"
    assert all(text is one_each[text] for text in texts)
    # Texts in the same languages share one tuple of locales too.
    locales = [
        field.locales
        for resource in warm.catalog.content.resources.values()
        for field in (resource.name, resource.description)
    ]
    shared = {each: each for each in locales}
    assert len(shared) < len(locales) and all(each is shared[each] for each in locales)


def test_a_hit_holds_each_distinct_field_value_once(content: Path, cache: ContentCache) -> None:
    """Sets of communities, lists of needs and languages, access rules and verifications
    repeat across listings: a hit reads each distinct one once, equal to what a load has."""
    cold = cold_then_written(content, cache)
    warm = hit(content, cache)
    assert warm.catalog is not None and cold.catalog is not None
    fields = ("community", "needs", "languages", "access", "verified")
    for name in fields:
        values = [getattr(r, name) for r in warm.catalog.content.resources.values()]
        one_each = {value: value for value in values}
        assert len(one_each) < len(values) or name == "verified", f"no {name} repeated"
        assert all(value is one_each[value] for value in values), name
    for was, now in zip(
        cold.catalog.content.resources.values(),
        warm.catalog.content.resources.values(),
        strict=True,
    ):
        assert [getattr(was, name) for name in fields] == [getattr(now, name) for name in fields]


def test_a_hit_holds_each_distinct_text_once(content: Path, cache: ContentCache) -> None:
    """Listings repeat whole texts (a phone's "Hotline, day and night", a fee, a document):
    a hit reads each distinct text once, held as a load holds it, and tuples of equal texts
    once too."""
    cold = cold_then_written(content, cache)
    warm = hit(content, cache)
    assert warm.catalog is not None and cold.catalog is not None

    def texts(catalog: Catalog) -> list[LocalizedText]:
        return [
            text
            for resource in catalog.content.resources.values()
            for text in (
                resource.name,
                resource.description,
                *(phone.description for phone in resource.phones if phone.description),
                *resource.required_documents,
            )
        ]

    now, was = texts(warm.catalog), texts(cold.catalog)
    assert [held(text) for text in now] == [held(text) for text in was]
    one_each = {held(text): text for text in now}
    assert len(one_each) < len(now), "the sample content repeats some texts"
    assert all(text is one_each[held(text)] for text in now)
    documents = [r.required_documents for r in warm.catalog.content.resources.values()]
    shared = {tuple(map(held, each)): each for each in documents}
    assert len(shared) < len(documents)
    assert all(each is shared[tuple(map(held, each))] for each in documents)


def held(text: LocalizedText) -> tuple[object, ...]:
    """How a text is held, which sharing keeps: its locales and translations in order."""
    return text.locales, text.texts, text.default_locale, text.same_in_every_locale


def test_texts_are_shared_only_when_held_alike() -> None:
    """Texts equal in their translations but in another order, or with another fallback,
    stay apart: a shared text must show and pickle exactly as each of its copies did."""
    shared = content_cache._sharing_key
    one = LocalizedText({"en": "Free", "es": "Gratis"}, "en")
    assert shared(one) == shared(LocalizedText({"en": "Free", "es": "Gratis"}, "en"))
    others = (
        LocalizedText({"es": "Gratis", "en": "Free"}, "en"),
        LocalizedText({"en": "Free", "es": "Gratis"}, "es"),
        LocalizedText({"en": "Free", "es": "Gratis"}, "en", same_in_every_locale=True),
    )
    assert others[0] == one  # equal, yet held in another order
    assert all(shared(other) != shared(one) for other in others)
    assert shared((one,)) == shared((LocalizedText({"en": "Free", "es": "Gratis"}, "en"),))
    assert shared((one,)) != shared((others[0],)) and shared((one, one)) != shared((one,))


def test_equal_strings_in_fields_and_tuples_of_strings_are_shared() -> None:
    """The letters of Chinese and Thai phrases (7,300 copies at 10,000 listings) and other
    strings held by a model are written once; enum members in tuples stay members."""
    situation = Situation("s", False, (), (), {})
    letters = [chr(0x5B89), chr(0x5B89), chr(0x0E01)]  # chr makes a new string each time
    assert letters[0] is not letters[1]
    phrases = [
        _CharacterPhrase((letters[0], letters[2]), situation),
        _CharacterPhrase((letters[1],), situation),
    ]
    phones = [Phone(str(number)) for number in (5551234, 5551234)]  # str makes two
    assert phones[0].number is not phones[1].number
    content_cache._share_equal_values([phrases, phones])  # type: ignore[arg-type]
    assert phrases[1].units[0] is phrases[0].units[0]
    assert phrases[0].units == (chr(0x5B89), chr(0x0E01))
    assert phones[0].number is phones[1].number
    assert not content_cache._is_strings((Appointment.WALK_IN,))
    assert not content_cache._is_strings(("walk_in", Appointment.WALK_IN))


def test_values_of_other_kinds_are_not_shared() -> None:
    shared = content_cache._sharing_key
    assert shared(("walk_in",)) != shared((Appointment.WALK_IN,))
    assert shared(frozenset({"peer_run"})) != shared(frozenset({Community.PEER_RUN}))
    assert shared(("a", "b")) != shared(frozenset({"a", "b"}))
    assert shared(("a", "b")) == shared(("a", "b"))
    assert shared((1.0,)) is None and shared(["a"]) is None


def test_a_hit_has_the_same_resource_index(content: Path, cache: ContentCache) -> None:
    """The index is written packed (see the next test): read back, it is equal to a load's,
    sets in the order pickle reads them back, `Postings` shared by the same terms."""
    cold = cold_then_written(content, cache)
    warm = hit(content, cache)
    assert warm.catalog is not None and cold.catalog is not None
    assert_same_index(warm.catalog.index._resources, cold.catalog.index._resources)


def test_each_position_is_read_back_as_one_int(sample_catalog: Catalog) -> None:
    """Pickle writes every int on its own; the packed index reads each position back once."""
    content = sample_catalog.content
    copies = {
        f"{resource.id}-{n}": replace(resource, id=f"{resource.id}-{n}")
        for n in range(20)
        for resource in content.resources.values()
    }
    index = SearchIndex(replace(content, resources=copies))
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, **CACHE_REDUCERS}
    pickler.dump(index)
    read = pickle.loads(out.getvalue())._resources
    assert_same_index(read, index._resources)
    positions = [
        *(p for where in read.postings.values() for _w, run in where.runs for p in run),
        *(p for order in read.need_order.values() for p in order),
    ]
    one_each = {p: p for p in positions}
    assert len(one_each) == len(copies) > 256  # past the ints Python always shares
    assert all(p is one_each[p] for p in positions)


def assert_same_index(now: _ResourceIndex, was: _ResourceIndex) -> None:
    assert [r.id for r in now.resources] == [r.id for r in was.resources]
    # A field added to the index must be written by the cache's reducer and compared here.
    assert [f.name for f in fields(now)] == [
        *("resources", "areas", "postings", "everywhere", "need_order"),
    ]
    assert now.areas == was.areas and now.everywhere == was.everywhere
    assert now.need_order == was.need_order
    assert list(now.postings) == list(was.postings)
    assert [p.runs for p in now.postings.values()] == [p.runs for p in was.postings.values()]

    def sharing(postings: dict[str, Postings]) -> list[list[str]]:
        groups: dict[int, list[str]] = {}
        for term, where in postings.items():
            groups.setdefault(id(where), []).append(term)
        return sorted(groups.values())

    assert sharing(now.postings) == sharing(was.postings)


def _started(content: Path, tmp_path: Path) -> tuple[Catalog | None, str]:
    """The catalog `python -m bot run` starts with, and what it printed."""
    data_dir = tmp_path / "data"
    data_dir.mkdir(mode=0o700, exist_ok=True)
    config = replace(harness_config(data_dir), content_dir=content)
    err = io.StringIO()
    first, compiler = start_up_catalog(config, err)
    compiler.stop()
    return (None if first is None else first.take()), err.getvalue()


def test_a_start_without_a_cache_reads_what_the_compiler_wrote(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The files are loaded in the compiler's process, never in the bot's: a load leaves a
    process larger for its whole life (250 MiB instead of 98 with 10,000 listings)."""

    monkeypatch.setattr(content_cache, "load_catalog", loaded_here)
    catalog, printed = _started(content, tmp_path)
    monkeypatch.undo()
    fresh, _result = load_catalog(content)
    assert catalog is not None and fresh is not None and printed == ""
    assert searched(catalog) == searched(fresh)
    assert (tmp_path / "data" / CACHE_FOLDER / CACHE_FILE).exists()


def test_a_start_the_compiler_cannot_help_loads_the_files_itself(
    content: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_compiler.subprocess, "Popen", no_processes_left)
    catalog, printed = _started(content, tmp_path)
    assert catalog is not None and printed == ""


def test_a_start_with_broken_content_prints_its_errors(content: Path, tmp_path: Path) -> None:
    (content / "needs.yaml").write_text("needs: [\n", encoding="utf-8")
    catalog, printed = _started(content, tmp_path)
    assert catalog is None and "needs.yaml:" in printed


@pytest.mark.parametrize(("extra", "steps_aside"), [([], True), ([WAITED_FOR], False)])
def test_only_a_compiler_nobody_waits_for_steps_aside(
    content: Path,
    cache: ContentCache,
    monkeypatch: pytest.MonkeyPatch,
    extra: list[str],
    steps_aside: bool,
) -> None:
    """At a start the bot answers nobody until the cache is written: the compiler keeps its
    priority then, or a busy machine could keep the bot from starting at all."""
    stepped: list[bool] = []
    monkeypatch.setattr(cache_compiler, "_step_aside", lambda: stepped.append(True))
    monkeypatch.setattr(cache_compiler, "compile_cache", lambda _root, _cache: True)
    monkeypatch.setattr(cache_compiler.signal, "signal", lambda *_args: None)
    monkeypatch.setattr("sys.stdin", io.StringIO(cache.mac_key.hex() + "\n"))
    assert cache_compiler.main([str(content), str(cache.folder), *extra]) == 0
    assert stepped == ([True] if steps_aside else [])


async def test_files_changing_under_the_compiler_are_compiled_again(
    content: Path, cache: ContentCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A `git pull` may change files while the compiler reads them: it is tried again before
    the bot would load the files itself."""
    catalog, _result = load_catalog(content)
    assert catalog is not None
    live = LiveContent(content, catalog, lambda _new: None, cache)
    real = CacheCompiler.compile_first
    compiles: list[bool] = []

    def changed_the_first_time(compiler: CacheCompiler) -> bool:
        compiles.append(bool(compiles) and real(compiler))
        return compiles[-1]

    monkeypatch.setattr(CacheCompiler, "compile_first", changed_the_first_time)
    monkeypatch.setattr(live_module, "load_catalog", loaded_here)
    monkeypatch.setattr(content_cache, "load_catalog", loaded_here)
    (content / "notes.txt").write_text("changed\n", encoding="utf-8")
    assert (await live.reload()).served
    assert compiles == [False, True]
