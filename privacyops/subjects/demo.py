"""Demo data subjects, accounts, activity and customer datasets for `seed_demo` (idempotent)."""

import csv
import datetime
import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from privacyops.core import roles
from privacyops.core.demo import register_demo
from privacyops.core.services import DEMO_USERS

from . import services, useragent
from .models import (
    Account,
    AccountAssignment,
    AccountContact,
    ActivityEvent,
    AgeBand,
    ContactPoint,
    CustomerDataset,
    DataSubject,
)

DEMO_EVENTS = 3000
REP_USERNAME = next(name for name, role, *_ in DEMO_USERS if role == roles.ACCOUNT_REPRESENTATIVE)

# number, company, registration no., city, status, closed days ago, represented by the demo rep
ACCOUNTS = [
    ("INF-1001", "Balkan Logistics EOOD", "204563781", "Sofia", "open", None, True),
    ("INF-1002", "Rila Software AD", "131245678", "Sofia", "open", None, True),
    ("INF-1003", "Varna Marine Supplies OOD", "103987654", "Varna", "open", None, True),
    ("INF-1004", "Plovdiv Print House EOOD", "115678432", "Plovdiv", "open", None, False),
    ("INF-1005", "Danube Agro Trading AD", "117654329", "Ruse", "open", None, False),
    ("INF-1006", "Nordlicht Consulting GmbH", "DE298765432", "Munich", "open", None, False),
    ("INF-1007", "Stara Zagora Textiles OOD", "123456780", "Stara Zagora", "closed", 400, False),
    ("INF-1008", "Burgas Events EOOD", "102345671", "Burgas", "closed", 40, False),
]

# Realistic people of every kind: name, title, kind, login, e-mail, phone, account, role there.
PEOPLE_FILE = Path(__file__).with_name("demo_people.csv")


def _people() -> list[tuple[str | None, ...]]:
    with PEOPLE_FILE.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.reader(stream))[1:]
    return [tuple(cell or None for cell in row) for row in rows]


# Two children who declared their age: Legal must see them flagged and act on them.
MINORS = [
    (
        "Teodora Ivanova",
        "trial_user",
        "tivanova16",
        "teodora.iv@mail.example",
        None,
        AgeBand.AGE_16_17,
    ),
    (
        "Valentin Nedkov",
        "newsletter_subscriber",
        None,
        "vali.nedkov@mail.example",
        15,
        AgeBand.UNKNOWN,
    ),
]

KNOWN_IN_DATASETS = {
    "INF-1002": ("lora.atanasova@sofiaretail.example", "martin.iliev@blackseahotels.example"),
    "INF-1006": ("s.laurent@lyonventes.example",),
}

USER_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15",
    "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) "
    "AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
    "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.80",
]
PAGES = [
    "/",
    "/pricing",
    "/features/pipeline",
    "/blog/gdpr-for-sales-teams",
    "/trial/start",
    "/app/contacts",
    "/app/deals",
    "/app/reports",
    "/app/settings/users",
    "/privacy-policy",
    "/login",
]
REFERRERS = [
    "",
    "",
    "https://www.google.com/",
    "https://www.linkedin.com/",
    "https://duckduckgo.com/",
    "https://newsletter.infoserv.example/2026-03",
]


def _demo_rep():
    user, created = get_user_model().objects.get_or_create(
        username=REP_USERNAME, defaults={"is_staff": True, "email": f"{REP_USERNAME}@infoserv.eu"}
    )
    if created:
        user.set_unusable_password()  # `demo_logins` gives it a password
        user.save()
    user.groups.add(Group.objects.get(name=roles.ACCOUNT_REPRESENTATIVE))
    return user


def _events(subjects_by_login: dict[str, DataSubject], anonymous: list[DataSubject]):
    rng = random.Random(2026)
    now = timezone.now()
    people = list(subjects_by_login.values())
    events = []
    for n in range(DEMO_EVENTS):
        agent = rng.choice(USER_AGENTS)
        browser, system = useragent.parse(agent)
        who = rng.random()
        subject, login = None, ""
        if who < 0.6:
            subject = rng.choice(people)
            login = subject.login_name
        elif who < 0.8:
            subject = rng.choice(anonymous)
        events.append(
            ActivityEvent(
                occurred_at=now - datetime.timedelta(minutes=rng.randint(1, 60 * 24 * 120)),
                event_kind=rng.choice(["page_view"] * 6 + ["login", "app_use", "api"])
                if login
                else "page_view",
                ip=f"{rng.choice([85, 212, 78, 95])}.{rng.randint(0, 255)}.{n % 256}.{n % 250 + 1}",
                user_agent=agent,
                browser=browser,
                operating_system=system,
                page=rng.choice(PAGES),
                referrer=rng.choice(REFERRERS),
                login=login,
                subject=subject,
            )
        )
    ActivityEvent.objects.bulk_create(events, batch_size=1000)
    latest = {}
    for e in events:
        if e.subject_id and (e.subject_id not in latest or latest[e.subject_id] < e.occurred_at):
            latest[e.subject_id] = e.occurred_at
    for subject_id, when in latest.items():
        DataSubject.objects.filter(pk=subject_id).update(last_activity_at=when)
    return len(events)


@register_demo("data subjects and accounts")
@transaction.atomic
def load_demo() -> str:
    if Account.objects.filter(account_number=ACCOUNTS[0][0]).exists():
        return "already loaded"
    today = timezone.localdate()
    rep = _demo_rep()
    accounts = {}
    for number, company, reg_no, city, status, closed_ago, represented in ACCOUNTS:
        account = Account.objects.create(
            account_number=number,
            company_name=company,
            registration_number=reg_no,
            vat_number=reg_no if reg_no.startswith("DE") else f"BG{reg_no}",
            billing_address=f"{random.Random(number).randint(1, 120)} Main Street, {city}",
            status=status,
            opened_at=today - datetime.timedelta(days=900 + int(number[-1]) * 60),
            closed_at=today - datetime.timedelta(days=closed_ago) if closed_ago else None,
        )
        accounts[number] = account
        if represented:
            AccountAssignment.objects.create(account=account, representative=rep)

    created_at = timezone.now() - datetime.timedelta(days=400)
    subjects_by_login, anonymous = {}, []
    for i, (name, title, kind, login, email, phone, number, role) in enumerate(_people()):
        subject = DataSubject.objects.create(
            kind=kind,
            full_name=name or "",
            title=title or "",
            login_name=login,
            age_band=AgeBand.ADULT if login else AgeBand.UNKNOWN,
            created_at=created_at + datetime.timedelta(days=i * 9),
        )
        if email:
            ContactPoint.objects.create(subject=subject, kind="email", value=email, is_primary=True)
        if phone:
            ContactPoint.objects.create(subject=subject, kind="phone", value=phone, is_primary=True)
        if number:
            account = accounts[number]
            AccountContact.objects.create(account=account, subject=subject, role=role)
            ContactPoint.objects.create(
                subject=subject, kind="postal", value=account.billing_address, is_primary=True
            )
            if role == AccountContact.Role.LICENSE_HOLDER:
                account.license_holder = subject
                account.license_holder_email = email
                account.license_holder_phone = phone
                account.save()
        if login:
            subjects_by_login[login] = subject
        else:
            anonymous.append(subject)
    for name, kind, login, email, age, band in MINORS:
        birth = today.replace(year=today.year - age) - datetime.timedelta(days=30) if age else None
        subject = DataSubject.objects.create(
            kind=kind, full_name=name, login_name=login, birth_date=birth, age_band=band
        )
        ContactPoint.objects.create(subject=subject, kind="email", value=email, is_primary=True)
        if login:
            subjects_by_login[login] = subject

    # License-holder changes the customers asked the demo representative for.
    balkan, rila = accounts["INF-1001"], accounts["INF-1002"]
    services.account_license_holder_update(
        account=balkan,
        changes={"license_holder_phone": "+359 2 981 1200"},
        requested_by=balkan.license_holder,
        channel="phone",
        by=rep,
        note="Switchboard number replaces the direct line.",
    )
    services.account_license_holder_update(
        account=rila,
        changes={"license_holder_email": "licensing@rilasoftware.example"},
        requested_by=subjects_by_login["rilieva"],
        channel="email",
        by=rep,
        note="E-mail of 3 March, ref. RS-2026-031.",
    )
    successor = subjects_by_login["gdimitrov"]
    services.account_license_holder_update(
        account=balkan,
        changes={
            "license_holder": successor,
            "license_holder_email": "g.dimitrov@balkanlogistics.example",
        },
        requested_by=balkan.license_holder,
        channel="post",
        by=rep,
        note="Signed letter: license transferred to the IT administrator.",
    )

    datasets = [
        (
            "INF-1002",
            "Customer CRM contacts",
            "Rila Software's own customers and leads: names, e-mails, phones, deal notes.",
            "EU-Central PostgreSQL cluster, tenant rila",
            18400,
        ),
        (
            "INF-1005",
            "Farmer supplier register",
            "Suppliers' contact persons, addresses and contract terms.",
            "EU-Central PostgreSQL cluster, tenant danube",
            2300,
        ),
        (
            "INF-1006",
            "Beratungsmandate",
            "Consulting clients and their contact persons, meeting notes.",
            "EU-West object storage, bucket nordlicht-crm",
            760,
        ),
    ]
    for number, name, contents, location, records in datasets:
        dataset = CustomerDataset.objects.create(
            account=accounts[number],
            name=name,
            contents=contents,
            location=location,
            approximate_records=records,
        )
        # People the company also knows, found in the customer's data (requests about them
        # there go to the customer, the controller).
        known = KNOWN_IN_DATASETS.get(number, ())
        dataset.subjects.set(DataSubject.objects.filter(contact_points__value__in=known))
    events = _events(subjects_by_login, anonymous[:6])
    return (
        f"{DataSubject.objects.count()} subjects, {len(accounts)} accounts, "
        f"{events} activity events, {len(datasets)} customer datasets"
    )
