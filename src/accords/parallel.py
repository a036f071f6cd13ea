"""Parallel extraction: run :meth:`Pipeline.analyze` over a stream of documents in worker processes.

:func:`analyze_many` yields :class:`~accords.model.Analysis` objects (for a
single writer process such as ``accords ingest``); :func:`extract_records`
yields the output records of ``accords extract`` (plain dicts, cheaper to send
between processes) and :func:`extract_json_lines` the same records already
serialized as JSON lines. All three:

* stream: input is read lazily, chunk by chunk, in the calling process;
* keep memory bounded: at most ``max_chunks`` chunks of ``chunk_size``
  documents are in flight (sent to workers or finished but not yet yielded);
* yield results in input order, with :class:`~accords.model.DocumentError`
  items passed through at their place;
* build one :class:`~accords.pipeline.Pipeline` per worker process (pool
  initializer), not per document or chunk;
* with ``jobs=1``, or an input smaller than ``min_parallel`` items, run in the
  calling process, with no pool.

A document whose analysis raises becomes a ``DocumentError`` ("extraction
failed: ...") at its place, in every mode, so one bad document never stops a
batch. A failure to build the pipeline (a bad ``--dictionary`` file) is raised.

Workers are started with ``forkserver`` where the platform has it (``spawn``
otherwise), never plain ``fork``: the caller may have threads (a progress bar,
a database driver, Spark's gateway) that ``fork`` does not survive safely.
Scripts that call these functions must guard their entry point with
``if __name__ == "__main__":``.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from .model import Analysis, Document, DocumentError
from .output import analysis_record

if TYPE_CHECKING:
    from .pipeline import Pipeline

T = TypeVar("T")
Item = Document | DocumentError

DEFAULT_CHUNK_SIZE = 32
"""Documents sent to a worker at a time: large enough to amortize inter-process overhead."""

_PIPELINES: dict[tuple[str, ...], Pipeline] = {}


def default_jobs() -> int:
    """The number of CPUs this process may use."""
    if hasattr(os, "process_cpu_count"):  # Python 3.13+
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


def get_pipeline(dictionaries: Iterable[str | Path] = ()) -> Pipeline:
    """The pipeline for these extra dictionaries, built once per process and then reused.

    Worker processes (here and on Spark executors) call this, so each builds
    its lexicon and matchers once.
    """
    key = tuple(str(d) for d in dictionaries)
    pipeline = _PIPELINES.get(key)
    if pipeline is None:
        from .pipeline import Pipeline

        pipeline = _PIPELINES[key] = Pipeline(dictionaries=key)
    return pipeline


# --- the pure per-document functions ---------------------------------------------------------------


def analyze_document(pipeline: Pipeline, doc: Document) -> Analysis | DocumentError:
    """Analyze one document; an exception becomes a :class:`DocumentError` for that document."""
    try:
        return pipeline.analyze(doc)
    except Exception as exc:  # one bad document must not stop the batch
        return DocumentError(doc.origin or doc.id, f"extraction failed: {type(exc).__name__}: {exc}", doc.id)


def document_record(pipeline: Pipeline, doc: Document) -> dict | DocumentError:
    """The ``accords extract`` output record of one document (or its error)."""
    result = analyze_document(pipeline, doc)
    if isinstance(result, DocumentError):
        return result
    try:
        return analysis_record(result)
    except Exception as exc:
        return DocumentError(doc.origin or doc.id, f"extraction failed: {type(exc).__name__}: {exc}", doc.id)


def document_json(pipeline: Pipeline, doc: Document) -> str | DocumentError:
    """The ``accords extract`` output line of one document, without the newline (or its error)."""
    result = document_record(pipeline, doc)
    return result if isinstance(result, DocumentError) else json.dumps(result, ensure_ascii=False)


_FORMS: dict[str, Callable[[Pipeline, Document], Any]] = {
    "analysis": analyze_document,
    "record": document_record,
    "json": document_json,
}


# --- worker side ---------------------------------------------------------------------------------

_WORKER_PIPELINE: Pipeline | None = None
_WORKER_ERROR: BaseException | None = None


def _init_worker(dictionaries: tuple[str, ...]) -> None:
    global _WORKER_PIPELINE, _WORKER_ERROR
    # Ctrl-C is the caller's to handle (it shuts the pool down); workers would only print tracebacks
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _WORKER_PIPELINE = get_pipeline(dictionaries)
    except Exception as exc:  # re-raised by each chunk, so the caller sees the real error
        _WORKER_ERROR = exc


def _work_chunk(docs: list[Document], form: str) -> list:
    if _WORKER_ERROR is not None:
        raise _WORKER_ERROR
    assert _WORKER_PIPELINE is not None
    fn = _FORMS[form]
    return [fn(_WORKER_PIPELINE, doc) for doc in docs]


# --- the driver ----------------------------------------------------------------------------------


def _context(start_method: str | None) -> multiprocessing.context.BaseContext:
    if start_method is None:
        start_method = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    context = multiprocessing.get_context(start_method)
    if start_method == "forkserver":
        # the server imports accords once; each worker forks from it with the modules loaded
        context.set_forkserver_preload(["__main__", __name__, "accords.pipeline"])
    return context


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def _merge(chunk: list[Item], future: Future | None) -> Iterator:
    """The chunk's results in input order: worker results for documents, errors as they were."""
    results = iter(future.result()) if future is not None else iter(())
    for item in chunk:
        yield item if isinstance(item, DocumentError) else next(results)


def _run(
    items: Iterable[Item],
    form: str,
    jobs: int | None,
    dictionaries: Iterable[str | Path],
    chunk_size: int,
    max_chunks: int | None,
    start_method: str | None,
    min_parallel: int | None,
) -> Iterator:
    dicts = tuple(str(d) for d in dictionaries)
    jobs = default_jobs() if not jobs or jobs < 1 else jobs
    chunk_size = max(1, chunk_size)
    fn = _FORMS[form]
    if jobs > 1:
        it = iter(items)
        threshold = chunk_size * jobs if min_parallel is None else min_parallel
        head = list(islice(it, threshold))
        if len(head) < threshold:  # the whole input is this small: starting workers costs more than it saves
            jobs, items = 1, head
        else:
            items = chain(head, it)
    if jobs == 1:
        pipeline = get_pipeline(dicts)
        for item in items:
            yield item if isinstance(item, DocumentError) else fn(pipeline, item)
        return
    limit = max(jobs + 1, max_chunks or 3 * jobs)
    pool = ProcessPoolExecutor(
        max_workers=jobs, mp_context=_context(start_method), initializer=_init_worker, initargs=(dicts,)
    )
    pending: deque[tuple[list[Item], Future | None]] = deque()
    try:
        for chunk in _chunks(items, chunk_size):
            docs = [item for item in chunk if not isinstance(item, DocumentError)]
            pending.append((chunk, pool.submit(_work_chunk, docs, form) if docs else None))
            while len(pending) >= limit:
                yield from _merge(*pending.popleft())
        while pending:
            yield from _merge(*pending.popleft())
    finally:
        # Also reached when the consumer stops early: drop queued work instead of finishing it.
        for _, future in pending:
            if future is not None:
                future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def analyze_many(
    items: Iterable[Item],
    jobs: int | None = None,
    dictionaries: Sequence[str | Path] = (),
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    max_chunks: int | None = None,
    start_method: str | None = None,
    min_parallel: int | None = None,
) -> Iterator[Analysis | DocumentError]:
    """Analyze documents in ``jobs`` processes (default: all CPUs); yield analyses and errors in input order.

    ``max_chunks`` bounds the chunks in flight (default ``3 * jobs``, at least ``jobs + 1``), so memory
    stays bounded whatever the input size. An input of fewer than
    ``min_parallel`` items (default ``chunk_size * jobs``) is analyzed in this
    process: starting workers would take longer than the work (0 always uses
    workers). ``start_method`` is a :mod:`multiprocessing` start method
    (default ``forkserver``, or ``spawn`` where there is none).
    """
    return _run(items, "analysis", jobs, dictionaries, chunk_size, max_chunks, start_method, min_parallel)


def extract_records(
    items: Iterable[Item],
    jobs: int | None = None,
    dictionaries: Sequence[str | Path] = (),
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    max_chunks: int | None = None,
    start_method: str | None = None,
    min_parallel: int | None = None,
) -> Iterator[dict | DocumentError]:
    """Like :func:`analyze_many`, but yield ``accords extract`` output records (see :mod:`accords.output`)."""
    return _run(items, "record", jobs, dictionaries, chunk_size, max_chunks, start_method, min_parallel)


def extract_json_lines(
    items: Iterable[Item],
    jobs: int | None = None,
    dictionaries: Sequence[str | Path] = (),
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    max_chunks: int | None = None,
    start_method: str | None = None,
    min_parallel: int | None = None,
) -> Iterator[str | DocumentError]:
    """Like :func:`extract_records`, but serialized in the workers: one JSON string (no newline) per document."""
    return _run(items, "json", jobs, dictionaries, chunk_size, max_chunks, start_method, min_parallel)
