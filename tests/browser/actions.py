"""What a user does in the browser, as the journeys and the audit need it."""


def log_in(page, base_url: str, username: str, password: str = "demo") -> None:
    """Log in on the log-in page as a demo user (password "demo") and wait for the next page."""
    page.goto(f"{base_url}/log-ind/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def tab_to(page, text: str, limit: int = 60) -> None:
    """Press Tab until the element whose text is `text` has the focus (keyboard only)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == text:
            return
    raise AssertionError(f"{text} cannot be reached with Tab")


def open_menu_item(page, name: str) -> None:
    """Follow a main-menu link as a user would: DKFDS moves the entries that do not fit the
    width under "Mere", so open that first when the link is not shown."""
    menu = page.locator(".navigation-menu").first
    link = menu.get_by_role("link", name=name, exact=True).first
    if not link.is_visible():
        menu.locator(".more-button").first.click()
    link.click()
