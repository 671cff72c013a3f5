"""Descent: optimizer arithmetic, stopping rules, validation and the JSON form of a trajectory.

Most tests use small hand-written surfaces (anything with `value_and_gradient` will do: `Hand`
gives it from `value` and `gradient`); the last few run on real `gradscape.Surface`s.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gradscape.descent import MAX_STEPS, OPTIMIZERS, RISING, RUNAWAY, Trajectory, descend


class Hand:
    """A hand-written surface: value_and_gradient from its own value and gradient."""

    def value_and_gradient(self, p):
        return self.value(p), self.gradient(p)


class Bowl(Hand):
    """The lesson's bowl f(w1, w2) = w1^2 + 3 w2^2, gradient (2 w1, 6 w2), Hessian diag(2, 6)."""

    variables = ("w1", "w2")

    def __init__(self) -> None:
        self.asked: list[tuple[float, ...]] = []  # every point the gradient was asked for

    def value(self, p):
        return float(p[0] ** 2 + 3 * p[1] ** 2)

    def gradient(self, p):
        self.asked.append(tuple(float(c) for c in p))
        return np.array([2 * p[0], 6 * p[1]], dtype=float)

    def hessian(self, p):
        return np.array([[2.0, 0.0], [0.0, 6.0]])


class HalfPlaneBowl(Hand):
    """x^2 + y^2, defined only where x > 0 (NaN elsewhere, like log would give)."""

    def value(self, p):
        return float(p[0] ** 2 + p[1] ** 2) if p[0] > 0 else math.nan

    def gradient(self, p):
        return np.array([2 * p[0], 2 * p[1]]) if p[0] > 0 else np.array([math.nan, math.nan])


class Saddle(Hand):
    """x^2 - y^2: downhill forever along y."""

    def value(self, p):
        return float(p[0] ** 2 - p[1] ** 2)

    def gradient(self, p):
        return np.array([2 * p[0], -2 * p[1]])


class Quartic(Hand):
    """x^4/4 + x y + y^2: not quadratic, so each step's gradient is genuinely new."""

    def value(self, p):
        x, y = p
        return float(x**4 / 4 + x * y + y**2)

    def gradient(self, p):
        x, y = p
        return np.array([x**3 + y, x + 2 * y])

    def hessian(self, p):
        return np.array([[3 * p[0] ** 2, 1.0], [1.0, 2.0]])


class FlatRamp(Hand):
    """A (made-up) surface with value 0 and constant gradient 1: the point slides forever."""

    def value(self, p):
        return 0.0

    def gradient(self, p):
        return np.ones(len(p))


# --- convergence and the stability limit ----------------------------------------------------------


def test_gd_converges_on_bowl_to_the_minimum():
    tr = descend(Bowl(), (3, 1), "gd", lr=0.1)
    assert tr.stopped == "converged"
    assert np.allclose(tr.points[-1], (0, 0), atol=1e-6, rtol=0)
    assert np.linalg.norm(tr.gradients[-1]) < 1e-6
    assert tr.steps < 100
    # w1 shrinks by 1 - 0.1*2 = 0.8 each step, w2 by 1 - 0.1*6 = 0.4
    assert tr.points[5] == pytest.approx([3 * 0.8**5, 1 * 0.4**5], rel=1e-12)


def test_gd_diverges_on_bowl_above_stability_limit():
    # The Hessian's largest eigenvalue is 6, so gd is stable only for lr < 2/6 = 0.333...:
    # at lr = 0.34 each step multiplies w2 by 1 - 0.34*6 = -1.04. The value would take 194 steps
    # to pass 1e6 x its start; it reaches a new high ten steps in a row much sooner (issue 13).
    tr = descend(Bowl(), (3, 1), "gd", lr=0.34, steps=1000)
    assert tr.stopped == "diverged"
    assert tr.reason == (
        "diverged at step 27: the value ran away: it rose to a new high at each of the last 10 "
        "steps, reaching 24.9 (it was 12 at the start)"
    )
    assert np.all(np.diff(tr.values[-RISING:]) > 0)  # ten new highs in a row,
    assert tr.values[-RISING] > max(tr.values[:-RISING])  # the first above all before it
    assert np.all(np.sign(tr.points[1:, 1]) == -np.sign(tr.points[:-1, 1]))  # w2 zigzags


def test_a_sudden_runaway_still_stops_at_the_first_point_past_1e6():
    tr = descend(Bowl(), (3, 1), "gd", lr=10, steps=1000)
    assert tr.reason.startswith("diverged at step 2: the value ran away: |value| = ")
    assert abs(tr.values[-1]) > RUNAWAY * abs(tr.values[0])
    assert abs(tr.values[-2]) <= RUNAWAY * abs(tr.values[0])  # stopped at the first runaway


def test_converging_spirals_never_trip_the_rising_rule():
    # momentum and nesterov climb back up part of the way on every turn of their spiral
    for name, lr in [("momentum", 0.02), ("momentum", 0.05), ("nesterov", 0.08), ("adam", 0.5)]:
        tr = descend(Bowl(), (3, 1), name, lr=lr, steps=2000)
        assert tr.stopped != "diverged", (name, lr, tr.reason)
        assert np.any(np.diff(tr.values) > 0)  # it did climb, now and then


def test_a_slightly_unstable_rate_is_caught_by_the_rising_rule_within_100_steps():
    tr = descend(Bowl(), (3, 1), "gd", lr=0.335)  # w2 x1.01 a step
    assert tr.stopped == "diverged" and "rose to a new high" in tr.reason


def test_gd_converges_on_bowl_just_below_stability_limit():
    # lr = 0.32: w2 is multiplied by 1 - 0.32*6 = -0.92 each step: it zigzags but shrinks.
    tr = descend(Bowl(), (3, 1), "gd", lr=0.32, steps=1000)
    assert tr.stopped == "converged"
    assert np.allclose(tr.points[-1], (0, 0), atol=1e-6, rtol=0)


# --- each optimizer's first two steps, by hand ----------------------------------------------------
# On the bowl from (3, 1): g0 = (2*3, 6*1) = (6, 6).

HAND_COMPUTED = {
    # gd, lr 0.1:
    #   x1 = (3 - 0.1*6, 1 - 0.1*6) = (2.4, 0.4);  g1 = (4.8, 2.4)
    #   x2 = (2.4 - 0.1*4.8, 0.4 - 0.1*2.4) = (1.92, 0.16)
    "gd": ({"lr": 0.1}, (2.4, 0.4), (1.92, 0.16)),
    # momentum, lr 0.1, beta 0.9:
    #   v1 = 0.9*0 + (6, 6) = (6, 6);  x1 = (3 - 0.6, 1 - 0.6) = (2.4, 0.4);  g1 = (4.8, 2.4)
    #   v2 = 0.9*(6, 6) + (4.8, 2.4) = (10.2, 7.8);  x2 = (2.4 - 1.02, 0.4 - 0.78) = (1.38, -0.38)
    "momentum": ({"lr": 0.1, "beta": 0.9}, (2.4, 0.4), (1.38, -0.38)),
    # nesterov, lr 0.1, beta 0.9:
    #   look-ahead x0 - 0.1*0.9*0 = (3, 1), gradient (6, 6);  v1 = (6, 6);  x1 = (2.4, 0.4)
    #   look-ahead x1 - 0.1*0.9*(6, 6) = (2.4 - 0.54, 0.4 - 0.54) = (1.86, -0.14),
    #   gradient there (2*1.86, 6*(-0.14)) = (3.72, -0.84)
    #   v2 = 0.9*(6, 6) + (3.72, -0.84) = (9.12, 4.56);  x2 = (2.4 - 0.912, 0.4 - 0.456)
    "nesterov": ({"lr": 0.1, "beta": 0.9}, (2.4, 0.4), (1.488, -0.056)),
    # adagrad, lr 0.5 (eps = 1e-8 moves these by < 1e-9):
    #   s1 = (36, 36);  x1 = (3 - 0.5*6/6, 1 - 0.5*6/6) = (2.5, 0.5);  g1 = (5, 3)
    #   s2 = (36 + 25, 36 + 9) = (61, 45)
    #   x2 = (2.5 - 0.5*5/sqrt(61), 0.5 - 0.5*3/sqrt(45))
    #      = (2.5 - 2.5/7.810249675906654, 0.5 - 1.5/6.708203932499369)
    #      = (2.5 - 0.32009219983224, 0.5 - 0.22360679774998)
    "adagrad": ({"lr": 0.5}, (2.5, 0.5), (2.17990780016776, 0.27639320225002)),
    # rmsprop, lr 0.1, rho 0.9:
    #   s1 = 0.9*0 + 0.1*36 = (3.6, 3.6);  step 0.1*6/sqrt(3.6) = 0.6/1.8973665961 = 0.316227766
    #   x1 = (3 - 0.316227766, 1 - 0.316227766) = (2.683772234, 0.683772234)
    #   g1 = (5.367544468, 4.102633404)
    #   s2 = 0.9*3.6 + 0.1*g1^2 = (3.24 + 2.881053362, 3.24 + 1.683160085)
    #      = (6.121053362, 4.923160085)
    #   x2 = x1 - 0.1*g1/sqrt(s2) = (2.683772234 - 0.536754447/2.474076, ...)
    #      = (2.683772234 - 0.216951456, 0.683772234 - 0.184901627)
    "rmsprop": (
        {"lr": 0.1, "rho": 0.9},
        (2.683772233983162, 0.683772233983162),
        (2.466820778386432, 0.498870606896870),
    ),
    # adam, lr 0.1, beta1 0.9, beta2 0.999:
    #   m1 = 0.1*(6, 6) = (0.6, 0.6);  s1 = 0.001*36 = (0.036, 0.036)
    #   m_hat = 0.6/(1 - 0.9) = 6;  s_hat = 0.036/(1 - 0.999) = 36;  step 0.1*6/sqrt(36) = 0.1
    #   x1 = (2.9, 0.9);  g1 = (5.8, 5.4)
    #   m2 = 0.9*0.6 + 0.1*(5.8, 5.4) = (1.12, 1.08)
    #   s2 = 0.999*0.036 + 0.001*(33.64, 29.16) = (0.069604, 0.065124)
    #   m_hat = m2/(1 - 0.81) = (5.894736842, 5.684210526)
    #   s_hat = s2/(1 - 0.998001) = (34.819409705, 32.578289145), sqrt = (5.900797379, 5.707739408)
    #   x2 = (2.9 - 0.1*5.894736842/5.900797379, 0.9 - 0.1*5.684210526/5.707739408)
    #      = (2.9 - 0.099897293, 0.9 - 0.099587772)
    "adam": (
        {"lr": 0.1, "beta1": 0.9, "beta2": 0.999},
        (2.9, 0.9),
        (2.800102707079025, 0.800412227671247),
    ),
    # newton, lr 0.5: H = diag(2, 6), H^-1 g = (6/2, 6/6) = (3, 1): x1 = (3, 1) - 0.5 (3, 1);
    #   then H^-1 g1 = (3/2, 3/6) = (1.5, 0.5): x2 = (1.5 - 0.75, 0.5 - 0.25)
    "newton": ({"lr": 0.5}, (1.5, 0.5), (0.75, 0.25)),
}


def test_every_optimizer_has_a_hand_computed_check():
    assert set(HAND_COMPUTED) == set(OPTIMIZERS)


@pytest.mark.parametrize("name", list(HAND_COMPUTED))
def test_optimizer_first_two_steps_match_hand_computation(name):
    hyper, x1, x2 = HAND_COMPUTED[name]
    tr = descend(Bowl(), (3, 1), name, steps=2, tol=0, **hyper)
    assert tr.steps == 2
    assert tr.points[0] == pytest.approx((3, 1), abs=0)
    assert tr.points[1] == pytest.approx(x1, abs=1e-8)
    assert tr.points[2] == pytest.approx(x2, abs=1e-8)


def test_nesterov_takes_its_gradient_at_the_look_ahead_point():
    bowl = Bowl()
    descend(bowl, (3, 1), "nesterov", lr=0.1, beta=0.9, steps=2, tol=0)
    # start, x1, the look-ahead point x1 - lr*beta*v1 = (1.86, -0.14), x2
    assert len(bowl.asked) == 4
    assert bowl.asked[2] == pytest.approx((1.86, -0.14), abs=1e-12)


def test_nesterov_is_momentum_with_its_gradient_taken_ahead():
    momentum, nesterov = OPTIMIZERS["momentum"], OPTIMIZERS["nesterov"]
    assert nesterov.step is momentum.step
    x, v = np.array([3.0, 1.0]), np.array([0.5, -1.0])
    h = {"lr": 0.1, "beta": 0.9}
    np.testing.assert_array_equal(nesterov.gradient_at(x, (v,), h), x - 0.1 * 0.9 * v)
    assert momentum.gradient_at(x, (v,), h) is x
    assert nesterov.gradient_at(x, (np.zeros(2),), h) is x  # first step: v = 0, x itself


def test_step_functions_do_not_modify_their_inputs():
    for opt in OPTIMIZERS.values():
        x = np.array([3.0, 1.0])
        g = np.array([6.0, 6.0])
        state = tuple(s + 0.5 for s in opt.init(x))  # nonzero state
        if opt.curvature:  # Newton's state is the Hessian at x
            state = (np.array([[2.0, 0.5], [0.5, 6.0]]),)
        before = (x.copy(), g.copy(), tuple(s.copy() for s in state))
        opt.step(x, g, state, 2, opt.defaults)
        opt.gradient_at(x, state, opt.defaults)
        assert np.array_equal(x, before[0]) and np.array_equal(g, before[1]), opt.name
        assert all(np.array_equal(a, b) for a, b in zip(state, before[2], strict=True)), opt.name


# --- stop reasons ---------------------------------------------------------------------------------


def test_converged_reason_names_the_gradient_norm_and_step_count():
    tr = descend(Bowl(), (3, 1), "gd", lr=0.1)
    norm = np.linalg.norm(tr.gradients[-1])
    assert tr.reason == (
        f"converged: |grad| = {norm:.2g} < tol = 1e-6 after {tr.steps} steps".replace("e-07", "e-7")
    )


def test_converged_reason_shows_enough_digits_that_the_inequality_visibly_holds():
    # tol 1e-6 and |grad| = 9.96e-7: two digits would read "|grad| = 1e-6 < tol = 1e-6"
    class Line:
        variables = ("x",)

        def value_and_gradient(self, p):
            return float(p[0]), np.array([9.96e-7])

    tr = descend(Line(), (0.0,), "gd")
    assert tr.reason == "converged: |grad| = 9.96e-7 < tol = 1e-6 at the start (0 steps)"
    tr = descend(Line(), (0.0,), "gd", tol=1.0000001e-6)
    assert tr.reason == "converged: |grad| = 1e-6 < tol = 1.0000001e-6 at the start (0 steps)"


def test_start_at_the_minimum_converges_in_zero_steps():
    tr = descend(Bowl(), (0, 0))
    assert tr.stopped == "converged"
    assert tr.steps == 0
    assert tr.points.shape == (1, 2) and tr.gradients.shape == (1, 2) and tr.values.shape == (1,)
    assert "at the start" in tr.reason


def test_max_steps_when_neither_converged_nor_diverged():
    tr = descend(Bowl(), (3, 1), "gd", lr=0.01, steps=10)
    assert tr.stopped == "max_steps"
    assert tr.steps == 10
    assert tr.reason.startswith("max_steps: stopped after 10 steps with |grad| = ")


def test_zero_steps_records_only_the_start():
    tr = descend(Bowl(), (3, 1), steps=0)
    assert tr.stopped == "max_steps"
    assert tr.points.tolist() == [[3.0, 1.0]]
    assert tr.values.tolist() == [12.0]
    assert tr.gradients.tolist() == [[6.0, 6.0]]


def test_step_into_undefined_region_diverges_and_records_that_point():
    # from (1, 0) with lr 0.75: x1 = 1 - 0.75*2 = -0.5, where the function is undefined
    tr = descend(HalfPlaneBowl(), (1, 0), "gd", lr=0.75)
    assert tr.stopped == "diverged"
    assert tr.steps == 1
    assert tr.points[-1].tolist() == [-0.5, 0.0]
    assert math.isnan(tr.values[-1])
    assert np.all(np.isnan(tr.gradients[-1]))
    assert tr.reason == "diverged at step 1: the function is undefined at (-0.5, 0)"


def test_sliding_down_a_saddle_forever_diverges():
    tr = descend(Saddle(), (1, 1e-3), "gd", lr=0.5, steps=1000)
    assert tr.stopped == "diverged"
    assert tr.values[-1] < -RUNAWAY  # started with |value| ~ 1, so the bound is 1e6
    assert tr.values[-2] >= -RUNAWAY


def test_point_running_away_diverges_even_if_the_value_stays_small():
    tr = descend(FlatRamp(), (1,), "gd", lr=1e5, steps=1000)
    assert tr.stopped == "diverged"
    assert abs(tr.points[-1, 0]) > RUNAWAY
    assert abs(tr.points[-2, 0]) <= RUNAWAY
    assert "the point ran away" in tr.reason


# --- what is recorded -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_recorded_gradient_and_value_are_the_surfaces_at_each_point(name):
    surface = Quartic()
    tr = descend(surface, (1.5, -1.0), name, steps=30, tol=0)
    assert tr.points.shape == (31, 2) and tr.gradients.shape == (31, 2)
    for p, v, g in zip(tr.points, tr.values, tr.gradients, strict=True):
        assert np.array_equal(g, surface.gradient(p))
        assert v == surface.value(p)


class OnePassBowl(Bowl):
    """The bowl, counting calls of value_and_gradient (a Landscape's one pass) and of value."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = {"value_and_gradient": 0, "value": 0}

    def value_and_gradient(self, p):
        self.calls["value_and_gradient"] += 1
        return self.value(p), self.gradient(p)

    def value(self, p):
        self.calls["value"] += 1
        return super().value(p)


def test_value_and_gradient_is_called_once_per_point_and_nothing_else():
    surface = OnePassBowl()
    tr = descend(surface, (3, 1), "gd", lr=0.1, steps=5, tol=0)
    assert surface.calls == {"value_and_gradient": 6, "value": 6}  # value only via the one pass
    assert tr.points[1].tolist() == pytest.approx([2.4, 0.4])


def test_settings_record_defaults_and_overrides():
    tr = descend(Bowl(), (3, 1), "adam", beta2=0.99, steps=1)
    assert tr.optimizer == "adam"
    assert tr.settings == {"lr": 0.1, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8}
    assert descend(Bowl(), (3, 1), steps=1).settings == {"lr": 0.1}


def test_every_optimizer_lists_lr_first_with_a_valid_default():
    for name, opt in OPTIMIZERS.items():
        assert opt.name == name
        assert next(iter(opt.params)) == "lr"
        for pname, p in opt.params.items():
            assert p.problem(p.default) is None, (name, pname)


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_default_settings_approach_the_bowl_minimum_within_100_steps(name):
    tr = descend(Bowl(), (3, 1), name)
    assert tr.stopped in ("converged", "max_steps")
    assert np.linalg.norm(tr.points[-1]) < 0.05
    assert np.all(np.abs(tr.points[:, 0]) <= 4) and np.all(np.abs(tr.points[:, 1]) <= 3)


def test_to_dict_of_a_diverged_run_is_strict_json():
    tr = descend(HalfPlaneBowl(), (1, 0), "gd", lr=0.75)
    d = json.loads(json.dumps(tr.to_dict(), allow_nan=False))
    assert d["stopped"] == "diverged"
    assert d["values"][-1] is None
    assert d["gradients"][-1] == [None, None]
    assert d["points"] == [[1.0, 0.0], [-0.5, 0.0]]
    assert d["steps"] == 1
    assert d["settings"] == {"lr": 0.75}


@settings(max_examples=60, deadline=None)
@given(
    name=st.sampled_from(sorted(OPTIMIZERS)),
    lr=st.floats(1e-3, 1e3),
    x=st.floats(-10, 10),
    y=st.floats(-10, 10),
)
def test_to_dict_is_strict_json_whatever_happens(name, lr, x, y):
    tr = descend(Bowl(), (x, y), name, lr=lr, steps=300)
    json.dumps(tr.to_dict(), allow_nan=False)
    assert isinstance(tr, Trajectory)
    assert len(tr.values) == tr.steps + 1


# --- validation -----------------------------------------------------------------------------------


def test_unknown_optimizer_lists_the_valid_ones():
    with pytest.raises(ValueError, match=r"Unknown optimizer 'sgd'. Use one of: gd, momentum, "):
        descend(Bowl(), (3, 1), "sgd")


def test_unknown_hyperparameter_lists_that_optimizers_ones():
    with pytest.raises(ValueError, match=r"gd has no hyperparameter 'beta'\. Use one of: lr\.$"):
        descend(Bowl(), (3, 1), "gd", beta=0.9)
    with pytest.raises(ValueError, match="Use one of: lr, beta1, beta2, eps"):
        descend(Bowl(), (3, 1), "adam", beta=0.9)


@pytest.mark.parametrize("lr", [0, -0.1, math.nan, math.inf, "fast"])
def test_learning_rate_must_be_positive_and_finite(lr):
    with pytest.raises(ValueError, match=r"^lr must be"):
        descend(Bowl(), (3, 1), lr=lr)


@pytest.mark.parametrize("beta", [1.0, -0.1, 1.5])
def test_momentum_beta_must_be_a_fraction_below_one(beta):
    with pytest.raises(ValueError, match="beta must be at least 0 and less than 1"):
        descend(Bowl(), (3, 1), "momentum", beta=beta)


@pytest.mark.parametrize("steps", [-1, MAX_STEPS + 1, 2.5, True])
def test_steps_must_be_a_whole_number_within_the_limit(steps):
    with pytest.raises(ValueError, match=r"^steps must be"):
        descend(Bowl(), (3, 1), steps=steps)


def test_max_steps_limit_itself_is_allowed():
    tr = descend(Bowl(), (3, 1), steps=MAX_STEPS)  # converges long before
    assert tr.stopped == "converged"


def test_tol_must_be_non_negative():
    with pytest.raises(ValueError, match=r"^tol must be"):
        descend(Bowl(), (3, 1), tol=-1)


def test_start_of_wrong_length_names_the_variables():
    with pytest.raises(ValueError, match=r"2 variables \(w1, w2\); give one coordinate per"):
        descend(Bowl(), (3, 1, 2))


def test_start_of_wrong_length_is_caught_without_a_variables_attribute():
    with pytest.raises(ValueError, match="one coordinate per variable"):
        descend(Saddle(), (3, 1, 2))


@pytest.mark.parametrize("start", [(math.nan, 1), (3, math.inf)])
def test_start_must_be_finite(start):
    with pytest.raises(ValueError, match="is not finite"):
        descend(Bowl(), start)


def test_start_must_be_numbers():
    with pytest.raises(ValueError, match="The start must be a list of numbers"):
        descend(Bowl(), ("a", "b"))


def test_start_where_the_function_is_undefined_says_so():
    with pytest.raises(
        ValueError, match=r"^The function is undefined at \(-1, 0\); start somewhere it is defined"
    ):
        descend(HalfPlaneBowl(), (-1, 0))


# --- through real Surfaces ------------------------------------------------------------------------


def _surface_class():
    try:
        from gradscape import Surface
    except ImportError:
        pytest.skip("gradscape.Surface is not available yet")
    return Surface


def test_real_surface_bowl_converges_with_gd():
    bowl = _surface_class()("w1^2 + 3w2^2")
    tr = descend(bowl, (3, 1), "gd", lr=0.1)
    assert tr.stopped == "converged"
    assert np.allclose(tr.points[-1], (0, 0), atol=1e-6, rtol=0)
    for p, g in zip(tr.points, tr.gradients, strict=True):
        assert np.array_equal(g, bowl.gradient(p))


@pytest.mark.parametrize("name", list(HAND_COMPUTED))
def test_real_surface_bowl_matches_the_hand_computation(name):
    bowl = _surface_class()("w1^2 + 3w2^2")
    hyper, x1, x2 = HAND_COMPUTED[name]
    tr = descend(bowl, (3, 1), name, steps=2, tol=0, **hyper)
    np.testing.assert_allclose(tr.points[1:], [x1, x2], rtol=0, atol=1e-8)


def test_real_surface_undefined_start_and_undefined_step():
    surface = _surface_class()("log(x) + y^2")
    with pytest.raises(ValueError, match="undefined at"):
        descend(surface, (-1, 0))
    tr = descend(surface, (1, 1), "gd", lr=2.0)  # x1 = 1 - 2*(1/1) = -1
    assert tr.stopped == "diverged"
    json.dumps(tr.to_dict(), allow_nan=False)


def test_real_surface_rosenbrock_from_the_classic_start_makes_progress():
    rosen = _surface_class()("(1-x)^2 + 100(y-x^2)^2")
    tr = descend(rosen, (-1.2, 1), "adam", lr=0.05, steps=2000)
    assert tr.values[-1] < 1e-3 * tr.values[0]
