"""Fixtures for the eligibility tests: the real rules, a small sample rule, and a caller that answers
question after question until the engine gives a verdict."""

import datetime as dt

import pytest

from hotline.directory.loader import load_directory
from hotline.eligibility import NextQuestion, Verdict, evaluate, load_rules
from tests.eligibility.samples import SAMPLE

TODAY = dt.date(2024, 5, 1)



@pytest.fixture(scope="session")
def services():
    """The directory data (topics, kinds, offices) the rules point at, read once."""
    return load_directory()


@pytest.fixture(scope="session")
def rules(services):
    """Every rule in data/rules/, loaded once for the session."""
    return load_rules(services=services)


@pytest.fixture
def sample_dir(tmp_path):
    """A rules directory holding only the sample rule; edit ``sample.yaml`` to break it."""
    (tmp_path / "sample.yaml").write_text(SAMPLE, encoding="utf-8")
    return tmp_path


def walk(rule, answers: dict, today: dt.date = TODAY) -> tuple[Verdict, list[str]]:
    """Answer the engine's questions from ``answers`` until it gives a verdict.

    Returns the verdict and the ids of the questions asked, in order. A question ``answers`` does
    not hold fails the test, so each case states exactly what a caller would be asked.
    """
    asked: list[str] = []
    given: dict = {}
    while True:
        step = evaluate(rule, given, today)
        if isinstance(step, Verdict):
            return step, asked
        assert isinstance(step, NextQuestion)
        assert step.question.id in answers, f"asked {step.question.id!r} after {asked}"
        asked.append(step.question.id)
        given[step.question.id] = answers[step.question.id]


def spoken(verdict: Verdict) -> list[str]:
    """Every sentence of a verdict, in both languages."""
    texts = [r.text for r in verdict.reasons + verdict.documents + verdict.notes + verdict.unverified]
    texts += [d.text for d in verdict.deadlines] + list(verdict.next_steps) + [verdict.apply_at.text]
    if verdict.amount:
        texts.append(verdict.amount.text)
    return [sentence for text in texts for sentence in (text.ky, text.ru)]
