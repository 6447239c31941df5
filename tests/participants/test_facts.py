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


def test_a_change_names_its_day_and_a_new_time_is_not_a_move(app):
    """Issue 27: "dipindah" was said of a new start time on the same day, with no day named."""
    same_day = {
        "type": "moved",
        "title": "Pleno",
        "old_start": "2025-08-04T02:00:00",  # Senin 10.00 WITA
        "old_end": "2025-08-04T03:00:00",
        "new_start": "2025-08-04T03:00:00",
        "new_end": "2025-08-04T04:00:00",
    }
    longer = same_day | {"new_start": same_day["old_start"], "new_end": "2025-08-04T03:30:00"}
    with facts.indonesian():
        assert facts.change_line(same_day, "Asia/Makassar") == (
            "Jadwal sesi Pleno pada Senin 4 Agustus diubah: 10.00–11.00 WITA → 11.00–12.00 WITA"
        )
        assert facts.change_line(longer, "Asia/Makassar") == (
            "Sesi Pleno pada Senin 4 Agustus kini berakhir 11.30 WITA (sebelumnya 11.00 WITA)"
        )
        from agenda.change_log import describe_change

        assert describe_change(same_day, "Asia/Makassar") == (
            "Jadwal sesi Pleno pada Sen, 4 Agu diubah: 10.00–11.00 → 11.00–12.00"
        )
