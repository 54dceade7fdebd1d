"""The CLI's argument handling, output and exit codes against a fake transport."""

from __future__ import annotations

import json
import stat
from pathlib import Path
from urllib.parse import parse_qs

import httpx
import pytest

from .fake import FakeSuite, body


@pytest.fixture
def fake(tmp_path: Path) -> FakeSuite:
    return FakeSuite(tmp_path / "config")


def test_login_caches_the_token_for_its_owner_only_and_later_calls_send_it(fake: FakeSuite) -> None:
    fake.login()
    [token_request] = fake.sent("POST", "/v1/auth/token")
    assert parse_qs(token_request.content.decode()) == {
        "grant_type": ["client_credentials"], "client_id": ["operator"], "client_secret": ["s"]}
    token_file = fake.config_dir / "token.json"
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    fake.on("GET", "/v1/customers/c-1", body={"id": "c-1", "name": "Ion"})
    assert fake.run(["customers", "show", "c-1"]).exit_code == 0
    assert fake.sent("GET", "/v1/customers/c-1")[0].headers["Authorization"] == "Bearer tok-1"


def test_without_a_login_a_command_is_a_usage_error(fake: FakeSuite) -> None:
    result = fake.run(["customers", "show", "c-1"])
    assert result.exit_code == 2 and "tarifa login" in result.stderr
    assert fake.requests == []


def test_an_expired_token_asks_for_a_new_login(fake: FakeSuite) -> None:
    fake.on("POST", "/v1/auth/token", body={"access_token": "old", "expires_in": 0})
    assert fake.run(["login", "--client-id", "operator", "--client-secret", "s"]).exit_code == 0
    result = fake.run(["accounts", "show", "a-1"])
    assert result.exit_code == 2 and "expired" in result.stderr


def test_wrong_credentials_are_refused_with_the_problem_detail(fake: FakeSuite) -> None:
    fake.on("POST", "/v1/auth/token", 401, {"title": "Unauthorized", "status": 401,
                                             "detail": "unknown client or wrong secret"})
    result = fake.run(["login", "--client-id", "x", "--client-secret", "y"])
    assert result.exit_code == 1
    assert "401 Unauthorized: unknown client or wrong secret" in result.stderr
    assert not (fake.config_dir / "token.json").exists()


def test_a_422_prints_the_offending_fields(fake: FakeSuite) -> None:
    fake.login()
    fake.on("POST", "/v1/customers", 422, {"title": "Unprocessable Content", "status": 422,
                                           "detail": "invalid request",
                                           "errors": [{"field": "email", "message": "not an email"}]})
    result = fake.run(["customers", "create", "--name", "Ion", "--email", "nope"])
    assert result.exit_code == 1 and "email: not an email" in result.stderr
    assert body(fake.sent("POST", "/v1/customers")[0]) == {
        "kind": "person", "name": "Ion", "language": "ro", "email": "nope"}


def test_a_service_that_does_not_answer_exits_3(fake: FakeSuite) -> None:
    fake.login()

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    result = fake.run(["--rating-url", "http://127.0.0.1:9", "plans", "get", "p"],
                      transport=httpx.MockTransport(refuse))
    assert result.exit_code == 3 and "rating at http://127.0.0.1:9" in result.stderr


def test_json_output_is_the_apis_document(fake: FakeSuite) -> None:
    fake.login()
    account = {"id": "a-1", "payment_mode": "prepaid", "bill_delivery": {"medium": "paper"}}
    fake.on("GET", "/v1/accounts/a-1", body=account)
    result = fake.run(["--json", "accounts", "show", "a-1"])
    assert result.exit_code == 0 and json.loads(result.stdout) == account


def test_an_account_takes_exactly_one_bill_medium(fake: FakeSuite) -> None:
    fake.login()
    both = fake.run(["accounts", "create", "--customer", "c", "--ebill", "a@b.md", "--paper", "x"])
    assert both.exit_code == 2 and fake.sent("POST", "/v1/accounts") == []
    fake.on("POST", "/v1/accounts", 201, {"id": "a-1"})
    paper = fake.run(["accounts", "create", "--customer", "c", "--paper", "str. X 1",
                      "--payment-mode", "prepaid"])
    assert paper.exit_code == 0
    assert body(fake.sent("POST", "/v1/accounts")[0])["bill_delivery"] == {
        "medium": "paper", "address": "str. X 1"}


def test_a_plan_is_put_from_yaml_and_written_back_as_json(fake: FakeSuite, tmp_path: Path) -> None:
    fake.login()
    source = tmp_path / "plan.yaml"
    source.write_text("name: Smart\ncurrency: MDL\nvat_rate: '0.20'\nprices: []\n")
    fake.on("PUT", "/v1/plans/smart", 201, {"code": "smart", "name": "Smart"})
    assert fake.run(["plans", "put", "smart", str(source)]).exit_code == 0
    assert body(fake.sent("PUT", "/v1/plans/smart")[0]) == {
        "name": "Smart", "currency": "MDL", "vat_rate": "0.20", "prices": []}
    fake.on("GET", "/v1/plans/smart", body={"code": "smart", "vat_rate": "0.20"})
    target = tmp_path / "out.json"
    assert fake.run(["plans", "get", "smart", "-o", str(target)]).exit_code == 0
    assert json.loads(target.read_text()) == {"code": "smart", "vat_rate": "0.20"}


def test_a_broken_plan_file_is_a_usage_error_and_nothing_is_sent(fake: FakeSuite,
                                                                   tmp_path: Path) -> None:
    fake.login()
    source = tmp_path / "plan.yaml"
    source.write_text("name: [unclosed\n")
    result = fake.run(["plans", "put", "smart", str(source)])
    assert result.exit_code == 2 and fake.sent("PUT", "/v1/plans/smart") == []


def _ingest(request: httpx.Request) -> httpx.Response:
    if request.headers["Content-Type"] == "text/csv":
        count = len(request.content.decode().splitlines()) - 1
    else:
        count = len(json.loads(request.content)["records"])
    return httpx.Response(200, json={"accepted": count - 1, "duplicates": 1, "parked": 0,
                                     "rejected": [{"id": "x", "reason": "bad"}]})


def test_csv_usage_goes_in_batches_each_with_the_header(fake: FakeSuite, tmp_path: Path) -> None:
    fake.login()
    fake.routes[("POST", "/v1/usage")] = _ingest
    header = "id,msisdn,type,direction,started_at,quantity"
    lines = [f"c{i},37369000001,sms,out,2026-05-02T10:00:00+00:00,1" for i in range(5)]
    source = tmp_path / "usage.csv"
    source.write_text("\n".join([header, *lines]) + "\n")
    result = fake.run(["--json", "usage", "import", str(source), "--batch-size", "2"])
    assert result.exit_code == 0, result.stderr
    sent = [r.content.decode().splitlines() for r in fake.sent("POST", "/v1/usage")]
    assert [len(s) - 1 for s in sent] == [2, 2, 1] and all(s[0] == header for s in sent)
    assert [row for s in sent for row in s[1:]] == lines
    totals = json.loads(result.stdout)
    assert (totals["accepted"], totals["duplicates"], len(totals["rejected"])) == (2, 3, 3)


def test_json_and_json_lines_usage_files(fake: FakeSuite, tmp_path: Path) -> None:
    fake.login()
    fake.routes[("POST", "/v1/usage")] = _ingest
    records = [{"id": f"r{i}", "msisdn": "37369000001"} for i in range(3)]
    (tmp_path / "a.json").write_text(json.dumps({"records": records}))
    (tmp_path / "b.jsonl").write_text("\n".join(json.dumps(r) for r in records))
    result = fake.run(["usage", "import", str(tmp_path / "a.json"), str(tmp_path / "b.jsonl")])
    assert result.exit_code == 0, result.stderr
    assert [body(r)["records"] for r in fake.sent("POST", "/v1/usage")] == [records, records]


def test_a_usage_file_that_is_not_a_record_list_is_a_usage_error(fake: FakeSuite,
                                                                   tmp_path: Path) -> None:
    fake.login()
    (tmp_path / "a.json").write_text('{"rows": []}')
    result = fake.run(["usage", "import", str(tmp_path / "a.json")])
    assert result.exit_code == 2 and fake.sent("POST", "/v1/usage") == []


def _follow(fake: FakeSuite, final: str) -> None:
    states = iter(["running", "running", final])

    def answer(_request: httpx.Request) -> httpx.Response:
        status = next(states)
        return httpx.Response(200, json={
            "id": "run-1", "status": status, "accounts": 2, "skipped": 0,
            "error": "no ledger" if status == "failed" else None,
            "stages": {"issued": 2 if status != "running" else 1, "documents": 0,
                       "delivered": 0, "failed": 0}})
    fake.routes[("GET", "/v1/billing-runs/run-1")] = answer
    fake.on("POST", "/v1/billing-runs", 202, {"id": "run-1", "status": "running"})


def test_a_billing_run_is_followed_until_it_completes(fake: FakeSuite) -> None:
    fake.login()
    _follow(fake, "completed")
    result = fake.run(["--json", "billing", "run", "--period-end", "2026-05-31",
                       "--interval", "0.05", "--account", "a-1", "--account", "a-2"])
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["status"] == "completed"
    assert len(fake.sent("GET", "/v1/billing-runs/run-1")) == 3
    assert body(fake.sent("POST", "/v1/billing-runs")[0]) == {
        "period_end": "2026-05-31", "account_ids": ["a-1", "a-2"]}


def test_a_failed_billing_run_exits_1(fake: FakeSuite) -> None:
    fake.login()
    _follow(fake, "failed")
    result = fake.run(["billing", "run", "--period-end", "2026-05-31", "--interval", "0.05"])
    assert result.exit_code == 1 and "no ledger" in result.stderr


def test_an_invoice_pdf_is_saved_and_a_document_verified(fake: FakeSuite, tmp_path: Path) -> None:
    fake.login()
    fake.on("GET", "/v1/invoices/i-1/pdf", content=b"%PDF-1.7 signed")
    target = tmp_path / "i.pdf"
    assert fake.run(["invoices", "pdf", "i-1", "-o", str(target)]).exit_code == 0
    assert target.read_bytes() == b"%PDF-1.7 signed"
    fake.on("POST", "/v1/documents/verify", body={"valid": False, "reason": "altered",
                                                  "signer": None, "timestamp": None})
    result = fake.run(["documents", "verify", str(target)])
    assert result.exit_code == 1 and "altered" in result.stderr
    [sent] = fake.sent("POST", "/v1/documents/verify")
    assert sent.content == b"%PDF-1.7 signed" and sent.headers["Content-Type"] == "application/pdf"


def test_logout_forgets_the_token(fake: FakeSuite) -> None:
    fake.login()
    assert fake.run(["logout"]).exit_code == 0
    assert fake.run(["accounts", "show", "a"]).exit_code == 2
