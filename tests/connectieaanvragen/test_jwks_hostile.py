"""Hostile and malformed JWK Sets: always a Dutch JwksError, never anything else."""

import base64
import json

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from connectieaanvragen.jwks import JwksError, check_jwks_document, fetch_and_check
from tests.jwks_server import ec_key, rsa_key

json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=20,
)
b64 = st.binary(max_size=80).map(lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode())
member_names = st.sampled_from(
    ["kty", "kid", "use", "key_ops", "alg", "crv", "x", "y", "n", "e", "d", "oth"]
)
members = st.dictionaries(member_names, json_values | b64 | st.sampled_from(["RSA", "EC", "sig"]))
keys = st.one_of(
    json_values,
    members,
    st.builds(lambda base, extra: base | extra, st.just(rsa_key()), members),
    st.builds(lambda base, extra: base | extra, st.just(ec_key()), members),
)
documents = st.one_of(
    json_values,
    st.builds(lambda ks: {"keys": ks}, st.lists(keys, max_size=4)),
)


@hypothesis_settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_the_checker_never_raises_anything_but_its_own_dutch_error(document):
    try:
        found = check_jwks_document(document)
    except JwksError as exc:
        assert exc.message and isinstance(exc.message, str)
    else:
        assert found and all(isinstance(key["kid"], str) for key in found)


@pytest.mark.parametrize(
    "key, message",
    [
        (ec_key(crv=[]), "alleen P-256 en P-384"),
        (ec_key(crv={"a": 1}), "alleen P-256 en P-384"),
        (rsa_key(key_ops=[{}]), "'key_ops' mag alleen 'verify' bevatten"),
        (rsa_key(key_ops=[["verify"]]), "'key_ops' mag alleen 'verify' bevatten"),
        (rsa_key(use=[[[]]]), "alleen 'sig' is toegestaan"),
    ],
)
def test_unhashable_members_are_refused_in_dutch(key, message):
    with pytest.raises(JwksError, match=message):
        check_jwks_document({"keys": [key]})


def test_a_document_nested_30000_levels_deep_is_a_dutch_error(jwks_server):
    uri = jwks_server.serve(body=b"[" * 30_000 + b"]" * 30_000)
    result = fetch_and_check(uri)
    assert not result.ok
    assert result.error in (
        "Het JWKS-document is te diep genest.",
        "Het JWKS-document is te groot (hoogstens 65536 bytes).",
    )


def test_a_deeply_nested_document_under_the_size_cap_is_a_dutch_error(jwks_server, settings):
    settings.KT_JWKS_MAX_BYTES = 100_000
    uri = jwks_server.serve(body=json.dumps({"keys": []}).encode()[:-1] + b"[" * 30_000)
    assert not fetch_and_check(uri).ok
    uri = jwks_server.serve(body=b'{"keys": ' + b"[" * 30_000 + b"]" * 30_000 + b"}")
    assert fetch_and_check(uri).error == "Het JWKS-document is te diep genest."
