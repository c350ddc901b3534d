"""transforms/gcpause.gc_paused: the entity and number stages pause the cyclic collector for a batch and give
it back as they found it, also when the batch fails."""
import gc

import pytest

from transforms.gcpause import gc_paused


def test_the_collector_is_off_inside_and_back_on_after_even_on_an_error():
    assert gc.isenabled()
    with pytest.raises(RuntimeError):
        with gc_paused():
            assert not gc.isenabled()
            raise RuntimeError("batch failed")
    assert gc.isenabled()


def test_a_nested_pause_leaves_the_outer_one_in_force():
    with gc_paused():
        with gc_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_each_chunk_of_a_transform_runs_with_the_collector_paused(monkeypatch):
    from transforms import stages

    seen = []

    def chunk(pages, timings):
        seen.append(gc.isenabled())
        return {"entities": stages.pl.DataFrame()}

    monkeypatch.setattr(stages, "_transform_chunk", chunk)
    monkeypatch.setattr(stages, "CHUNK_CHARS", 5)
    pages = [stages.PageInput(f"s{i}", f"p{i}", "正文十个字正文十个字") for i in range(3)]
    assert gc.isenabled()
    stages.transform_pages_timed(pages)
    assert seen == [False, False, False] and gc.isenabled()


def test_no_pause_outside_the_main_thread_where_the_flow_thread_runs_beside_it():
    import threading

    seen = []

    def work():
        with gc_paused():
            seen.append(gc.isenabled())

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert seen == [True] and gc.isenabled()
