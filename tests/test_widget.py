"""gradscape.Explorer, the notebook widget: its Python side, and driven in a real Jupyter kernel."""

from __future__ import annotations

import json
import subprocess
import sys

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

import gradscape
from gradscape import FormulaError, descend
from gradscape.widget import EXPLORER_STEPS, Explorer

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def test_import_gradscape_does_not_import_anywidget():
    code = "import sys, gradscape; print('anywidget' in sys.modules); gradscape.Explorer"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_explorer_is_exported_lazily_from_the_package():
    assert gradscape.Explorer is Explorer
    with pytest.raises(AttributeError):
        _ = gradscape.NoSuchThing  # type: ignore[attr-defined]


def test_new_explorer_compiles_its_formula_and_opens_at_its_start():
    e = Explorer("w1^2 + 3w2^2")
    assert e.compiled["variables"] == ["w1", "w2"]
    assert e.compiled["program"]["ops"]
    assert e.error == ""
    assert e.view == ((-4.0, 4.0), (-3.0, 3.0))
    assert e.point == (3.0, 1.0)
    assert e.runs == []


def test_the_module_is_the_bundled_widget_and_the_explorer_css():
    assert "export default" in Explorer._esm
    assert "surfaceFromPython" in Explorer._esm
    assert ".gs-explorer" in Explorer._css


def test_bad_formula_in_the_constructor_raises_a_one_line_error():
    with pytest.raises(FormulaError):
        Explorer("w1^2 + foo(w2)")
    with pytest.raises(ValueError, match="at most 8 can be sliders"):
        Explorer(" + ".join(f"p{i}" for i in range(11)))


def test_bad_formula_set_later_keeps_the_last_surface_and_reports_without_raising():
    e = Explorer("w1^2 + 3w2^2")
    e.formula = "w1^2 + foo(w2)"
    assert "foo*(" in e.error
    assert e.error_column == 7
    assert e.compiled["formula"] == "w1^2 + 3w2^2"
    e.formula = " + ".join(f"p{i}" for i in range(11))
    assert "at most 8 can be sliders" in e.error and e.error_column is None
    e.formula = "x^2 - y^2"
    assert e.error == "" and e.compiled["name"] == "saddle"


def test_gallery_name_opens_in_its_window_and_other_formulas_keep_the_view():
    e = Explorer("w1^2 + 3w2^2")
    e.formula = "rosenbrock"
    assert e.compiled["name"] == "rosenbrock"
    assert e.view == ((-2.0, 2.0), (-1.0, 3.0))
    e.view = ((-1, 1), (0, 2))
    e.formula = "x^2 + 3y^2 + x y"
    assert e.view == ((-1.0, 1.0), (0.0, 2.0))


def test_point_and_view_read_and_write_as_tuples():
    e = Explorer()
    e.point = (1.5, -0.25)
    assert e.point == (1.5, -0.25)
    assert e._point == [1.5, -0.25]
    e.view = {"x": [-2, 2], "y": [-1, 1]}
    assert e.view == ((-2.0, 2.0), (-1.0, 1.0))
    with pytest.raises(ValueError, match="min < max"):
        e.view = ((2, -2), (0, 1))
    with pytest.raises(ValueError, match="two numbers"):
        e.point = (1, 2, 3)


def test_add_run_returns_the_trajectory_and_runs_recomputes_it():
    e = Explorer("w1^2 + 3w2^2")
    t = e.add_run((3, 1), optimizer="adam", lr=0.1)
    assert e.run_settings == [
        {"optimizer": "adam", "lr": 0.1, "start": [3.0, 1.0], "steps": t.steps}
    ]
    (again,) = e.runs
    assert again.optimizer == "adam" and again.stopped == t.stopped
    np.testing.assert_array_equal(again.points, t.points)


def test_runs_from_the_front_end_become_trajectories():
    e = Explorer("w1^2 + 3w2^2")
    # as the explorer stores a ball dropped in the browser (no steps: the explorer's cap)
    e.set_state(
        {"_runs": [{"optimizer": "momentum", "lr": 0.02, "start": [2.5, -1.5], "beta": 0.8}]}
    )
    (t,) = e.runs
    want = descend(e.surface, (2.5, -1.5), optimizer="momentum", lr=0.02, beta=0.8,
                   steps=EXPLORER_STEPS)  # fmt: skip
    np.testing.assert_array_equal(t.points, want.points)
    assert t.settings["beta"] == 0.8


def test_runs_accepts_trajectories_and_keeps_non_default_settings():
    s = gradscape.Surface("x^2 + y^2")
    t = descend(s, (1, 1), optimizer="rmsprop", lr=0.05, rho=0.8, steps=30)
    e = Explorer("x^2 + y^2", runs=[t])
    assert e.run_settings == [
        {"optimizer": "rmsprop", "lr": 0.05, "start": [1.0, 1.0], "steps": t.steps, "rho": 0.8}
    ]
    np.testing.assert_array_equal(e.runs[0].points, t.points)
    with pytest.raises(ValueError, match="Unknown optimizer"):
        e.runs = [{"optimizer": "sgd", "start": [0, 0]}]
    with pytest.raises(ValueError, match="Unknown optimizer"):
        e.add_run((0, 1), optimizer="sgd")
    e.clear_runs()
    assert e.runs == []


def test_front_end_typing_round_trip_answers_the_text_it_was_asked():
    e = Explorer()
    e.set_state({"formula": "sin(x) cos(y)"})
    assert e._answered == "sin(x) cos(y)" and e.compiled["formula"] == "sin(x) cos(y)"
    e.set_state({"formula": "sin(x) cos(y"})
    assert e._answered == "sin(x) cos(y" and e.error
    assert e.compiled["formula"] == "sin(x) cos(y)"


# --- in a real kernel ------------------------------------------------------------------------


def _cell_output(cell) -> str:
    return "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")


def test_widget_in_a_jupyter_kernel_is_displayed_driven_and_read_back():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell('import gradscape\ne = gradscape.Explorer("w1^2 + 3w2^2")\ne'),
        nbformat.v4.new_code_cell(
            'e.formula = "rosenbrock"\n'
            "t = e.add_run((-1.5, 2), optimizer='adam', lr=0.05)\n"
            "import json\n"
            "print(json.dumps({'name': e.compiled['name'], 'view': e.view, 'runs': len(e.runs),\n"
            "                  'stopped': e.runs[0].stopped}))"
        ),
        nbformat.v4.new_code_cell(
            "print(json.dumps({'formula': e.formula, 'name': e.compiled['name'],\n"
            "                  'point': e.point, 'error': e.error,\n"
            "                  'runs': [r.optimizer for r in e.runs]}))"
        ),
    ]
    client = NotebookClient(nb, kernel_name="python3", timeout=120)
    with client.setup_kernel():
        client.execute_cell(nb.cells[0], 0)
        (display,) = [o for o in nb.cells[0].outputs if o.output_type == "execute_result"]
        model_id = display["data"][WIDGET_VIEW]["model_id"]

        client.execute_cell(nb.cells[1], 1)
        got = json.loads(_cell_output(nb.cells[1]))
        assert got == {
            "name": "rosenbrock",
            "view": [[-2.0, 2.0], [-1.0, 3.0]],
            "runs": 1,
            "stopped": got["stopped"],
        }

        # the front end: what anywidget's model.save_changes() sends on the widget's comm
        run = {"optimizer": "gd", "lr": 0.1, "start": [0.5, 0.01]}
        state = {"formula": "x^2 - y^2", "_point": [0.5, -0.25], "_runs": [run]}
        update = {"method": "update", "state": state, "buffer_paths": []}
        msg = client.kc.session.msg("comm_msg", {"comm_id": model_id, "data": update})
        client.kc.shell_channel.send(msg)

        client.execute_cell(nb.cells[2], 2)
        got = json.loads(_cell_output(nb.cells[2]))
        assert got == {
            "formula": "x^2 - y^2",
            "name": "saddle",
            "point": [0.5, -0.25],
            "error": "",
            "runs": ["gd"],
        }


def test_a_new_gallery_surface_from_python_clears_the_runs_as_the_browser_does():
    from gradscape import Explorer

    e = Explorer("w1^2 + 3w2^2")
    e.add_run((3, 1), optimizer="gd", lr=0.1)
    assert len(e.runs) == 1
    e.formula = "rosenbrock"
    assert e.runs == []


def test_the_widget_module_exports_only_default_so_anywidget_does_not_warn():
    from gradscape import Explorer

    assert "export const render" not in Explorer._esm
    assert "export default" in Explorer._esm


def test_the_mime_bundle_adds_a_picture_to_the_widget_view():
    from io import BytesIO

    from PIL import Image

    w = Explorer("rosenbrock")
    w.add_run((-1.5, 2), optimizer="adam", lr=0.05)
    data, _metadata = w._repr_mimebundle_()
    assert data[WIDGET_VIEW]["model_id"] == w.model_id  # the live widget, as before
    import base64

    image = Image.open(BytesIO(base64.b64decode(data["image/png"])))
    assert image.format == "PNG" and image.size == (800, 600)
    rgb = np.asarray(image.convert("RGB"), dtype=int)
    colours = len(np.unique(rgb.reshape(-1, 3), axis=0))
    assert 150 < colours <= 256  # the surface in a palette PNG (plot.png_bytes), not a blank


def test_the_mime_bundle_keeps_the_widget_when_the_picture_fails(monkeypatch):
    w = Explorer("bowl")

    def broken(*args, **kwargs):
        raise RuntimeError("no figure here")

    monkeypatch.setattr(w, "picture", broken)
    data, _metadata = w._repr_mimebundle_()
    assert WIDGET_VIEW in data and "image/png" not in data


def test_observing_point_and_runs_fires_when_the_front_end_changes_them():
    w = Explorer("bowl")
    points, runs = [], []
    w.observe(lambda change: points.append(w.point), names="_point")
    w.observe(lambda change: runs.append(len(w.runs)), names="_runs")
    w.set_state({"_point": [1.5, -0.5]})  # what a hover delivers through the comm
    w.set_state({"_runs": [{"optimizer": "gd", "lr": 0.1, "start": [1.5, -0.5]}]})  # a click
    assert points == [(1.5, -0.5)]
    assert runs == [1]


def test_a_formula_with_a_parameter_is_the_slice_at_its_slider():
    e = Explorer("a*x^2 + y^2")
    assert e.compiled["parameters"] == ["a"]
    assert e.surface.variables == ("x", "y")
    assert e.surface.value((1.0, 1.0)) == 2.0  # a = 1 until the slider moves
    e._params = {"axes": ["x", "y"], "sliders": {"a": {"value": 3.0, "min": -10, "max": 10}}}
    assert e.surface.value((1.0, 1.0)) == 4.0
    e._params = {"axes": ["a", "y"], "sliders": {"x": {"value": 2.0, "min": -4, "max": 4}}}
    assert e.surface.variables == ("a", "y")
    assert e.surface.value((0.5, 1.0)) == 0.5 * 4 + 1
    assert e.add_run((1.0, 1.0)).steps > 0


# --- parameter sliders: Explorer.params -------------------------------------------------------


def test_params_are_the_slider_values_with_the_explorers_defaults():
    e = Explorer("a*x^2 + b*y^2")
    assert e.params == {"a": 1.0, "b": 1.0}  # before the page has said anything: 1 on [-10, 10]
    assert Explorer("rosenbrock").params == {}
    e.set_state(
        {"_params": {"axes": ["x", "y"], "sliders": {"a": {"value": 2, "min": 0, "max": 4}}}}
    )
    assert e.params == {"a": 2.0, "b": 1.0}
    e.set_state(
        {"_params": {"axes": ["a", "y"], "sliders": {"x": {"value": 0.5, "min": -4, "max": 4}}}}
    )
    assert e.params == {"x": 0.5, "b": 1.0}  # an axis is no slider; the plot's axes are a and y


def test_setting_params_moves_the_named_sliders_and_keeps_the_others():
    e = Explorer("a*x^2 + b*y^2")
    e.params = {"a": 2.5}
    assert e.params == {"a": 2.5, "b": 1.0}
    assert e._params == {
        "axes": ["x", "y"],
        "sliders": {
            "a": {"value": 2.5, "min": -10.0, "max": 10.0},
            "b": {"value": 1.0, "min": -10.0, "max": 10.0},
        },
    }
    e.set_params(b=-0.5)
    assert e.params == {"a": 2.5, "b": -0.5}
    assert e.surface.value((1.0, 2.0)) == 2.5 * 1 - 0.5 * 4
    assert e.add_run((1.0, 1.0), optimizer="gd", lr=0.01).points.shape[1] == 2
    e.set_params({"a": 40}, b=np.float64(-12))  # outside the range: the range widens to take it
    assert e._params["sliders"]["a"] == {"value": 40.0, "min": -10.0, "max": 40.0}
    assert e._params["sliders"]["b"] == {"value": -12.0, "min": -12.0, "max": 10.0}
    assert Explorer("a*x^2 + y^2", params={"a": 3}).params == {"a": 3.0}


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"c": 1}, "Unknown parameter 'c'; the sliders here: a, b"),
        ({"x": 1}, "x is on an axis of the plot, not a slider; the sliders here: a, b"),
        ({"a": float("nan")}, "parameter a takes a finite number; got nan"),
        ({"a": float("inf")}, "parameter a takes a finite number; got inf"),
        ({"a": "2"}, "parameter a takes a number, e.g. 2.5; got '2'"),
        ({"a": True}, "parameter a takes a number"),
        ([("a", 1)], "params takes a dict of slider values"),
    ],
)
def test_bad_params_raise_one_line_and_change_nothing(values, message):
    e = Explorer("a*x^2 + b*y^2", params={"b": 2})
    before = dict(e._params)
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("*", r"\*")) as err:
        e.params = {"b": 5, **values} if isinstance(values, dict) else values
    assert "\n" not in str(err.value)
    assert e._params == before and e.params == {"a": 1.0, "b": 2.0}


def test_params_of_a_surface_without_parameters_refuse_any_name():
    e = Explorer("rosenbrock")
    with pytest.raises(ValueError, match="none: this surface has no parameters"):
        e.set_params(a=1)


def test_params_follow_a_new_formula():
    e = Explorer("a*x^2 + y^2", params={"a": 3})
    e.formula = "b*x^2 + y^2"
    assert e.params == {"b": 1.0}  # a is not in this formula; b's slider starts at 1
    e.params = {"b": 2}
    assert e._params["sliders"] == {"b": {"value": 2.0, "min": -10.0, "max": 10.0}}


def test_observing_params_fires_when_the_page_moves_a_slider():
    e = Explorer("a*x^2 + y^2")
    seen = []
    e.observe(lambda change: seen.append(e.params), names="_params")
    slid = {"axes": ["x", "y"], "sliders": {"a": {"value": 1.7, "min": -10, "max": 10}}}
    e.set_state({"_params": slid})  # what a slider delivers through the comm
    assert seen == [{"a": 1.7}]
    assert e.surface.value((1.0, 0.0)) == pytest.approx(1.7)


# --- compact ---------------------------------------------------------------------------------


def test_compact_is_a_synced_trait_off_by_default():
    assert Explorer().compact is False
    e = Explorer("rosenbrock", compact=True)
    assert e.compact is True
    assert e.get_state()["compact"] is True and "compact" in e.keys
    e.compact = False  # the front end follows the trait (widget.js)
    assert e.get_state()["compact"] is False
    with pytest.raises(ValueError, match="compact is True or False"):
        Explorer("rosenbrock", compact="yes")  # type: ignore[arg-type]


def test_the_compact_layout_is_in_the_widgets_css_and_module():
    assert ".gs-widget .gs-embed:not(.gs-present) .gs-plot" in Explorer._css  # not 100vh
    assert '"compact"' in Explorer._esm and "gs-embed" in Explorer._esm


def test_compact_and_sliders_travel_between_a_jupyter_kernel_and_its_front_end():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            'import gradscape, json\ne = gradscape.Explorer("a*x^2 + y^2", compact=True)\ne'
        ),
        nbformat.v4.new_code_cell(
            "print(json.dumps({'params': e.params, 'value': e.surface.value((1.0, 1.0))}))"
        ),
        nbformat.v4.new_code_cell('e.params = {"a": 4}\ne.compact = False'),
    ]
    client = NotebookClient(nb, kernel_name="python3", timeout=120)
    with client.setup_kernel():
        client.execute_cell(nb.cells[0], 0)
        (display,) = [o for o in nb.cells[0].outputs if o.output_type == "execute_result"]
        model_id = display["data"][WIDGET_VIEW]["model_id"]
        assert client.widget_state[model_id]["compact"] is True  # what the front end is told

        # a slider let go in the front end: its state on the widget's comm
        slid = {"axes": ["x", "y"], "sliders": {"a": {"value": 2.5, "min": -10, "max": 10}}}
        update = {"method": "update", "state": {"_params": slid}, "buffer_paths": []}
        msg = client.kc.session.msg("comm_msg", {"comm_id": model_id, "data": update})
        client.kc.shell_channel.send(msg)
        client.execute_cell(nb.cells[1], 1)
        assert json.loads(_cell_output(nb.cells[1])) == {"params": {"a": 2.5}, "value": 3.5}

        client.execute_cell(nb.cells[2], 2)  # from Python: the front end gets the new state
        state = client.widget_state[model_id]
        assert state["_params"]["sliders"]["a"]["value"] == 4.0
        assert state["compact"] is False


def test_params_given_with_a_slice_are_refused_in_one_line():
    from gradscape.models.mlp import builtin
    from gradscape.models.slices import make_slice

    s = make_slice(builtin("mlp", n=50), "random")
    with pytest.raises(ValueError, match="a slice has none") as err:
        Explorer(s, params={"a": 2.0})
    assert "\n" not in str(err.value)
