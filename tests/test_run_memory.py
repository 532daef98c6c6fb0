"""What keeps `python -m bot run` small (docs/performance.md, "Memory, fourth pass")."""

from __future__ import annotations

import copy
import datetime as dt
import os
import pickle
import shutil
import signal
import ssl
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from babel import Locale, UnknownLocaleError, negotiate_locale
from hypothesis import given
from hypothesis import strategies as st

from bot import i18n
from bot.app import alert_bot, build_application
from bot.domain.catalog import Catalog
from bot.domain.loader import _ContentLoader
from bot.domain.models import LocalizedText
from bot.handlers.handlers import Handlers
from bot.i18n import OWN_NAMES, available_locales, negotiate
from bot.store.sqlite import Store
from bot.ui.conversation import Conversation
from bot.user_keys import UserKeys
from tests.app_harness import LOCALES, SECRET, harness_config
from tests.canaries import canary_user
from tests.conftest import CONTENT
from tests.fake_bot_api import FakeBotApi, message_update

ROOT = Path(__file__).resolve().parent.parent
RESULTS = "Results for “%(query)s”"
TOKEN = "7000000002:AAE-run-memory-token-00000000000000000"
DEADLINE = 20.0


def test_the_running_bot_does_not_import_what_only_commands_use() -> None:
    """Pillow (charts for `stats --plot`) and segno (QR codes) cost 4.3 MiB of a running
    bot's memory; they are imported when first drawn, never by what `run` imports. The HSDS
    mappings and the region writer (about 0.5 MiB) are imported by their commands. The other
    commands and their argument parser (0.6 MiB) are not imported by `python -m bot run`,
    which bot/__main__.py sends straight to bot/run.py."""
    only_commands = (
        "PIL",
        "segno",
        "bot.hsds.export",
        "bot.hsds.listings",
        "bot.domain.region_writer",
        "argparse",
        "bot.cli",
        "bot.cli_alerts",
        "bot.cli_stats",
        "bot.cli_upkeep",
        "bot.outreach",
        "bot.cards",
        "bot.preview",
        "bot.hsds.commands",
        "bot.sheets.commands",
        "bot.domain.skeleton",
    )
    # `python -m bot run`, with the serving itself left out.
    code = f"""
import contextlib, runpy, sys
import bot.run
bot.run.run = lambda err: 0
sys.argv = ["bot", "run"]
with contextlib.suppress(SystemExit):
    runpy.run_module("bot", run_name="__main__")
print(" ".join(m for m in {only_commands!r} if m in sys.modules))
"""
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == ""


# `python -m bot run` up to its serving, which is left out: `asyncio.run` is handed the serving
# coroutine, closes it, and prints which of some packages were imported.
_UP_TO_SERVING = """
import asyncio, runpy, sys

def instead_of_serving(coroutine):
    coroutine.close()
    loaded = {m.split(".")[0] for m in sys.modules if sys.modules[m]}
    loaded |= {m for m in sys.modules if m.startswith("bot.domain.")}
    print(" ".join(sorted(loaded & {"tornado", "yaml", "bot.domain.loader"})))

asyncio.run = instead_of_serving
sys.argv = ["bot", "run"]
runpy.run_module("bot", run_name="__main__")
"""


def _imported_up_to_serving(data_dir: Path, **settings: str) -> str:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("WEBHOOK", "HASH_SECRET"))},
        "BOT_TOKEN": TOKEN,
        "DATA_DIR": str(data_dir),
        "CONTENT_DIR": str(CONTENT),
        **settings,
    }
    done = subprocess.run(
        [sys.executable, "-c", _UP_TO_SERVING], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_a_polling_bot_runs_without_the_web_server_or_the_loader(tmp_path: Path) -> None:
    """python-telegram-bot imports tornado whenever it is installed, for a webhook server we
    do not use (ours is bot/webhook.py): 3.8 MiB of a bot that polls. PyYAML and the loader
    (1.8 MiB) are needed only to load files, which the compiler's process does: the bot
    reads the compiled cache. Both starts here, the first without a cache (the compiler
    writes it) and the second with it."""
    assert _imported_up_to_serving(tmp_path) == ""
    assert _imported_up_to_serving(tmp_path) == ""


def test_a_bot_on_a_webhook_has_its_web_server(tmp_path: Path) -> None:
    webhook = "https://bot.example.org/hook"
    secret = "Kq3v-Zt8wR_p1XyLm4Nb0sHd7Fe2GcJa"
    imported = _imported_up_to_serving(tmp_path, WEBHOOK_URL=webhook, WEBHOOK_SECRET=secret)
    assert imported == "tornado"


def test_the_running_bot_does_not_import_babel_s_catalog_tools() -> None:
    """With the catalogs compiled, reading them in every language leaves Babel's tools for
    .po files unimported (0.7 MiB): they compile a catalog in memory only when its .mo is
    missing or older than its .po."""
    code = (
        "import sys, bot.cli, bot.app, bot.handlers.handlers, bot.i18n as i; "
        "[i.translator(locale).gettext('x') for locale in i.available_locales()]; "
        "print('babel.messages' in sys.modules)"
    )
    for po in i18n.LOCALES_DIR.glob(f"*/LC_MESSAGES/{i18n.DOMAIN}.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            pytest.skip(f"{mo} is not compiled (`pybabel compile -d locales -D messages`)")
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "False"


async def test_the_bots_clients_share_one_tls_context(
    tmp_path: Path, sample_catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each TLS context loads every certificate authority again (0.8 MiB): the Application's
    two clients and the alert sender's check servers with the one context `serve` makes."""
    loaded: list[ssl.SSLContext] = []
    load = ssl.SSLContext.load_verify_locations

    def counted(context: ssl.SSLContext, *args: Any, **kwargs: Any) -> None:
        loaded.append(context)
        load(context, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", counted)
    store = await Store.open(tmp_path / "waypoint.sqlite3")
    try:
        handlers = Handlers(Conversation(sample_catalog, LOCALES), store, UserKeys(SECRET), "en")
        tls = httpx.create_ssl_context()
        config = harness_config(tmp_path)
        build_application(config, handlers, tls=tls)
        alert_bot(config, tls)
    finally:
        await store.close()
    assert loaded == [tls]


A_LOCALE = st.sampled_from(("en", "es", "fil", "ko", "th", "vi", "zh_Hans", "zh_Hant"))


@given(
    values=st.dictionaries(A_LOCALE, st.sampled_from(("", "Food", "Comida"))),
    default=A_LOCALE,
    same=st.booleans(),
    asked=A_LOCALE,
)
def test_a_text_answers_as_a_dict_of_translations_did(
    values: dict[str, str], default: str, same: bool, asked: str
) -> None:
    """Texts keep locales and translations as two tuples (5 MiB less at 10,000 listings);
    each question gets the answer the dict of translations gave."""
    text = LocalizedText(values, default, same)
    assert text.values == values and list(text.values) == list(values)
    assert text.all_values() == tuple(values.values())
    assert text.has(asked) == (same or bool(values.get(asked)))
    if values.get(asked) or default in values:
        assert text.get(asked) == (values.get(asked) or values[default])
    else:
        with pytest.raises(KeyError):
            text.get(asked)
    assert repr(text) == (
        f"LocalizedText(values={values!r}, default_locale={default!r},"
        f" same_in_every_locale={same!r})"
    )
    reordered = LocalizedText(dict(reversed(values.items())), default, same)
    assert text == reordered == copy.deepcopy(text) == pickle.loads(pickle.dumps(text))
    assert text != LocalizedText({**values, "xx": "?"}, default, same)
    assert text != LocalizedText(values, default, not same)
    with pytest.raises(TypeError):
        hash(text)


def test_own_names_are_babels_for_every_shipped_locale() -> None:
    """The language menu's names are written down (Babel loads a locale's whole CLDR data to
    give one); they must stay what Babel says, for every locale the bot ships."""
    for code in available_locales():
        assert OWN_NAMES[code] == Locale.parse(code).get_display_name(code)


def test_greeting_everyone_loads_no_locales_data() -> None:
    """Naming the shipped languages and negotiating the usual tags read no CLDR locale data
    (1 MiB each) nor its likely scripts (2 MiB): those load when someone reads in a language
    (times, dates, distances)."""
    code = (
        "import babel.core, babel.localedata, sys; "
        "from bot.i18n import available_locales, language_name, negotiate; "
        "shipped = available_locales(); "
        "[language_name(c) for c in shipped]; "
        "[negotiate(t, shipped) for t in ('en-US', 'es', 'ko-KR', 'vi', 'fil', 'th')]; "
        "print(sorted(babel.localedata._cache), babel.core._global_data is None)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["[]", "True"]


TAGS = st.tuples(
    st.sampled_from(("en", "es", "zh", "ZH", "pt", "ko", "fil", "sr", "no", "xx")),
    st.sampled_from(("", "-US", "-TW", "-HK", "-Hant", "-Hans", "-Latn", "-419", "_mx", "-CN")),
).map("".join)
AVAILABLE = st.lists(
    st.sampled_from(("en", "es", "zh_Hans", "zh_Hant", "en_US", "pt_BR", "sr_Latn", "ko")),
    unique=True,
).map(tuple)


@given(tag=TAGS, available=AVAILABLE)
def test_negotiating_gives_what_it_did_with_the_likely_script_always_looked_up(
    tag: str, available: tuple[str, ...]
) -> None:
    assert negotiate(tag, available) == negotiated_as_before(tag, available)


def negotiated_as_before(language_code: str, available: tuple[str, ...]) -> str | None:
    """bot.i18n.negotiate as it was, looking the likely script up for every tag."""
    try:
        wanted = Locale.parse(language_code.replace("_", "-"), sep="-")
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    candidates = [str(wanted), wanted.language]
    script = wanted.script or i18n._likely_script(wanted)
    if script:
        candidates.insert(1, f"{wanted.language}_{script}")
    return negotiate_locale(candidates, available)


@pytest.mark.parametrize("missing", [1, 5, 6, 40])
def test_missing_translations_keep_a_count_and_the_lines_a_warning_shows(
    tmp_path: Path, missing: int
) -> None:
    """Every missing line was kept (and cached: 3.5 MiB at 10,000 listings) though a warning
    shows the first five and the count; the warning reads as it did."""
    loader = _ContentLoader(tmp_path, dt.date(2026, 12, 6))
    for line in range(10, 10 + missing):
        loader.coverage.record("r.yaml", line, ("en", "es"), {"en": "Food"})
    loader._warn_missing_translations()
    lines = list(range(10, 10 + missing))
    shown = ", ".join(str(n) for n in lines[:5]) + (" ..." if len(lines) > 5 else "")
    assert [str(p) for p in loader.problems.warnings] == [
        f"r.yaml:10: warning: translation missing: {missing} text(s) have no 'es' version"
        f" (lines {shown}); users will see the default language with a note"
    ]
    assert loader.coverage.missing[("r.yaml", "es")] == lines[:5]
    assert loader.coverage.percent("es") == 0.0


def test_the_situations_typo_index_answers_as_its_sets_did(sample_catalog: Catalog) -> None:
    """The one-typo index of situation words holds tuples instead of sets (1.1 MiB less):
    messages with a letter dropped or changed find the same situations."""
    matcher = sample_catalog.index.situation_matcher
    as_sets = copy.copy(matcher)
    as_sets._by_delete = {variant: set(terms) for variant, terms in matcher._by_delete.items()}
    words = sorted(term for term in matcher._exact_words if len(term) >= 5)
    typos = [
        word[:at] + change + word[at + 1 :]
        for word in words
        for at in range(len(word))
        for change in ("", "x")
    ]
    assert len(typos) > 1000
    assert sum(bool(matcher.match(typo)) for typo in typos) > 100
    for typo in typos:
        assert matcher.match(typo) == as_sets.match(typo), typo


def test_the_languages_share_their_message_ids() -> None:
    """Every catalog holds the same English message ids: one string each, whichever
    languages were read (about 36 KiB a language)."""
    spanish, korean = (i18n.translator(locale).translations._catalog for locale in ("es", "ko"))
    ids = {key: key for key in spanish if isinstance(key, str)}
    shared = [key for key in korean if isinstance(key, str) and key in ids]
    assert len(shared) > 100
    assert all(key is ids[key] for key in shared)
    assert i18n.translator("ko").gettext(RESULTS) not in ("", RESULTS)


def test_a_catalog_without_its_mo_is_compiled_in_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = i18n.LOCALES_DIR / "es" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    po = tmp_path / "es" / "LC_MESSAGES" / f"{i18n.DOMAIN}.po"
    po.parent.mkdir(parents=True)
    po.write_bytes(shipped.read_bytes())
    expected = i18n.translator("es").gettext(RESULTS)
    monkeypatch.setattr(i18n, "LOCALES_DIR", tmp_path)
    assert i18n._translations("es").gettext(RESULTS) == expected != RESULTS


# `python -m bot run`, with a thread writing to a file how many catalogs are alive, every
# 0.1 s (frozen objects, as a loaded catalog is, are listed only once unfrozen).
_COUNTING_CATALOGS = """
import gc, sys, threading, time
from pathlib import Path
import bot.run
from bot.domain.catalog import Catalog

def count(out: Path) -> None:
    while True:
        gc.unfreeze()
        alive = sum(1 for item in gc.get_objects() if type(item) is Catalog)
        gc.freeze()
        out.write_text(str(alive))
        time.sleep(0.1)

threading.Thread(target=count, args=(Path(sys.argv[1]),), daemon=True).start()
sys.exit(bot.run.run(sys.stderr))
"""


def test_a_reload_frees_the_catalog_the_bot_started_with(tmp_path: Path) -> None:
    """The functions that start the bot wait, holding what they hold, as long as it runs:
    one of them holding the first catalog kept it (about 40 MiB with 10,000 listings) alive
    after every reload, beside the one in service."""
    content, counted, log_path = tmp_path / "content", tmp_path / "catalogs", tmp_path / "log"
    shutil.copytree(CONTENT, content)
    env = {
        **{k: v for k, v in os.environ.items() if k not in ("HASH_SECRET", "DEFAULT_LOCALE")},
        "BOT_TOKEN": TOKEN,
        "DATA_DIR": str(tmp_path / "data"),
        "CONTENT_DIR": str(content),
        "LOG_LEVEL": "INFO",
    }
    person = canary_user("en", number=3)
    with FakeBotApi(token=TOKEN) as api, log_path.open("wb") as log:
        env["TELEGRAM_API_URL"] = api.url
        code = [sys.executable, "-c", _COUNTING_CATALOGS, str(counted)]
        process = subprocess.Popen(code, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            api.push_update(message_update(person, "/start"))
            api.wait_for_call("sendMessage", timeout=DEADLINE)
            settings = content / "settings.yaml"
            settings.write_text(settings.read_text(encoding="utf-8") + "\n", encoding="utf-8")
            wait_until(lambda: b"Reloaded the content" in log_path.read_bytes(), "a reload")
            since = api.mark()
            api.push_update(message_update(person, "/start"))
            api.wait_for_call("sendMessage", since=since, timeout=DEADLINE)
            # Counts begun after the reload only: one taken after one removal, then the next.
            for _fresh in range(2):
                counted.unlink()
                wait_until(counted.exists, "count")
            wait_until(lambda: counted.read_text() == "1", "only the new catalog alive")
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=DEADLINE)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    """Return once `condition` holds; fail after DEADLINE seconds."""
    deadline = time.monotonic() + DEADLINE
    while not condition():
        assert time.monotonic() < deadline, f"no {what} within {DEADLINE} s"
        time.sleep(0.05)
