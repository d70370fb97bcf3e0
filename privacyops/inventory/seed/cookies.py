"""The cookie register as the privacy policy describes it ("Cookies", "Other Tracking
Technologies", "Provide targeting advertising, including the use of re-targeting technology").

Frozen reference data for the seeding data migration; change the register in the admin. The
policy names no third-party provider and no cookie names: the seed records the kinds it
describes under descriptive names, and two vendors Legal must name (they are not public and
have no country until Legal records one, so they cannot be saved unfinished).
"""

PROPERTIES = [
    # (code, name, kind, domain)
    ("www", "www.infoserv.eu", "site", "www.infoserv.eu"),
    ("management", "management.infoserv.eu (Management Portal)", "site", "management.infoserv.eu"),
    ("desktop-apps", "InfoServ® CRM Desktop Applications", "app", ""),
    ("mobile-app", "InfoServ® CRM Mobile Application", "app", ""),
]

ANALYTICS_VENDOR = "Web analytics provider (to be named by Legal)"
ADVERTISING_VENDOR = "Advertising performance provider (to be named by Legal)"

VENDORS = [
    {
        "name": ANALYTICS_VENDOR,
        "recipient_category": "advertising-partners",
        "service": "Usage and volume statistics of visits to the Sites (third-party cookies)",
        "elements": ["cookie-identifiers", "pages-viewed", "referring-url", "visit-timestamps"],
        "activities": ["site-analytics"],
        "description": "Seeded from the policy: 'we may engage third parties to track and "
        "analyze usage and volume statistical information'. Name the provider, its country and "
        "transfer mechanism, and its agreement.",
    },
    {
        "name": ADVERTISING_VENDOR,
        "recipient_category": "advertising-partners",
        "service": "Tracking the performance of Company advertisements and re-targeting",
        "elements": ["cookie-identifiers", "pages-viewed", "referring-url"],
        "activities": ["advertising"],
        "description": "Seeded from the policy: 'cookies delivered by third parties to track "
        "the performance of Company advertisements ... remember which browsers have visited the "
        "Sites'. Name the provider, its country and transfer mechanism, and its agreement.",
    },
]

SESSION = "Until you log out of your account or close your browser (session cookie)"
PERSISTENT = "Until it expires (at most 13 months) or you erase it (persistent cookie)"

# (property, name, kind, provider or None, purpose, party, duration, activity, description)
IDENTIFIERS = [
    (
        "www",
        "Site session cookie",
        "cookie",
        None,
        "strictly_necessary",
        "first",
        SESSION,
        "enquiries",
        "Lets you move between pages and submit web forms during one visit.",
    ),
    (
        "management",
        "Account session cookie",
        "cookie",
        None,
        "strictly_necessary",
        "first",
        SESSION,
        "customer-accounts",
        "Keeps you signed in to your account for the duration of your visit.",
    ),
    (
        "www",
        "Preference cookie",
        "cookie",
        None,
        "functional",
        "first",
        PERSISTENT,
        "customer-accounts",
        "Remembers your preferences on repeat visits.",
    ),
    (
        "management",
        "Preference cookie",
        "cookie",
        None,
        "functional",
        "first",
        PERSISTENT,
        "customer-accounts",
        "Remembers your preferences on repeat visits.",
    ),
    (
        "www",
        "Third-party analytics cookie",
        "cookie",
        ANALYTICS_VENDOR,
        "analytics",
        "third",
        PERSISTENT,
        "site-analytics",
        "Counts visits and measures usage and volume of the Sites, in aggregate.",
    ),
    (
        "www",
        "Third-party advertising cookie",
        "cookie",
        ADVERTISING_VENDOR,
        "advertising",
        "third",
        PERSISTENT,
        "advertising",
        "Remembers which browsers visited the Sites, to measure and re-target advertisements.",
    ),
    (
        "desktop-apps",
        "Application usage and performance data",
        "sdk",
        None,
        "analytics",
        "first",
        "13 months after collection",
        "site-analytics",
        "Platform-specific tracking technologies collecting usage and performance data.",
    ),
    (
        "mobile-app",
        "Application usage and performance data",
        "sdk",
        None,
        "analytics",
        "first",
        "13 months after collection",
        "site-analytics",
        "Platform-specific tracking technologies collecting usage and performance data.",
    ),
]
