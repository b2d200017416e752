"""Pages load their app's style sheet in <head> (base.html's head block), not in the body."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    ("url_name", "sheet"),
    [
        ("investments:pool", "investments/investments.css"),
        ("archive:list", "reports/archive.css"),
        ("supportsystem:directory", "supportsystem/supportsystem.css"),
    ],
)
def test_the_app_style_sheet_is_in_the_head(client, chef, plan, url_name, sheet):
    client.force_login(chef)

    response = client.get(reverse(url_name))

    assert response.status_code == 200
    head, body = response.content.decode().split("</head>", 1)
    assert f'<link rel="stylesheet" href="/static/{sheet}">' in head
    assert "<link" not in body
