from sqlalchemy import func, select

from app.auth.models import User
from app.auth.services import get_by_email, user_for_token
from app.extensions import db
from app.opds.models import Opd


def test_users_create_token_and_deactivate(app, make_opd):
    make_opd("DINKES")
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=[
            "users",
            "create",
            "kadis@dinkes.test",
            "--name",
            "Kadis",
            "--role",
            "opd",
            "--opd",
            "dinkes",
            "--password",
            "rahasia-panjang",
        ]
    )
    assert result.exit_code == 0, result.output
    user = get_by_email("kadis@dinkes.test")
    assert user.opd.code == "DINKES" and user.check_password("rahasia-panjang")

    result = runner.invoke(
        args=[
            "users",
            "create",
            "x@y.test",
            "--name",
            "X",
            "--role",
            "opd",
            "--password",
            "rahasia-panjang",
        ]
    )
    assert result.exit_code != 0 and "needs an OPD" in result.output

    token = runner.invoke(args=["users", "token", "kadis@dinkes.test"]).output.strip()
    assert len(token) >= 40 and user_for_token(token).id == user.id

    result = runner.invoke(args=["users", "deactivate", "kadis@dinkes.test"])
    assert result.exit_code == 0
    db.session.expire_all()
    assert user_for_token(token) is None and not get_by_email("kadis@dinkes.test").active

    assert runner.invoke(args=["users", "token", "nobody@x.test"]).exit_code != 0


def test_seed_demo_is_idempotent_and_its_accounts_log_in(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "admin@demo.test" in first.output and "opd-diskominfo@demo.test" in first.output
    counts = (
        db.session.scalar(select(func.count()).select_from(Opd)),
        db.session.scalar(select(func.count()).select_from(User)),
    )
    assert 35 <= counts[0] <= 45
    # An OPD's demo account is its staff, not the check-in operator (issue 27); a database
    # seeded by an earlier version gets the name corrected, the e-mail unchanged.
    staff = get_by_email("opd-bappeda@demo.test")
    assert staff.name == "Staf Bappeda"
    staff.name = "Operator Bappeda"
    db.session.commit()
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    db.session.expire_all()
    assert get_by_email("opd-bappeda@demo.test").name == "Staf Bappeda"
    assert not db.session.scalar(
        select(func.count())
        .select_from(User)
        .where(User.name.like("Operator %"), User.role == "opd")
    )
    assert counts == (
        db.session.scalar(select(func.count()).select_from(Opd)),
        db.session.scalar(select(func.count()).select_from(User)),
    )
    kinds = set(db.session.scalars(select(Opd.kind)))
    assert {
        "sekretariat",
        "bagian",
        "inspektorat",
        "dinas",
        "badan",
        "kecamatan",
        "kelurahan",
    } <= kinds
    sisir = db.session.scalar(select(Opd).where(Opd.code == "KEL-SISIR"))
    assert sisir.parent.code == "KEC-BATU"

    for email in [
        "admin@demo.test",
        "panitia@demo.test",
        "operator@demo.test",
        "pimpinan@demo.test",
        "opd-bappeda@demo.test",
    ]:
        client = app.test_client()
        assert client.login(email, "sinergi-demo").status_code == 302, email
        assert client.get("/").status_code == 200
    assert get_by_email("opd-bappeda@demo.test").opd.code == "BAPPEDA"
