"""The daily digest per OPD through the outbox, against a real SMTP server on loopback."""

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from followup import services
from followup.cli import followup_cli
from participants.models import OutboundMessage


def test_each_opd_gets_one_digest_a_day_with_links(app, smtp_server, make_user, city, make_item):
    today = services.today()
    make_item(city["dpupr"], due_on=today - timedelta(days=2), title="Laporan fisik bulanan")
    make_item(
        city["bappeda"],
        supporting=[city["dpupr"]],
        due_on=today + timedelta(days=3),
        title="Matriks keselarasan",
    )
    make_item(city["dpupr"], due_on=today + timedelta(days=30), title="Masih lama")
    make_item(
        city["dpupr"], due_on=today - timedelta(days=5), status="sesuai", title="Sudah sesuai"
    )
    make_item(city["dinkes"], due_on=today + timedelta(days=2), title="Tanpa akun")  # no OPD user
    make_user("opd", email="pu@batukota.example", opd=city["dpupr"])
    make_user("opd", email="bappeda@batukota.example", opd=city["bappeda"])
    runner = app.test_cli_runner()

    dry = runner.invoke(followup_cli, ["remind", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "DPUPR: 1 lewat batas waktu, 1 jatuh tempo" in dry.output
    assert db.session.scalars(select(OutboundMessage)).all() == []

    result = runner.invoke(followup_cli, ["remind"])
    assert result.exit_code == 0, result.output
    [pu] = smtp_server.to("pu@batukota.example")
    body = pu.get_body(("plain",)).get_content()
    assert "LEWAT BATAS WAKTU" in body and "Laporan fisik bulanan" in body
    assert "JATUH TEMPO DALAM 7 HARI" in body and "Matriks keselarasan" in body
    assert "Masih lama" not in body and "Sudah sesuai" not in body
    assert "https://sinergi.batukota.example/tindak-lanjut/" in body
    [bappeda] = smtp_server.to("bappeda@batukota.example")
    assert "Laporan fisik bulanan" not in bappeda.get_body(("plain",)).get_content()

    again = runner.invoke(followup_cli, ["remind"])
    assert again.exit_code == 0 and "0 ringkasan diantrekan" in again.output
    assert len(smtp_server.messages) == 2


def test_without_base_url_it_refuses(app):
    saved = app.config.get("BASE_URL")
    app.config["BASE_URL"] = ""
    try:
        result = app.test_cli_runner().invoke(followup_cli, ["remind"])
    finally:
        app.config["BASE_URL"] = saved
    assert result.exit_code != 0 and "BASE_URL" in result.output
