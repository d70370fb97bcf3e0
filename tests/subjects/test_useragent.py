import pytest

from privacyops.subjects.useragent import parse


@pytest.mark.parametrize(
    ("agent", "browser", "system"),
    [
        (
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91",
            "Edge 120",
            "Windows 10/11",
        ),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like "
            "Gecko) Version/17.2 Safari/605.1.15",
            "Safari 17",
            "macOS 10.15",
        ),
        (
            "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
            "Firefox 121",
            "Linux",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
            "SamsungBrowser/23.0 Chrome/115.0.0.0 Mobile Safari/537.36",
            "Samsung Internet 23",
            "Android 14",
        ),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "Bot", ""),
        ("curl/8.4.0", "curl 8", ""),
        ("", "", ""),
        ("something odd", "", ""),
    ],
)
def test_parse(agent, browser, system):
    assert parse(agent) == (browser, system)
