"""Whatever the door answers ``ok`` is counted on the lists, the dashboard and the attendance
API — after every scan, whatever the order and the time (issue 23; tests/attendance/door.py)."""

from hypothesis import HealthCheck, settings
from hypothesis.stateful import run_state_machine_as_test

from tests.attendance.door import Door, DoorRules

SETTINGS = settings(
    max_examples=10,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def test_the_door_and_every_list_agree_after_every_scan(
    app, make_event, make_session, make_registration, make_person, make_user
):
    class Machine(DoorRules):
        def __init__(self):
            super().__init__()
            self.door = Door.build(
                app, make_event, make_session, make_registration, make_person, make_user
            )

    run_state_machine_as_test(Machine, settings=SETTINGS)
