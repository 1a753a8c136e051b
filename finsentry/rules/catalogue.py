"""The violation catalogue: one code per conduct the Jilin plan names.

The packaged `data/violations.yaml` is the single source of codes, domains and
dispositions; every finding, alert, statistic and case uses its codes.
"""

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml


@dataclass(frozen=True)
class Violation:
    """One coded conduct of plan section 二 or 三, and where evidence comes from."""

    code: str
    domain: str
    name: str
    en: str
    sources: tuple[str, ...]


@dataclass(frozen=True)
class Catalogue:
    """The whole catalogue: domains, violations, dispositions, verification methods."""

    domains: dict[str, str]
    violations: dict[str, Violation]
    dispositions: dict[str, str]
    verification_methods: dict[str, str]

    def domain_label(self, domain: str) -> str:
        """Return the Chinese name of a domain code, or the code itself if unknown."""
        return self.domains.get(domain, domain)


@cache
def catalogue() -> Catalogue:
    """Return the packaged catalogue, parsed once per process."""
    text = resources.files("finsentry.rules").joinpath("data/violations.yaml")
    raw = yaml.safe_load(text.read_text(encoding="utf-8"))

    violations = {
        item["code"]: Violation(
            code=item["code"],
            domain=item["domain"],
            name=item["name"],
            en=item["en"],
            sources=tuple(item["sources"]),
        )
        for item in raw["violations"]
    }
    return Catalogue(
        domains=dict(raw["domains"]),
        violations=violations,
        dispositions={d["code"]: d["name"] for d in raw["dispositions"]},
        verification_methods={
            m["code"]: m["name"] for m in raw["verification_methods"]
        },
    )


def domain_choices() -> list[tuple[str, str]]:
    """Return (code, label) pairs of the catalogue's domains for forms and filters."""
    return list(catalogue().domains.items())
