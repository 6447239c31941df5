"""What participants are told about an event (participants/facts.py): agenda changes in words."""

from participants import facts


def test_change_lines_in_indonesian_in_the_event_zone(app):
    change = {
        "type": "moved",
        "title": "Pleno",
        "old_start": "2025-08-04T02:00:00",  # 09.00 WITA
        "old_end": "2025-08-04T03:00:00",
        "new_start": "2025-08-05T01:00:00",
        "new_end": "2025-08-05T02:00:00",
    }
    with facts.indonesian():
        line = facts.change_line(change, "Asia/Makassar")
        room = facts.change_line(
            {"type": "room", "title": "Pleno", "old": "Aula", "new": "Ruang Rapat"},
            "Asia/Makassar",
        )
    assert (
        line
        == "Sesi Pleno dipindah Senin 4 Agustus 10.00–11.00 WITA → Selasa 5 Agustus 09.00–10.00 WITA"
    )
    assert room == "Sesi Pleno pindah ruang: Aula → Ruang Rapat"
