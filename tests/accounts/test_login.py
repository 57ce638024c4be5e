from __future__ import annotations

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.test import Client, override_settings

from tests.conftest import PASSWORD, TOTP_SECRET, World


def _login(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def _current_totp() -> str:
    counter = next(iter(yield_hotp_counters_from_time()))
    return str(format_hotp_value(hotp_value(TOTP_SECRET, counter)))


def test_login_with_email_and_password_reaches_the_cooperative(
    world: World, client: Client
) -> None:
    response = _login(client, "alice@a.example", PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/")
    assert client.get("/", follow=True).request["PATH_INFO"] == "/c/coop-a/"


def test_failed_login_says_so_in_french_and_logs_nobody_in(world: World, client: Client) -> None:
    response = _login(client, "alice@a.example", "wrong password")
    assert response.status_code == 200
    assert "L’adresse e-mail ou le mot de passe sont incorrects." in response.text
    assert "_auth_user_id" not in client.session


def test_failed_logins_are_rate_limited_per_account(world: World, client: Client) -> None:
    for _attempt in range(5):
        assert "sont incorrects" in _login(client, "alice@a.example", "wrong").text
    blocked = _login(client, "alice@a.example", PASSWORD)
    assert "Trop de tentatives de connexion échouées." in blocked.text
    assert "_auth_user_id" not in client.session
    # Another account from the same address is not locked out by alice's failures.
    assert _login(client, "bob@a.example", PASSWORD).status_code == 302


def test_privileged_user_must_give_the_second_factor(world: World, client: Client) -> None:
    response = _login(client, "carl@a.example", PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/accounts/2fa/authenticate/")
    assert "_auth_user_id" not in client.session
    wrong = client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "Code incorrect." in wrong.text
    ok = client.post("/accounts/2fa/authenticate/", {"code": _current_totp()})
    assert ok.status_code == 302
    assert client.get("/c/coop-a/").status_code == 200


def test_password_reset_sends_a_link(world: World, client: Client) -> None:
    from django.core import mail

    response = client.post("/accounts/password/reset/", {"email": "alice@a.example"})
    assert response.status_code == 302
    assert [message.to for message in mail.outbox] == [["alice@a.example"]]
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_public_signup_is_closed(db: None, client: Client) -> None:
    response = client.post(
        "/accounts/signup/",
        {
            "email": "intruder@example.org",
            "password1": "x-long-password-1",
            "password2": "x-long-password-1",
        },
    )
    assert response.status_code == 200
    assert "les inscriptions sont actuellement fermées" in response.text
    from perspectives.accounts.models import User

    assert not User.objects.filter(email="intruder@example.org").exists()


def test_unverified_email_cannot_log_in(world: World, client: Client) -> None:
    from allauth.account.models import EmailAddress

    EmailAddress.objects.filter(user=world.alice).update(verified=False)
    response = _login(client, "alice@a.example", PASSWORD)
    assert (response.status_code, response["Location"]) == (302, "/accounts/confirm-email/")
    assert client.get("/c/coop-a/").status_code == 302


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_rate_limit_follows_each_client_address(
    world: World, client: Client
) -> None:
    """Every request comes from the proxy (one REMOTE_ADDR); the client is the address the
    proxy appended to X-Forwarded-For, which the client cannot forge."""

    def attempt(email: str, password: str, client_ip: str):
        return client.post(
            "/accounts/login/",
            {"login": email, "password": password},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"1.1.1.1, {client_ip}",
        )

    for index in range(10):
        attempt(f"nobody{index}@a.example", "wrong", "203.0.113.7")
    blocked = attempt("alice@a.example", PASSWORD, "203.0.113.7")
    assert "Trop de tentatives de connexion échouées." in blocked.text
    assert attempt("alice@a.example", PASSWORD, "198.51.100.2").status_code == 302


@override_settings(ALLAUTH_TRUSTED_PROXY_COUNT=2)
def test_a_request_that_skipped_the_proxies_is_limited_by_its_own_address(
    world: World, client: Client
) -> None:
    response = client.post(
        "/accounts/login/",
        {"login": "alice@a.example", "password": PASSWORD},
        REMOTE_ADDR="203.0.113.9",
        HTTP_X_FORWARDED_FOR="198.51.100.1",
    )
    assert response.status_code == 302
