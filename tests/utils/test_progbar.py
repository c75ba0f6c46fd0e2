"""Progbar's text (outside a terminal), averaging and `add`."""

import re

import pytest

from ember import utils

_TIME = r"\d+(s|ms|us)/step"


def _run(capsys, updates, **kwargs):
    bar = utils.Progbar(**kwargs)
    for current, values in updates:
        bar.update(current, values)
    return capsys.readouterr().out


def test_verbose_2_prints_one_line_at_the_end(capsys):
    out = _run(
        capsys,
        [(1, [("loss", 1.0)]), (2, [("loss", 3.0)]), (3, [("loss", 5.0)])],
        target=3,
        verbose=2,
    )
    assert re.fullmatch(rf"3/3 - \d+s - {_TIME} - loss: 5\.0000\n", out)


def test_verbose_1_lines_average_stateless_metrics(capsys):
    out = _run(
        capsys,
        [
            (1, [("loss", 1.0), ("acc", 0.5)]),
            (2, [("loss", 3.0), ("acc", 0.7)]),
        ],
        target=4,
        width=4,
        interval=0,
        stateful_metrics=["acc"],
    )
    lines = out.splitlines()
    assert len(lines) == 2
    assert re.fullmatch(
        rf"1/4 ━─── \d+s {_TIME} - loss: 1\.0000 - acc: 0\.5000", lines[0]
    )
    # loss is averaged, (1 + 3) / 2; acc (stateful) is shown as given.
    assert re.fullmatch(
        rf"2/4 ━━── \d+s {_TIME} - loss: 2\.0000 - acc: 0\.7000", lines[1]
    )


def test_average_weighs_jumps_in_the_step_count(capsys):
    bar = utils.Progbar(target=10, verbose=1, interval=0)
    bar.update(1, [("loss", 4.0)])
    bar.update(4, [("loss", 0.0)])  # three steps at 0.0
    out = capsys.readouterr().out.splitlines()[-1]
    assert "loss: 1.0000" in out


def test_add_advances_and_unknown_target(capsys):
    bar = utils.Progbar(target=None, verbose=1, interval=0)
    bar.add(2, [("x", 1e-5)])
    bar.add(3)
    lines = capsys.readouterr().out.splitlines()
    assert re.fullmatch(
        rf"      2/Unknown \d+s {_TIME} - x: 1\.0000e-05", lines[0]
    )
    assert lines[1].startswith("      5/Unknown")


def test_verbose_0_is_silent(capsys):
    assert _run(capsys, [(1, [("loss", 1.0)])], target=1, verbose=0) == ""


def test_unit_name(capsys):
    out = _run(capsys, [(2, None)], target=2, verbose=2, unit_name="sample")
    assert re.fullmatch(r"2/2 - \d+s - \d+(s|ms|us)/sample\n", out)


def test_both_metric_lists_are_refused():
    with pytest.raises(ValueError, match="only one of `stateful_metrics`"):
        utils.Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])
