"""Shared fixtures: the built-in pipeline (built once) and the third-party data beside the checkout."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accords.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not available (../shared beside the checkout)")
    return path


@pytest.fixture(scope="session")
def pipeline() -> Pipeline:
    return Pipeline()


@pytest.fixture(scope="session")
def seeds() -> list[dict]:
    with shared_path("seeds", "seeds.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="session")
def seed_analyses(pipeline: Pipeline) -> dict:
    from accords.readers import read_inputs

    docs = list(read_inputs([str(shared_path("seeds", "seeds.jsonl"))]))
    return {doc.id: pipeline.analyze(doc) for doc in docs}


from tests.conftest_pg import module_store_url, pg_server, store_url  # noqa: E402, F401  (both storage backends)
