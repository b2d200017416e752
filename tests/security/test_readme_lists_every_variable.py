"""Every environment variable that settings.py reads is documented in the README."""

import re

from django.conf import settings


def test_every_variable_is_in_the_readme():
    source = (settings.BASE_DIR / "omstilling" / "settings.py").read_text(encoding="utf-8")
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    variables = set(re.findall(r'\benv_\w+\(\s*"([A-Z][A-Z0-9_]*)"', source))

    missing = sorted(name for name in variables if f"`{name}`" not in readme)

    assert len(variables) > 20
    assert not missing, f"not in README.md's configuration table: {missing}"
