"""Calibrating crowd parameters to story beats with Optuna.

Each trial picks values for the tuned parameters (TPE sampler), runs the preset once
per seed and scores the median of each target's metric over the seeds:

    loss = sum over targets of ((median - value) / tolerance)^2

so a loss below 1 per target means every target is within its tolerance. A place
nobody reaches counts as reached at twice the run's length. Tuned values are rounded
to 4 decimals before the runs, so the preset written replays the best trial exactly.

The study lives in SQLite: every finished trial is stored as it finishes. Running the
same command again resumes: finished trials are kept, trials cut off by an interruption
are marked failed and their parameter values queued to run again first, and the tune
stops when the study holds `trials` finished ones. The study remembers its settings
(preset, parameters, ranges, targets, seeds, run length) and refuses to resume under
other ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

from sandbox.config import ConfigError

from .parse import Target
from .report import MARKER, write_json, write_table
from .runner import RunSpec, run_scalars

STUDY_NAME = "hyosan-crowd-tune"


@dataclass(frozen=True)
class TuneJob:
    """base: the run (preset, --set, seconds, agents); space: key -> (lo, hi) tuned;
    targets; seeds: one run per seed per trial; trials: finished trials wanted."""

    base: RunSpec
    space: dict[str, tuple[float, float]]
    targets: tuple[Target, ...]
    seeds: tuple[int, ...]
    trials: int
    sampler_seed: int = 0

    def settings(self) -> dict:
        """What a resumed study must agree on."""
        return {"preset": Path(self.base.preset).name, "set": [list(kv) for kv in self.base.overrides],
                "space": {k: list(v) for k, v in sorted(self.space.items())},
                "targets": [[t.metric, t.value, t.tol] for t in self.targets],
                "seeds": list(self.seeds), "seconds": self.base.seconds,
                "agents": self.base.agents, "reach_radius": self.base.reach_radius,
                "density_cell": self.base.density_cell}

    @property
    def never(self) -> float:
        return 2.0 * float(self.base.seconds)

    def values(self, trial) -> dict[str, float]:
        """The trial's tuned values, rounded to 4 decimals within their ranges."""
        out = {}
        for k, (lo, hi) in sorted(self.space.items()):
            out[k] = float(min(max(round(trial.suggest_float(k, lo, hi), 4), lo), hi))
        return out

    def spec(self, values: dict[str, float], seed: int) -> RunSpec:
        return replace(self.base, overrides=tuple(sorted({**dict(self.base.overrides),
                                                          **values}.items())), seed=seed)

    def score(self, runs: list[dict]) -> tuple[float, dict]:
        """(loss, {metric: {"median", "per_seed"}}) of one trial's runs (seed order)."""
        out = {}
        loss = 0.0
        for t in self.targets:
            got = [r["metrics"].get(t.metric) for r in runs]
            v = [self.never if g is None else float(g) for g in got]
            med = float(np.median(v))
            loss += t.miss(med, self.never) ** 2
            out[t.metric] = {"median": med, "per_seed": got}
        return loss, out


def open_study(path: Path, job: TuneJob):
    """The study in SQLite file `path` (created if new), checked against the job's settings;
    trials an interruption cut off are failed and queued again."""
    import optuna
    from optuna.trial import TrialState

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        storage = optuna.storages.RDBStorage(f"sqlite:///{path.resolve()}")
    except Exception as exc:  # sqlite / sqlalchemy errors: not a writable database
        raise ConfigError(f"--study {path}: cannot open it as an Optuna SQLite study "
                          f"({str(exc).splitlines()[0]}) (allowed: a new file or one an "
                          "earlier tune wrote, in a writable folder)") from None
    # random trials before TPE models the loss: a quarter of the budget, 4 to 10, so a
    # short tune still spends most trials where the good ones were
    startup = min(10, max(4, job.trials // 4))
    sampler = optuna.samplers.TPESampler(seed=job.sampler_seed, n_startup_trials=startup)
    study = optuna.create_study(storage=storage, study_name=STUDY_NAME, direction="minimize",
                                load_if_exists=True, sampler=sampler)
    settings = job.settings()
    stored = study.user_attrs.get("settings")
    if stored is None:
        study.set_user_attr("settings", settings)
    elif stored != settings:
        key = next(k for k in settings if stored.get(k) != settings[k])
        raise ConfigError(f"--study {path}: was started with {key} = {stored.get(key)!r}, "
                          f"now {settings[key]!r} (allowed: the same settings to resume, or "
                          "another --study file)")
    study_id = storage.get_study_id_from_name(STUDY_NAME)
    for t in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
        tid = storage.get_trial_id_from_study_id_trial_number(study_id, t.number)
        storage.set_trial_state_values(tid, TrialState.FAIL)
        study.enqueue_trial(t.params, user_attrs={"requeued_from": t.number})
    return study


def finished(study) -> list:
    from optuna.trial import TrialState
    return study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))


def tune(study, job: TuneJob, pool, on_trial: Callable[[int, float], None] | None = None,
         fn=run_scalars) -> None:
    """Run trials on `pool` until the study holds `job.trials` finished ones. on_trial(
    finished count, loss) after each. Trials in flight when this is interrupted stay
    'running' in the study; `open_study` requeues them."""
    done = len(finished(study))
    per_trial = len(job.seeds)
    slots = max(1, -(-pool.workers // per_trial))
    pending: dict = {}      # future -> (trial, seed index)
    runs: dict = {}         # trial number -> [result per seed]
    trials: dict = {}       # trial number -> (trial, values)
    asked = 0
    while done < job.trials:
        while len(trials) < slots and done + asked < job.trials:
            trial = study.ask()
            values = job.values(trial)
            trial.set_user_attr("values", values)
            trials[trial.number] = (trial, values)
            runs[trial.number] = [None] * per_trial
            asked += 1
            for i, seed in enumerate(job.seeds):
                pending[pool.submit(fn, job.spec(values, seed))] = (trial.number, i)
        for fut in pool.first_done(list(pending)):
            number, i = pending.pop(fut)
            runs[number][i] = fut.result()
            if all(r is not None for r in runs[number]):
                trial, values = trials.pop(number)
                loss, got = job.score(runs.pop(number))
                trial.set_user_attr("targets", got)
                study.tell(trial, loss)
                asked -= 1
                done += 1
                if on_trial is not None:
                    on_trial(done, loss)


def outcome(study, job: TuneJob) -> dict:
    """How close the best finished trial came: its values, and per target the median over
    seeds, each seed's value, the miss in tolerances and whether it is within."""
    best = study.best_trial
    got = best.user_attrs["targets"]
    targets = []
    for t in job.targets:
        med = got[t.metric]["median"]
        miss = t.miss(med, job.never)
        targets.append({"target": t.text, "metric": t.metric, "want": t.value, "tol": t.tol,
                        "got": med, "per_seed": got[t.metric]["per_seed"],
                        "error": med - t.value, "within": bool(miss <= 1.0)})
    return {"best_trial": best.number, "loss": best.value,
            "values": best.user_attrs["values"],
            "targets": targets, "trials_finished": len(finished(study))}


def write_tune_report(stage: Path, study, job: TuneJob, result: dict, preset: str,
                      study_path: str) -> None:
    """report.json (settings, the outcome, every finished trial), trials.csv and
    history.png into `stage`."""
    from .plots import tune_plot

    rows = []
    for t in finished(study):
        got = t.user_attrs["targets"]
        rows.append([t.number, t.value, *(t.user_attrs["values"][k] for k in sorted(job.space)),
                     *(got[x.metric]["median"] for x in job.targets)])
    header = ["trial", "loss", *sorted(job.space), *(x.metric for x in job.targets)]
    write_table(stage / "trials.csv", header, rows)
    tune_plot(stage / "history.png", rows, job, Path(preset).stem)
    write_json(stage / MARKER, {"report": "crowd tune", "preset": preset, "study": study_path,
                                "settings": job.settings(), **result,
                                "never_counts_as_s": job.never,
                                "files": [MARKER, "trials.csv", "history.png", "tuned.toml"]})


_HEADER = re.compile(r"^\s*\[")


def tuned_preset(text: str, values: dict[str, float], note: list[str], where: str) -> str:
    """The preset TOML `text` with `values` written into its [params] table (lines of
    keys already there are replaced, keeping their comments; new keys are added at the
    table's end) and `note` as comment lines on top."""
    lines = text.splitlines()
    start = next((i for i, ln in enumerate(lines) if re.match(r"^\s*\[params\]\s*(#.*)?$", ln)),
                 None)
    if start is None:
        raise ConfigError(f"{where}: no [params] header line to write tuned values under "
                          "(allowed: a preset with a [params] table)")
    end = next((i for i in range(start + 1, len(lines)) if _HEADER.match(lines[i])), len(lines))
    left = dict(values)
    for i in range(start + 1, end):
        m = re.match(r"^(\s*)([A-Za-z_]+)(\s*=\s*)([^#]*?)(\s*)(#.*)?$", lines[i])
        if m and m[2] in left:
            value = _num(left.pop(m[2]))
            gap = " " * max(len(m[4]) + len(m[5]) - len(value), 1) if m[6] else ""
            lines[i] = f"{m[1]}{m[2]}{m[3]}{value}{gap}{m[6] or ''}"
    last = max((i for i in range(start, end) if lines[i].strip()), default=start)
    added = [f"{k} = {_num(v)}  # tuned" for k, v in sorted(left.items())]
    lines[last + 1:last + 1] = added
    return "\n".join([f"# {n}" for n in note] + lines) + "\n"


def _num(v: float) -> str:
    return f"{v:.4f}".rstrip("0").rstrip(".") if float(v) != int(v) else f"{float(v):.1f}"
