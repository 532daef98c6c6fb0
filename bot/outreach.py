"""Outreach on the command line: `python -m bot link|qr|cards` print a start link, write its QR
code, or write printable cards. No token and no network: only the bot's username."""

from __future__ import annotations

import argparse
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TextIO

from bot.cards.fonts import FontError
from bot.cards.layout import Paper
from bot.domain.models import Content, Section
from bot.ui.deeplink import MAX_LENGTH, DeepLink, decode_link, encode_link
from bot.ui.links import bot_username, qr_png, qr_svg, start_link

COMMANDS = ("link", "qr", "cards")
_TOPIC_KINDS = ("need", "section", "page")


class OptionError(Exception):
    """An option an outreach command cannot use; the message says which and what would do."""


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add `link`, `qr` and `cards` to the command-line parser."""
    link = commands.add_parser(
        "link",
        help="print a link that opens the bot in a language, area and topic",
        description="Print https://t.me/<bot>?start=... (see docs/outreach.md).",
    )
    _link_options(link)
    qr = commands.add_parser(
        "qr",
        help="write the QR code of such a link to a PNG or SVG file",
        description="Write the QR code of the link `link` would print (see docs/outreach.md).",
    )
    _link_options(qr)
    qr.add_argument(
        "-o", "--output", type=Path, required=True, metavar="FILE", help="FILE.png or FILE.svg"
    )
    cards = commands.add_parser(
        "cards",
        help="write a PDF sheet of cut-out cards, one per language, for A4 and US Letter",
        description=(
            "Write cut-out cards (85 x 55 mm, 8 to a sheet): a QR code, one discreet line in the"
            " card's language and the plain link. With --paper both (the default), -o cards.pdf"
            " writes cards-a4.pdf and cards-letter.pdf."
        ),
    )
    _common_options(cards)
    cards.add_argument("--area", required=True, help="the area (a region id, e.g. oakland)")
    cards.add_argument("--langs", help="comma-separated languages (default: every shipped one)")
    cards.add_argument(
        "--paper",
        choices=("a4", "letter", "both"),
        default="both",
        help="paper size (default: both, as two files)",
    )
    cards.add_argument(
        "--fonts", type=Path, metavar="DIR", help="a folder holding the Noto font files instead"
    )
    cards.add_argument("-o", "--output", type=Path, required=True, metavar="FILE.pdf")


def _common_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--campaign", metavar="CODE", help="a campaign code to count starts by (e.g. flyer1)"
    )
    parser.add_argument("--bot", metavar="NAME", help="the bot's username (default: $BOT_USERNAME)")
    parser.add_argument(
        "--content", type=Path, metavar="DIR", help="content folder (default: content)"
    )


def _link_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", help="open in this language (e.g. es)")
    parser.add_argument("--area", help="set this area (a region id, e.g. oakland)")
    parser.add_argument(
        "--topic",
        metavar="NEED_OR_PAGE",
        help="open on a need, a section or a page (e.g. drugs; page:safety when ambiguous)",
    )
    _common_options(parser)


def run(
    args: argparse.Namespace,
    content: Content,
    locales: Sequence[str],
    env: Mapping[str, str],
    out: TextIO,
    err: TextIO,
) -> int:
    """Run `link`, `qr` or `cards`: 0 when done, 2 for a bad option, 1 when a file or font
    cannot be used. Every error is one line saying what is wrong and what would do."""
    try:
        username = _username(args.bot, env)
        if args.command == "cards":
            return _cards(args, username, content, locales, out)
        url = start_link(username, _link(args, content, locales))
        if args.command == "link":
            out.write(f"{url}\n")
            return 0
        return _qr(args.output, url, out)
    except OptionError as error:
        err.write(f"{error}\n")
        return 2
    except (FontError, OSError) as error:
        err.write(f"{_describe(error)}\n")
        return 1


def _describe(error: Exception) -> str:
    if isinstance(error, OSError) and error.filename:
        return f"cannot write {error.filename}: {error.strerror}"
    return str(error)


def _username(given: str | None, env: Mapping[str, str]) -> str:
    text = given if given is not None else env.get("BOT_USERNAME", "")
    if not text:
        raise OptionError(
            "no bot username: pass --bot NAME or set BOT_USERNAME"
            " (the bot's @username from @BotFather, e.g. @WaypointOaklandBot)"
        )
    try:
        return bot_username(text)
    except ValueError as error:
        source = "--bot" if given is not None else "BOT_USERNAME"
        raise OptionError(f"{source}: {error}") from error


def _link(args: argparse.Namespace, content: Content, locales: Sequence[str]) -> DeepLink:
    """The presets asked for, each checked against the content."""
    if all(value is None for value in (args.lang, args.area, args.topic, args.campaign)):
        raise OptionError("say what the link presets: --lang, --area, --topic and/or --campaign")
    topic = _topic(args.topic, content) if args.topic is not None else DeepLink()
    link = DeepLink(
        locale=_language(args.lang, locales) if args.lang is not None else None,
        region_id=_area(args.area, content) if args.area is not None else None,
        need_id=topic.need_id,
        section=topic.section,
        page_id=topic.page_id,
        campaign=_campaign(args.campaign) if args.campaign is not None else None,
    )
    _check_length(link)
    return link


def _language(lang: str, locales: Sequence[str]) -> str:
    if lang not in locales:
        raise OptionError(f"--lang {lang}: not available; choose one of: {', '.join(locales)}")
    return lang


def _area(area: str, content: Content) -> str:
    if area not in content.regions or decode_link(f"a-{area}") is None:
        raise OptionError(
            f"--area {area}: no such area; choose one of: {', '.join(content.regions)}"
        )
    return area


def _campaign(code: str) -> str:
    if decode_link(f"c-{code}") is None:
        raise OptionError(
            f"--campaign {code}: a campaign code is 1 to 16 lower-case letters, digits and"
            " dashes, starting with a letter or digit (e.g. flyer1, clinic-2026)"
        )
    return code


def _topic(topic: str, content: Content) -> DeepLink:
    """A need, section or page; need:, section: or page: says which when a name is several."""
    kind, colon, name = topic.partition(":")
    kinds = (kind,) if colon and kind in _TOPIC_KINDS else _TOPIC_KINDS
    name = name if colon and kind in _TOPIC_KINDS else topic
    sections = [s.value for s in Section if content.pages_in(s)]
    for each in kinds:
        if each == "need" and name in content.needs:
            return DeepLink(need_id=name)
        if each == "section" and name in sections:
            return DeepLink(section=Section(name))
        if each == "page" and name in content.pages:
            return DeepLink(page_id=name)
    raise OptionError(
        f"--topic {topic}: no such need, section or page; choose"
        f" a need ({', '.join(content.needs)}),"
        f" a section ({', '.join(sections)})"
        f" or a page ({', '.join(content.pages)});"
        " put need:, section: or page: before a name that is several"
    )


def _check_length(link: DeepLink) -> None:
    """OptionError unless the payload grammar can carry `link`."""
    try:
        encode_link(link)
    except ValueError as error:
        for name in (link.region_id, link.need_id, link.page_id):
            if name and (name.endswith("_") or "__" in name):
                raise OptionError(
                    f"{name}: an id ending in _ or holding __ cannot go into a link (its parts"
                    " are joined with __); rename it in the content"
                ) from error
        raise OptionError(
            f"this link would be longer than Telegram allows ({MAX_LENGTH} characters after"
            " ?start=): use a shorter campaign code, or leave out the topic"
        ) from error


def _qr(output: Path, url: str, out: TextIO) -> int:
    suffix = output.suffix.lower()
    if suffix == ".png":
        output.write_bytes(qr_png(url))
    elif suffix == ".svg":
        output.write_text(qr_svg(url), encoding="utf-8")
    else:
        raise OptionError(f"-o {output}: write a .png or .svg file (for example card.png)")
    out.write(f"wrote {output}: {url}\n")
    return 0


def _languages(langs: str | None, locales: Sequence[str]) -> list[str]:
    if langs is None:
        return list(locales)
    wanted = list(dict.fromkeys(code.strip() for code in langs.split(",") if code.strip()))
    unknown = [code for code in wanted if code not in locales]
    if unknown or not wanted:
        raise OptionError(
            f"--langs {langs}: {'not available: ' + ', '.join(unknown) if unknown else 'empty'};"
            f" choose from: {', '.join(locales)}"
        )
    return wanted


def _cards(
    args: argparse.Namespace, username: str, content: Content, locales: Sequence[str], out: TextIO
) -> int:
    """One card per language, each opening the bot in its language and the area."""
    # fpdf2 and fontTools take about a third of a second to import: only `cards` pays for
    # them, not every start of the bot.
    from bot.cards.sheet import render_sheets
    from bot.cards.wording import card_for

    if args.output.suffix.lower() != ".pdf":
        raise OptionError(f"-o {args.output}: write a .pdf file (for example cards.pdf)")
    if args.fonts is not None and not args.fonts.is_dir():
        raise OptionError(f"--fonts {args.fonts}: no such folder")
    area = _area(args.area, content)
    campaign = _campaign(args.campaign) if args.campaign is not None else None
    links = {
        lang: DeepLink(locale=lang, region_id=area, campaign=campaign)
        for lang in _languages(args.langs, locales)
    }
    for link in links.values():
        _check_length(link)
    cards = [card_for(lang, start_link(username, link)) for lang, link in links.items()]
    papers = [Paper.A4, Paper.LETTER] if args.paper == "both" else [Paper(args.paper)]
    for paper in papers:
        path = args.output
        if len(papers) > 1:
            path = args.output.with_name(f"{args.output.stem}-{paper.value}{args.output.suffix}")
        path.write_bytes(render_sheets(cards, paper, args.fonts))
        out.write(f"wrote {path}: {len(cards)} language(s) on {paper.label} sheets\n")
    return 0
