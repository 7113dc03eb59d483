"""The FHIR client's error classification, against real loopback HTTP servers."""

import pytest

from beheer.fhir.client import (
    FhirClient,
    PermanentFhirError,
    RetryableFhirError,
    parse_retry_after,
)
from tests.fhir.servers import ScriptedServer, SilentServer, free_port

DEVICE = {"resourceType": "Device", "id": "abc", "status": "active"}
OUTCOME = {
    "resourceType": "OperationOutcome",
    "issue": [{"severity": "error", "code": "invalid", "diagnostics": "Device.status is kapot"}],
}


@pytest.fixture
def scripted():
    servers = []

    def make(handler):
        server = ScriptedServer(handler)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.close()


def _client(server, **kwargs):
    return FhirClient(f"{server.url}/fhir/", timeout=(1, 1), **kwargs)


def test_put_sends_fhir_json_to_type_and_id(scripted):
    server = scripted(lambda r: (201, {"ETag": 'W/"1"'}, {**DEVICE, "meta": {"versionId": "1"}}))
    stored = _client(server).put(DEVICE)
    assert stored["meta"]["versionId"] == "1"
    request = server.requests[0]
    assert request["method"] == "PUT"
    assert request["path"] == "/fhir/Device/abc"
    assert request["headers"]["Content-Type"] == "application/fhir+json"


def test_put_without_a_body_takes_the_version_from_the_etag(scripted):
    server = scripted(lambda r: (200, {"ETag": 'W/"7"'}, b""))
    assert _client(server).put(DEVICE)["meta"]["versionId"] == "7"


def test_connection_refused_is_retryable():
    client = FhirClient(f"http://127.0.0.1:{free_port()}/fhir/", timeout=(1, 1))
    with pytest.raises(RetryableFhirError, match="niet bereikbaar"):
        client.put(DEVICE)


def test_a_server_that_does_not_answer_is_retryable():
    silent = SilentServer()
    try:
        with pytest.raises(RetryableFhirError, match="niet op tijd"):
            FhirClient(silent.base_url, timeout=(1, 0.5)).put(DEVICE)
    finally:
        silent.close()


@pytest.mark.parametrize("status", [500, 502, 503])
def test_5xx_is_retryable_with_the_servers_message(scripted, status):
    server = scripted(lambda r: (status, {}, OUTCOME))
    with pytest.raises(RetryableFhirError) as excinfo:
        _client(server).put(DEVICE)
    assert excinfo.value.status == status
    assert "Device.status is kapot" in excinfo.value.message


def test_429_is_retryable_and_honours_retry_after(scripted):
    server = scripted(lambda r: (429, {"Retry-After": "120"}, OUTCOME))
    with pytest.raises(RetryableFhirError) as excinfo:
        _client(server).put(DEVICE)
    assert excinfo.value.retry_after == 120


@pytest.mark.parametrize("status", [400, 403, 409, 412, 422])
def test_other_4xx_is_permanent_with_the_operation_outcome(scripted, status):
    server = scripted(lambda r: (status, {}, OUTCOME))
    with pytest.raises(PermanentFhirError) as excinfo:
        _client(server).put(DEVICE)
    assert excinfo.value.retryable is False
    assert excinfo.value.message.endswith("error: Device.status is kapot")


@pytest.mark.parametrize("status", [404, 410])
def test_read_of_a_missing_or_deleted_resource_is_none(scripted, status):
    server = scripted(lambda r: (status, {}, OUTCOME))
    assert _client(server).read("Device", "abc") is None


def test_a_401_lets_auth_refresh_once_and_retries(scripted):
    tokens = iter(["oud", "nieuw"])
    current = {"token": next(tokens)}
    server = scripted(
        lambda r: (
            (201, {}, DEVICE)
            if r["headers"].get("Authorization") == "Bearer nieuw"
            else (401, {}, OUTCOME)
        )
    )
    client = _client(
        server,
        auth_headers=lambda: {"Authorization": f"Bearer {current['token']}"},
        on_unauthorized=lambda: current.update(token=next(tokens)),
    )
    client.put(DEVICE)
    assert [r["headers"]["Authorization"] for r in server.requests] == [
        "Bearer oud",
        "Bearer nieuw",
    ]


def test_retry_after_as_http_date():
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("30") == 30
    assert parse_retry_after("onzin") is None


def test_update_sends_if_match_with_the_version(scripted):
    server = scripted(lambda r: (200, {}, {**DEVICE, "meta": {"versionId": "4"}}))
    stored = _client(server).update(DEVICE, version="3")
    assert stored["meta"]["versionId"] == "4"
    request = server.requests[0]
    assert (request["method"], request["path"]) == ("PUT", "/fhir/Device/abc")
    assert request["headers"]["If-Match"] == 'W/"3"'


def test_a_stale_version_is_a_412_the_caller_can_tell(scripted):
    server = scripted(lambda r: (412, {}, OUTCOME))
    with pytest.raises(PermanentFhirError) as excinfo:
        _client(server).update(DEVICE, version="1")
    assert excinfo.value.status == 412


def test_create_posts_conditionally_and_takes_the_id_from_the_location(scripted):
    server = scripted(
        lambda r: (
            201,
            {"Location": f"{server.url}/fhir/Device/77/_history/1", "ETag": 'W/"1"'},
            b"",
        )
    )
    body = {k: v for k, v in DEVICE.items() if k != "id"}
    stored = _client(server).create(body, if_none_exist="identifier=s|v")
    assert (stored["id"], stored["meta"]["versionId"]) == ("77", "1")
    request = server.requests[0]
    assert (request["method"], request["path"]) == ("POST", "/fhir/Device")
    assert request["headers"]["If-None-Exist"] == "identifier=s|v"


def test_search_returns_only_the_matches(scripted):
    bundle = {
        "resourceType": "Bundle",
        "entry": [
            {"resource": DEVICE, "search": {"mode": "match"}},
            {"resource": OUTCOME, "search": {"mode": "outcome"}},
        ],
    }
    server = scripted(lambda r: (200, {}, bundle))
    assert _client(server).search("Device", {"identifier": "s|v"}) == [DEVICE]
    assert server.requests[0]["path"] == "/fhir/Device?identifier=s%7Cv"


def test_every_request_has_a_new_request_id_and_the_clients_correlation_id(scripted):
    server = scripted(lambda r: (200, {}, DEVICE))
    client = _client(server, correlation_id="wijziging-1")
    client.read("Device", "abc")
    client.update(DEVICE, version="1")
    ids = [r["headers"]["X-Request-Id"] for r in server.requests]
    assert len(set(ids)) == 2
    assert {r["headers"]["X-Correlation-Id"] for r in server.requests} == {"wijziging-1"}
