"""Argon2 hashes passwords in production (tests swap in a fast hasher, tests/conftest.py)."""

import importlib

from django.contrib.auth.hashers import check_password, get_hasher, make_password

ARGON2 = "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_argon2_is_the_configured_hasher():
    configured = importlib.import_module("omstilling.settings").PASSWORD_HASHERS

    assert configured[0] == ARGON2


def test_argon2_hashes_and_checks_passwords(settings):
    settings.PASSWORD_HASHERS = [ARGON2]

    encoded = make_password("en lang adgangskode")

    assert encoded.startswith("argon2$argon2id$")
    assert check_password("en lang adgangskode", encoded)
    assert get_hasher("argon2").algorithm == "argon2"
