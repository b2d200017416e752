"""The plan file's `public:` section switches the public page on (off by default)."""

from pathlib import Path

import pytest
from django.conf import settings

from omstilling.plan_export import plan_file_data
from omstilling.plan_file import PlanFileError, load_plan_file

pytestmark = pytest.mark.django_db

MINI = Path(settings.BASE_DIR) / "tests" / "data" / "mini-plan.yaml"


def _with(tmp_path, text: str) -> Path:
    path = tmp_path / "plan.yaml"
    path.write_text(MINI.read_text(encoding="utf-8") + text, encoding="utf-8")
    return path


def test_a_plan_is_not_public_by_default():
    plan, _stats = load_plan_file(MINI)

    assert not plan.is_public


def test_the_public_section_switches_it_on_and_export_writes_it(tmp_path):
    plan, _stats = load_plan_file(_with(tmp_path, "public:\n  enabled: true\n"))
    plan.refresh_from_db()

    assert plan.is_public
    assert plan_file_data(plan)["public"] == {"enabled": True}


def test_a_typo_is_refused_with_its_place(tmp_path):
    with pytest.raises(PlanFileError) as error:
        load_plan_file(_with(tmp_path, "public:\n  enabled: ja\n"))

    assert "public" in str(error.value)
