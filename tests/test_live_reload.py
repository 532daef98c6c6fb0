"""Live reload: a thousand corrupted versions of the sample content, each reload all or nothing
while the bot keeps answering; one snapshot per update; the real watcher, end to end."""

from __future__ import annotations

import asyncio
import random
import shutil
import time
import weakref
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot import live as live_module
from bot.domain.catalog import Catalog, load_catalog
from bot.domain.changes import content_changes
from bot.domain.load_context import ParsedFiles
from bot.handlers.publishing import outcome_screen
from bot.live import LiveContent, ReloadOutcome
from bot.ui.actions import SetArea, ShowNeed, ShowResource, encode
from tests.app_harness import Harness, last_screen, running_bot, sent_texts
from tests.canaries import canary_user
from tests.conftest import CONTENT, SUNDAY_MORNING
from tests.fake_bot_api import callback_update, message_update

USER = canary_user("en", number=10)
ADMIN = canary_user("en", number=11)
VERSIONS = 1000
# Every this many served versions, the catalog is compared with one loaded from scratch (no
# cache reused), which proves the reuse of parsed files sound.
FRESH_CHECK_EVERY = 25
APOLOGY = "something went wrong on my side"
YAML_SHARE = 0.9
BAD_VALUES = ("no", "yes", "12:30", "[", "{", '"', "&anchor x", "*alias", "\t", "", "- x", "0777")


def corrupt(rng: random.Random, data: bytes) -> bytes | None:
    """One random corruption of a file's bytes; None deletes the file."""
    lines = data.split(b"\n")
    spot = rng.randrange(len(lines))
    kind = rng.randrange(9)
    if kind == 0 and data:  # a random byte, valid UTF-8 or not
        at = rng.randrange(len(data))
        return data[:at] + bytes([rng.randrange(256)]) + data[at + 1 :]
    if kind == 1:  # a line deleted
        return b"\n".join(lines[:spot] + lines[spot + 1 :])
    if kind == 2:  # a line repeated: duplicated keys, duplicated list items
        return b"\n".join(lines[: spot + 1] + lines[spot:])
    if kind == 3:  # a value replaced by a YAML trap
        line = lines[spot]
        key, colon, _value = line.partition(b": ")
        value = rng.choice(BAD_VALUES).encode()
        lines[spot] = key + colon + value if colon else line + b" " + value
        return b"\n".join(lines)
    if kind == 4:  # cut short
        return data[: rng.randrange(len(data) + 1)]
    if kind == 5:  # indentation changed
        lines[spot] = rng.choice((b" ", b"   ", b"")) + lines[spot].lstrip()
        return b"\n".join(lines)
    if kind == 6:  # two lines swapped
        other = rng.randrange(len(lines))
        lines[spot], lines[other] = lines[other], lines[spot]
        return b"\n".join(lines)
    if kind == 7 and rng.random() < 0.3:
        return None
    # A harmless-looking edit: a word changed in a line (often still valid content).
    lines[spot] = lines[spot].replace(b"e", b"a", 1)
    return b"\n".join(lines)


def same_catalog(a: Catalog, b: Catalog) -> bool:
    """Whether two catalogs hold the same content (listings, and everything else)."""
    changes = content_changes(a.content, b.content)
    return not changes.listings and not changes.other


async def answers_correctly(bot: Harness, step: int, served: Catalog) -> None:
    """One update of a kind chosen by `step`, answered with a screen, never the apology."""
    resources = list(served.content.resources)
    updates: list[dict[str, object]] = [
        callback_update(USER, encode(ShowNeed("drop_in")), 1000),
        message_update(USER, "condoms"),
        callback_update(USER, encode(ShowResource(resources[step % len(resources)])), 1000),
        message_update(USER, "/start"),
        callback_update(USER, encode(SetArea("oakland")), 1000),
    ]
    calls = await bot.send(updates[step % len(updates)])
    texts = sent_texts(calls)
    assert texts, f"version {step}: no answer"
    assert not any(APOLOGY in text for text in texts), f"version {step}: {texts[-1]}"


@pytest.fixture
async def live_bot(
    sample_catalog: Catalog, tmp_path: Path
) -> AsyncIterator[tuple[Harness, LiveContent, Path]]:
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    async with running_bot(
        sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING, frozenset({ADMIN["id"]})
    ) as bot:
        live = LiveContent(content, sample_catalog, bot.handlers.use_catalog)
        yield bot, live, content


async def test_a_thousand_corrupted_versions_each_reload_all_or_nothing(
    live_bot: tuple[Harness, LiveContent, Path],
) -> None:
    bot, live, content = live_bot
    rng = random.Random(20261204)
    files = sorted(p for p in content.rglob("*") if p.is_file())
    yaml_files = [path for path in files if path.suffix == ".yaml"]
    pristine = {path: path.read_bytes() for path in files}
    await bot.send(callback_update(USER, encode(SetArea("oakland")), 1000))
    served_count = fresh_checks = 0
    started = time.perf_counter()
    for step in range(VERSIONS):
        # Mostly the YAML files, where the traps are; a page now and then.
        path = rng.choice(yaml_files if rng.random() < YAML_SHARE else files)
        corrupted = corrupt(rng, pristine[path])
        if corrupted is None:
            path.unlink()
        else:
            path.write_bytes(corrupted)
        before = bot.handlers.conversation.catalog
        outcome = await live.reload()
        after = bot.handlers.conversation.catalog
        assert after is live.catalog
        if outcome.served:
            served_count += 1
            assert not outcome.errors
            if served_count % FRESH_CHECK_EVERY == 1:
                fresh, result = load_catalog(content, ParsedFiles())
                assert fresh is not None, result.problems.errors
                assert same_catalog(after, fresh), f"version {step}: not the new content"
                fresh_checks += 1
        else:
            assert outcome.errors, f"version {step}: refused without a reason"
            assert after is before, f"version {step}: a refused reload changed what is served"
        await answers_correctly(bot, step, after)
        path.write_bytes(pristine[path])
    elapsed = time.perf_counter() - started
    # Both kinds were exercised, and the reuse of parsed files was checked against fresh loads.
    assert 0 < served_count < VERSIONS and fresh_checks > 0
    print(f"{VERSIONS} versions ({served_count} served) in {elapsed:.1f} s")


async def test_an_update_is_answered_from_one_version_even_when_a_reload_lands_midway(
    live_bot: tuple[Harness, LiveContent, Path],
) -> None:
    bot, live, content = live_bot
    region = content / "regions/oakland.yaml"
    region.write_text(
        region.read_text(encoding="utf-8").replace("Night Owl Drop-in", "Owl Renamed"), "utf-8"
    )
    await bot.send(callback_update(USER, encode(SetArea("oakland")), 1000))
    sweep = bot.handlers.retention.run
    reloads: list[ReloadOutcome] = []

    async def reload_during_the_gate(today: object) -> None:
        # The gate has captured the conversation; the reload swaps the catalog right now.
        reloads.append(await live.reload())
        await sweep(today)  # type: ignore[arg-type]

    bot.handlers.retention.run = reload_during_the_gate  # type: ignore[method-assign]
    calls = await bot.send(callback_update(USER, encode(ShowNeed("drop_in")), 1000))
    bot.handlers.retention.run = sweep  # type: ignore[method-assign]
    assert reloads and reloads[0].served
    assert "Night Owl Drop-in" in last_screen(calls).text  # the version the update began with
    calls = await bot.send(callback_update(USER, encode(ShowNeed("drop_in")), 1000))
    assert "Owl Renamed" in last_screen(calls).text  # the next update sees the new one


async def saved_until(
    path: Path, text: str, heard: Callable[[], bool], deadline: float = 20.0
) -> None:
    """Save `text` to `path` until the watcher has acted on it (`heard`): the watcher may not be
    watching yet when the first save lands, and saving the same text again is harmless."""
    end = time.monotonic() + deadline
    while not heard():
        assert time.monotonic() < end, "the watcher never reloaded"
        # As editors save: a whole new file renamed over the old one.
        partial = path.with_name(f".{path.name}.saving")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
        for _ in range(25):
            if heard():
                return
            await asyncio.sleep(0.02)


def served_names(bot: Harness) -> set[str]:
    resources = bot.handlers.conversation.catalog.content.resources.values()
    return {r.name.get("en") for r in resources}


async def test_the_watcher_serves_a_saved_file_and_reports_a_broken_one(
    live_bot: tuple[Harness, LiveContent, Path],
) -> None:
    bot, live, content = live_bot
    heard: list[ReloadOutcome] = []

    async def announce(outcome: ReloadOutcome) -> None:
        await bot.handlers.admin.notify(
            bot.application.bot, lambda view: outcome_screen(view, outcome)
        )
        heard.append(outcome)  # after the admins were told, so the test can look

    stop = asyncio.Event()
    watching = asyncio.create_task(live.watch(stop, announce))
    try:
        region = content / "regions/oakland.yaml"
        renamed = region.read_text(encoding="utf-8").replace("Night Owl Drop-in", "Owl Renamed")
        mark = len(bot.request.calls)
        await saved_until(region, renamed, lambda: any(o.served for o in heard))
        assert "Owl Renamed" in served_names(bot)
        sent = bot.request.since(mark)
        assert any("Owl Renamed" in c.text and c.params["chat_id"] == ADMIN["id"] for c in sent)

        mark, served = len(bot.request.calls), bot.handlers.conversation.catalog
        await saved_until(
            content / "needs.yaml", "needs: [\n", lambda: any(not o.served for o in heard)
        )
        assert bot.handlers.conversation.catalog is served  # the last good content stays
        to_admin = [c.text for c in bot.request.since(mark) if c.params["chat_id"] == ADMIN["id"]]
        assert any("not reloaded" in t and "<code>needs.yaml:" in t for t in to_admin)
    finally:
        stop.set()
        await asyncio.wait_for(watching, 10)


async def test_a_retired_catalog_is_freed_and_shared_parts_survive(
    live_bot: tuple[Harness, LiveContent, Path],
) -> None:
    bot, live, content = live_bot
    region = content / "regions/oakland.yaml"
    text = region.read_text(encoding="utf-8")
    region.write_text(text.replace("Night Owl Drop-in", "Owl Renamed"), "utf-8")
    assert (await live.reload()).served  # the first catalog is the test session's: kept
    region.write_text(text.replace("Night Owl Drop-in", "Owl Renamed Again"), "utf-8")
    retired = weakref.ref(live.catalog)
    matcher = live.catalog.index.situation_matcher
    outcome = await live.reload()
    assert outcome.served
    # The situations did not change: the new catalog shares the old one's matcher.
    assert live.catalog.index.situation_matcher is matcher
    deadline = time.monotonic() + 15
    while retired() is not None:
        assert time.monotonic() < deadline, "the retired catalog was never freed"
        await asyncio.sleep(0.05)
    assert matcher.match("he overdosed") and matcher.match("he overdosed")[0].urgent
    calls = await bot.send(message_update(USER, "my friend overdosed"))
    assert "Urgent help" in sent_texts(calls)[0]  # urgent help first, as before the reload


async def test_a_retired_catalog_kept_by_mistake_is_reported(
    live_bot: tuple[Harness, LiveContent, Path],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Something holding a replaced catalog (as the start-up once held the first one) keeps
    its memory for good: the log says so instead of freeing it in silence later."""
    _bot, live, content = live_bot
    monkeypatch.setattr(live_module, "RELEASE_PATIENCE_S", 0.1)
    region = content / "regions/oakland.yaml"
    text = region.read_text(encoding="utf-8")
    region.write_text(text.replace("Night Owl Drop-in", "Owl Renamed"), "utf-8")
    kept = live.catalog  # the mistake
    assert (await live.reload()).served
    deadline = time.monotonic() + 15
    while "still referred to" not in caplog.text:
        assert time.monotonic() < deadline, "no warning"
        await asyncio.sleep(0.05)
    assert live.catalog is not kept


async def test_the_same_broken_folder_is_reported_once(
    live_bot: tuple[Harness, LiveContent, Path],
) -> None:
    _bot, live, content = live_bot
    (content / "needs.yaml").write_text("needs: [\n", encoding="utf-8")
    first = await live.reload(skip_if_unchanged=True)
    assert not first.served and first.errors and not first.unchanged
    again = await live.reload(skip_if_unchanged=True)
    assert not again.served and again.unchanged  # nothing new to tell the admins
    forced = await live.reload()  # /reload always loads and answers with the errors
    assert not forced.served and forced.errors
