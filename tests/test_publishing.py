"""Publishing from Telegram, end to end against the fake Bot API over HTTP: uploads checked,
confirmed or cancelled, expiry, /rollback, /reload; refused for anyone who is not an admin."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.app import WaypointApplication, attach_publisher, build_application
from bot.domain.catalog import Catalog
from bot.handlers.handlers import Handlers
from bot.handlers.publishing import MAX_UPLOAD_BYTES, Publisher
from bot.store import Store
from bot.ui.actions import AdminPress, SetArea, ShowNeed, encode
from bot.ui.conversation import Conversation
from bot.user_keys import UserKeys
from tests.app_harness import LOCALES, SECRET, TOKEN, harness_config
from tests.canaries import canary_user
from tests.conftest import CONTENT, SUNDAY_MORNING
from tests.fake_bot_api import Call, FakeBotApi, callback_update, document_update, message_update

ADMIN = canary_user("en", number=6)
OTHER_ADMIN = canary_user("en", number=7)
SOMEONE = canary_user("en", number=8)
REGION = Path("regions/oakland.yaml")
OLD_NAME = "name: Night Owl Drop-in"
NEW_NAME = "name: Night Owl Drop-in and Clinic"


@dataclass
class Clock:
    """A clock the test moves by hand."""

    now: dt.datetime = SUNDAY_MORNING

    def __call__(self) -> dt.datetime:
        return self.now


@dataclass
class Published:
    """The bot running against the fake API, over a copy of the sample content."""

    api: FakeBotApi
    application: WaypointApplication
    handlers: Handlers
    publisher: Publisher
    content: Path
    data_dir: Path
    clock: Clock

    async def send(self, update: dict[str, Any]) -> list[Call]:
        """Process one update to the end; the Bot API calls it made."""
        mark = self.api.mark()
        update = {"update_id": mark + 1, **update}
        await self.application.process_update(Update.de_json(update, self.application.bot))
        return self.api.calls[mark:]

    async def upload(
        self, user: dict[str, Any], data: bytes, name: str, caption: str | None = None
    ) -> list[Call]:
        """`user` sends a file."""
        return await self.send(document_update(user, self.api.add_file(data, name), caption))

    async def press(self, user: dict[str, Any], action: AdminPress) -> list[Call]:
        return await self.send(callback_update(user, encode(action), 1000))

    def on_disk(self, relative: Path = REGION) -> bytes:
        return (self.content / relative).read_bytes()


def texts(calls: list[Call]) -> list[str]:
    return [str(c.get("text")) for c in calls if c.method in ("sendMessage", "editMessageText")]


def shown(calls: list[Call]) -> str:
    """Every message text of the calls, joined."""
    return "\n".join(texts(calls))


def buttons(calls: list[Call]) -> list[str]:
    screens = [c for c in calls if c.method in ("sendMessage", "editMessageText")]
    markup = screens[-1].get("reply_markup") or {} if screens else {}
    return [str(b["callback_data"]) for row in markup.get("inline_keyboard", []) for b in row]


def pending_action(calls: list[Call], name: str) -> AdminPress:
    """The Confirm or Cancel button under the last screen."""
    from bot.ui.actions import decode

    for data in buttons(calls):
        action = decode(data)
        if isinstance(action, AdminPress) and action.name == name:
            return action
    raise AssertionError(f"no {name} button in {buttons(calls)}")


@asynccontextmanager
async def published_bot(tmp_path: Path, catalog: Catalog) -> AsyncIterator[Published]:
    """The bot serving `catalog`, loaded from the sample content, over a copy of it."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    data_dir = tmp_path / "data"
    clock = Clock()
    store = await Store.open(data_dir / "waypoint.sqlite3")
    admins = frozenset({ADMIN["id"], OTHER_ADMIN["id"]})
    handlers = Handlers(
        Conversation(catalog, LOCALES), store, UserKeys(SECRET), "en", clock, admin_ids=admins
    )
    with FakeBotApi(token=TOKEN) as api:
        config = replace(
            harness_config(data_dir), api_url=api.url, content_dir=content, admin_ids=admins
        )
        publisher = attach_publisher(handlers, config)
        application = build_application(config, handlers)
        try:
            async with application:
                yield Published(api, application, handlers, publisher, content, data_dir, clock)
        finally:
            await store.close()


@pytest.fixture
async def bot(tmp_path: Path, sample_catalog: Catalog) -> AsyncIterator[Published]:
    async with published_bot(tmp_path, sample_catalog) as running:
        yield running


def renamed(bot: Published) -> bytes:
    old = bot.on_disk()
    assert old.count(OLD_NAME.encode()) == 1
    return old.replace(OLD_NAME.encode(), NEW_NAME.encode())


def served_names(bot: Published) -> set[str]:
    resources = bot.handlers.conversation.catalog.content.resources.values()
    return {r.name.get("en") for r in resources}


async def test_a_good_file_is_previewed_then_written_on_confirm(bot: Published) -> None:
    old, new = bot.on_disk(), renamed(bot)
    calls = await bot.upload(ADMIN, new, "oakland.yaml")
    preview = texts(calls)[-1]
    assert "regions/oakland.yaml checks out" in preview
    assert "Listings changed:</b> Night Owl Drop-in and Clinic" in preview
    assert "Listings added" not in preview and "Listings removed" not in preview
    assert "es: " in preview and "zh_Hant: " in preview  # coverage per language
    assert bot.on_disk() == old  # nothing written before the admin confirms
    assert "Night Owl Drop-in" in served_names(bot)

    calls = await bot.press(ADMIN, pending_action(calls, "upload_yes"))
    shown = "\n".join(texts(calls))
    assert "Saved regions/oakland.yaml" in shown
    assert "Content reloaded" in shown
    assert bot.on_disk() == new
    assert (bot.data_dir / "previous-content" / REGION).read_bytes() == old
    assert "Night Owl Drop-in and Clinic" in served_names(bot)
    assert not list(bot.content.rglob(".*.tmp"))  # no temporary file left behind


async def test_a_bad_file_lists_its_errors_and_changes_nothing(bot: Published) -> None:
    old = bot.on_disk()
    broken = old.replace(b"    neighbourhood: downtown\n", b"    neighbourhood: atlantis\n", 1)
    calls = await bot.upload(ADMIN, broken, "oakland.yaml")
    shown = texts(calls)[-1]
    assert "regions/oakland.yaml has errors" in shown
    assert "<code>regions/oakland.yaml:" in shown and "atlantis" in shown
    assert "upload_yes" not in "".join(buttons(calls))
    assert bot.on_disk() == old
    assert not (bot.data_dir / "previous-content").exists()


async def test_a_syntax_error_names_the_line(bot: Published) -> None:
    calls = await bot.upload(ADMIN, b"needs:\n  - id: [unclosed\n", "needs.yaml")
    assert "needs.yaml has errors" in shown(calls) and "<code>needs.yaml:2</code>" in shown(calls)


async def test_cancel_forgets_the_upload(bot: Published) -> None:
    old = bot.on_disk()
    calls = await bot.upload(ADMIN, renamed(bot), "oakland.yaml")
    confirm, cancel = pending_action(calls, "upload_yes"), pending_action(calls, "upload_no")
    assert "Cancelled" in texts(await bot.press(ADMIN, cancel))[-1]
    assert "no longer waiting" in texts(await bot.press(ADMIN, confirm))[-1]
    assert bot.on_disk() == old


async def test_an_upload_expires(bot: Published) -> None:
    old = bot.on_disk()
    calls = await bot.upload(ADMIN, renamed(bot), "oakland.yaml")
    bot.clock.now += dt.timedelta(minutes=16)
    calls = await bot.press(ADMIN, pending_action(calls, "upload_yes"))
    assert "no longer waiting" in shown(calls)
    assert bot.on_disk() == old


async def test_a_newer_upload_replaces_the_pending_one(bot: Published) -> None:
    first = await bot.upload(ADMIN, renamed(bot), "oakland.yaml")
    await bot.upload(ADMIN, renamed(bot), "oakland.yaml")
    calls = await bot.press(ADMIN, pending_action(first, "upload_yes"))
    assert "no longer waiting" in shown(calls)


async def test_one_admin_cannot_confirm_another_admins_upload(bot: Published) -> None:
    old = bot.on_disk()
    calls = await bot.upload(ADMIN, renamed(bot), "oakland.yaml")
    confirm = pending_action(calls, "upload_yes")
    assert "no longer waiting" in texts(await bot.press(OTHER_ADMIN, confirm))[-1]
    assert bot.on_disk() == old


async def test_rollback_restores_the_previous_version_then_has_nothing_left(
    bot: Published,
) -> None:
    old = bot.on_disk()
    assert "nothing to roll back" in texts(await bot.send(message_update(ADMIN, "/rollback")))[-1]
    calls = await bot.upload(ADMIN, renamed(bot), "oakland.yaml")
    await bot.press(ADMIN, pending_action(calls, "upload_yes"))
    calls = await bot.send(message_update(ADMIN, "/rollback"))
    shown = "\n".join(texts(calls))
    assert "Put back the previous version of regions/oakland.yaml" in shown
    assert "Content reloaded" in shown
    assert bot.on_disk() == old
    assert "Night Owl Drop-in and Clinic" not in served_names(bot)
    assert "nothing to roll back" in texts(await bot.send(message_update(ADMIN, "/rollback")))[-1]


async def test_a_new_file_is_added_and_rolled_back_by_removing_it(bot: Published) -> None:
    page = (bot.content / "pages/en/safety.md").read_bytes()
    calls = await bot.upload(ADMIN, page, "whatever.md", caption="pages/en/more-safety.md")
    assert "pages/en/more-safety.md checks out" in shown(calls)
    await bot.press(ADMIN, pending_action(calls, "upload_yes"))
    assert (bot.content / "pages/en/more-safety.md").exists()
    assert "more-safety" in bot.handlers.conversation.catalog.content.pages
    await bot.send(message_update(ADMIN, "/rollback"))
    assert not (bot.content / "pages/en/more-safety.md").exists()
    assert "more-safety" not in bot.handlers.conversation.catalog.content.pages


async def test_a_new_region_file_is_added_then_removed_by_rollback(bot: Published) -> None:
    region = bot.on_disk().replace(b"id: oakland", b"id: oakland-two", 1)
    calls = await bot.upload(ADMIN, region, "oakland-two.yaml")
    # The copy repeats every listing and neighbourhood id, so the validator refuses it.
    assert "regions/oakland-two.yaml has errors" in shown(calls)
    assert not (bot.content / "regions/oakland-two.yaml").exists()


REFUSED_NAMES = [
    ("notes.txt", None),
    ("Oakland.YAML", None),
    ("oakland.yml", None),
    ("../settings.yaml", None),
    ("oakland.yaml", "../settings.yaml"),
    ("oakland.yaml", "/etc/passwd"),
    ("oakland.yaml", "regions/../../x.yaml"),
    ("oakland.yaml", "pages/es/../../x.md"),
    ("oakland.yaml", "regions/sub/x.yaml"),
    ("spectrum.md", None),
    ("oakland.yaml", "pages\\es\\x.md"),
    ("oakland.yaml", "regions/oakland.yaml\n../x"),
    ("", None),
]


async def test_names_are_parsed_strictly_and_never_downloaded_when_wrong(bot: Published) -> None:
    for name, caption in REFUSED_NAMES:
        calls = await bot.upload(ADMIN, b"region: {}\n", name, caption)
        assert "can't tell which content file" in texts(calls)[-1], (name, caption)
        assert not [c for c in calls if c.method == "getFile"]
    assert bot.api.downloads == []


async def test_a_file_too_large_is_refused_before_download(bot: Published) -> None:
    calls = await bot.upload(ADMIN, b"#" * (MAX_UPLOAD_BYTES + 1), "oakland.yaml")
    assert "too large" in texts(calls)[-1]
    assert bot.api.downloads == []


async def test_a_document_from_anyone_else_is_never_downloaded(bot: Published) -> None:
    old = bot.on_disk()
    calls = await bot.upload(SOMEONE, renamed(bot), "oakland.yaml")
    assert "I can only read typed words" in texts(calls)[-1]
    assert not [c for c in calls if c.method == "getFile"]
    assert bot.api.downloads == []
    assert bot.on_disk() == old
    assert await bot.handlers.store.audit_log() == []


async def test_forged_upload_buttons_and_commands_are_refused_for_anyone_else(
    bot: Published,
) -> None:
    old = bot.on_disk()
    calls = await bot.upload(ADMIN, renamed(bot), "oakland.yaml")
    confirm = pending_action(calls, "upload_yes")
    for action in (confirm, pending_action(calls, "upload_no")):
        assert "out of date" in shown(await bot.press(SOMEONE, action))
    for command in ("/reload", "/rollback"):
        calls = await bot.send(message_update(SOMEONE, command))
        assert "I don't know that command" in shown(calls)
    assert bot.on_disk() == old
    # The admin's own upload is still waiting, untouched by the forgeries.
    await bot.press(ADMIN, confirm)
    assert bot.on_disk() == renamed_from(old)


def renamed_from(old: bytes) -> bytes:
    return old.replace(OLD_NAME.encode(), NEW_NAME.encode())


async def test_reload_answers_the_admin_and_reports_errors_keeping_the_old_content(
    bot: Published,
) -> None:
    (bot.content / REGION).write_bytes(renamed(bot))
    said = texts(await bot.send(message_update(ADMIN, "/reload")))[-1]
    assert "Content reloaded" in said and "Night Owl Drop-in and Clinic" in said
    (bot.content / "needs.yaml").write_text("needs: [\n", encoding="utf-8")
    said = shown(await bot.send(message_update(ADMIN, "/reload")))
    assert "not reloaded" in said and "<code>needs.yaml:" in said
    assert "Night Owl Drop-in and Clinic" in served_names(bot)


async def test_people_keep_their_choices_when_their_need_vanishes(bot: Published) -> None:
    user = canary_user("en", number=9)
    await bot.send(callback_update(user, encode(SetArea("oakland")), 1000))
    await bot.send(callback_update(user, encode(ShowNeed("drop_in")), 1001))
    needs = (bot.content / "needs.yaml").read_text(encoding="utf-8")
    # Rename the need everywhere, so the old id vanishes from a valid content.
    for path in bot.content.rglob("*.yaml"):
        path.write_text(path.read_text(encoding="utf-8").replace("drop_in", "dropin"), "utf-8")
    assert "drop_in" in needs
    shown = texts(await bot.send(message_update(ADMIN, "/reload")))[-1]
    assert "Content reloaded" in shown, shown
    calls = await bot.send(callback_update(user, encode(ShowNeed("drop_in")), 1002))
    assert texts(calls), "every press gets an answer"
    calls = await bot.send(message_update(user, "/menu"))
    assert texts(calls)


async def test_someone_else_is_refused_every_admin_command_and_button(bot: Published) -> None:
    someone = SOMEONE
    desk = bot.handlers.admin
    assert {"reload", "rollback", "reports", "stale", "stats", "admin"} <= set(desk.commands)
    before = bot.on_disk()
    for name in desk.commands:
        calls = await bot.send(message_update(someone, f"/{name} 2026-01-01"))
        assert texts(calls) and "I don't know that command" in texts(calls)[-1], name
    for name in desk.buttons:
        for argument in ("", "1", "x"):
            calls = await bot.send(callback_update(someone, encode(AdminPress(name, argument)), 1))
            assert "out of date" in texts(calls)[-1], name
    assert bot.on_disk() == before
    assert await bot.handlers.store.audit_log() == []
    # Nothing was sent to anyone but the person who tried.
    assert {c.get("chat_id") for c in bot.api.calls if c.method == "sendMessage"} <= {
        str(someone["id"]),
        someone["id"],
    }
