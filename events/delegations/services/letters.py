"""Visa invitation letters: the office issues a round (one letter per member who needs one,
superseding earlier ones), a worker renders them to sealed PDFs, and once a round is complete
the delegation is marked as having its letters and the coordinators get them by mail.

Rendering runs at least once per letter: a letter rendered twice is the same file again.
A letter waiting longer than a few minutes (a lost job, a worker that died) is picked up by
`resume_letters`."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from piccolo.query.functions.aggregate import Max

from core import jobqueue
from core.access import Viewer
from core.audit import record
from core.content import Translated, json_value
from core.db import write_transaction
from core.errors import ValidationFailed
from core.i18n import gettext
from core.tables import Organization
from events.delegations.services import documents, mail, passports
from events.delegations.services.letter_files import attachments
from events.delegations.services.member_form import lacks
from events.delegations.services.records import event_of, get, members
from events.delegations.services.states import S, move, moved_already, now, refuse_if_purged
from events.delegations.services.vocabulary import letter_language
from events.delegations.tables import Delegate, Delegation, LetterStatus, VisaLetter

RENDER_JOB = "render_visa_letters"
CURRENT = (LetterStatus.pending, LetterStatus.ready, LetterStatus.failed)
ISSUING = (S.approved.value, S.letters_issued.value)


async def current_letters(delegation_id: int) -> list[dict[str, Any]]:
    """The delegation's letters of its latest round, with the member's names."""
    return (
        await VisaLetter.select(
            VisaLetter.id,
            VisaLetter.delegate,
            VisaLetter.reference,
            VisaLetter.batch,
            VisaLetter.status,
            VisaLetter.languages,
            VisaLetter.issued_on,
            VisaLetter.rendered_at,
            VisaLetter.signatory_name,
            VisaLetter.delegate.name_latin.as_alias("name_latin"),
            VisaLetter.delegate.name_native.as_alias("name_native"),
        )
        .where((VisaLetter.delegation == delegation_id) & VisaLetter.status.is_in(list(CURRENT)))
        .order_by(VisaLetter.sequence)
    )


async def letter_defaults(viewer: Viewer) -> dict[str, str]:
    """The signatory of the office's latest letters, to start the form from."""
    last = (
        await VisaLetter.select(VisaLetter.signatory_name, VisaLetter.signatory_title)
        .order_by(VisaLetter.id, ascending=False)
        .first()
    )
    if last:
        return {
            "signatory_name": last["signatory_name"],
            "signatory_title": last["signatory_title"],
        }
    return {"signatory_name": viewer.name, "signatory_title": ""}


def _signatory(data: dict[str, str]) -> tuple[str, str]:
    errors: dict[str, str] = {}
    name = " ".join(data.get("signatory_name", "").split())
    title = " ".join(data.get("signatory_title", "").split())
    if not name:
        errors["signatory_name"] = gettext("Enter who signs the letters.")
    if not title:
        errors["signatory_title"] = gettext("Enter the signatory's position.")
    if len(name) > 200 or len(title) > 200:
        errors.setdefault("signatory_title", gettext("Use at most %(num)d characters.", num=200))
    if errors:
        raise ValidationFailed(errors)
    return name, title


async def issue_letters(
    viewer: Viewer, delegation: dict[str, Any], data: dict[str, str], client: str = ""
) -> int:
    """Create this round's letters (one per member who needs one) and have a worker render
    them; earlier letters are superseded. Returns how many letters were ordered."""
    name, title = _signatory(data)
    refuse_if_purged(delegation)
    if delegation["status"] not in ISSUING:
        raise ValidationFailed({"": gettext("Letters are issued once the delegation is approved.")})
    rows = [row for row in await members(delegation["id"]) if row["needs_letter"]]
    if any(lacks(row) for row in rows):
        raise ValidationFailed(
            {"": gettext("Some members who need a letter lack passport or travel details.")}
        )
    issuer = sorted(viewer.organization_ids)[0] if viewer.organization_ids else None
    event = await event_of(delegation)
    today = datetime.now(ZoneInfo(event["timezone"])).date()
    async with write_transaction():
        fresh = await get(delegation["id"])
        assert fresh is not None
        if fresh["status"] not in ISSUING:
            raise moved_already()
        batch = fresh["letters_batch"] + 1
        await VisaLetter.update({VisaLetter.status: LetterStatus.superseded}).where(
            (VisaLetter.delegation == delegation["id"]) & VisaLetter.status.is_in(list(CURRENT))
        )
        top = await VisaLetter.select(Max(VisaLetter.sequence, alias="top")).where(
            VisaLetter.event == event["id"]
        )
        sequence = top[0]["top"] if top and top[0]["top"] else 0
        for row in rows:
            sequence += 1
            await VisaLetter(
                delegate=row["id"],
                delegation=delegation["id"],
                event=event["id"],
                sequence=sequence,
                reference=f"HS-{today.year}-{event['id']:03d}-{sequence:04d}",
                batch=batch,
                status=LetterStatus.pending,
                languages=f"zh+{letter_language(row['nationality'])}",
                signatory_name=name,
                signatory_title=title,
                issuer=issuer,
                issued_on=today,
                requested_by=viewer.id,
            ).save()
        await Delegation.update(
            {Delegation.letters_batch: batch, Delegation.updated_at: now()}
        ).where(Delegation.id == delegation["id"])
    await record(
        viewer,
        "delegation.letters",
        "delegation",
        delegation["id"],
        client=client,
        after={"letters": len(rows), "batch": batch, "signatory": name},
    )
    if rows:
        await jobqueue.enqueue(
            RENDER_JOB, delegation["id"], job_id=f"letters:{delegation['id']}:{batch}"
        )
    else:
        await letters_done(delegation["id"])
    return len(rows)


async def retry_letters(viewer: Viewer, delegation: dict[str, Any], client: str = "") -> int:
    """Render the letters that failed once more."""
    retried = (
        await VisaLetter.update({VisaLetter.status: LetterStatus.pending, VisaLetter.error: ""})
        .where(
            (VisaLetter.delegation == delegation["id"]) & (VisaLetter.status == LetterStatus.failed)
        )
        .returning(VisaLetter.id)
    )
    if retried:
        await record(
            viewer,
            "delegation.letters_retry",
            "delegation",
            delegation["id"],
            client=client,
            after={"letters": len(retried)},
        )
        await jobqueue.enqueue(RENDER_JOB, delegation["id"])
    return len(retried)


# --- rendering ---------------------------------------------------------------------------------


async def _issuer_names(organization_id: int | None, event: dict[str, Any]) -> Any:
    target = organization_id or event["host_organization"]
    if target is None:
        return None
    row = await Organization.select(Organization.name).where(Organization.id == target).first()
    return json_value(row["name"]) if row else None


@dataclass
class LetterContext:
    """What letters of one delegation share, read once per rendering run."""

    event: dict[str, Any]
    delegation: dict[str, Any]
    issuers: dict[int | None, Any] = field(default_factory=dict)


async def letter_context(delegation_id: int) -> LetterContext:
    delegation = await get(delegation_id)
    assert delegation is not None
    return LetterContext(await event_of(delegation), delegation)


async def letter_data(
    letter: dict[str, Any],
    member_row: dict[str, Any] | None = None,
    context: LetterContext | None = None,
) -> documents.LetterData:
    """Everything one letter prints, with the member's passport data in clear."""
    row = member_row or await Delegate.select().where(Delegate.id == letter["delegate"]).first()
    assert row is not None
    context = context or await letter_context(letter["delegation"])
    event, delegation = context.event, context.delegation
    if letter["issuer"] not in context.issuers:
        context.issuers[letter["issuer"]] = await _issuer_names(letter["issuer"], event)
    zone = ZoneInfo(event["timezone"])
    return documents.LetterData(
        reference=letter["reference"],
        issued_on=letter["issued_on"],
        second_language=letter["languages"].partition("+")[2] or "en",
        issuer=Translated.load(context.issuers[letter["issuer"]]),
        event_title=Translated.load(json_value(event["title"])),
        event_city=Translated.load(json_value(event["city"])),
        event_venue=Translated.load(json_value(event["venue"])),
        event_starts=event["starts_at"].astimezone(zone).date(),
        event_ends=event["ends_at"].astimezone(zone).date(),
        arrival=row["arrival_at"].astimezone(zone).date() if row["arrival_at"] else None,
        departure=row["departure_at"].astimezone(zone).date() if row["departure_at"] else None,
        name_latin=row["name_latin"],
        name_native=row["name_native"],
        name_zh=row["name_zh"],
        gender=row["gender"],
        date_of_birth=passports.unseal(row["date_of_birth"], "date_of_birth"),
        nationality=row["nationality"],
        passport_number=passports.unseal(row["passport_number"], "passport_number"),
        passport_expires=row["passport_expires"],
        job_title=row["job_title"],
        organization=row["organization_name"],
        delegation=Translated.load(delegation["organization_name"]),
        is_head=row["is_head"],
        signatory_name=letter["signatory_name"],
        signatory_title=letter["signatory_title"],
    )


async def _render_one(letter: dict[str, Any], row: Any, context: LetterContext) -> bool:
    pending = (VisaLetter.id == letter["id"]) & (VisaLetter.status == LetterStatus.pending)
    try:
        data = await letter_data(letter, row, context)
        pdf = await asyncio.to_thread(documents.visa_letter_pdf, data)
    except Exception as error:
        await VisaLetter.update(
            {VisaLetter.status: LetterStatus.failed, VisaLetter.error: type(error).__name__}
        ).where(pending)
        return False
    await VisaLetter.update(
        {
            VisaLetter.content: passports.seal_bytes(pdf, "visa_letter"),
            VisaLetter.status: LetterStatus.ready,
            VisaLetter.rendered_at: now(),
        }
    ).where(pending)
    return True


async def render_letters(delegation_id: int) -> int:
    """The worker's part: render every pending letter of the delegation, then, when the
    round is complete, mark the letters issued and mail them to the coordinators.

    Rendering is CPU work: it runs in a thread, so that the event loop it shares with other
    jobs (and, under `hongshan serve`, with the web app) keeps answering meanwhile."""
    pending = await VisaLetter.select().where(
        (VisaLetter.delegation == delegation_id) & (VisaLetter.status == LetterStatus.pending)
    )
    rendered = 0
    if pending:
        context = await letter_context(delegation_id)
        rows = {
            row["id"]: row
            for row in await Delegate.select().where(
                Delegate.id.is_in([letter["delegate"] for letter in pending])
            )
        }
        for letter in pending:
            rendered += await _render_one(letter, rows.get(letter["delegate"]), context)
    await letters_done(delegation_id)
    return rendered


async def letters_done(delegation_id: int) -> None:
    """Once no letter of the latest round waits or failed: the delegation has its letters,
    and its coordinators get them."""
    delegation = await get(delegation_id)
    if delegation is None:
        return
    batch = delegation["letters_batch"]
    statuses = [
        row["status"]
        for row in await VisaLetter.select(VisaLetter.status).where(
            (VisaLetter.delegation == delegation_id) & (VisaLetter.batch == batch)
        )
    ]
    if any(status in (LetterStatus.pending, LetterStatus.failed) for status in statuses):
        return
    await move(
        delegation_id, (S.approved.value,), S.letters_issued, {Delegation.letters_issued_at: now()}
    )
    if not statuses:
        return
    event = await event_of(delegation)
    files = await attachments(delegation_id, batch)
    for user in await mail.coordinators(delegation["organization"]):
        await mail.send(
            delegation,
            event,
            user,
            "delegation_letters",
            f"batch{batch}",
            letters=len(files),
            attachments=files,
        )


async def resume_letters(moment: datetime | None = None) -> int:
    """Trigger rendering again for delegations whose letters wait longer than a few minutes."""
    cutoff = (moment or now()) - timedelta(minutes=5)
    rows = await VisaLetter.select(VisaLetter.delegation).where(
        (VisaLetter.status == LetterStatus.pending) & (VisaLetter.created_at < cutoff)
    )
    ids = sorted({row["delegation"] for row in rows})
    for delegation_id in ids:
        # One waiting trigger per delegation: the job keeps no result, so the id is free
        # again as soon as a run ends.
        await jobqueue.enqueue(RENDER_JOB, delegation_id, job_id=f"letters:{delegation_id}:resume")
    return len(ids)
