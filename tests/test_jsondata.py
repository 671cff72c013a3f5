"""jsondata.py: JSON without NaN, and JSON that cannot close the element it is inlined in."""

from __future__ import annotations

import json
import math

import numpy as np

from gradscape.jsondata import json_script, jsonable


def test_nan_and_infinities_become_null_at_any_depth():
    data = {"a": math.nan, "b": [1.0, math.inf, (-math.inf, 2)], "c": np.array([[np.nan, 3.0]])}
    assert jsonable(data) == {"a": None, "b": [1.0, None, [None, 2]], "c": [[None, 3.0]]}
    json.dumps(jsonable(data), allow_nan=False)


def test_numpy_scalars_become_json_numbers():
    assert json.dumps(jsonable([np.float64(0.5), np.int64(3), np.float32(2)])) == "[0.5, 3, 2.0]"
    assert jsonable(np.float64("nan")) is None


def test_json_script_is_one_element_whose_text_cannot_end_it_early():
    html = json_script("d", {"formula": "</script><script>alert(1)</script>", "x": [1.5]})
    assert html.startswith('<script type="application/json" id="d">')
    assert html.endswith("</script>") and html.count("</script>") == 1
    inner = html[len('<script type="application/json" id="d">') : -len("</script>")]
    assert json.loads(inner) == {"formula": "</script><script>alert(1)</script>", "x": [1.5]}
