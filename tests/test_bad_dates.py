"""Anonymous bad-date reports: the flow, what reaches the organisation, and what is never kept."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import ConfigError, load_config
from bot.domain.bad_dates import MAX_DESCRIPTION, BadDateDraft, BadDateKind, RoughlyWhen, Step
from bot.domain.catalog import Catalog
from bot.domain.models import Section
from bot.handlers.bad_dates import DRAFT_TTL_SECONDS, QUOTA_LIMIT, ReportDrafts, ReportQuota
from bot.i18n import available_locales
from bot.preview import PREVIEW_RELAY_NOTE, run_preview
from bot.ui.actions import Action, AdminPress, BadDateStep, SetArea, ShowSection, decode, encode
from bot.ui.conversation import Command, Conversation, Press, Typed
from bot.ui.state import UserState
from tests.app_harness import TOKEN, Harness, last_screen, running_bot
from tests.canaries import FIRST_NAME, ID_PREFIX, LAST_NAME, TEXT_WORD, USERNAME, canary_user
from tests.conftest import SUNDAY_MORNING
from tests.fake_bot_api import callback_update, message_update, my_chat_member_update
from tests.recording_request import ApiCall

ADMIN = canary_user("en", number=3)
OTHER_ADMIN = canary_user("en", number=5)
PERSON = canary_user("es-MX", number=6)
REPORT_CHAT = -1009876543210
WORDS = f"tall man, red van, plate {TEXT_WORD} <b>&"
# Everything that could point at the person; the description itself is meant to arrive.
TRACES = (ID_PREFIX, FIRST_NAME, LAST_NAME, USERNAME)


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def bot(sample_catalog: Catalog, tmp_path: Path) -> AsyncIterator[Harness]:
    admins = frozenset({ADMIN["id"], OTHER_ADMIN["id"]})
    async with running_bot(sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING, admins) as h:
        await h.send(callback_update(PERSON, encode(SetArea("oakland")), 1000))
        yield h


def press(step: BadDateStep) -> dict[str, object]:
    return callback_update(PERSON, encode(step), 1000)


async def ready_to_type(bot: Harness) -> None:
    """/report, then what happened, the area and when."""
    await bot.send(message_update(PERSON, "/report"))
    await bot.send(press(BadDateStep("kind", "violent")))
    await bot.send(press(BadDateStep("area", "oakland")))
    await bot.send(press(BadDateStep("when", "today")))


def relayed(calls: list[ApiCall]) -> list[ApiCall]:
    """The messages passed on to the organisation (anywhere but the person's chat)."""
    return [c for c in calls if c.method == "sendMessage" and c.params["chat_id"] != PERSON["id"]]


def assert_anonymous(calls: list[ApiCall]) -> None:
    assert not [c for c in calls if c.method in ("forwardMessage", "copyMessage")]
    for call in relayed(calls):
        assert not [trace for trace in TRACES if trace in call.text], call.text
        assert str(PERSON["id"]) not in str(call.params)


# The codec


@given(
    move=st.sampled_from(["kind", "area", "when"]),
    choice=st.from_regex(r"[a-z0-9]{1,20}", fullmatch=True),
)
def test_choices_round_trip(move: str, choice: str) -> None:
    assert decode(encode(BadDateStep(move, choice))) == BadDateStep(move, choice)


@pytest.mark.parametrize("data", ["1:R:", "1:R:kind", "1:R:send.x", "1:R:nope", "1:R:area.X"])
def test_malformed_steps_are_refused(data: str) -> None:
    assert decode(data) is None


@given(st.text(max_size=70))
def test_any_step_data_decodes_or_is_refused(data: str) -> None:
    action = decode("1:R:" + data)
    assert action is None or isinstance(action, BadDateStep)


# The flow, step by step


async def test_the_whole_flow_from_report_to_sent(bot: Harness) -> None:
    calls = await bot.send(message_update(PERSON, "/report"))
    first = last_screen(calls)
    assert "Avisar de un mal cliente o una situación peligrosa" in first.text
    assert "el bot no guarda nada" in first.text
    assert encode(BadDateStep("kind", "police")) in first.callback_data
    assert len([d for d in first.callback_data if d.startswith("1:R:kind.")]) == len(BadDateKind)

    area = last_screen(await bot.send(press(BadDateStep("kind", "robbery"))))
    assert "¿En qué zona" in area.text
    assert any(label.startswith("✓ ") for label in area.button_labels)  # their own area

    when = last_screen(await bot.send(press(BadDateStep("area", "oakland"))))
    assert [d for d in when.callback_data if d.startswith("1:R:when.")] == [
        encode(BadDateStep("when", w.value)) for w in RoughlyWhen
    ]

    describe = last_screen(await bot.send(press(BadDateStep("when", "yesterday"))))
    assert "No pongas tu nombre" in describe.text  # before anything is typed

    preview = last_screen(await bot.send(message_update(PERSON, WORDS)))
    assert "Revisa tu aviso" in preview.text
    assert "Robo o no pagó" in preview.text and "Ayer" in preview.text
    assert "&lt;b&gt;&amp;" in preview.text
    assert preview.callback_data[:2] == [encode(BadDateStep("send")), encode(BadDateStep("edit"))]
    assert encode(BadDateStep("cancel")) in preview.callback_data

    calls = await bot.send(press(BadDateStep("send")))
    out = relayed(calls)
    assert {c.params["chat_id"] for c in out} == {ADMIN["id"], OTHER_ADMIN["id"]}
    for call in out:
        assert "&lt;b&gt;&amp;" in call.text and TEXT_WORD in call.text
        assert "Robbery or not paying" in call.text and "unverified" in call.text.lower()
        assert call.callback_data == [encode(AdminPress("alert_draft", ""))]
    assert_anonymous(calls)
    thanks = last_screen(calls)
    assert thanks.params["chat_id"] == PERSON["id"]
    assert "no guardó nada" in thanks.text
    assert len(bot.handlers.bad_dates.drafts) == 0


async def test_the_draft_button_on_a_relayed_report_opens_the_alert_editor(
    bot: Harness,
) -> None:
    await ready_to_type(bot)
    await bot.send(message_update(PERSON, WORDS))
    out = relayed(await bot.send(press(BadDateStep("send"))))
    mine = next(c for c in out if c.params["chat_id"] == ADMIN["id"])
    draft = callback_update(ADMIN, mine.callback_data[0], 77)
    editor = last_screen(await bot.send(draft))
    assert editor.params["chat_id"] == ADMIN["id"]
    assert "Which areas" in editor.text


async def test_the_person_is_spoken_to_in_their_language(bot: Harness) -> None:
    await bot.send(message_update(PERSON, "/report"))
    await bot.send(press(BadDateStep("kind", "condoms")))
    await bot.send(press(BadDateStep("area", "oakland")))
    describe = last_screen(await bot.send(press(BadDateStep("when", "week"))))
    assert "No pongas tu nombre" in describe.text
    calls = await bot.send(press(BadDateStep("send")))
    assert not relayed(calls)  # not complete yet: the description step again
    await bot.send(message_update(PERSON, WORDS))
    calls = await bot.send(press(BadDateStep("send")))
    # The admins read the labels in their own language; the words stay as typed.
    assert all("Stealthing or refusing condoms" in c.text for c in relayed(calls))
    assert "Enviado" in last_screen(calls).text


async def test_edit_keeps_the_words_and_changes_the_rest(bot: Harness) -> None:
    await ready_to_type(bot)
    await bot.send(message_update(PERSON, WORDS))
    again = last_screen(await bot.send(press(BadDateStep("edit"))))
    assert "✓ " + "Cliente violento o que amenaza" in again.button_labels
    await bot.send(press(BadDateStep("kind", "drugs")))
    await bot.send(press(BadDateStep("area", "oakland")))
    describe = last_screen(await bot.send(press(BadDateStep("when", "earlier"))))
    assert encode(BadDateStep("keep")) in describe.callback_data
    preview = last_screen(await bot.send(press(BadDateStep("keep"))))
    assert "Un lote de drogas malo" in preview.text and TEXT_WORD in preview.text
    calls = await bot.send(press(BadDateStep("send")))
    assert all("A bad batch of drugs" in c.text for c in relayed(calls))


async def test_cancel_sends_nothing_and_later_buttons_are_gone(bot: Harness) -> None:
    await ready_to_type(bot)
    await bot.send(message_update(PERSON, WORDS))
    calls = await bot.send(press(BadDateStep("cancel")))
    assert not relayed(calls) and "Cancelado" in last_screen(calls).text
    calls = await bot.send(press(BadDateStep("send")))
    assert not relayed(calls)
    assert encode(BadDateStep("start")) in last_screen(calls).callback_data
    assert len(bot.handlers.bad_dates.drafts) == 0


async def test_a_draft_expires(bot: Harness) -> None:
    clock = Clock()
    bot.handlers.bad_dates.drafts = ReportDrafts(clock)
    await ready_to_type(bot)
    clock.now += DRAFT_TTL_SECONDS + 1
    calls = await bot.send(message_update(PERSON, f"condones {TEXT_WORD}"))
    assert "Revisa tu aviso" not in last_screen(calls).text  # a search, not the description
    calls = await bot.send(press(BadDateStep("send")))
    assert not relayed(calls) and "ya no está abierto" in last_screen(calls).text


async def test_typed_text_outside_the_description_step_is_a_search(bot: Harness) -> None:
    await bot.send(message_update(PERSON, "/report"))
    calls = await bot.send(message_update(PERSON, "condones"))
    assert "Revisa tu aviso" not in last_screen(calls).text
    # Leaving the report dropped it: its old buttons lead nowhere.
    assert len(bot.handlers.bad_dates.drafts) == 0
    calls = await bot.send(press(BadDateStep("when", "today")))
    assert "ya no está abierto" in last_screen(calls).text


async def test_leaving_for_the_menu_drops_the_draft(bot: Harness) -> None:
    await ready_to_type(bot)
    await bot.send(message_update(PERSON, "/menu"))
    calls = await bot.send(message_update(PERSON, TEXT_WORD))
    assert "Revisa tu aviso" not in last_screen(calls).text
    assert len(bot.handlers.bad_dates.drafts) == 0


async def test_forget_mid_flow_drops_the_draft(bot: Harness) -> None:
    await ready_to_type(bot)
    assert len(bot.handlers.bad_dates.drafts) == 1
    await bot.send(message_update(PERSON, "/forget"))
    assert len(bot.handlers.bad_dates.drafts) == 0
    calls = await bot.send(message_update(PERSON, TEXT_WORD))
    assert "Revisa tu aviso" not in last_screen(calls).text
    assert not relayed(await bot.send(press(BadDateStep("send"))))


async def test_blocking_the_bot_drops_the_draft(bot: Harness) -> None:
    await ready_to_type(bot)
    chat = {"id": PERSON["id"], "type": "private", "first_name": FIRST_NAME}
    await bot.send(my_chat_member_update(PERSON, chat, "kicked", old_status="member"))
    assert len(bot.handlers.bad_dates.drafts) == 0


async def test_too_long_is_asked_again_and_the_limit_itself_is_fine(bot: Harness) -> None:
    await ready_to_type(bot)
    calls = await bot.send(message_update(PERSON, "x" * (MAX_DESCRIPTION + 1)))
    assert "Acórtalo" in last_screen(calls).text
    calls = await bot.send(message_update(PERSON, "   "))
    assert "No pongas tu nombre" in last_screen(calls).text
    calls = await bot.send(message_update(PERSON, "y" * MAX_DESCRIPTION))
    assert "Revisa tu aviso" in last_screen(calls).text


async def test_a_command_at_the_description_step_is_a_command(bot: Harness) -> None:
    # A slash command typed at the description step is a command, not the description.
    await ready_to_type(bot)
    calls = await bot.send(message_update(PERSON, "/help"))
    assert "Revisa tu aviso" not in last_screen(calls).text
    assert len(bot.handlers.bad_dates.drafts) == 0


# Where reports go


async def test_reports_go_to_the_configured_chat_only(bot: Harness) -> None:
    bot.handlers.bad_dates.report_chat_id = REPORT_CHAT
    await ready_to_type(bot)
    await bot.send(message_update(PERSON, WORDS))
    calls = await bot.send(press(BadDateStep("send")))
    out = relayed(calls)
    assert [c.params["chat_id"] for c in out] == [REPORT_CHAT]
    assert "Violent or threatening client" in out[0].text  # the deployment's default language
    assert_anonymous(calls)


async def test_a_failed_send_is_said_plainly_and_nothing_is_kept(bot: Harness) -> None:
    bot.handlers.bad_dates.report_chat_id = REPORT_CHAT
    await ready_to_type(bot)
    await bot.send(message_update(PERSON, WORDS))
    bot.request.fail_next("sendMessage", 403, "Forbidden: bot was kicked from the group chat")
    calls = await bot.send(press(BadDateStep("send")))
    assert "no se pudo pasar" in last_screen(calls).text
    assert len(bot.handlers.bad_dates.drafts) == 0


async def test_without_admins_or_a_chat_nothing_pretends_to_be_sent(
    sample_catalog: Catalog, tmp_path: Path
) -> None:
    async with running_bot(sample_catalog, tmp_path / "data", lambda: SUNDAY_MORNING) as bot:
        await ready_to_type(bot)
        await bot.send(message_update(PERSON, WORDS))
        calls = await bot.send(press(BadDateStep("send")))
        assert not relayed(calls)
        assert "no se pudo pasar" in last_screen(calls).text


async def test_at_most_a_few_reports_an_hour(bot: Harness) -> None:
    clock = Clock()
    bot.handlers.bad_dates.quota = ReportQuota(clock)
    for _ in range(QUOTA_LIMIT):
        await ready_to_type(bot)
        await bot.send(message_update(PERSON, WORDS))
        assert relayed(await bot.send(press(BadDateStep("send"))))
    # A new report is stopped before anything is typed.
    calls = await bot.send(message_update(PERSON, "/report"))
    assert "puedes enviar otro más tarde" in last_screen(calls).text
    assert len(bot.handlers.bad_dates.drafts) == 0
    calls = await bot.send(press(BadDateStep("kind", "violent")))
    assert "ya no está abierto" in last_screen(calls).text
    clock.now += 3600
    await ready_to_type(bot)
    await bot.send(message_update(PERSON, WORDS))
    assert relayed(await bot.send(press(BadDateStep("send"))))


async def test_the_limit_is_checked_again_at_send(bot: Harness) -> None:
    await ready_to_type(bot)
    await bot.send(message_update(PERSON, WORDS))
    for _ in range(QUOTA_LIMIT):
        bot.handlers.bad_dates.quota.spend(bot.handlers.keys.key_for(PERSON["id"]))
    calls = await bot.send(press(BadDateStep("send")))
    assert not relayed(calls) and "este no se pasó" in last_screen(calls).text
    assert len(bot.handlers.bad_dates.drafts) == 0


def test_the_hourly_limit_is_per_person_and_bounded() -> None:
    clock = Clock()
    quota = ReportQuota(clock)
    for _ in range(QUOTA_LIMIT):
        assert quota.allows("a")
        quota.spend("a")
    assert not quota.allows("a") and quota.allows("b")
    for number in range(20_000):
        quota.spend(f"k{number}")
    assert len(quota._sent) <= 10_000


def test_drafts_are_bounded_and_never_shown_in_a_repr() -> None:
    drafts = ReportDrafts(Clock())
    for number in range(10_001):
        drafts.set(f"k{number}", BadDateDraft(description=TEXT_WORD))
    assert len(drafts) == 10_000
    assert TEXT_WORD not in repr(drafts.get("k10000"))


# Privacy


def canary_files(data_dir: Path) -> list[Path]:
    """Files under DATA_DIR (the database, its WAL, anything else) holding the typed word."""
    files = [p for p in data_dir.rglob("*") if p.is_file()]
    assert files
    return [p for p in files if TEXT_WORD.encode() in p.read_bytes()]


async def test_the_typed_words_never_reach_a_log_the_database_or_a_file(
    sample_catalog: Catalog, tmp_path: Path, debug_log: io.StringIO
) -> None:
    data_dir = tmp_path / "data"
    admins = frozenset({ADMIN["id"]})
    async with running_bot(sample_catalog, data_dir, lambda: SUNDAY_MORNING, admins) as bot:
        await bot.send(callback_update(PERSON, encode(SetArea("oakland")), 1000))
        await ready_to_type(bot)
        await bot.send(message_update(PERSON, WORDS))
        await bot.send(press(BadDateStep("edit")))
        await bot.send(press(BadDateStep("keep")))
        assert relayed(await bot.send(press(BadDateStep("send"))))
        await ready_to_type(bot)
        await bot.send(message_update(PERSON, WORDS))
        bot.request.fail_next("sendMessage", 500, f"Internal {TEXT_WORD}")
        await bot.send(press(BadDateStep("send")))
        await ready_to_type(bot)
        await bot.send(message_update(PERSON, WORDS))
        await bot.send(message_update(PERSON, "/forget"))
        assert canary_files(data_dir) == []  # the WAL too, while the store is open
    assert canary_files(data_dir) == []
    log = debug_log.getvalue()
    assert "Answered a" in log
    assert TEXT_WORD not in log and "tall man" not in log


# REPORT_CHAT_ID


def environ(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"BOT_TOKEN": TOKEN, "DATA_DIR": str(tmp_path / "data"), **extra}


@pytest.mark.parametrize("value", ["-1001234567890", "12345", " -42 "])
def test_report_chat_id_is_read(tmp_path: Path, value: str) -> None:
    config = load_config(environ(tmp_path, REPORT_CHAT_ID=value))
    assert config.report_chat_id == int(value)


def test_report_chat_id_unset_means_each_admin(tmp_path: Path) -> None:
    assert load_config(environ(tmp_path)).report_chat_id is None
    assert load_config(environ(tmp_path, REPORT_CHAT_ID=" ")).report_chat_id is None


@pytest.mark.parametrize("value", ["abc", "0", "-", "1.5", "12 34", "--5", "١٢٣", "9" * 17, "+5"])
def test_a_wrong_report_chat_id_is_a_clear_error(tmp_path: Path, value: str) -> None:
    with pytest.raises(ConfigError, match="REPORT_CHAT_ID"):
        load_config(environ(tmp_path, REPORT_CHAT_ID=value))


def test_the_terminal_preview_says_nothing_was_sent(sample_catalog: Catalog) -> None:
    out = io.StringIO()
    conversation = Conversation(sample_catalog, available_locales())
    lines = ["/report", "1", "1", "1", "a red van", "1"]
    run_preview(conversation, UserState("en", "oakland"), lines, out, lambda: SUNDAY_MORNING)
    text = out.getvalue()
    assert "Check your report" in text and "a red van" in text
    assert PREVIEW_RELAY_NOTE in text


@pytest.mark.parametrize("command", ["/menu", "/help"])
async def test_the_report_is_offered_in_the_menu_and_in_help(bot: Harness, command: str) -> None:
    screen = last_screen(await bot.send(message_update(PERSON, command)))
    if command == "/menu":
        assert encode(BadDateStep("start")) in screen.callback_data
    else:
        assert "/report" in screen.text


async def test_the_report_is_offered_under_the_safety_tips(bot: Harness) -> None:
    calls = await bot.send(press_action(ShowSection(Section.SAFETY)))
    assert encode(BadDateStep("start")) in last_screen(calls).callback_data


def press_action(action: Action) -> dict[str, object]:
    return callback_update(PERSON, encode(action), 1000)


async def test_the_bot_stays_quietly_in_the_report_chat(bot: Harness) -> None:
    bot.handlers.bad_dates.report_chat_id = REPORT_CHAT
    chat = {"id": REPORT_CHAT, "type": "supergroup", "title": "reports"}
    calls = await bot.send(my_chat_member_update(ADMIN, chat, "member"))
    calls += await bot.send(
        message_update(ADMIN, "/start", chat_type="supergroup", chat_id=REPORT_CHAT)
    )
    assert [c.method for c in calls] == []
    # Someone in the group who is not an admin: a short note, nothing else.
    draft = encode(AdminPress("alert_draft", ""))
    calls = await bot.send(callback_update(PERSON, draft, 5, REPORT_CHAT))
    assert [c.method for c in calls] == ["answerCallbackQuery"]
    assert "Only its admins" in calls[0].params["text"]
    # Any other group is still refused and left.
    other = await bot.send(message_update(ADMIN, "/start", chat_type="supergroup", chat_id=-100555))
    assert "leaveChat" in [c.method for c in other]


async def test_draft_an_alert_pressed_in_the_report_chat_opens_in_the_admins_private_chat(
    bot: Harness,
) -> None:
    bot.handlers.bad_dates.report_chat_id = REPORT_CHAT
    press = callback_update(ADMIN, encode(AdminPress("alert_draft", "")), 5, REPORT_CHAT)
    calls = await bot.send(press)
    editor = last_screen(calls)
    assert editor.params["chat_id"] == ADMIN["id"] and "Which areas" in editor.text
    assert not [c for c in calls if c.params.get("chat_id") == REPORT_CHAT]
    answer = next(c for c in calls if c.method == "answerCallbackQuery")
    assert "Opened in your private chat" in answer.params["text"]
    # An admin who never started the bot privately is told how, and nothing else happens.
    bot.request.fail_next("sendMessage", 403, "Forbidden: bot can't initiate conversation")
    calls = await bot.send(press)
    assert [c.method for c in calls][-1] == "answerCallbackQuery"
    assert "press Start" in calls[-1].params["text"]


_STEPS = st.one_of(
    st.builds(BadDateStep, st.sampled_from(["start", "keep", "send", "edit", "cancel"])),
    st.builds(BadDateStep, st.just("kind"), st.sampled_from([*BadDateKind, "nope"])),
    st.builds(BadDateStep, st.just("area"), st.sampled_from(["oakland", "nowhere"])),
    st.builds(BadDateStep, st.just("when"), st.sampled_from([*RoughlyWhen, "nope"])),
)
_EVENTS = st.one_of(
    _STEPS.map(lambda step: Press(encode(step))),
    st.text(max_size=40).map(Typed),
    st.sampled_from([Command("menu"), Command("report"), Press(encode(SetArea("oakland")))]),
)


@given(events=st.lists(_EVENTS, max_size=12))
def test_any_sequence_keeps_the_flow_consistent(
    sample_catalog: Catalog, events: list[Press | Typed | Command]
) -> None:
    conversation = Conversation(sample_catalog, available_locales())
    state = UserState("en", "oakland")
    for event in events:
        waiting = state.bad_date is not None and state.bad_date.step is Step.DESCRIBE
        reply = conversation.respond(event, state, SUNDAY_MORNING)
        if reply.relay is not None:
            assert reply.relay.complete and reply.state.bad_date is None
        draft = reply.state.bad_date
        if isinstance(event, Typed) and not waiting:
            assert draft is None  # a search, and the report (if any) was left
        if draft is not None and draft.description:
            assert isinstance(event, Typed) or state.bad_date is not None
        state = reply.state
