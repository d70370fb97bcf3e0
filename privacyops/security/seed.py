"""Reference data the security app seeds (migration 0005) and that runtime code may read."""

UNDERTAKING_TITLE = "Confidentiality undertaking"

# The policy: "We restrict access to Personal Information to DAN electronic employees on a
# need-to-know basis ... and they are bound by confidentiality obligations." Legal edits this by
# publishing a new version in the admin; this first version is only the starting point.
UNDERTAKING_TEXT = """\
I, the staff member signed in to this back office, undertake that:

1. I will access personal information held by DAN electronic LTD only where I need it for my
   work: providing the Services to our customers, troubleshooting problems, or a legal
   obligation (need to know).
2. I will keep confidential all personal information and Customer-Generated Data I see in the
   course of my work, during my employment and after it ends, and disclose it to nobody who is
   not authorised to receive it.
3. I will not copy, export or keep personal information outside the systems provided for it,
   except as my work requires and the back office records.
4. I will report at once to the Legal Department (legal@infoserv.eu) any actual or suspected
   unauthorised access to, or loss or disclosure of, personal information.
5. I understand that my access to personal data is recorded, and that a breach of this
   undertaking may lead to disciplinary action and to liability under the law.
"""

TRAINING_REMINDER_TASK = "security.remind_training_renewals"
