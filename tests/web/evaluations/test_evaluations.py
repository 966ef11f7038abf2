"""Evaluation pages: rating on the phone, the published result, the street's tools."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from hub.evaluations import services
from hub.extensions import db
from hub.models import AuditEntry, VolunteerProfile
from hub.models.evaluations import Rating
from tests import factories
from tests.evaluation_factories import (
    close,
    completed_project,
    open_evaluation,
    resident,
)

RATING = {
    "satisfaction": "5",
    "quality": "4",
    "responsiveness": "3",
    "comment": "探访很细心",
}


@pytest.fixture
def evaluation():  # noqa: ANN201
    project, (served,) = completed_project(attendees=1)
    window = open_evaluation(project)
    return project, window, served


def test_eligible_volunteer_rates_then_changes_the_rating(
    client, login, evaluation
) -> None:
    project, _window, served = evaluation
    login(served)
    page = client.get(f"/projects/{project.id}/evaluation")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'name="satisfaction"' in html and 'id="result"' not in html
    response = client.post(f"/projects/{project.id}/evaluation", data=RATING)
    assert response.status_code == 303
    changed = {**RATING, "satisfaction": "2", "comment": "后来没来"}
    assert (
        client.post(f"/projects/{project.id}/evaluation", data=changed).status_code
        == 303
    )
    (rating,) = db.session.scalars(select(Rating)).all()
    assert (rating.satisfaction, rating.comment) == (2, "后来没来")
    page = client.get(f"/projects/{project.id}/evaluation").get_data(as_text=True)
    assert re.search(r'<input checked[^>]*name="satisfaction"[^>]*value="2"', page)


def test_missing_scores_answer_422_beside_the_field_and_keep_the_comment(
    client, login, evaluation
) -> None:
    project, _window, served = evaluation
    login(served)
    response = client.post(
        f"/projects/{project.id}/evaluation",
        data={"quality": "4", "comment": "留下的话"},
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="satisfaction-error"' in html and 'id="responsiveness-error"' in html
    assert 'id="quality-error"' not in html
    assert "留下的话" in html
    assert db.session.scalar(select(Rating)) is None


def test_htmx_rating_answers_the_rating_fragment(client, login, evaluation) -> None:
    project, _window, served = evaluation
    login(served)
    response = client.post(
        f"/projects/{project.id}/evaluation",
        data=RATING,
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="my-rating"')
    assert "<html" not in html


def test_not_eligible_person_gets_403_and_anonymous_must_log_in(
    client, login, evaluation
) -> None:
    project, _window, _served = evaluation
    response = client.post(f"/projects/{project.id}/evaluation", data=RATING)
    assert response.status_code == 302 and "/login" in response.location
    page = client.get(f"/projects/{project.id}/evaluation").get_data(as_text=True)
    assert f"/login?next=/projects/{project.id}/evaluation" in page
    login(factories.volunteer())
    response = client.post(f"/projects/{project.id}/evaluation", data=RATING)
    assert response.status_code == 403
    client.post("/logout")
    login(factories.owner_of(project.organization))
    assert (
        client.post(f"/projects/{project.id}/evaluation", data=RATING).status_code
        == 403
    )


def test_closed_window_refuses_with_409_and_a_message(
    client, login, evaluation
) -> None:
    project, window, served = evaluation
    close(window)
    login(served)
    response = client.post(f"/projects/{project.id}/evaluation", data=RATING)
    assert response.status_code == 409
    assert db.session.scalar(select(Rating)) is None


def test_result_is_public_only_after_the_window_closes(
    client, login, evaluation
) -> None:
    project, window, served = evaluation
    services.rate_project(
        project,
        user=served,
        satisfaction=4,
        quality=4,
        responsiveness=4,
        comment="很好",
    )
    page = client.get(f"/projects/{project.id}/evaluation").get_data(as_text=True)
    assert 'id="result"' not in page
    login(factories.reviewer(street=project.street))
    page = client.get(f"/projects/{project.id}/evaluation").get_data(as_text=True)
    assert 'id="result"' in page  # the street sees the interim result
    client.post("/logout")
    close(window)
    page = client.get(f"/projects/{project.id}/evaluation").get_data(as_text=True)
    assert 'id="result"' in page and "很好" in page
    assert "4.00" in page  # the score
    assert served.name not in page  # comments without names


def test_reviewer_hides_an_abusive_comment_it_never_shows_publicly(
    client, login, evaluation
) -> None:
    project, window, served = evaluation
    rating = services.rate_project(
        project,
        user=served,
        satisfaction=1,
        quality=1,
        responsiveness=1,
        comment="辱骂内容",
    )
    url = f"/review/ratings/{rating.id}/hide"
    login(served)
    assert client.post(url, data={"reason": "x"}).status_code == 403
    client.post("/logout")
    login(factories.reviewer())  # another street
    assert client.post(url, data={"reason": "x"}).status_code == 404
    client.post("/logout")
    login(factories.reviewer(street=project.street))
    assert client.post(url, data={"reason": ""}).status_code == 303
    assert db.session.get(Rating, rating.id).hidden_at is None
    assert client.post(url, data={"reason": "辱骂他人"}).status_code == 303
    assert db.session.get(Rating, rating.id).hidden_reason == "辱骂他人"
    client.post("/logout")
    close(window)
    page = client.get(f"/projects/{project.id}/evaluation").get_data(as_text=True)
    assert "辱骂内容" not in page and "辱骂他人" not in page
    assert "1.00" in page  # the rating still counts
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "rating.hide_comment")
    )
    assert entry.object_id == rating.id


def test_street_opens_the_window_others_may_not(client, login) -> None:
    project, _ = completed_project(attendees=1)
    url = f"/review/projects/{project.id}/evaluation"
    login(factories.volunteer())
    assert client.get(url).status_code == 403
    client.post("/logout")
    login(factories.reviewer())
    assert client.get(url).status_code == 404
    client.post("/logout")
    login(factories.reviewer(street=project.street))
    form = client.get(url)
    assert form.status_code == 200 and 'name="closes_at"' in form.get_data(True)
    bad = client.post(
        url, data={"opens_at": "2026-12-20T09:00", "closes_at": "2026-12-19T09:00"}
    )
    assert bad.status_code == 422
    assert 'id="closes_at-error"' in bad.get_data(as_text=True)
    assert project.evaluation_window is None
    ok = client.post(
        url, data={"opens_at": "2026-11-01T09:00", "closes_at": "2099-12-19T09:00"}
    )
    assert ok.status_code == 303
    db.session.refresh(project)
    assert project.evaluation_window is not None
    review = client.get(f"/review/projects/{project.id}").get_data(as_text=True)
    assert f"/projects/{project.id}/evaluation" in review


def test_evaluation_page_of_a_project_without_window_is_404(client) -> None:
    project, _ = completed_project(attendees=0)
    assert client.get(f"/projects/{project.id}/evaluation").status_code == 404


def test_my_evaluations_lists_what_i_may_rate(client, login, evaluation) -> None:
    project, _window, served = evaluation
    login(served)
    html = client.get("/evaluations").get_data(as_text=True)
    assert f"/projects/{project.id}/evaluation" in html


def test_social_worker_confirms_a_resident_of_their_community_only(
    client, login
) -> None:
    project, _ = completed_project(attendees=0)
    person = resident(project, confirmed=False, name="陈阿姨")
    worker = factories.social_worker(community=project.community)
    login(factories.volunteer())
    assert client.get("/community/residents").status_code == 403
    client.post("/logout")
    login(factories.social_worker())  # another community
    assert client.get("/community/residents").get_data(True).count("陈阿姨") == 0
    url = f"/community/residents/{person.id}/confirm"
    assert client.post(url).status_code == 404
    client.post("/logout")
    login(worker)
    html = client.get("/community/residents").get_data(as_text=True)
    assert "陈阿姨" in html and person.mobile not in html  # masked
    assert client.post(url).status_code == 303
    assert db.session.get(VolunteerProfile, person.id).residence_confirmed
    withdraw = f"/community/residents/{person.id}/withdraw"
    assert client.post(withdraw, data={"reason": ""}).status_code == 303
    assert db.session.get(VolunteerProfile, person.id).residence_confirmed
    assert client.post(withdraw, data={"reason": "已搬走"}).status_code == 303
    assert not db.session.get(VolunteerProfile, person.id).residence_confirmed


def test_scorecard_on_the_public_organization_profile(client, evaluation) -> None:
    project, window, served = evaluation
    services.rate_project(
        project, user=served, satisfaction=5, quality=3, responsiveness=4
    )
    close(window)
    html = client.get(f"/organizations/{project.organization_id}").get_data(True)
    assert 'id="scorecard-title"' in html
    assert "4.00" in html  # 0.4×5 + 0.4×3 + 0.2×4
    assert project.title in html


def test_rating_is_rate_limited_with_a_429_page(client, login, evaluation) -> None:
    project, _window, served = evaluation
    login(served)
    url = f"/projects/{project.id}/evaluation"
    statuses = [client.post(url, data=RATING).status_code for _ in range(31)]
    assert statuses[:30] == [303] * 30
    assert statuses[30] == 429


def test_residents_list_pages_by_fifty(client, login) -> None:
    project, _ = completed_project(attendees=0)
    for i in range(51):
        resident(project, confirmed=True, name=f"居民{i:02d}")
    login(factories.social_worker(community=project.community))
    first = client.get("/community/residents?show=confirmed").get_data(as_text=True)
    assert first.count('<li class="card">') == 50
    assert "/community/residents?page=2&amp;show=confirmed" in first
    second = client.get("/community/residents?show=confirmed&page=2")
    assert second.get_data(as_text=True).count('<li class="card">') == 1
