"""Render inputs (the lead's portrait, an uploaded logo or font) shared through the artifact store.

A render worker on another machine must find the exact files the lead and the look were locked with. So at lock
time the files go into the artifact store and the lock keeps the store's reference; at render time the references
are turned back into local files. With the default local store both steps leave plain local paths unchanged.
"""

from __future__ import annotations

from pathlib import Path

from agent.artifacts import resolve_ref
from agent.domain import LeadLock, LookSpec
from agent.ports import ArtifactStore


def _is_file_ref(value: str | None) -> bool:
    """A font or logo given as a file (path or store ref), not a bundled font name."""
    return bool(value) and ("/" in value or value.startswith("s3://"))  # type: ignore[operator]


def share_lead(artifacts: ArtifactStore, lead: LeadLock) -> LeadLock:
    """Put the locked portrait into the store; the lock keeps the reference (content hash unchanged)."""
    suffix = Path(lead.portrait_path).suffix or ".png"
    ref = artifacts.put(Path(lead.portrait_path), f"leads/{lead.portrait_hash}{suffix}")
    return lead.model_copy(update={"portrait_path": ref})


def share_look(artifacts: ArtifactStore, look: LookSpec, season_id: int) -> LookSpec:
    """Put an uploaded logo/font into the store before the look is locked."""
    updates: dict[str, str] = {}
    if look.logo_path and not look.logo_path.startswith("s3://"):
        path = Path(look.logo_path)
        updates["logo_path"] = artifacts.put(path, f"season-{season_id}/brand/{path.name}")
    if _is_file_ref(look.font) and not look.font.startswith("s3://"):
        path = Path(look.font)
        updates["font"] = artifacts.put(path, f"season-{season_id}/brand/{path.name}")
    return look.model_copy(update=updates) if updates else look


def localise(artifacts: ArtifactStore | None, lead: LeadLock, look: LookSpec) -> tuple[LeadLock, LookSpec]:
    """References → local files for the renderer (downloads once per machine when the store is remote)."""
    portrait = resolve_ref(artifacts, lead.portrait_path)
    lead = lead.model_copy(update={"portrait_path": str(portrait)}) if portrait else lead
    updates: dict[str, str] = {}
    if look.logo_path:
        logo = resolve_ref(artifacts, look.logo_path)
        if logo:
            updates["logo_path"] = str(logo)
    if _is_file_ref(look.font):
        font = resolve_ref(artifacts, look.font)
        if font:
            updates["font"] = str(font)
    return lead, (look.model_copy(update=updates) if updates else look)
