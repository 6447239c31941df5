import click
from flask.cli import AppGroup

from app.auth import services
from app.auth.models import ROLES, User
from app.extensions import db
from app.opds.services import get_by_code

users_cli = AppGroup("users", help="Manage user accounts.")


def _user_or_fail(email: str) -> User:
    user = services.get_by_email(email)
    if user is None:
        raise click.ClickException(f"no user with email {email}")
    return user


@users_cli.command("create")
@click.argument("email")
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--opd", "opd_code", help="OPD code (required for role opd)")
@click.password_option()
def create(email, name, role, opd_code, password):
    """Create a user account."""
    if services.get_by_email(email):
        raise click.ClickException(f"{email} already exists")
    opd = get_by_code(opd_code) if opd_code else None
    if opd_code and opd is None:
        raise click.ClickException(f"unknown OPD code {opd_code}")
    try:
        services.save_user(
            User(),
            email=email,
            name=name,
            role=role,
            opd_id=opd.id if opd else None,
            password=password,
        )
    except services.UserError as exc:
        raise click.ClickException(str(exc)) from exc
    db.session.commit()
    click.echo(f"created {email} ({role})")


@users_cli.command("token")
@click.argument("email")
def token(email):
    """Issue an API token (replaces the previous one) and print it once."""
    user = _user_or_fail(email)
    if not user.active:
        raise click.ClickException(f"{email} is deactivated")
    value = services.issue_token(user)
    db.session.commit()
    click.echo(value)


@users_cli.command("deactivate")
@click.argument("email")
def deactivate(email):
    """Deactivate an account: it can no longer log in or use its API token."""
    services.set_active(_user_or_fail(email), False)
    db.session.commit()
    click.echo(f"deactivated {email}")
