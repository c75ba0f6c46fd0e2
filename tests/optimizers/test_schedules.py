"""ember.optimizers.schedules: values, jit, configs."""

import math

import jax
import numpy as np
import pytest

from ember.optimizers import schedules


def test_exponential_decay():
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    np.testing.assert_allclose(s(10), 0.05, rtol=1e-6)
    np.testing.assert_allclose(s(5), 0.1 * 0.5**0.5, rtol=1e-6)
    stair = schedules.ExponentialDecay(0.1, 10, 0.5, staircase=True)
    np.testing.assert_allclose(stair(15), 0.05, rtol=1e-6)


def test_piecewise_constant():
    s = schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    got = [float(s(np.int32(step))) for step in (0, 10, 11, 20, 21)]
    np.testing.assert_allclose(got, [1.0, 1.0, 0.5, 0.5, 0.1], rtol=1e-6)
    with pytest.raises(ValueError, match="1 less"):
        schedules.PiecewiseConstantDecay([1, 2], [1.0])


def test_polynomial_decay():
    s = schedules.PolynomialDecay(1.0, 10, end_learning_rate=0.0)
    np.testing.assert_allclose(s(5), 0.5, rtol=1e-6)
    np.testing.assert_allclose(s(50), 0.0, atol=1e-7)
    cyc = schedules.PolynomialDecay(1.0, 10, end_learning_rate=0.0, cycle=True)
    np.testing.assert_allclose(cyc(15), 0.25, rtol=1e-6)


def test_inverse_time_decay():
    s = schedules.InverseTimeDecay(1.0, decay_steps=2, decay_rate=1.0)
    np.testing.assert_allclose(s(2), 0.5, rtol=1e-6)


def test_cosine_decay_and_warmup():
    s = schedules.CosineDecay(1.0, 10, alpha=0.0)
    np.testing.assert_allclose(s(5), 0.5, rtol=1e-6)
    np.testing.assert_allclose(s(20), 0.0, atol=1e-7)
    w = schedules.CosineDecay(0.0, 10, warmup_target=1.0, warmup_steps=4)
    np.testing.assert_allclose(w(2), 0.5, rtol=1e-6)
    np.testing.assert_allclose(w(4), 1.0, rtol=1e-6)
    np.testing.assert_allclose(
        w(6), 0.5 * (1 + math.cos(math.pi * 0.2)), rtol=1e-6
    )


def test_cosine_decay_restarts():
    s = schedules.CosineDecayRestarts(1.0, 10)  # periods of 10, 20, 40...
    got = [float(s(np.int32(step))) for step in (0, 5, 10, 20, 30, 50, 70)]
    np.testing.assert_allclose(
        got, [1.0, 0.5, 1.0, 0.5, 1.0, 0.5, 1.0], rtol=1e-5, atol=1e-6
    )
    fixed = schedules.CosineDecayRestarts(1.0, 10, t_mul=1.0, m_mul=0.5)
    np.testing.assert_allclose(fixed(15), 0.25, rtol=1e-5)
    floor = schedules.CosineDecayRestarts(1.0, 10, alpha=0.2)
    np.testing.assert_allclose(floor(5), 0.6, rtol=1e-5)
    with pytest.raises(ValueError, match="first_decay_steps"):
        schedules.CosineDecayRestarts(0.1, 0)


def test_schedules_jit_and_round_trip():
    for s in (
        schedules.ExponentialDecay(0.1, 10, 0.5),
        schedules.PiecewiseConstantDecay([3], [0.1, 0.01]),
        schedules.PolynomialDecay(0.1, 10),
        schedules.InverseTimeDecay(0.1, 10, 0.5),
        schedules.CosineDecay(0.1, 10, warmup_target=0.2, warmup_steps=2),
        schedules.CosineDecayRestarts(0.1, 5, t_mul=1.5, m_mul=0.5),
    ):
        np.testing.assert_allclose(jax.jit(s)(np.int32(4)), s(4), rtol=1e-6)
        clone = schedules.deserialize(schedules.serialize(s))
        assert clone.get_config() == s.get_config()


def test_decay_steps_must_be_positive():
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, 0, 0.5)


def test_deserialize_unknown():
    with pytest.raises(ValueError, match="Did you mean 'CosineDecay'"):
        schedules.deserialize({"class_name": "CosineDecy", "config": {}})


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda: schedules.ExponentialDecay("0.1", 10, 0.5),
            "ExponentialDecay: .*initial_learning_rate='0.1'",
        ),
        (
            lambda: schedules.CosineDecay(0.1, 10, warmup_target=[1]),
            r"CosineDecay: .*warmup_target=\[1\]",
        ),
        (
            lambda: schedules.CosineDecayRestarts(0.1, 10, t_mul=None),
            "CosineDecayRestarts: .*t_mul=None",
        ),
    ],
)
def test_bad_numbers_are_refused_at_construction(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_a_zero_dimensional_array_is_a_number():
    schedule = schedules.ExponentialDecay(np.float32(0.1), 10, np.array(0.5))
    assert float(schedule(10)) == pytest.approx(0.05)
