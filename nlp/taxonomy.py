"""The request taxonomy (training_data/categories.yaml): codes, Chinese names, definitions, deadlines."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml


class TaxonomyError(ValueError):
    """categories.yaml is missing or malformed; the message says where."""


@dataclass(frozen=True)
class Category:
    """One request category."""

    code: str
    name: str
    definition: str
    deadline_hours: int


@dataclass(frozen=True)
class Taxonomy:
    """All categories, in file order."""

    categories: tuple[Category, ...]

    def get(self, code: str) -> Category | None:
        by_code = self.__dict__.get("_by_code")
        if by_code is None:  # built on first use: classify --file looks names up four times a message
            by_code = {c.code: c for c in self.categories}
            object.__setattr__(self, "_by_code", by_code)
        return by_code.get(code)

    def name(self, code: str) -> str:
        """Chinese name of ``code``; the code itself for labels outside the taxonomy."""
        category = self.get(code)
        return category.name if category else code

    @property
    def codes(self) -> list[str]:
        return [c.code for c in self.categories]


def load_taxonomy(path: Path) -> Taxonomy:
    """Read and validate categories.yaml."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TaxonomyError(f"{path}: file not found") from None
    except yaml.YAMLError as err:
        raise TaxonomyError(f"{path}: not valid YAML ({err})") from None
    entries = data.get("categories") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise TaxonomyError(f"{path}: expected a non-empty list under 'categories'")
    categories: list[Category] = []
    for index, entry in enumerate(entries, 1):
        try:
            category = Category(
                code=str(entry["code"]),
                name=str(entry["name"]),
                definition=str(entry.get("definition", "")),
                deadline_hours=int(entry["deadline_hours"]),
            )
        except (KeyError, TypeError, ValueError):
            raise TaxonomyError(f"{path}: category #{index} needs code, name and a whole-number deadline_hours") from None
        if category.deadline_hours <= 0:
            raise TaxonomyError(f"{path}: category {category.code!r} needs a positive deadline_hours")
        categories.append(category)
    codes = [c.code for c in categories]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    if duplicates:
        raise TaxonomyError(f"{path}: duplicate category code {duplicates[0]!r}")
    return Taxonomy(tuple(categories))
