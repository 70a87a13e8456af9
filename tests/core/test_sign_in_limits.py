"""Sign-in limits slow guessing without letting anyone lock another person out."""

from __future__ import annotations

import pytest

from core import accounts
from core.errors import TooManyAttempts, ValidationFailed
from tests.support.factories import PASSWORD, make_user, post_form

ATTACKER = "198.51.100.66"
OWNER = "192.0.2.10"


async def fail(email: str, client: str, times: int = 1) -> None:
    for _ in range(times):
        with pytest.raises(ValidationFailed):
            await accounts.authenticate(email, "not-the-password", client)


async def test_an_attacker_failing_elsewhere_does_not_lock_the_owner_out() -> None:
    user = await make_user(email="victim@example.org")
    await fail(user["email"], ATTACKER, accounts.LOGIN_LIMIT_PER_ACCOUNT_CLIENT)

    with pytest.raises(TooManyAttempts):
        await accounts.authenticate(user["email"], PASSWORD, ATTACKER)
    assert await accounts.authenticate(user["email"], PASSWORD, OWNER) == user["id"]


async def test_the_right_password_from_a_new_address_works_while_the_account_is_under_attack() -> (
    None
):
    user = await make_user(email="target@example.org")
    for number in range(accounts.ACCOUNT_UNDER_ATTACK // 2):
        await fail(user["email"], f"198.51.100.{number}", 2)

    assert await accounts.authenticate(user["email"], PASSWORD, OWNER) == user["id"]


async def test_under_attack_each_address_gets_only_a_few_guesses_an_hour() -> None:
    user = await make_user(email="guarded@example.org")
    for number in range(accounts.ACCOUNT_UNDER_ATTACK // 2):
        await fail(user["email"], f"198.51.100.{number}", 2)

    await fail(user["email"], ATTACKER, accounts.LOGIN_LIMIT_UNDER_ATTACK)
    with pytest.raises(TooManyAttempts) as refused:
        await accounts.authenticate(user["email"], "another-guess", ATTACKER)
    assert refused.value.retry_after_s > accounts.LOGIN_WINDOW_S


async def test_one_address_failing_on_many_accounts_is_stopped(client) -> None:
    statuses = []
    for number in range(accounts.LOGIN_LIMIT_PER_CLIENT + 1):
        response = await post_form(
            client,
            "/en/account/login",
            {"email": f"guess{number}@example.org", "password": "wrong-password"},
        )
        statuses.append(response.status_code)
    assert statuses[-1] == 429 and set(statuses[:-1]) == {400}
