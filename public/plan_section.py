"""The plan file's `public:` section: whether the plan's progress is public.

```yaml
public:
  enabled: true   # the public page (/offentlig/) and the open data (/api/v1/); default false
```
A file without the section leaves the setting as it is (chefgruppen may have switched it on
in the portal); `export_plan` writes it when it is on.
"""

from typing import Any

from omstilling.models import Plan
from omstilling.plan_file import Flag, LoadContext, Strict, register_section


class PublicIn(Strict):
    enabled: Flag = False


def _load(section: PublicIn, context: LoadContext) -> None:
    context.upsert(Plan, {"slug": context.plan.slug}, {"is_public": section.enabled})


def _export(plan: Plan) -> Any:
    return {"enabled": True} if plan.is_public else None


def register() -> None:
    register_section("public", schema=PublicIn, load=_load, export=_export, order=900)
