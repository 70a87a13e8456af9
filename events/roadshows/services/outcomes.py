"""What came of each pitch — letter of intent, MoU, contract, licence, investment, pilot —
recorded by organizers and by the pitching team, and the event's outcome report: counts and
amounts (in CNY at the rates the organizer records for the event) by country, field and
kind, as charts, tables and a spreadsheet."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from markupsafe import Markup

from core import charts
from core.access import Viewer, require
from core.audit import record
from core.content import Translated
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import (
    country_name,
    current_language,
    format_number,
    gettext,
    lazy_gettext,
    ngettext,
)
from core.spreadsheets import Sheet
from core.vocabulary import field_labels, labels
from events.roadshows.services.calls import CURRENCIES, call_of
from events.roadshows.services.moments import read_amount
from events.roadshows.tables import Decision, Outcome, OutcomeKind, RoadshowCall, Submission

KINDS = {
    OutcomeKind.letter_of_intent: lazy_gettext("Letter of intent"),
    OutcomeKind.mou: lazy_gettext("Memorandum of understanding"),
    OutcomeKind.contract: lazy_gettext("Contract"),
    OutcomeKind.licence: lazy_gettext("Licence"),
    OutcomeKind.investment: lazy_gettext("Investment"),
    OutcomeKind.pilot: lazy_gettext("Pilot"),
}


def kind_labels() -> dict[str, str]:
    return labels(KINDS)


async def accepted_submissions(event_id: int) -> list[dict[str, Any]]:
    return (
        await Submission.select(Submission.id, Submission.title, Submission.organization)
        .where((Submission.event == event_id) & (Submission.decision == Decision.accepted.value))
        .order_by(Submission.id)
        .output(load_json=True)
    )


def clean(data: dict[str, str], allowed: set[int]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    try:
        submission = int(data.get("submission", ""))
    except ValueError:
        submission = 0
    if submission not in allowed:
        errors["submission"] = gettext("Choose one of the accepted projects.")
    if data.get("kind") not in OutcomeKind.__members__:
        errors["kind"] = gettext("Choose one of the options.")
    counterparty = data.get("counterparty", "").strip()[:300]
    if not counterparty:
        errors["counterparty"] = gettext("Name the other party.")
    country = data.get("country", "").strip().upper()
    if country and (len(country) != 2 or not country.isalpha()):
        errors["country"] = gettext("Choose a country.")
    try:
        signed_on = date.fromisoformat(data.get("signed_on", ""))
    except ValueError:
        errors["signed_on"] = gettext("Enter a date such as 2026-06-03.")
        signed_on = date(2000, 1, 1)
    currency = data.get("currency", "CNY")
    if currency not in CURRENCIES:
        errors["currency"] = gettext("Choose one of the options.")
    values = {
        "submission": submission,
        "kind": data.get("kind", ""),
        "counterparty": counterparty,
        "country": country,
        "signed_on": signed_on,
        "amount": read_amount(data.get("amount", ""), errors, required=False),
        "currency": currency,
    }
    if errors:
        raise ValidationFailed(errors)
    return values


async def add(
    actor: Viewer,
    event: dict[str, Any],
    data: dict[str, str],
    *,
    team_of: dict | None = None,
    client: str = "",
) -> int:
    """Record an outcome: organizers for any accepted project, a team for its own."""
    if team_of is None:
        require(actor, "roadshow.manage")
        allowed = {row["id"] for row in await accepted_submissions(event["id"])}
    else:
        require(actor, "roadshow.submission.edit", team_of)
        allowed = {team_of["id"]} if team_of["decision"] == Decision.accepted.value else set()
    values = clean(data, allowed)
    async with write_transaction():
        row = Outcome(event=event["id"], recorded_by=actor.id, **values)
        await row.save()
        await record(actor, "roadshow.outcome_add", "roadshow_outcome", row.id, client=client)
    return int(row.id)


async def save_rates(
    actor: Viewer, event: dict[str, Any], data: dict[str, str], client: str = ""
) -> None:
    require(actor, "roadshow.manage")
    errors: dict[str, str] = {}
    rates: dict[str, str] = {}
    for code in CURRENCIES[1:]:
        raw = data.get(f"rate_{code}", "").strip()
        if not raw:
            continue
        try:
            value = Decimal(raw.replace(",", "."))
        except InvalidOperation:
            value = Decimal(-1)
        if not value.is_finite() or value <= 0:
            errors[f"rate_{code}"] = gettext("Enter a rate above zero, such as 0.0142.")
            continue
        rates[code] = str(value)
    if errors:
        raise ValidationFailed(errors)
    async with write_transaction():
        await RoadshowCall.update({RoadshowCall.rates: rates}).where(
            RoadshowCall.event == event["id"]
        )
        await record(actor, "roadshow.rates", "event", event["id"], client=client, after=rates)


# --- the report ------------------------------------------------------------------------------


@dataclass
class Tally:
    label: str
    count: int = 0
    cny: Decimal = Decimal(0)


@dataclass
class Report:
    rows: list[dict[str, Any]]
    total_count: int
    total_cny: Decimal
    unconverted: list[str]  # currencies with amounts but no rate
    by_country: list[Tally] = field(default_factory=list)
    by_field: list[Tally] = field(default_factory=list)
    by_kind: list[Tally] = field(default_factory=list)


def in_cny(amount: Decimal | None, currency: str, rates: dict[str, Any]) -> Decimal | None:
    if amount is None:
        return Decimal(0)
    if currency == "CNY":
        return amount
    rate = rates.get(currency)
    return None if rate is None else (amount * Decimal(str(rate))).quantize(Decimal("0.01"))


async def outcomes_of(event_id: int) -> list[dict[str, Any]]:
    return (
        await Outcome.select(
            *Outcome.all_columns(),
            Outcome.submission.title.as_alias("title"),
            Outcome.submission.field.as_alias("field"),
            Outcome.submission.organization.country.as_alias("applicant_country"),
        )
        .where(Outcome.event == event_id)
        .order_by(Outcome.signed_on)
        .output(load_json=True)
    )


async def report(event: dict[str, Any]) -> Report:
    call = await call_of(event["id"])
    rates = dict((call or {}).get("rates") or {})
    rows = await outcomes_of(event["id"])
    fields, kinds = field_labels(), kind_labels()
    groups: dict[str, dict[str, Tally]] = {"country": {}, "field": {}, "kind": {}}
    unconverted: set[str] = set()
    total = Decimal(0)
    for row in rows:
        value = in_cny(row["amount"], row["currency"], rates)
        if value is None:
            unconverted.add(row["currency"])
            value = Decimal(0)
        row["cny"] = value
        total += value
        country = row["country"] or row["applicant_country"]
        for name, key, label in (
            ("country", country, country_name(country) if country else "—"),
            ("field", row["field"], fields.get(row["field"], row["field"])),
            ("kind", row["kind"], kinds.get(row["kind"], row["kind"])),
        ):
            tally = groups[name].setdefault(key, Tally(label))
            tally.count += 1
            tally.cny += value
    ordered = {
        name: sorted(group.values(), key=lambda t: (-t.cny, -t.count, t.label))
        for name, group in groups.items()
    }
    return Report(
        rows,
        len(rows),
        total,
        sorted(unconverted),
        ordered["country"],
        ordered["field"],
        ordered["kind"],
    )


def chart(tallies: list[Tally], chart_id: str, title: str) -> Markup:
    """Amounts in CNY per group, with a sentence saying which group leads."""
    if tallies:
        desc = ngettext(
            "%(leader)s leads with %(amount)s CNY in %(num)d outcome.",
            "%(leader)s leads with %(amount)s CNY in %(num)d outcomes.",
            tallies[0].count,
            leader=tallies[0].label,
            amount=format_number(tallies[0].cny),
        )
    else:
        desc = gettext("No outcomes have been recorded yet.")
    return charts.bars(
        [(t.label, float(t.cny)) for t in tallies], chart_id=chart_id, title=title, desc=desc
    )


async def headline(event: dict[str, Any]) -> dict[str, Any] | None:
    """How many projects signed something, and the total in CNY, for the public page; None
    when nothing is recorded yet."""
    found = await report(event)
    if not found.total_count:
        return None
    return {"count": len({row["submission"] for row in found.rows}), "cny": found.total_cny}


def sheet(found: Report) -> Sheet:
    kinds = kind_labels()
    lang = current_language()
    header = [
        gettext("Project"),
        gettext("Outcome"),
        gettext("Counterparty"),
        gettext("Country"),
        gettext("Signed on"),
        gettext("Amount"),
        gettext("Currency"),
        gettext("Amount in CNY"),
    ]
    rows = [
        [
            Translated.load(row["title"]).show(lang).text,
            kinds.get(row["kind"], row["kind"]),
            row["counterparty"],
            country_name(row["country"]) if row["country"] else "",
            row["signed_on"],
            float(row["amount"]) if row["amount"] is not None else None,
            row["currency"],
            float(row["cny"]),
        ]
        for row in found.rows
    ]
    return Sheet(gettext("Outcomes"), header, rows)
