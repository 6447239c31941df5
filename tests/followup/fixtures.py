"""Factories for follow-up tests (loaded for the whole suite by tests/conftest.py)."""

import pytest

from app.extensions import db
from followup import services


@pytest.fixture
def city(make_opd):
    return {
        "dpupr": make_opd("DPUPR", name="Dinas Pekerjaan Umum dan Penataan Ruang"),
        "bappeda": make_opd("BAPPEDA", name="Badan Perencanaan Pembangunan Daerah", kind="badan"),
        "dinkes": make_opd("DINKES", name="Dinas Kesehatan"),
    }


@pytest.fixture
def make_item(make_event):
    def make(
        lead,
        *,
        event=None,
        supporting=(),
        due_on=None,
        status="belum_ditindaklanjuti",
        title="Tindak lanjut",
    ):
        item = services.create_item(
            event or make_event(),
            title=title,
            lead_opd=lead,
            supporting_opds=list(supporting),
            due_on=due_on,
        )
        item.status = status
        db.session.commit()
        return item

    return make
