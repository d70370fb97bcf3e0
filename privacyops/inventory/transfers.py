"""When a transfer of personal data outside the EEA is lawful (GDPR Chapter V, Art. 44-49).

Pure rules, no Django: the model's `clean()` and the services ask `transfer_errors`, and the
tests check every mechanism in milliseconds. A transfer is the data going to a country outside
the European Economic Area; it needs exactly one of the mechanisms below.
"""

# EU member states plus Iceland, Liechtenstein and Norway (ISO 3166-1 alpha-2; Greece is GR).
EU = "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK"
EEA = frozenset(f"{EU} IS LI NO".split(" "))

ADEQUACY = "adequacy"
SCC = "scc"
BCR = "bcr"
DEROGATION = "derogation"

MECHANISM_LABELS = {
    ADEQUACY: "Adequacy decision of the Commission (Art. 45)",
    SCC: "Standard contractual clauses, Decision (EU) 2021/914 (Art. 46(2)(c))",
    BCR: "Binding corporate rules (Art. 47)",
    DEROGATION: "Derogation for a specific situation (Art. 49)",
}

SCC_MODULES = {
    "1": "Module 1: controller to controller",
    "2": "Module 2: controller to processor",
    "3": "Module 3: processor to processor",
    "4": "Module 4: processor to controller",
}

DEROGATIONS = {
    "a": "Art. 49(1)(a): explicit consent after being informed of the risks",
    "b": "Art. 49(1)(b): necessary for a contract with the data subject",
    "c": "Art. 49(1)(c): necessary for a contract in the data subject's interest",
    "d": "Art. 49(1)(d): important reasons of public interest",
    "e": "Art. 49(1)(e): establishment, exercise or defence of legal claims",
    "f": "Art. 49(1)(f): vital interests, where consent cannot be given",
    "g": "Art. 49(1)(g): transfer from a public register",
    "compelling": "Art. 49(1), second subparagraph: compelling legitimate interests",
}


def in_eea(country: str) -> bool:
    return (country or "").upper() in EEA


def transfer_errors(
    *,
    country: str,
    mechanism: str,
    adequacy_country: str | None = None,
    adequacy_in_force: bool = False,
    scc_module: str = "",
    bcr_reference: str = "",
    derogation: str = "",
    derogation_reason: str = "",
) -> dict[str, str]:
    """What is wrong with a transfer to `country` under `mechanism`, by field; {} when lawful.

    Refuses: a destination not recorded; a third country with no mechanism; an adequacy
    decision for another country or no longer in force; clauses without their module; binding
    corporate rules without their approval reference; a derogation without its ground or the
    reason it applies. Inside the EEA there is no transfer, so no mechanism may be claimed.
    """
    country = (country or "").upper()
    if not country:
        return {"country": "Record the country the data goes to."}
    if country in EEA:
        if mechanism:
            return {
                "transfer_mechanism": f"{country} is in the EEA: this is not a transfer, so no "
                "transfer mechanism applies. Leave it empty."
            }
        return {}
    if not mechanism:
        return {
            "transfer_mechanism": f"{country} is outside the EEA: a transfer there needs an "
            "adequacy decision, standard contractual clauses, binding corporate rules or an "
            "Art. 49 derogation (GDPR Art. 44). Record one, or do not use this vendor."
        }
    if mechanism == ADEQUACY:
        if adequacy_country is None:
            return {"adequacy_decision": "Choose the adequacy decision the transfer relies on."}
        if adequacy_country.upper() != country:
            return {
                "adequacy_decision": f"This adequacy decision covers {adequacy_country}, not "
                f"{country}."
            }
        if not adequacy_in_force:
            return {"adequacy_decision": "This adequacy decision is no longer in force."}
    elif mechanism == SCC:
        if scc_module not in SCC_MODULES:
            return {"scc_module": "Say which module of the 2021/914 clauses was signed."}
    elif mechanism == BCR:
        if not bcr_reference.strip():
            return {
                "bcr_reference": "Give the approval of the binding corporate rules (the lead "
                "authority and its decision)."
            }
    elif mechanism == DEROGATION:
        errors = {}
        if derogation not in DEROGATIONS:
            errors["derogation"] = "Choose the Art. 49 ground the transfer relies on."
        if not derogation_reason.strip():
            errors["derogation_reason"] = (
                "Explain why the derogation applies: derogations are for occasional, specific "
                "transfers and must be justified case by case."
            )
        return errors
    else:
        return {"transfer_mechanism": f"Unknown transfer mechanism {mechanism!r}."}
    return {}
