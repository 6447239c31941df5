"""What browser tests share."""

PASSWORD = "correct horse battery"


def log_in(page, live_server, user, next_url):
    """Log ``user`` in through the real form and land on ``next_url``."""
    page.goto(f"{live_server}/login?next={next_url}")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("main").get_by_role("button", name="Masuk").click()
    page.wait_for_url(f"**{next_url.split('?')[0]}**")
