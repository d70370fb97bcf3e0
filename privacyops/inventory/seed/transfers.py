"""Countries, territories and frameworks with a Commission adequacy decision (GDPR Art. 45).

Frozen reference data for the seeding data migration; Legal keeps the list current in the admin
(Record of processing -> Adequacy decisions). Source: the Commission's page "Adequacy decisions".
(code, ISO country, name, scope, decision, adopted on)
"""

import datetime

ADEQUACY_DECISIONS = [
    (
        "andorra",
        "AD",
        "Andorra",
        "",
        "Commission Decision 2010/625/EU",
        datetime.date(2010, 10, 19),
    ),
    (
        "argentina",
        "AR",
        "Argentina",
        "",
        "Commission Decision 2003/490/EC",
        datetime.date(2003, 6, 30),
    ),
    (
        "canada",
        "CA",
        "Canada",
        "Commercial organisations subject to PIPEDA",
        "Commission Decision 2002/2/EC",
        datetime.date(2001, 12, 20),
    ),
    (
        "faroe-islands",
        "FO",
        "Faroe Islands",
        "",
        "Commission Decision 2010/146/EU",
        datetime.date(2010, 3, 5),
    ),
    (
        "guernsey",
        "GG",
        "Guernsey",
        "",
        "Commission Decision 2003/821/EC",
        datetime.date(2003, 11, 21),
    ),
    ("israel", "IL", "Israel", "", "Commission Decision 2011/61/EU", datetime.date(2011, 1, 31)),
    (
        "isle-of-man",
        "IM",
        "Isle of Man",
        "",
        "Commission Decision 2004/411/EC",
        datetime.date(2004, 4, 28),
    ),
    (
        "japan",
        "JP",
        "Japan",
        "",
        "Commission Implementing Decision (EU) 2019/419",
        datetime.date(2019, 1, 23),
    ),
    ("jersey", "JE", "Jersey", "", "Commission Decision 2008/393/EC", datetime.date(2008, 5, 8)),
    (
        "new-zealand",
        "NZ",
        "New Zealand",
        "",
        "Commission Decision 2013/65/EU",
        datetime.date(2012, 12, 19),
    ),
    (
        "republic-of-korea",
        "KR",
        "Republic of Korea",
        "",
        "Commission Implementing Decision (EU) 2022/254",
        datetime.date(2021, 12, 17),
    ),
    (
        "switzerland",
        "CH",
        "Switzerland",
        "",
        "Commission Decision 2000/518/EC",
        datetime.date(2000, 7, 26),
    ),
    (
        "united-kingdom",
        "GB",
        "United Kingdom",
        "Transfers under the GDPR (Legal to confirm each renewal of the decision)",
        "Commission Implementing Decision (EU) 2021/1772",
        datetime.date(2021, 6, 28),
    ),
    (
        "united-states-dpf",
        "US",
        "United States — EU-US Data Privacy Framework",
        "Only organisations certified under the EU-US Data Privacy Framework",
        "Commission Implementing Decision (EU) 2023/1795",
        datetime.date(2023, 7, 10),
    ),
    (
        "uruguay",
        "UY",
        "Uruguay",
        "",
        "Commission Implementing Decision 2012/484/EU",
        datetime.date(2012, 8, 21),
    ),
]
