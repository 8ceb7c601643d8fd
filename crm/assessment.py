"""The CRM maturity self-assessment: the questionnaire (data in queries/assessment.toml, plus the
questions admins add), answers on a common 0-10 scale, and results that never expose one person.

No Streamlit and no database here: crm.appstate.survey stores the answers, crm.assessment_view
draws the page. Results take the answers as a frame (crm.appstate.survey.all_answers: one row
per answer, the respondent an opaque response number) and hide every group with fewer than
`min_group` respondents; when that hides exactly one group of a breakdown, the next smallest is
hidden too, so the hidden one cannot be worked out from the total and the others.
"""
from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from crm import settings
from crm.errors import CrmError

FILE = "assessment.toml"  # in the queries folder, beside the evidence queries
SCALES = ("0-10", "1-5", "open")
STAGE_TIMES = {"now": "Now", "target": "Should develop to"}
DONT_KNOW = "Don't know"
DISAGREEMENT_GAP = 3.0  # points on 0-10 between what people say and what the data shows
_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


class QuestionnaireError(CrmError):
    """The questionnaire file is wrong; the message names the entry."""


@dataclass(frozen=True)
class Evidence:
    label: str
    page: str
    query: str | None = None
    column: str | None = None
    tab: str | None = None
    coverage: bool = False


@dataclass(frozen=True)
class Question:
    id: str
    theme: str
    text: str
    scale: str
    reverse: bool = False
    evidence: Evidence | None = None
    own: bool = False      # "your own question": its answers are candidates for promotion
    added: bool = False    # added by an admin in the app, not in the file


@dataclass(frozen=True)
class Theme:
    id: str
    name: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    themes: tuple[Theme, ...]
    levels: tuple[str, ...]
    scale_labels: tuple[str, ...]
    stages: tuple[str, ...]
    subjects: dict[str, str]
    stage_intro: str = ""

    @property
    def questions(self) -> list[Question]:
        return [q for t in self.themes for q in t.questions]

    def question(self, question_id: str) -> Question:
        return next(q for q in self.questions if q.id == question_id)

    def theme_name(self, theme_id: str) -> str:
        return next((t.name for t in self.themes if t.id == theme_id), theme_id)

    @property
    def stage_questions(self) -> list[tuple[str, str, str]]:
        """(question id, subject, time) of the stage questions: each subject now and target."""
        return [(stage_id(s, t), s, t) for s in self.subjects for t in STAGE_TIMES]

    @property
    def ids(self) -> set[str]:
        return {q.id for q in self.questions} | {q for q, _, _ in self.stage_questions}


def stage_id(subject: str, time: str) -> str:
    return f"stage_{subject}_{time}"


# --- the file ---------------------------------------------------------------------------------

def path() -> Path:
    return Path(settings.get("queries_dir")) / FILE


def load(file: Path | None = None, added: list[dict] = ()) -> Questionnaire:
    """The questionnaire from the file, with the admins' active added questions appended to their themes."""
    file = Path(file or path())
    try:
        parsed = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise QuestionnaireError(f"{file.name}: {error}") from None
    return parse(parsed, added)


def parse(data: dict, added: list[dict] = ()) -> Questionnaire:
    themes = []
    for entry in data.get("theme", []):
        theme = _required(entry, "id", "a theme")
        questions = [_question(q, theme) for q in entry.get("question", [])]
        questions += [Question(a["id"], theme, a["text"], a["scale"], added=True) for a in added
                      if a["theme"] == theme and a["scale"] in SCALES]
        themes.append(Theme(theme, entry.get("name", theme), tuple(questions)))
    stages = data.get("stages", {})
    labels = tuple(data.get("scale_labels", ()))
    if len(labels) != 5:
        raise QuestionnaireError("scale_labels must name the five steps of the 1-5 scale")
    card = Questionnaire(tuple(themes), tuple(data.get("levels", ())), labels, tuple(stages.get("names", ())),
                         dict(stages.get("subjects", {})), stages.get("intro", ""))
    ids = [q.id for q in card.questions] + [q for q, _, _ in card.stage_questions]
    if duplicated := sorted({i for i in ids if ids.count(i) > 1}):
        raise QuestionnaireError(f"question id(s) used twice: {', '.join(duplicated)}")
    if not card.levels or not card.stages:
        raise QuestionnaireError("levels and stages.names must not be empty")
    return card


def _question(entry: dict, theme: str) -> Question:
    qid = _required(entry, "id", f"a question of theme {theme}")
    if not _ID.match(qid) or qid.startswith(("stage_", "added_")):
        raise QuestionnaireError(f"question {qid!r}: ids are lower case letters, digits and _, "
                                 "not starting with stage_ or added_")
    scale = entry.get("scale", "0-10")
    if scale not in SCALES:
        raise QuestionnaireError(f"question {qid}: scale must be one of {', '.join(SCALES)}, not {scale!r}")
    evidence = entry.get("evidence")
    if evidence is not None:
        unknown = set(evidence) - {"label", "page", "query", "column", "tab", "coverage"}
        if unknown or not evidence.get("page") or bool(evidence.get("query")) != bool(evidence.get("column")):
            raise QuestionnaireError(f"question {qid}: evidence needs a page, and a query with its column or neither"
                                     + (f"; unknown keys {', '.join(sorted(unknown))}" if unknown else ""))
        evidence = Evidence(**evidence)
    return Question(qid, theme, _required(entry, "text", f"question {qid}"), scale, bool(entry.get("reverse")),
                    evidence, bool(entry.get("own")))


def _required(entry: dict, key: str, where: str) -> str:
    if not entry.get(key):
        raise QuestionnaireError(f"{where}: '{key}' is missing")
    return entry[key]


# --- answers on one scale -----------------------------------------------------------------------

class InvalidAnswer(CrmError, ValueError):
    """An answer that the questionnaire does not allow; the message names the question."""


def check(card: Questionnaire, given: dict, level: str | None) -> None:
    """Every answer for a known question and within its scale (0-10, 1-5, a stage number), whole
    numbers only, and the level one of the questionnaire's; raises InvalidAnswer."""
    if level is not None and level not in card.levels:
        raise InvalidAnswer(f"unknown level {level!r}; choose one of {', '.join(card.levels)}")
    stages = {q for q, _, _ in card.stage_questions}
    scales = {q.id: q.scale for q in card.questions}
    for question, answer in given.items():
        if question not in stages and question not in scales:
            raise InvalidAnswer(f"unknown question {question!r}")
        if answer.score is None:
            continue
        low, high = ((1, len(card.stages)) if question in stages else
                     {"0-10": (0, 10), "1-5": (1, 5), "open": (None, None)}[scales[question]])
        if low is None or answer.score != int(answer.score) or not low <= answer.score <= high:
            raise InvalidAnswer(f"question {question}: the answer must be a whole number from {low} to {high}"
                                if low is not None else f"question {question} takes a text answer")

def on_ten(question: Question, score: float | None) -> float | None:
    """An answer on 0-10 where higher is more mature: 1-5 becomes 0, 2.5 ... 10; reversed questions turn."""
    if score is None or pd.isna(score) or question.scale == "open":
        return None
    value = (score - 1) * 2.5 if question.scale == "1-5" else float(score)
    return 10.0 - value if question.reverse else value


def open_round(rounds: list[dict], today: dt.date) -> dict | None:
    """The round open today (the latest opened if several), else None."""
    return next((r for r in rounds if r["opens_on"] <= today <= r["closes_on"]), None)


def regions_text(regions) -> str:
    """How a respondent's regions are recorded: 'All regions' or 'DACH, Nordics'."""
    return "All regions" if regions is None else ", ".join(regions)


# --- results ----------------------------------------------------------------------------------

def scored(answers: pd.DataFrame, card: Questionnaire) -> pd.DataFrame:
    """The scale answers (not stages, open questions or "don't know") with theme and 0-10 value."""
    known = {q.id: q for q in card.questions if q.scale != "open"}
    rows = answers[answers["question"].isin(known) & ~answers["dont_know"].astype(bool) & answers["score"].notna()]
    return rows.assign(theme=rows["question"].map(lambda q: known[q].theme),
                       value=[on_ten(known[q], s) for q, s in zip(rows["question"], rows["score"])])


def protect(frame: pd.DataFrame, min_group: int, within: list[str] | None = None,
            columns: tuple[str, ...] = ("score",)) -> pd.DataFrame:
    """Hide (`columns` = None, hidden = True) rows with fewer than `min_group` respondents; within
    each `within` group, if exactly one row is hidden, hide the next smallest too (complementary)."""
    frame = frame.assign(hidden=frame["respondents"] < min_group)
    if within and len(frame):
        for _, group in frame.groupby(within, dropna=False):
            if group["hidden"].sum() == 1 and (~group["hidden"]).sum() >= 1:
                frame.loc[group[~group["hidden"]]["respondents"].idxmin(), "hidden"] = True
    for column in columns:
        frame[column] = frame[column].astype(float).where(~frame["hidden"])
    return frame


def theme_scores(answers: pd.DataFrame, card: Questionnaire, min_group: int, by: str | None = None) -> pd.DataFrame:
    """Mean 0-10 score per theme (and per `by`: role, regions, level or round_id), with the number
    of respondents behind it; groups below `min_group` hidden."""
    values = scored(answers, card)
    keys = ([by] if by else []) + ["theme"]
    if values.empty:
        return pd.DataFrame(columns=[*keys, "respondents", "score", "hidden"])
    grouped = values.groupby(keys).agg(respondents=("response_id", "nunique"), score=("value", "mean")).reset_index()
    grouped = protect(grouped, min_group, within=["theme"] if by else None)
    order = {t.id: n for n, t in enumerate(card.themes)}
    return grouped.sort_values(keys, key=lambda c: c.map(order) if c.name == "theme" else c).reset_index(drop=True)


def stage_views(answers: pd.DataFrame, card: Questionnaire, min_group: int) -> pd.DataFrame:
    """For each level: the stage it is in now (1 = the first stage) as its own members see it
    (their answers about their peers), as the level above sees it (about their subordinates) and
    as the level below sees it (about their superior); the spread between those views; and
    where the level says the company is and should go. Cells below `min_group` are hidden."""
    stage_rows = answers[answers["question"].str.startswith("stage_") & answers["score"].notna()]

    def view(level: str | None, question: str) -> tuple[float | None, int]:
        rows = stage_rows[(stage_rows["level"] == level) & (stage_rows["question"] == question)]
        count = rows["response_id"].nunique()
        return (rows["score"].mean() if count >= min_group else None), count

    table = []
    levels = list(card.levels)
    for index, level in enumerate(levels):
        above = levels[index - 1] if index > 0 else None
        below = levels[index + 1] if index + 1 < len(levels) else None
        own, own_n = view(level, stage_id("peers", "now"))
        from_above, above_n = view(above, stage_id("subordinates", "now")) if above else (None, 0)
        from_below, below_n = view(below, stage_id("superior", "now")) if below else (None, 0)
        company, company_n = view(level, stage_id("company", "now"))
        target, target_n = view(level, stage_id("company", "target"))
        shown = [v for v in (own, from_above, from_below) if v is not None]
        table.append({"level": level, "self_view": own, "self_respondents": own_n,
                      "view_from_above": from_above, "above_respondents": above_n,
                      "view_from_below": from_below, "below_respondents": below_n,
                      "spread": max(shown) - min(shown) if len(shown) > 1 else None,
                      "company_now": company, "company_target": target,
                      "company_respondents": max(company_n, target_n)})
    return pd.DataFrame(table)


def disagreements(answers: pd.DataFrame, card: Questionnaire, evidence: dict[str, float | None],
                  min_group: int, gap: float = DISAGREEMENT_GAP) -> pd.DataFrame:
    """Where perception and evidence disagree: for each question whose evidence is a coverage share,
    the respondents' mean answer (0-10) against 10 x the share the data shows, and whether they are
    `gap` points or more apart. `evidence` maps question id -> the share (0-1) for the period."""
    values = scored(answers, card)
    rows = []
    for question in card.questions:
        if not (question.evidence and question.evidence.coverage) or evidence.get(question.id) is None:
            continue
        mine = values[values["question"] == question.id]
        count = mine["response_id"].nunique()
        perceived = mine["value"].mean() if count >= min_group else None
        shows = 10 * float(evidence[question.id])
        rows.append({"question": question.id, "text": question.text, "respondents": count, "perceived": perceived,
                     "evidence_pct": float(evidence[question.id]), "evidence_on_ten": shows,
                     "gap": None if perceived is None else perceived - shows,
                     "disagree": perceived is not None and abs(perceived - shows) >= gap})
    return pd.DataFrame(rows, columns=["question", "text", "respondents", "perceived", "evidence_pct",
                                       "evidence_on_ten", "gap", "disagree"])
