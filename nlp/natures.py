"""The natures of a request (诉求性质): what the resident wants, the second axis beside the category."""

from __future__ import annotations

# code → Chinese name, in the order they are shown (SPEC "What a request is").
NATURES: dict[str, str] = {
    "consult": "咨询",
    "help": "求助",
    "complaint": "投诉",
    "report": "举报",
    "suggestion": "建议",
    "praise": "表扬",
}


def nature_name(code: str | None) -> str:
    """The Chinese name of ``code`` ('' for none or an unknown code)."""
    return NATURES.get(code or "", "")
