"""Backfill the outcome of every request closed before outcomes were written on every closing
path (until 0009 only completions had one): refusals, redirects, withdrawals and requests
closed unconfirmed get theirs, and completions their regime and whether they were complied
with only in part. Self-contained (historical models), so later code changes do not alter it.
"""

from django.db import migrations
from django.utils import timezone

RESULT_OF_STATE = {
    "completed": "complied",
    "refused": "refused",
    "redirected": "redirected",
    "withdrawn": "withdrawn",
    "closed_unconfirmed": "unconfirmed",
}
LABELS = {
    "complied": "Complied with in whole",
    "in_part": "Complied with in part",
    "refused": "Refused",
    "redirected": "Redirected to the customer (controller)",
    "withdrawn": "Withdrawn by the requester",
    "unconfirmed": "Closed: never confirmed",
}
BATCH = 500


def _in_part(apps, request_ids) -> set[int]:
    """Completed requests of which we did only part: data kept after an erasure (beyond the
    request's own records, which every erasure keeps), or the part about a customer's data
    forwarded to that customer."""
    forwarded = set(
        apps.get_model("dsr", "CustomerDataForward")
        .objects.filter(request_id__in=request_ids)
        .values_list("request_id", flat=True)
    )
    certificates = apps.get_model("dsr", "ErasureCertificate").objects.filter(
        request_id__in=request_ids
    )
    kept = {
        request_id
        for request_id, entries in certificates.values_list("request_id", "entries")
        if any(
            entry.get("action") == "keep"
            and entry.get("rows")
            and not entry.get("model", "").startswith("dsr.")  # the request's own records
            for entry in entries or []
        )
    }
    return forwarded | kept


def _refused_for_identity(apps, request_ids) -> set[int]:
    return set(
        apps.get_model("dsr", "RequestEvent")
        .objects.filter(
            request_id__in=request_ids,
            kind="transition",
            to_state="refused",
            from_state="awaiting_identity",
        )
        .values_list("request_id", flat=True)
    )


def backfill_outcomes(apps, schema_editor):
    PrivacyRequest = apps.get_model("dsr", "PrivacyRequest")
    RequestOutcome = apps.get_model("dsr", "RequestOutcome")

    # Completions already have an outcome: add the regime and part compliance.
    completed = list(
        RequestOutcome.objects.filter(request__state="completed")
        .values_list("pk", "request_id", "request__regime")
        .order_by("pk")
    )
    for start in range(0, len(completed), BATCH):
        batch = completed[start : start + BATCH]
        in_part = _in_part(apps, [request_id for _, request_id, _ in batch])
        for pk, request_id, regime in batch:
            result = "in_part" if request_id in in_part else "complied"
            RequestOutcome.objects.filter(pk=pk).update(regime=regime, result=result)

    # Every other closed request (a linked repeat is no request of its own): a new outcome.
    fields = ("pk", "state", "regime", "request_type", "received_at", "closed_at", "updated_at")
    fields += ("due_date", "paused_days")
    closed = list(
        PrivacyRequest.objects.filter(state__in=list(RESULT_OF_STATE), outcome__isnull=True)
        .order_by("pk")
        .values(*fields)
    )
    for start in range(0, len(closed), BATCH):
        batch = closed[start : start + BATCH]
        ids = [row["pk"] for row in batch]
        in_part, for_identity = _in_part(apps, ids), _refused_for_identity(apps, ids)
        outcomes = []
        for row in batch:
            result = RESULT_OF_STATE[row["state"]]
            if result == "complied" and row["pk"] in in_part:
                result = "in_part"
            ground = ""
            if result == "refused":
                ground = "identity" if row["pk"] in for_identity else "other"
            closed_at = row["closed_at"] or row["updated_at"]
            closed_on = timezone.localdate(closed_at)
            outcomes.append(
                RequestOutcome(
                    request_id=row["pk"],
                    request_type=row["request_type"],
                    regime=row["regime"],
                    result=result,
                    refusal_ground=ground,
                    received_at=row["received_at"],
                    completed_at=closed_at,
                    response_days=max(0, (closed_on - timezone.localdate(row["received_at"])).days),
                    paused_days=row["paused_days"],
                    due_date=row["due_date"],
                    on_time=closed_on <= row["due_date"],
                    summary=LABELS[result],
                )
            )
        RequestOutcome.objects.bulk_create(outcomes)


class Migration(migrations.Migration):
    dependencies = [("dsr", "0009_outcome_result")]

    operations = [migrations.RunPython(backfill_outcomes, migrations.RunPython.noop)]
