"""The action-item lifecycle as users meet it: an OPD proposes with a report, the organiser
verifies from the proposal (accepting never resets), a waiting report shows beside the verified
progress, a returned one is flagged for the OPD, and every status change is audited."""

import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from followup import lifecycle, services
from followup.models import ActionItem, ProgressUpdate


def _selected(page: str, name: str) -> str | None:
    """The preselected option of the (first) select called ``name`` on ``page``."""
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    chosen = re.search(r'<option[^>]*selected[^>]*value="([^"]+)"', select_html.group(1))
    chosen = chosen or re.search(r'<option[^>]*value="([^"]+)"[^>]*selected', select_html.group(1))
    return chosen.group(1) if chosen else None


def _options(page: str, name: str) -> list[str]:
    select_html = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', page, re.S)
    return re.findall(r'value="([^"]+)"', select_html.group(1))


def _report(client, item, progress, proposed="dalam_proses", narrative="Laporan"):
    return client.submit(
        f"/tindak-lanjut/{item.id}/updates",
        {"progress": str(progress), "proposed_status": proposed, "narrative": narrative},
    )


def _pending(item) -> ProgressUpdate:
    return db.session.scalar(
        select(ProgressUpdate).where(
            ProgressUpdate.item_id == item.id, ProgressUpdate.review == "pending"
        )
    )


def _fresh(item) -> ActionItem:
    db.session.expire_all()
    return db.session.get(ActionItem, item.id)


def test_accepting_a_report_keeps_or_advances_the_status_never_resets_it(login_as, city, make_item):
    item = make_item(city["dpupr"], title="Belanja modal 75%")
    dpupr = login_as("opd", opd=city["dpupr"])
    organiser = login_as("organiser")
    _report(dpupr, item, 30)
    organiser.submit(
        f"/tindak-lanjut/updates/{_pending(item).id}/review",
        {"decision": "accept", "status": "dalam_proses"},
    )
    assert (_fresh(item).status, _fresh(item).progress) == ("dalam_proses", 30)

    # The OPD reports 50 %: until verified the item shows its verified 30 % and the waiting 50 %.
    _report(dpupr, item, 50)
    assert (_fresh(item).status, _fresh(item).progress) == ("dalam_proses", 30)
    page = organiser.get(f"/tindak-lanjut/{item.id}").get_data(as_text=True)
    assert "Progres 30%" in page and "menunggu verifikasi · 50%" in page
    # The review form starts from what the OPD proposed, and cannot go back to the start.
    assert _selected(page, "status") == "dalam_proses"
    assert "belum_ditindaklanjuti" not in _options(page, "status")
    for url, client in (("/tindak-lanjut/", dpupr), ("/tindak-lanjut/", organiser)):
        listing = client.get(url).get_data(as_text=True)
        row = listing[listing.index(f'data-item="{item.id}"') :].split("</a>")[0]
        assert "menunggu verifikasi · 50%" in row and "progres 30%" in row

    # "Terima" as the form offers it: the item advances to 50 % and stays "dalam proses".
    organiser.submit(
        f"/tindak-lanjut/updates/{_pending(item).id}/review",
        {"decision": "accept", "status": _selected(page, "status"), "comment": ""},
    )
    assert (_fresh(item).status, _fresh(item).progress) == ("dalam_proses", 50)
    assert services.status_counts(services.item_query())["belum_ditindaklanjuti"] == 0

    # A claim of completion is preselected as "sesuai"; a forged reset is refused, unchanged.
    _report(dpupr, item, 100, proposed="sesuai", narrative="Serah terima pekerjaan")
    page = organiser.get(f"/tindak-lanjut/{item.id}").get_data(as_text=True)
    assert _selected(page, "status") == "sesuai"
    refused = organiser.submit(
        f"/tindak-lanjut/updates/{_pending(item).id}/review",
        {"decision": "accept", "status": "belum_ditindaklanjuti"},
        follow_redirects=True,
    )
    assert "tidak dapat diubah menjadi Belum ditindaklanjuti" in refused.get_data(as_text=True)
    assert (_fresh(item).status, _fresh(item).progress) == ("dalam_proses", 50)
    assert _pending(item) is not None


def test_a_report_with_a_bad_claim_is_refused_in_indonesian_and_changes_nothing(
    login_as, city, make_item
):
    item = make_item(city["dpupr"])
    dpupr = login_as("opd", opd=city["dpupr"])
    done_at_60 = _report(dpupr, item, 60, proposed="sesuai")
    assert done_at_60.status_code == 422
    assert "berprogres 100%" in done_at_60.get_data(as_text=True)
    no_reason = _report(dpupr, item, 0, proposed="tidak_dapat_ditindaklanjuti", narrative="")
    assert no_reason.status_code == 422
    assert "Tulis alasan" in no_reason.get_data(as_text=True)
    unknown = _report(dpupr, item, 10, proposed="selesai_sendiri")
    assert unknown.status_code == 422
    assert db.session.scalar(select(ProgressUpdate.id)) is None
    # A closed item takes no report.
    closed = make_item(city["dpupr"], status="sesuai", title="Selesai")
    refused = _report(dpupr, closed, 100, proposed="sesuai")
    assert refused.status_code == 422 and "sudah ditutup" in refused.get_data(as_text=True)


def test_a_new_report_replaces_one_still_waiting(login_as, city, make_item):
    item = make_item(city["dpupr"])
    dpupr = login_as("opd", opd=city["dpupr"])
    _report(dpupr, item, 20)
    _report(dpupr, item, 25, narrative="Dengan bukti yang tertinggal")
    reviews = db.session.scalars(select(ProgressUpdate.review).order_by(ProgressUpdate.id)).all()
    assert reviews == ["superseded", "pending"]
    assert services.pending_review_count() == 1
    page = login_as("organiser").get(f"/tindak-lanjut/{item.id}").get_data(as_text=True)
    assert page.count('action="/tindak-lanjut/updates/') == 1  # one form, for the newer report
    assert "Diganti laporan baru" in page


def test_a_returned_report_is_flagged_for_the_opd(login_as, city, make_item):
    item = make_item(city["dpupr"], title="Drainase Jl. Diponegoro")
    claim = make_item(city["dpupr"], title="Renja selaras")
    dpupr = login_as("opd", opd=city["dpupr"])
    organiser = login_as("organiser")
    _report(dpupr, item, 30)
    organiser.submit(f"/tindak-lanjut/updates/{_pending(item).id}/review", {"decision": "accept"})
    _report(dpupr, item, 60)
    organiser.submit(
        f"/tindak-lanjut/updates/{_pending(item).id}/review",
        {"decision": "return", "comment": "Foto progres fisik belum dilampirkan."},
    )
    # Returned: the verified progress and status stay.
    assert (_fresh(item).status, _fresh(item).progress) == ("dalam_proses", 30)
    # A returned claim of completion is judged "belum sesuai".
    _report(dpupr, claim, 100, proposed="sesuai")
    organiser.submit(
        f"/tindak-lanjut/updates/{_pending(claim).id}/review",
        {"decision": "return", "status": "sesuai", "comment": "Indikator belum ada."},
    )
    assert (_fresh(claim).status, _fresh(claim).progress) == ("belum_sesuai", 0)

    home = dpupr.get("/").get_data(as_text=True)
    assert 'data-returned="2"' in home
    assert "2 laporan dikembalikan panitia" in home
    returned_list = dpupr.get("/tindak-lanjut/?review=returned").get_data(as_text=True)
    assert "Drainase Jl. Diponegoro" in returned_list and "Renja selaras" in returned_list
    assert returned_list.count('data-flag="returned"') == 2
    page = dpupr.get(f"/tindak-lanjut/{item.id}").get_data(as_text=True)
    assert "Laporan 60% dikembalikan panitia" in page
    assert "Foto progres fisik belum dilampirkan." in page
    # Accepted and returned look different.
    accepted = re.search(r'<span class="badge ([^"]+)" data-review="accepted"', page).group(1)
    returned = re.search(r'<span class="badge ([^"]+)" data-review="returned"', page).group(1)
    assert accepted != returned
    # A new report clears the flag; the organiser's list filter agrees.
    _report(dpupr, item, 60, narrative="Foto terlampir")
    assert 'data-returned="1"' in dpupr.get("/").get_data(as_text=True)
    assert services.returned_count() == 1


def test_every_status_change_goes_through_the_machine_and_is_audited(login_as, city, make_item):
    item = make_item(city["dpupr"], status="dalam_proses", title="Pakta integritas")
    organiser = login_as("organiser")
    form = {"title": "Pakta integritas", "kind": "tugas", "lead_opd": "DPUPR"}
    page = organiser.get(f"/tindak-lanjut/{item.id}/edit").get_data(as_text=True)
    assert "belum_ditindaklanjuti" not in _options(page, "status")
    assert (
        organiser.submit(f"/tindak-lanjut/{item.id}/edit", {**form, "status": "sesuai"}).status_code
        == 302
    )
    assert (_fresh(item).status, _fresh(item).progress) == ("sesuai", 100)
    entry = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.object_type == "ActionItem", AuditEntry.action == "status"
        )
    )
    assert entry.changes["status"] == ["dalam_proses", "sesuai"]
    assert entry.user_id == organiser.user.id
    # Nothing goes back to the start: refused with a message, nothing saved.
    refused = organiser.submit(
        f"/tindak-lanjut/{item.id}/edit",
        {**form, "title": "Judul baru", "status": "belum_ditindaklanjuti"},
    )
    assert refused.status_code == 200
    assert _fresh(item).status == "sesuai" and _fresh(item).title == "Pakta integritas"
    # An OPD report changes no item: no item audit entry beyond the organiser's.
    dpupr = login_as("opd", opd=city["dpupr"])
    other = make_item(city["dpupr"], title="Belum")
    _report(dpupr, other, 40)
    assert _fresh(other).status == "belum_ditindaklanjuti"
    assert not db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.object_type == "ActionItem",
            AuditEntry.object_id == other.id,
            AuditEntry.action != "create",
        )
    ).all()


@pytest.mark.parametrize(
    ("before", "after", "way", "allowed"),
    [
        ("belum_ditindaklanjuti", "dalam_proses", lifecycle.ACCEPT, True),
        ("dalam_proses", "belum_ditindaklanjuti", lifecycle.SET, False),
        ("dalam_proses", "belum_ditindaklanjuti", lifecycle.ACCEPT, False),
        ("sesuai", "dalam_proses", lifecycle.SET, True),
        ("sesuai", "dalam_proses", lifecycle.ACCEPT, False),
        ("dilanjutkan", "dalam_proses", lifecycle.SET, False),
        ("dalam_proses", "dilanjutkan", lifecycle.SET, False),
        ("dalam_proses", "belum_sesuai", lifecycle.RETURN, True),
    ],
)
def test_the_table_decides(make_item, city, request_ctx, before, after, way, allowed):
    item = make_item(city["dpupr"], status=before)
    if allowed:
        lifecycle.move(item, after, way)
        assert item.status == after
    else:
        with pytest.raises(lifecycle.FollowUpError):
            lifecycle.move(item, after, way)
        assert item.status == before
