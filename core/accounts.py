"""Accounts: signing in, invitations to an account, password resets and preferences."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import available_timezones

from core import jobqueue, outbox, passwords, ratelimit, sessions
from core.access import Viewer
from core.audit import record
from core.db import write_transaction
from core.errors import TooManyAttempts, ValidationFailed
from core.i18n import LANGUAGES, gettext
from core.settings import get_settings
from core.tables import AccountToken, Membership, Organization, Role, User
from core.textclean import without_bidi_controls

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")
INVITE_VALID = timedelta(days=7)
RESET_VALID = timedelta(hours=1)
LOGIN_WINDOW_S = 15 * 60
# Failed sign-ins: one address may fail 5 times per account and 20 times in all per window.
LOGIN_LIMIT_PER_ACCOUNT_CLIENT = 5
LOGIN_LIMIT_PER_CLIENT = 20
# An account that failed this often in an hour, from anywhere, is under attack: then each
# address gets only a few failures per hour for it. Nobody is ever locked out everywhere.
ACCOUNT_WINDOW_S = 60 * 60
ACCOUNT_UNDER_ATTACK = 50
LOGIN_LIMIT_UNDER_ATTACK = 3
RESET_LIMIT_PER_CLIENT = 5
RESET_JOB = "mail_password_reset"
NAME_MAX = 200  # the column's length: PostgreSQL refuses anything longer
# Beijing time, which the bureau and Urumqi's government keep (Asia/Urumqi is UTC+6).
BUREAU_ZONE = "Asia/Shanghai"


def normalize_email(email: str) -> str:
    return email.strip().lower()


def email_problem(email: str) -> str | None:
    if not EMAIL_PATTERN.match(email) or len(email) > 254:
        return gettext("Enter a valid e-mail address.")
    return None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- signing in ---------------------------------------------------------------------------


async def _refused_sign_in(email: str, client: str) -> TooManyAttempts | None:
    """Why this address may not try this account now, or None. Counting per (account,
    address) means an attacker elsewhere cannot lock the owner out; the slower count per
    account still bounds guessing from many addresses."""
    pair = f"{email}|{client}"
    limits = [
        ("login-client", client, LOGIN_LIMIT_PER_CLIENT),
        ("login-account-client", pair, LOGIN_LIMIT_PER_ACCOUNT_CLIENT),
    ]
    if await ratelimit.count("login-account", email) >= ACCOUNT_UNDER_ATTACK:
        limits.append(("login-account-client-hour", pair, LOGIN_LIMIT_UNDER_ATTACK))
    for scope, subject, limit in limits:
        if await ratelimit.count(scope, subject) >= limit:
            return TooManyAttempts(await ratelimit.retry_after(scope, subject))
    return None


async def _count_failure(email: str, client: str) -> None:
    pair = f"{email}|{client}"
    await ratelimit.hit_all(
        [
            ("login-client", client, LOGIN_WINDOW_S),
            ("login-account-client", pair, LOGIN_WINDOW_S),
            ("login-account-client-hour", pair, ACCOUNT_WINDOW_S),
            ("login-account", email, ACCOUNT_WINDOW_S),
        ]
    )


async def authenticate(email: str, password: str, client: str) -> int:
    """The user id for these credentials. Failed attempts are counted across all processes
    per client address, per (account, address) and per account (see `_refused_sign_in`);
    past a limit the answer is TooManyAttempts. Only failures count, so a partner office
    behind one address can still all sign in."""
    email = normalize_email(email)
    if refused := await _refused_sign_in(email, client):
        raise refused
    user = (
        await User.select(User.id, User.password_hash, User.is_active)
        .where(User.email == email)
        .first()
    )
    stored = user["password_hash"] if user and user["is_active"] else None
    # argon2 takes ~20 ms of CPU by design; in a thread (it releases the GIL) it neither
    # stalls every other request on this event loop nor leaves the other cores idle.
    verified = await asyncio.to_thread(passwords.verify_password, stored, password)
    if not verified or user is None:
        await _count_failure(email, client)
        raise ValidationFailed({"": gettext("The e-mail address or password is not correct.")})
    await ratelimit.reset("login-account-client", f"{email}|{client}")
    updates: dict[Any, Any] = {User.last_login_at: datetime.now(UTC)}
    if passwords.needs_rehash(stored or ""):
        updates[User.password_hash] = await asyncio.to_thread(passwords.hash_password, password)
    await User.update(updates).where(User.id == user["id"])
    return int(user["id"])


# --- creating and inviting ----------------------------------------------------------------


async def create_user(
    email: str,
    *,
    role: str,
    name: str = "",
    language: str = "zh",
    password: str | None = None,
    organization_id: int | None = None,
) -> int:
    """An account, optionally acting for an organization. Refuses a second account per e-mail.

    Its time zone starts as the organization's; people of no organization work with the
    bureau, which keeps Beijing time."""
    email = normalize_email(email)
    name = without_bidi_controls(name)
    problems = {}
    if problem := email_problem(email):
        problems["email"] = problem
    if len(name.strip()) > NAME_MAX:
        problems["name"] = gettext("Use at most %(num)d characters.", num=NAME_MAX)
    if role not in {r.value for r in Role}:
        problems["role"] = gettext("Choose a role.")
    if language not in LANGUAGES:
        problems["language"] = gettext("Choose a language.")
    if password is not None and (problem := passwords.password_problem(password, email)):
        problems["password"] = problem
    if problems:
        raise ValidationFailed(problems)
    async with write_transaction():
        if await User.exists().where(User.email == email):
            raise ValidationFailed(
                {"email": gettext("An account with this e-mail address already exists.")}
            )
        zone = await _starting_zone(organization_id)
        user = User(
            email=email,
            name=name.strip(),
            role=role,
            language=language,
            timezone=zone,
            password_hash=passwords.hash_password(password) if password else "",
        )
        await user.save()
        if organization_id is not None:
            await Membership(user=user.id, organization=organization_id).save()
    return int(user.id)


async def _starting_zone(organization_id: int | None) -> str:
    if organization_id is not None:
        row = (
            await Organization.select(Organization.timezone)
            .where(Organization.id == organization_id)
            .first()
        )
        if row and row["timezone"] in available_timezones():
            return row["timezone"]
    return BUREAU_ZONE


async def _issue_token(user_id: int, purpose: str, valid_for: timedelta) -> str:
    token = secrets.token_urlsafe(32)
    await AccountToken(
        user=user_id,
        purpose=purpose,
        token_hash=_token_hash(token),
        expires_at=datetime.now(UTC) + valid_for,
    ).save()
    return token


async def invite(
    actor: Viewer,
    *,
    email: str,
    name: str,
    role: str,
    language: str,
    organization_id: int | None,
    client: str = "",
) -> int:
    """Create the account without a password and mail a link to set one."""
    if role == Role.coordinator and organization_id is None:
        raise ValidationFailed(
            {"organization": gettext("A coordinator acts for an organization; choose one.")}
        )
    if organization_id is not None and not await Organization.exists().where(
        Organization.id == organization_id
    ):
        raise ValidationFailed({"organization": gettext("Choose an organization.")})
    user_id = await create_user(
        email, role=role, name=name, language=language, organization_id=organization_id
    )
    token = await _issue_token(user_id, "invite", INVITE_VALID)
    await outbox.queue_mail(
        key=f"account-invite:{user_id}:{_token_hash(token)[:16]}",
        recipient=normalize_email(email),
        language=language,
        template="account_invite",
        context={
            "name": name,
            "inviter": actor.name or actor.email,
            "link": f"/{language}/account/accept/{token}",
            "valid_days": INVITE_VALID.days,
        },
        secret_keys=("link",),
    )
    await record(
        actor,
        "account.invite",
        "user",
        user_id,
        client=client,
        after={"email": normalize_email(email), "role": role, "organization": organization_id},
    )
    return user_id


# --- single-use links ---------------------------------------------------------------------


async def token_user(token: str, purpose: str) -> dict[str, Any] | None:
    """The account a live link belongs to; None for an unknown, used or expired link."""
    row = (
        await AccountToken.select(AccountToken.id, AccountToken.user, AccountToken.expires_at)
        .where(
            (AccountToken.token_hash == _token_hash(token))
            & (AccountToken.purpose == purpose)
            & (AccountToken.used_at.is_null())
        )
        .first()
    )
    if row is None or row["expires_at"] <= datetime.now(UTC):
        return None
    return (
        await User.select(User.id, User.email, User.name, User.language)
        .where(User.id == row["user"])
        .first()
    )


async def set_password_from_link(token: str, purpose: str, password: str) -> int:
    """Use an invitation or reset link once: set the password, end every other session."""
    user = await token_user(token, purpose)
    if user is None:
        raise ValidationFailed({"": gettext("This link has expired or was already used.")})
    if problem := passwords.password_problem(password, user["email"]):
        raise ValidationFailed({"password": problem})
    async with write_transaction():
        used = (
            await AccountToken.update({AccountToken.used_at: datetime.now(UTC)})
            .where(
                (AccountToken.token_hash == _token_hash(token)) & (AccountToken.used_at.is_null())
            )
            .returning(AccountToken.id)
        )
        if not used:
            raise ValidationFailed({"": gettext("This link has expired or was already used.")})
        await _retire_links(user["id"])
        # Using the link signs the person in (the route starts their session).
        await User.update(
            {
                User.password_hash: passwords.hash_password(password),
                User.last_login_at: datetime.now(UTC),
            }
        ).where(User.id == user["id"])
    await sessions.end_all(user["id"])
    await record(Viewer(id=user["id"]), f"account.password_{purpose}", "user", user["id"])
    return int(user["id"])


async def _retire_links(user_id: int) -> None:
    """Every link still open for this account stops working: once a password has been set,
    an older reset or invitation link in someone's mailbox must not set another one."""
    await AccountToken.update({AccountToken.used_at: datetime.now(UTC)}).where(
        (AccountToken.user == user_id) & (AccountToken.used_at.is_null())
    )


async def request_password_reset(email: str, client: str) -> None:
    """Queue the reset for a job; say nothing either way (no account probing).

    Whether the account exists is looked up by the job, not here, so the request does the same
    work, and takes the same time, for a known and an unknown address."""
    if await ratelimit.hit("reset-client", client, LOGIN_WINDOW_S) > RESET_LIMIT_PER_CLIENT:
        raise TooManyAttempts(await ratelimit.retry_after("reset-client", client))
    email = normalize_email(email)
    if problem := email_problem(email):
        raise ValidationFailed({"email": problem})
    request_id = secrets.token_urlsafe(16)
    await jobqueue.enqueue(RESET_JOB, email, request_id, job_id=f"password-reset:{request_id}")


def _reset_token(request_id: str) -> str:
    """The link's secret for one reset request: the same on every run of its job (arq may run
    a job twice), and unguessable without the secret key."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"password-reset:{request_id}".encode(), "sha256").hexdigest()


async def mail_password_reset(email: str, request_id: str) -> bool:
    """Issue a reset link and queue its mail if an active account has this address; a second
    run for the same request changes nothing. True when a mail was queued."""
    user = (
        await User.select(User.id, User.name, User.language)
        .where((User.email == email) & (User.is_active == True))
        .first()
    )
    if user is None:
        return False
    token = _reset_token(request_id)
    async with write_transaction():
        await AccountToken.insert(
            AccountToken(
                user=user["id"],
                purpose="reset",
                token_hash=_token_hash(token),
                expires_at=datetime.now(UTC) + RESET_VALID,
            )
        ).on_conflict(target=AccountToken.token_hash, action="DO NOTHING")
        await outbox.queue_mail(
            key=f"password-reset:{request_id}",
            recipient=email,
            language=user["language"],
            template="password_reset",
            context={
                "name": user["name"],
                "link": f"/{user['language']}/account/reset/{token}",
                "valid_minutes": int(RESET_VALID.total_seconds() // 60),
            },
            secret_keys=("link",),
        )
    return True


# --- a signed-in person's own account -----------------------------------------------------


async def change_password(viewer: Viewer, current: str, new: str, client: str = "") -> None:
    user = await User.select(User.password_hash).where(User.id == viewer.id).first()
    if user is None or not passwords.verify_password(user["password_hash"], current):
        raise ValidationFailed(
            {"current_password": gettext("Your current password is not correct.")}
        )
    if problem := passwords.password_problem(new, viewer.email):
        raise ValidationFailed({"new_password": problem})
    assert viewer.id is not None
    hashed = passwords.hash_password(new)
    async with write_transaction():
        await User.update({User.password_hash: hashed}).where(User.id == viewer.id)
        await _retire_links(viewer.id)
    await sessions.end_all(viewer.id)
    await record(viewer, "account.password_change", "user", viewer.id, client=client)


async def update_preferences(viewer: Viewer, *, name: str, language: str, timezone: str) -> None:
    name = without_bidi_controls(name)
    problems = {}
    if language not in LANGUAGES:
        problems["language"] = gettext("Choose a language.")
    if timezone not in available_timezones():
        problems["timezone"] = gettext("Choose a time zone.")
    if len(name.strip()) > 200:
        problems["name"] = gettext("Use at most %(num)d characters.", num=200)
    if problems:
        raise ValidationFailed(problems)
    before = (
        await User.select(User.name, User.language, User.timezone)
        .where(User.id == viewer.id)
        .first()
    )
    after = {"name": name.strip(), "language": language, "timezone": timezone}
    await User.update(
        {User.name: after["name"], User.language: language, User.timezone: timezone}
    ).where(User.id == viewer.id)
    await record(viewer, "account.preferences", "user", viewer.id, before=before, after=after)
