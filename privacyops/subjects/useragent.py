"""Browser and operating system from a User-Agent header: a small parser, no Django, no I/O.

Good enough for the record of Other Information ("the type of browser", "the operating
system"); not a device database. Results are cached: real traffic repeats a few thousand
distinct strings, so the cost per event is a dictionary look-up.
"""

import re
from functools import lru_cache

# Order matters: many browsers also claim to be Chrome and Safari.
_BROWSERS = (
    ("Edge", re.compile(r"Edg(?:e|A|iOS)?/(\d+)")),
    ("Opera", re.compile(r"(?:OPR|Opera)/(\d+)")),
    ("Samsung Internet", re.compile(r"SamsungBrowser/(\d+)")),
    ("Yandex", re.compile(r"YaBrowser/(\d+)")),
    ("Firefox", re.compile(r"(?:Firefox|FxiOS)/(\d+)")),
    ("Chrome", re.compile(r"(?:Chrome|CriOS)/(\d+)")),
    ("Safari", re.compile(r"Version/(\d+)[^ ]* (?:Mobile/\S+ )?Safari/")),
    ("Internet Explorer", re.compile(r"(?:MSIE |Trident/.*rv:)(\d+)")),
    ("curl", re.compile(r"^curl/(\d+)")),
    ("Python", re.compile(r"python-requests/(\d+)|Python-urllib/(\d+)")),
)
_BOT = re.compile(r"bot|crawler|spider|slurp|bingpreview", re.IGNORECASE)

_SYSTEMS = (
    ("iOS", re.compile(r"iPhone OS (\d+)|iPad.*OS (\d+)|iOS (\d+)")),
    ("Android", re.compile(r"Android (\d+)")),
    ("Windows", re.compile(r"Windows NT (\d+\.\d+)")),
    ("ChromeOS", re.compile(r"CrOS")),
    ("macOS", re.compile(r"Mac OS X (\d+)[._](\d+)")),
    ("Linux", re.compile(r"Linux|X11")),
)
_WINDOWS_NAMES = {"10.0": "10/11", "6.3": "8.1", "6.2": "8", "6.1": "7", "6.0": "Vista"}


def _first_number(match: re.Match) -> str:
    return next((group for group in match.groups() if group), "")


@lru_cache(maxsize=8192)
def parse(user_agent: str) -> tuple[str, str]:
    """(browser, operating system), e.g. ("Chrome 120", "Windows 10/11"); "" where unknown."""
    if not user_agent:
        return "", ""
    browser = ""
    if _BOT.search(user_agent):
        browser = "Bot"
    else:
        for name, pattern in _BROWSERS:
            match = pattern.search(user_agent)
            if match:
                version = _first_number(match)
                browser = f"{name} {version}" if version else name
                break
    system = ""
    for name, pattern in _SYSTEMS:
        match = pattern.search(user_agent)
        if not match:
            continue
        if name == "Windows":
            system = f"Windows {_WINDOWS_NAMES.get(match.group(1), match.group(1))}"
        elif name == "macOS":
            system = f"macOS {match.group(1)}.{match.group(2)}"
        elif match.groups() and _first_number(match):
            system = f"{name} {_first_number(match)}"
        else:
            system = name
        break
    return browser[:60], system[:60]
