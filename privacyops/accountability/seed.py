"""How Legal marked the seeded privacy policy (privacyops/inventory/seed/privacy-policy.txt).

Reference data for the data migration and for re-marking a re-split of that text: for each
paragraph, its heading, whether it is a promise or information only, the controls that keep it
and the record-of-processing entries it describes. A promise with no control is listed as "not
operated", with Legal's note saying why: nothing in this back office can show it is kept.
"""

PROMISE, INFORMATION = "promise", "information"

# Consistency checks between the record of processing and the policy's words (controls.py).
ADVERTISERS_CHECK = "record.advertising-partners-no-personal-information"
AFFILIATES_CHECK = "record.affiliates-aggregate-only"

OUTSIDE = "The {what} is outside this back office: nothing here can show it is kept."

# The first characters of each paragraph, so a changed text is never marked by mistake.
STARTS = {
    1: "At DAN electronic LTD (collectiv",
    2: 'This Privacy Policy (the "Policy',
    3: "By visiting the Sites; creating ",
    4: "This Privacy Policy does not app",
    5: "The Policy covers the informatio",
    6: "Applications may be posted by DA",
    7: "This Privacy Policy applies only",
    8: "We collect personal information ",
    9: "You can opt out of providing inf",
    10: "As is true of most Web sites and",
    11: "We use this Other information to",
    12: "Unless you also actively submit ",
    13: "InfoServ Customers may electroni",
    14: "We use cookies and other trackin",
    15: "Standing alone, cookies do not p",
    16: "Cookies: Cookies do lots of diff",
    17: "From time-to-time, we may engage",
    18: "Other Tracking Technologies: We ",
    19: "If you do not want us to deploy ",
    20: "We use the information we collec",
    21: "For example, we may use your Inf",
    22: "Perform the services requested. ",
    23: "Market our products and services",
    24: "Process, fulfill and follow up o",
    25: "Verify your authority to enter a",
    26: "Improve our products and service",
    27: "Provide targeting advertising, i",
    28: "Deter, detect, and prevent fraud",
    29: "We may link information we colle",
    30: "We do not sell, rent, or trade a",
    31: "We may share your Information wi",
    32: "We may share your Information wi",
    33: "We may share your Information to",
    34: "We may share your Information wh",
    35: "We may analyze your Information ",
    36: "We may share or transfer your In",
    37: "We may need to provide access to",
    38: "We may share, disclose, or provi",
    39: "You may review and update your c",
    40: "If you choose not to receive e-m",
    41: "Please note that while we offer ",
    42: "Please note that our affiliates ",
    43: "We may retain your Information f",
    44: "You may request to review, corre",
    45: "InfoServ Customers may electroni",
    46: "We take commercially reasonable ",
    47: "Our security policy is to immedi",
    48: "We work hard to protect your Inf",
    49: "We encrypt many of our services ",
    50: "We offer you two-step verificati",
    51: "We review our information collec",
    52: "We restrict access to Personal I",
    53: "The information you provide upon",
    54: "The communication between the In",
    55: "Please understand, however, that",
    56: "We may use third-party vendors a",
    57: "DAN electronic recognizes the pr",
    58: "This Privacy Policy is effective",
    59: "We make every effort, including ",
}

# number: (heading, kind, control keys, activity codes, note)
MARKS = {
    1: ("Who we are", INFORMATION, [], [], ""),
    2: ("Scope of the Policy", INFORMATION, [], [], ""),
    3: ("Acceptance by use", INFORMATION, [], [], ""),
    4: ("Our clients' end users", INFORMATION, [], ["customer-hosting"], ""),
    5: ("Sites and applications covered", INFORMATION, [], [], ""),
    6: ("Applications posted by third parties", INFORMATION, [], [], ""),
    7: ("Links to third-party sites", INFORMATION, [], [], ""),
    8: (
        "Personal Information we collect",
        PROMISE,
        ["inventory.record-complete"],
        ["customer-accounts", "billing", "enquiries", "marketing"],
        "",
    ),
    9: (
        "Information you choose not to give",
        PROMISE,
        [],
        ["enquiries"],
        OUTSIDE.format(what="notice on the Sites' forms"),
    ),
    10: ("Other Information collected automatically", INFORMATION, [], ["site-analytics"], ""),
    11: ("How we use Other Information", INFORMATION, [], ["site-analytics", "security"], ""),
    12: ("Identifying you from Other Information", INFORMATION, [], ["site-analytics"], ""),
    13: (
        "Customer-Generated Data",
        PROMISE,
        ["inventory.vendor-agreements", "security.confidentiality"],
        ["customer-hosting"],
        "Access to Customer Data inside the CRM servers is not logged by this back office; "
        "the controls show the agreements with sub-processors and staff confidentiality.",
    ),
    14: ("Cookies and tracking devices", INFORMATION, [], ["site-analytics", "advertising"], ""),
    15: ("Cookies alone do not identify you", INFORMATION, [], [], ""),
    16: ("Session and persistent cookies", INFORMATION, [], ["site-analytics"], ""),
    17: (
        "Third-party analytics and advertising cookies",
        PROMISE,
        [ADVERTISERS_CHECK],
        ["advertising", "site-analytics"],
        "",
    ),
    18: ("Other tracking technologies", INFORMATION, [], ["site-analytics"], ""),
    19: ("Refusing cookies", INFORMATION, [], [], ""),
    20: ("How we use information", INFORMATION, [], [], ""),
    21: ("Examples of use", INFORMATION, [], [], ""),
    22: ("Performing the services requested", INFORMATION, [], ["enquiries"], ""),
    23: ("Marketing our products and services", INFORMATION, [], ["marketing"], ""),
    24: ("Transactions and requests", INFORMATION, [], ["customer-accounts", "billing"], ""),
    25: ("Verifying authority", INFORMATION, [], ["security"], ""),
    26: ("Improving products and advertising", INFORMATION, [], ["site-analytics"], ""),
    27: ("Targeted advertising", INFORMATION, [], ["advertising"], ""),
    28: ("Fraud prevention", INFORMATION, [], ["security"], ""),
    29: ("Linking information from several sources", INFORMATION, [], [], ""),
    30: (
        "No selling, renting or trading of information",
        PROMISE,
        ["inventory.record-complete", ADVERTISERS_CHECK, AFFILIATES_CHECK],
        [],
        "The record lists every recipient; the checks compare it with what the policy says "
        "third parties receive. A sale outside the record cannot be seen from here.",
    ),
    31: (
        "Business partners",
        INFORMATION,
        [],
        ["enquiries", "marketing", "customer-accounts"],
        "",
    ),
    32: (
        "Service providers",
        PROMISE,
        ["inventory.vendor-agreements", "inventory.transfers"],
        ["customer-accounts", "customer-hosting"],
        "",
    ),
    33: ("Sharing to provide the Services", INFORMATION, [], [], ""),
    34: (
        "Companies acting on our behalf",
        PROMISE,
        ["inventory.vendor-agreements", "inventory.transfers"],
        ["customer-hosting"],
        "",
    ),
    35: ("Aggregate data", PROMISE, [AFFILIATES_CHECK, ADVERTISERS_CHECK], [], ""),
    36: ("Sale or reorganisation", INFORMATION, [], ["customer-accounts", "legal-claims"], ""),
    37: ("Investigations", INFORMATION, [], ["legal-claims", "security"], ""),
    38: ("Disclosure required by law", INFORMATION, [], ["billing", "legal-claims"], ""),
    39: (
        "Updating your contact information",
        PROMISE,
        [],
        ["customer-accounts"],
        OUTSIDE.format(what="self-service account page on the Sites")
        + " Requests to correct are kept under paragraph 44.",
    ),
    40: (
        "Unsubscribing",
        PROMISE,
        ["marketing.opt-outs-honoured"],
        ["marketing"],
        "",
    ),
    41: ("Messages your choices do not affect", INFORMATION, [], ["marketing"], ""),
    42: ("Other recipients' own policies", INFORMATION, [], [], ""),
    43: (
        "How long we keep information",
        PROMISE,
        ["retention.purge-on-schedule", "retention.holds-reviewed"],
        ["customer-accounts", "billing", "enquiries", "site-analytics", "legal-claims"],
        "",
    ),
    44: (
        "Your requests to access, correct or delete",
        PROMISE,
        ["dsr.requests-answered-in-time", "dsr.reminder-job"],
        ["privacy-requests", "customer-accounts"],
        "",
    ),
    45: (
        "Requests about Customer Data",
        PROMISE,
        ["dsr.requests-answered-in-time"],
        ["customer-hosting", "privacy-requests"],
        "",
    ),
    46: (
        "Protecting your Information",
        PROMISE,
        ["security.second-factor", "security.confidentiality", "incidents.breach-clock"],
        [],
        "",
    ),
    47: ("Responding to security reports", PROMISE, ["incidents.breach-clock"], [], ""),
    48: ("Security measures", INFORMATION, [], [], ""),
    49: (
        "Encryption of the services",
        PROMISE,
        [],
        ["customer-hosting"],
        OUTSIDE.format(what="encryption of the CRM services")
        + " (This back office encrypts the personal data it holds itself.)",
    ),
    50: (
        "Two-step verification in the Applications",
        PROMISE,
        [],
        [],
        OUTSIDE.format(what="sign-in of the Applications")
        + " (Staff of this back office sign in with a second factor.)",
    ),
    51: ("Reviews of our practices", PROMISE, ["core.periodic-reviews"], [], ""),
    52: (
        "Need-to-know access and confidentiality",
        PROMISE,
        ["security.confidentiality", "security.second-factor"],
        [],
        "",
    ),
    53: ("Your password and ID", INFORMATION, [], [], ""),
    54: (
        "Encrypted communication",
        PROMISE,
        [],
        [],
        OUTSIDE.format(what="communication between the CRM applications and servers"),
    ),
    55: ("Limits of security", INFORMATION, [], [], ""),
    56: ("Vendors and hosting partners", INFORMATION, [], ["customer-hosting"], ""),
    57: ("Children", PROMISE, ["dsr.children-alert"], [], ""),
    58: (
        "Changes to this Policy",
        PROMISE,
        [],
        [],
        OUTSIDE.format(what="published policy page and its date")
        + " Versions and their dates are recorded under privacy-policy versions.",
    ),
    59: (
        "Periodic reviews and contact",
        PROMISE,
        ["core.periodic-reviews", "inventory.record-complete", ADVERTISERS_CHECK],
        [],
        "",
    ),
}


def mark_for(number: int, text: str):
    """The seeded mark of a paragraph, or None when the text is not the seeded one."""
    start = STARTS.get(number)
    if start is None or not text.startswith(start):
        return None
    return MARKS.get(number)
