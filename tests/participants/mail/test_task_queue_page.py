"""The admins' view of the task queue on the overall outbox page: how tasks run, what waits in
the broker, which workers run what, and the last failures; organisers do not see it."""

from participants.mail import outbox, tasks
from tests.worker import QUEUE, background_tasks, start_worker, stop, wait_for

from .conftest import messages, publish


def test_admins_see_the_queue_and_the_last_failures_organisers_do_not(
    app, login_as, smtp_server, meeting, make_person, make_registration
):
    publish(meeting)
    for name in ("a", "salah"):
        make_registration(meeting, make_person(email=f"{name}@batukota.example"))
    smtp_server.refuse.add("salah@batukota.example")
    admin = login_as("admin")
    admin.submit("/manage/events/sm-tw3/outbox/invitations")
    admin.submit("/manage/events/sm-tw3/outbox/send")

    page = admin.get("/manage/outbox/").get_data(as_text=True)
    assert "Antrean tugas latar belakang" in page
    assert "tugas dijalankan langsung di dalam permintaan" in page
    assert "data-last-failures" in page and "Alamat penerima ditolak server email" in page
    organiser = login_as("organiser")
    assert "Antrean tugas latar belakang" not in organiser.get("/manage/outbox/").get_data(
        as_text=True
    )


def test_with_a_broker_the_page_counts_waiting_tasks_and_messages_on_their_way(
    app, login_as, smtp_server, meeting, make_person, make_registration
):
    for n in range(5):
        make_registration(meeting, make_person(email=f"p{n}@batukota.example"))
    outbox.queue_invitations(meeting)
    admin = login_as("admin")
    app.config["MAIL_BATCH_SIZE"] = 2
    try:
        with background_tasks(app):  # no worker runs: the tasks wait in Redis
            assert tasks.dispatch().count == 5
            page = admin.get("/manage/outbox/").get_data(as_text=True)
    finally:
        app.config["MAIL_BATCH_SIZE"] = 30
    assert 'data-tasks-waiting="3"' in page  # three batches of at most two
    assert 'data-workers="0"' in page
    assert 'data-on-the-way="5"' in page
    assert smtp_server.messages == [] and {m.status for m in messages()} == {"queued"}


def test_the_page_counts_the_workers_of_its_own_queue_only(app, login_as):
    """Another application's workers (or another test run's) on the same Redis are not ours."""
    admin = login_as("admin")
    another_app = f"{QUEUE}-another-app"
    started = []
    try:
        with background_tasks(app) as celery:

            def listening(queue):
                def check():
                    answers = celery.control.inspect(timeout=0.5).active_queues() or {}
                    return any(q.get("name") == queue for qs in answers.values() for q in qs)

                return check

            started.append(start_worker(app, queue=another_app))
            wait_for(listening(another_app), what="the other application's worker")
            alone = admin.get("/manage/outbox/").get_data(as_text=True)
            started.append(start_worker(app))
            wait_for(listening(QUEUE), what="this queue's worker")
            both = admin.get("/manage/outbox/").get_data(as_text=True)
    finally:
        for worker in started:
            stop(worker)
    assert 'data-workers="0"' in alone
    assert 'data-workers="1"' in both
