"""The record of processing as the privacy policy describes it.

Frozen reference data for the seeding data migration: change the record in the admin, not
here (a later edit of this file does not re-run the migration). Every entry cites the policy.
"""

PI, OI, CGD = "personal-information", "other-information", "customer-generated-data"

CATEGORIES = [
    {
        "code": PI,
        "name": "Personal Information",
        "collection": "active",
        "role": "controller",
        "description": "Information a person actively sends us about themselves and their company.",
        "policy_text": (
            "your company name, contact name, title, e-mail address, postal address, and "
            "telephone number, as well as other related to your business information such as "
            "company registration and VAT number, and other personal information that you "
            'actively submit to us (collectively, the "Personal Information")'
        ),
    },
    {
        "code": OI,
        "name": "Other Information",
        "collection": "automatic",
        "role": "controller",
        "description": "Information gathered automatically while people use the Sites, "
        "Applications and Services.",
        "policy_text": (
            "admin and user account names logged into the Applications, Internet Protocol (IP) "
            "address (or the proxy server you use to access the World Wide Web), your browser "
            "type, the pages you viewed, your operating system, the URL of the website from "
            "which you came, and date/time stamps associated with your usage (collectively, "
            '"Other Information")'
        ),
    },
    {
        "code": CGD,
        "name": "Customer-Generated Data",
        "collection": "hosted",
        "role": "processor",
        "description": "Data our customers store in the Services for hosting and processing. "
        "The customer is the controller; we act on its instructions only.",
        "policy_text": (
            "InfoServ Customers may electronically submit data or information via our Services "
            'and Applications for hosting and processing purposes ("Customer-Generated Data")'
        ),
    },
]

# (category, code, name, identifies directly, description)
ELEMENTS = [
    (PI, "company-name", "Company name", False, ""),
    (PI, "contact-name", "Contact name", True, ""),
    (PI, "job-title", "Title", False, "Job title of the contact person."),
    (PI, "email-address", "E-mail address", True, ""),
    (PI, "postal-address", "Postal address", True, ""),
    (PI, "telephone-number", "Telephone number", True, ""),
    (PI, "registration-number", "Company registration number", False, ""),
    (PI, "vat-number", "VAT number", False, ""),
    (PI, "billing-details", "Billing details", False, "Billing address and invoicing data."),
    (
        PI,
        "license-holder-details",
        "License-holder details",
        True,
        "Who holds the license for an account; changed only through the account representative.",
    ),
    (
        PI,
        "message-content",
        "Content of enquiries, chats and feedback",
        False,
        "Other personal information the person actively submits.",
    ),
    (PI, "social-media-posts", "Posts on our social-media pages", True, ""),
    (PI, "marketing-preferences", "Marketing subscriptions and consents", False, ""),
    (
        OI,
        "account-names",
        "Account names logged into the Applications",
        True,
        "Admin and user account names.",
    ),
    (OI, "ip-address", "IP address", False, "Or the proxy server used to reach the web."),
    (OI, "browser-type", "Browser type", False, ""),
    (OI, "pages-viewed", "Pages viewed", False, ""),
    (OI, "operating-system", "Operating system", False, ""),
    (OI, "referring-url", "Referring URL", False, "The website the visitor came from."),
    (OI, "visit-timestamps", "Date and time stamps of use", False, ""),
    (OI, "cookie-identifiers", "Cookie identifiers", False, "Session and persistent cookies."),
    (
        OI,
        "app-usage-data",
        "Application usage and performance data",
        False,
        "Collected through platform-specific tracking technologies in the Apps.",
    ),
    (
        CGD,
        "hosted-customer-records",
        "Records customers host in the CRM",
        True,
        "Contacts, deals, notes and files our customers store; may include their end users.",
    ),
]

# (code, name, collection, description)
SOURCES = [
    ("purchase", "Purchase of services", "active", ""),
    ("free-trial", "Free-trial sign-up", "active", ""),
    ("web-form", "Web form (Contact us, Contact me, Free Trial)", "active", ""),
    ("event-registration", "Event registration", "active", ""),
    ("white-paper", "White-paper download", "active", ""),
    ("phone-email", "Phone call or e-mail to us", "active", ""),
    ("web-chat", "Web-chat conversation", "active", ""),
    ("information-request", "Request for information", "active", ""),
    ("newsletter", "Newsletter subscription", "active", ""),
    ("feedback", "Feedback", "active", ""),
    ("social-media", "Posts on our social-media pages (LinkedIn, Twitter, Facebook)", "active", ""),
    ("account-representative", "Account representative (license-holder changes)", "active", ""),
    ("site-visit", "Visits to the Sites", "automatic", "Logs and cookies."),
    (
        "application-use",
        "Use of the Applications and Services",
        "automatic",
        "Including logins, which feed Identity Confirmation and IP Range Restrictions.",
    ),
    ("third-party-cookies", "Third-party analytics and advertising cookies", "automatic", ""),
    ("customer-upload", "Data submitted by customers for hosting", "hosted", ""),
]

# (code, name, legal basis, legitimate interest, description)
PURPOSES = [
    (
        "provide-services",
        "Provide the Sites, Services and Applications",
        "contract",
        "",
        "Perform the services requested; process, fulfil and follow up on transactions.",
    ),
    (
        "respond-to-enquiries",
        "Respond to enquiries and build the relationship",
        "legitimate_interests",
        "Answering people who contacted us about our Services.",
        "Contact people about their interest in our Services after they reached out.",
    ),
    (
        "direct-marketing",
        "Market our products and services",
        "consent",
        "",
        "Newsletters, promotions, events and product features; opt-out at any time.",
    ),
    (
        "targeted-advertising",
        "Targeted advertising and re-targeting",
        "consent",
        "",
        "Including third-party advertising cookies.",
    ),
    (
        "analytics",
        "Analyse trends and improve Sites, Services and Applications",
        "legitimate_interests",
        "Understanding aggregate use to improve our products.",
        "",
    ),
    (
        "troubleshooting",
        "Troubleshoot issues and provide support",
        "legitimate_interests",
        "Keeping the Services working for our customers.",
        "",
    ),
    (
        "security",
        "Verify authority to use the Services (Identity Confirmation, IP Range Restrictions)",
        "legitimate_interests",
        "Protecting accounts against misuse.",
        "",
    ),
    (
        "fraud-prevention",
        "Deter, detect and prevent fraud and illegal activity",
        "legitimate_interests",
        "Protecting the Company and its customers.",
        "",
    ),
    (
        "accounting",
        "Invoicing and statutory accounting",
        "legal_obligation",
        "",
        "Bulgarian Accountancy Act and VAT Act.",
    ),
    (
        "legal-claims",
        "Audits, legal obligations, disputes and enforcement of agreements",
        "legitimate_interests",
        "Establishing, exercising or defending legal claims.",
        "",
    ),
    (
        "privacy-requests",
        "Handle privacy requests and prove compliance",
        "legal_obligation",
        "",
        "GDPR Articles 12 to 22 and 5(2).",
    ),
    (
        "customer-hosting",
        "Host and process Customer-Generated Data for customers",
        "contract",
        "",
        "Only as the Master Subscription Agreement provides, on the customer's instructions.",
    ),
]

# (code, name, kind, description)
RECIPIENTS = [
    (
        "business-partners",
        "Business partners (system integrators, distributors, referral partners)",
        "business_partner",
        "For customer support, marketing, technical operations and account management.",
    ),
    (
        "service-providers",
        "Service providers (hosting, network, IT support, customer service)",
        "service_provider",
        "Only as necessary to perform their functions on our behalf.",
    ),
    ("affiliates", "Affiliates", "affiliate", "Aggregated data only unless stated otherwise."),
    (
        "acquirers",
        "Prospective or actual acquirers",
        "acquirer",
        "On a sale, merger, transfer or reorganisation, or in a bankruptcy proceeding.",
    ),
    (
        "authorities",
        "Authorities, courts and law enforcement",
        "authority",
        "When required by law, legal process, court order or valid government inquiry.",
    ),
    (
        "debt-collectors",
        "Debt collectors and fraud-prevention partners",
        "other",
        "When collecting a payment or debt, or combating fraud.",
    ),
    (
        "advertising-partners",
        "Advertising and analytics partners",
        "other",
        "Receive no personal information from us; their cookies may track performance.",
    ),
]

ALL_PI = [
    "company-name",
    "contact-name",
    "job-title",
    "email-address",
    "postal-address",
    "telephone-number",
]
USAGE = [
    "ip-address",
    "browser-type",
    "pages-viewed",
    "operating-system",
    "referring-url",
    "visit-timestamps",
]

ACTIVITIES = [
    {
        "code": "customer-accounts",
        "name": "Customer accounts and service provision",
        "role": "controller",
        "data_subject_categories": "Customer contacts, license holders, trial users",
        "purposes": ["provide-services", "troubleshooting"],
        "elements": ALL_PI
        + ["registration-number", "vat-number", "license-holder-details", "account-names"],
        "sources": ["purchase", "free-trial", "account-representative", "application-use"],
        "recipients": ["service-providers", "business-partners", "acquirers", "authorities"],
        "retention_period": "During the account and 24 months after it closes",
        "retention_months": 24,
    },
    {
        "code": "billing",
        "name": "Billing and statutory accounting",
        "role": "controller",
        "data_subject_categories": "Customer contacts, license holders",
        "purposes": ["accounting"],
        "elements": [
            "company-name",
            "contact-name",
            "postal-address",
            "registration-number",
            "vat-number",
            "billing-details",
        ],
        "sources": ["purchase"],
        "recipients": ["service-providers", "authorities", "debt-collectors"],
        "retention_period": "10 years after the end of the financial year (Accountancy Act)",
        "retention_months": 120,
    },
    {
        "code": "enquiries",
        "name": "Sales enquiries, web chat and relationship building",
        "role": "controller",
        "data_subject_categories": "Visitors, leads",
        "purposes": ["respond-to-enquiries"],
        "elements": ALL_PI + ["message-content", "social-media-posts"],
        "sources": [
            "web-form",
            "phone-email",
            "web-chat",
            "information-request",
            "event-registration",
            "white-paper",
            "feedback",
            "social-media",
        ],
        "recipients": ["business-partners", "service-providers"],
        "retention_period": "24 months after the last contact when no account follows",
        "retention_months": 24,
    },
    {
        "code": "marketing",
        "name": "Newsletters and direct marketing",
        "role": "controller",
        "data_subject_categories": "Newsletter subscribers, leads, customer contacts",
        "purposes": ["direct-marketing"],
        "elements": ["contact-name", "email-address", "company-name", "marketing-preferences"],
        "sources": ["newsletter", "event-registration", "white-paper", "web-form"],
        "recipients": ["business-partners", "service-providers"],
        "retention_period": "While subscribed; subscription records and their history 24 months "
        "after the opt-out; the opt-out as a hashed suppression-list entry for as long as we send "
        "marketing",
        "retention_months": 24,
    },
    {
        "code": "site-analytics",
        "name": "Website and application analytics",
        "role": "controller",
        "data_subject_categories": "Visitors, customer users",
        "purposes": ["analytics", "troubleshooting"],
        "elements": USAGE + ["cookie-identifiers", "app-usage-data", "account-names"],
        "sources": ["site-visit", "application-use", "third-party-cookies"],
        "recipients": ["service-providers", "advertising-partners", "affiliates"],
        "retention_period": "13 months after collection",
        "retention_months": 13,
    },
    {
        "code": "advertising",
        "name": "Targeted advertising and re-targeting",
        "role": "controller",
        "data_subject_categories": "Visitors",
        "purposes": ["targeted-advertising"],
        "elements": ["cookie-identifiers", "pages-viewed", "referring-url", "ip-address"],
        "sources": ["third-party-cookies", "site-visit"],
        "recipients": ["advertising-partners"],
        "retention_period": "13 months after collection",
        "retention_months": 13,
    },
    {
        "code": "security",
        "name": "Identity Confirmation, IP Range Restrictions and fraud prevention",
        "role": "controller",
        "data_subject_categories": "Customer users and administrators",
        "purposes": ["security", "fraud-prevention"],
        "elements": [
            "account-names",
            "ip-address",
            "visit-timestamps",
            "browser-type",
            "operating-system",
        ],
        "sources": ["application-use"],
        "recipients": ["service-providers", "authorities"],
        "retention_period": "13 months after collection; longer for an open investigation",
        "retention_months": 13,
    },
    {
        "code": "legal-claims",
        "name": "Audits, legal obligations and disputes",
        "role": "controller",
        "data_subject_categories": "Any data subject concerned by a matter",
        "purposes": ["legal-claims"],
        "elements": ALL_PI + ["message-content", "ip-address", "account-names"],
        "sources": ["purchase", "phone-email", "application-use"],
        "recipients": ["authorities", "debt-collectors", "acquirers"],
        "retention_period": "Until the matter is closed and the limitation period has run",
        "retention_months": None,
    },
    {
        "code": "privacy-requests",
        "name": "Handling privacy requests",
        "role": "controller",
        "data_subject_categories": "Anyone who sends a privacy request",
        "purposes": ["privacy-requests"],
        "elements": [
            "contact-name",
            "email-address",
            "postal-address",
            "telephone-number",
            "message-content",
        ],
        "sources": ["web-form", "phone-email"],
        "recipients": ["authorities"],
        "retention_period": "3 years after the request is closed",
        "retention_months": 36,
    },
    {
        "code": "customer-hosting",
        "name": "Hosting Customer-Generated Data",
        "role": "processor",
        "data_subject_categories": "Our customers' contacts and end users",
        "purposes": ["customer-hosting"],
        "elements": ["hosted-customer-records"],
        "sources": ["customer-upload"],
        "recipients": ["service-providers"],
        "retention_period": "As the customer instructs under the Master Subscription Agreement",
        "retention_months": None,
    },
]

SECURITY_MEASURES = (
    "Encryption of communication between client and server applications; two-step "
    "verification; need-to-know access for employees bound by confidentiality; periodic "
    "review of collection, storage and processing practices including physical security."
)
