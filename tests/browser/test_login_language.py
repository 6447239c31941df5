from playwright.sync_api import expect


def test_organiser_logs_in_sees_indonesian_and_switches_to_english(live_server, page, make_user):
    organiser = make_user("organiser", name="Sopa Ike Paci")
    page.goto(f"{live_server}/opd/")

    # Sent to the Indonesian login page, then back to where they wanted to go.
    expect(page.get_by_role("heading", name="Masuk ke Sinergi")).to_be_visible()
    page.get_by_label("Email").fill(organiser.email)
    page.get_by_label("Kata sandi").fill("correct horse battery")
    page.get_by_role("button", name="Masuk").click()
    expect(page.get_by_role("heading", name="Perangkat Daerah")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "id")

    page.get_by_role("link", name="Sinergi").click()  # the brand leads home
    expect(page.get_by_role("heading", name="Selamat datang, Sopa Ike Paci")).to_be_visible()

    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Welcome, Sopa Ike Paci")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()

    # The choice is kept on the next page (the menu groups are in English too).
    page.locator("summary", has_text="Master data & administration").click()
    page.get_by_role("link", name="Regional Agencies (OPD)").click()
    expect(page.get_by_role("heading", name="Regional Agencies (OPD)")).to_be_visible()
