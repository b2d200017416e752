"""The header's menu: DKFDS's desktop menu and its mobile drawer carry the same links, the page's
own entry is marked, and a user without a menu keeps their own links (base.html)."""

import re

import pytest
from django.urls import reverse


def _menus(html: str) -> tuple[str, str]:
    drawer = re.search(r'<nav class="navigation-menu-mobile".*?</nav>', html, re.S).group(0)
    desktop = re.search(r'<nav class="nav".*?</nav>', html, re.S).group(0)
    return drawer, desktop


def _entries(menu: str) -> list[tuple[str, str]]:
    return re.findall(r'<a href="([^"]+)" class="nav-link"[^>]*><span>([^<]+)</span>', menu)


@pytest.mark.parametrize("persona", ["chef", "bfu", "leader", "visitation"])
def test_it_puts_the_same_links_in_the_mobile_drawer_as_in_the_desktop_menu(
    client, plan, persona, request
):
    client.force_login(request.getfixturevalue(persona))

    html = client.get(reverse("tracks:overview")).content.decode()

    drawer, desktop = _menus(html)
    assert _entries(drawer) == _entries(desktop)
    assert len(_entries(drawer)) >= 5
    assert 'class="function-link button-menu-open js-menu-open' in html
    assert 'aria-haspopup="dialog"' in html
    assert re.search(r'class="mobile-drawer" role="dialog" aria-modal="true"', html)
    # The user's own links are in the drawer too (the header hides them on a phone).
    portal_info_mobile = html.split('<div class="portal-info-mobile">', 1)[1]
    assert "Log af" in portal_info_mobile.split("</div>", 1)[0]


def test_it_marks_the_page_current_and_its_section_active(client, plan, chef, initiative):
    client.force_login(chef)

    on_list = client.get(reverse("tracks:initiative_list")).content.decode()
    on_detail = client.get(reverse("tracks:initiative_detail", args=[initiative.pk]))

    list_url = reverse("tracks:initiative_list")
    for menu in _menus(on_list):
        assert (
            f'<li class="active current"><a href="{list_url}" class="nav-link" '
            'aria-current="page"><span>Tiltag</span>' in menu
        )
        assert menu.count("aria-current") == 1  # not "Planen" too, whose address is shorter
    for menu in _menus(on_detail.content.decode()):
        assert (
            f'<li class="active"><a href="{list_url}" class="nav-link" '
            'aria-current="true"><span>Tiltag</span>' in menu
        )
        assert menu.count("aria-current") == 1
        assert "&quot;" not in menu


def test_a_user_without_a_role_has_no_menu_but_keeps_their_own_links(client, plan, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(username="uden-rolle", role=""))

    html = client.get(reverse("password_change")).content.decode()

    assert "js-menu-open" not in html and "mobile-drawer" not in html
    assert '<div class="portal-user">' in html  # not hidden on a phone: no drawer holds it
    assert "Log af" in html


def test_the_log_in_page_has_no_menu(client, db):
    html = client.get(reverse("login")).content.decode()

    assert "js-menu-open" not in html and "mobile-drawer" not in html
