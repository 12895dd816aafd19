"""hyosan crowd tune: targets, an interrupted study resumed, the preset it writes replays."""

import json

import optuna
import pytest
from optuna.trial import TrialState

from sandbox.cli import main
from sandbox.crowd import PARAMS, load_preset
from sandbox.crowd.setup import load_setup
from sandbox.tuning.parse import parse_target
from sandbox.tuning.runner import RunSpec, run, world_resolver
from sandbox.tuning.tune import STUDY_NAME

RUN = ["--agents", "40", "--seconds", "8", "--jobs", "1"]
TARGET = "reach(corridor_floor4) = 5 ± 0.5"


def tune_args(tmp_path, trials=5, target=TARGET):
    return ["crowd", "tune", "rooftop_siege", *RUN, "--target", target, "--param",
            "max_speed=2:7", "--trials", str(trials), "-o", str(tmp_path / "tuned.toml")]


def trials(path):
    study = optuna.load_study(study_name=STUDY_NAME, storage=f"sqlite:///{path}")
    return study.get_trials()


def test_target_forms():
    known = ["reach(roof_door)", "infected"]
    t = parse_target("reach(roof_door) = 40 ± 2", known)
    assert (t.metric, t.value, t.tol) == ("reach(roof_door)", 40.0, 2.0)
    assert parse_target(" reach( roof_door )=40+-2 ", known).metric == "reach(roof_door)"
    assert parse_target("infected = 3 +/- 0.5", known).tol == 0.5
    assert t.miss(43.0, 99.0) == pytest.approx(1.5) and t.miss(None, 44.0) == pytest.approx(2.0)


@pytest.mark.parametrize("target, words", [
    ("reach(roof_door) = 40", ["METRIC = VALUE ± TOL"]),
    ("reach(roof_door) ~ 40 ± 2", ["METRIC = VALUE ± TOL"]),
    ("reach(attic) = 40 ± 2", ["unknown metric reach(attic)", "reach(roof_door)"]),
    ("reach(roof_door) = 40 ± 0", ["tolerance 0"]),
])
def test_bad_target_is_one_line_exit_2_and_nothing_written(tmp_path, capsys, target, words):
    assert main(tune_args(tmp_path, target=target)) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    for w in words:
        assert w in err
    assert not list(tmp_path.iterdir())


def test_interrupted_tune_resumes_where_it_stopped(tmp_path, monkeypatch, capsys):
    import sandbox.tuning.runner as runner

    calls = []
    real = runner.run

    def cut_off_at_the_fourth(spec, *a, **k):
        calls.append(spec)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(spec, *a, **k)

    monkeypatch.setattr(runner, "run", cut_off_at_the_fourth)
    assert main(tune_args(tmp_path)) == 130
    assert "3 of 5 trials finished are kept" in capsys.readouterr().err
    study_db = tmp_path / "tuned.study.db"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["tuned.study.db"]  # no preset, no report
    first = trials(study_db)
    assert [t.state for t in first] == [TrialState.COMPLETE] * 3 + [TrialState.RUNNING]
    cut = first[3].params

    monkeypatch.setattr(runner, "run", real)
    assert main(tune_args(tmp_path)) == 0
    assert "resuming" in capsys.readouterr().out
    after = trials(study_db)
    assert [(t.number, t.params, t.value) for t in after[:3]] == \
        [(t.number, t.params, t.value) for t in first[:3]]        # kept as they were
    assert after[3].state == TrialState.FAIL
    assert after[4].params == cut and after[4].user_attrs["requeued_from"] == 3
    assert sum(t.state == TrialState.COMPLETE for t in after) == 5

    # the preset written loads with the preset loader and replays the best trial exactly
    out = tmp_path / "tuned.toml"
    params = load_preset(out)
    load_setup(out, world_resolver())
    rep = json.loads((tmp_path / "tuned.report" / "report.json").read_text())
    best = min((t for t in after if t.state == TrialState.COMPLETE), key=lambda t: t.value)
    assert rep["best_trial"] == best.number and rep["trials_finished"] == 5
    assert params["max_speed"] == rep["values"]["max_speed"] == pytest.approx(
        best.params["max_speed"], abs=5e-5)
    (target,) = rep["targets"]
    assert target["metric"] == "reach(corridor_floor4)" and target["want"] == 5.0
    assert target["within"] == (abs(target["got"] - 5.0) <= 0.5)
    m, _ = run(RunSpec(str(out), seconds=8.0, agents=40))
    assert m.reach["corridor_floor4"] == pytest.approx(target["got"])
    assert out.read_text().startswith("# Tuned by `hyosan crowd tune` from rooftop_siege.toml")

    # the study refuses other settings
    assert main(tune_args(tmp_path, target="reach(corridor_floor4) = 4 ± 0.5")) == 2
    err = capsys.readouterr().err.strip()
    assert "was started with targets" in err and len(err.splitlines()) == 1


def test_tuned_and_set_parameters_cannot_overlap(tmp_path, capsys):
    args = tune_args(tmp_path) + ["--set", "max_speed=3"]
    assert main(args) == 2
    assert "either tuned or set" in capsys.readouterr().err


def test_every_declared_parameter_can_be_tuned_by_name():
    from sandbox.tuning.parse import parse_params
    decl = {p.name: p for p in PARAMS}
    space = parse_params(["max_speed", "radius=0.2:0.4"], decl)
    assert space == {"max_speed": (0.1, 12.0), "radius": (0.2, 0.4)}


@pytest.mark.parametrize("param, words", [
    ("warp_speed", ["unknown parameter 'warp_speed'", "known:"]),
    ("max_speed=0:20", ["max_speed = 0.0 is out of range", "0.1 to 12 m/s"]),
    ("max_speed=5:2", ["lo < hi"]),
    ("max_speed=3", ["key or key=lo:hi"]),
])
def test_bad_param_is_one_line_exit_2(tmp_path, capsys, param, words):
    args = tune_args(tmp_path)
    args[args.index("max_speed=2:7")] = param
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    for w in words:
        assert w in err
    assert not list(tmp_path.iterdir())
