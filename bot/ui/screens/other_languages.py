"""One line for people who write in a language the bot does not offer yet, in that language.

These few sentences cannot live in the gettext catalogs: those exist only for the languages the
bot offers, and these are for the others. Each is a draft, to be reviewed like every translation;
a language drops out of this table as soon as the bot offers it.
"""

from __future__ import annotations

import unicodedata
from collections import Counter

from babel import Locale
from babel.lists import format_list

from bot.locale_data import babel_locale

# Unicode script (the first word of a character's name) -> language, and the sentence in it.
_SCRIPTS = {
    "CJK": "zh",
    "HANGUL": "ko",
    "THAI": "th",
    "CYRILLIC": "ru",
    "ARABIC": "ar",
    "HIRAGANA": "ja",
    "KATAKANA": "ja",
    "DEVANAGARI": "hi",
    "ETHIOPIC": "am",
}
_SENTENCES = {
    "zh": "抱歉，我还看不懂这种语言。现在可以用的语言：{languages}。",
    "ko": "죄송합니다. 아직 이 언어를 이해하지 못합니다. 지금 쓸 수 있는 언어: {languages}.",
    "th": "ขออภัย ตอนนี้ยังอ่านภาษานี้ไม่ได้ ภาษาที่ใช้ได้ตอนนี้: {languages}",
    "vi": "Xin lỗi, hiện tôi chưa hiểu ngôn ngữ này. Các ngôn ngữ có thể dùng: {languages}.",
    "ru": "Извините, я пока не понимаю этот язык. Сейчас доступны языки: {languages}.",
    "ar": "عذرًا، لا أفهم هذه اللغة بعد. اللغات المتاحة الآن: {languages}.",
    "ja": "すみません、この言語はまだ分かりません。使える言語：{languages}。",
    "hi": "क्षमा करें, मैं अभी यह भाषा नहीं समझ पाता। अभी उपलब्ध भाषाएँ: {languages}।",
    "am": "ይቅርታ፣ ይህን ቋንቋ ገና አልገባኝም። አሁን ያሉት ቋንቋዎች፦ {languages}።",
}
# Letters only Vietnamese uses among Latin scripts: a message with them is Vietnamese.
_VIETNAMESE = frozenset("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ")


def written_language(text: str) -> str | None:
    """The language a message is most likely written in, judged by its script alone."""
    if any(ch in _VIETNAMESE for ch in text.casefold()):
        return "vi"
    scripts: Counter[str] = Counter()
    for ch in text:
        if ch.isalpha():
            name = unicodedata.name(ch, "")
            scripts[name.split(" ", 1)[0]] += 1
    for script, _count in scripts.most_common():
        if script in _SCRIPTS:
            return _SCRIPTS[script]
    return None


def unsupported_language_note(text: str, offered: tuple[str, ...]) -> str:
    """The line in the message's language listing the offered ones, or "" when the message is
    in an offered language or a script we cannot tell."""
    language = written_language(text)
    if language is None or language in {Locale.parse(code).language for code in offered}:
        return ""
    names = []
    for code in offered:
        offered_locale = Locale.parse(code)
        names.append(
            f"{offered_locale.get_display_name(babel_locale(language))}"
            f" ({offered_locale.get_display_name(babel_locale(code))})"
        )
    return _SENTENCES[language].format(languages=format_list(names, locale=babel_locale(language)))
