"""Real concurrent transactions: each thread has its own database connection."""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from governance.models import Ballot, Participation, Proxy, Resolution
from governance.services import proxy_grant, resolution_close, resolution_open, vote_cast
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.factories import CooperativeFactory
from tests.governance.conftest import Setup, convened_assembly, opened
from tests.helpers.governance import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def _setup(associates: int) -> tuple[int, Setup, Resolution]:
    cooperative = CooperativeFactory.create()
    with cooperative_context(cooperative.pk):
        setup = convened_assembly(associates=associates)
        opened(setup)
        resolution = resolution_open(resolution=setup.resolutions[0])
    return cooperative.pk, setup, resolution


def test_the_same_voter_casting_many_times_at_once_is_counted_once() -> None:
    cooperative_id, setup, resolution = _setup(3)
    voter = setup.entries[0]
    results = run_together(
        cooperative_id,
        [lambda: vote_cast(resolution=resolution, cast_by=voter, choice="for")] * 8,
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 7
    assert all(isinstance(e, ApplicationError) and "déjà enregistré" in e.message for e in errors)
    with cooperative_context(cooperative_id):
        assert (Participation.objects.count(), Ballot.objects.count()) == (1, 1)


def test_a_holder_and_the_grantor_racing_count_one_vote() -> None:
    cooperative_id, setup, resolution = _setup(3)
    grantor, holder, _other = setup.entries
    with cooperative_context(cooperative_id):
        proxy = proxy_grant(assembly=setup.assembly, grantor=grantor, holder=holder)
    # The holder votes for the grantor while the grantor revokes, many times over.
    from governance.services import proxy_revoke

    results = run_together(
        cooperative_id,
        [
            lambda: vote_cast(resolution=resolution, cast_by=holder, voter=grantor, choice="for"),
            lambda: proxy_revoke(proxy=proxy),
        ],
    )
    with cooperative_context(cooperative_id):
        revoked = Proxy.objects.get(pk=proxy.pk).revoked_at is not None
        voted = Participation.objects.filter(voter=grantor).count()
    # Exactly one of the two wins: a used proxy is never revoked, a revoked one never used.
    assert (revoked, voted) in {(True, 0), (False, 1)}, results


def test_many_voters_and_a_close_racing_the_last_votes() -> None:
    cooperative_id, setup, resolution = _setup(24)
    voters = setup.entries
    # Proxies: voters 20..23 gave theirs to 0..3 (cap is 1 for 24 associates).
    with cooperative_context(cooperative_id):
        for index in range(4):
            proxy_grant(assembly=setup.assembly, grantor=voters[20 + index], holder=voters[index])

    def staggered(index: int, job: Callable[[], Any]) -> Callable[[], Any]:
        # Spread the votes over ~0.25 s so that the close lands among them.
        def run() -> Any:
            time.sleep(index * 0.01)
            return job()

        return run

    jobs: list[Callable[[], Any]] = [
        staggered(i, partial(vote_cast, resolution=resolution, cast_by=v, choice="for"))
        for i, v in enumerate(voters[:20])
    ]
    jobs += [
        staggered(
            2 * i + 1,
            partial(
                vote_cast,
                resolution=resolution,
                cast_by=voters[i],
                voter=voters[20 + i],
                choice="against",
            ),
        )
        for i in range(4)
    ]

    def close_after_some_votes() -> Resolution:
        deadline = time.monotonic() + 10
        while Participation.objects.count() < 6 and time.monotonic() < deadline:
            time.sleep(0.001)
        return resolution_close(resolution=resolution)

    jobs.append(close_after_some_votes)
    results = run_together(cooperative_id, jobs)

    receipts = [r for r in results[:-1] if not isinstance(r, Exception)]
    refused = [r for r in results[:-1] if isinstance(r, Exception)]
    assert not isinstance(results[-1], Exception), results[-1]
    assert all(isinstance(e, ApplicationError) and "n'est pas ouvert" in e.message for e in refused)
    with cooperative_context(cooperative_id):
        closed = Resolution.objects.get(pk=resolution.pk)
        participations = Participation.objects.count()
        ballots = Ballot.objects.count()
        trackers = set(Ballot.objects.values_list("tracker", flat=True))
    # Every accepted vote is in the frozen count, no vote came after the close.
    assert participations == ballots == len(receipts)
    assert (closed.votes_for or 0) + (closed.votes_against or 0) == len(receipts)
    assert trackers == {r.tracker for r in receipts}
    assert len(receipts) + len(refused) == 24
    # The close waited for six votes; how many of the rest beat it depends on the scheduler.
    assert len(receipts) >= 6


def test_concurrent_proxies_to_one_holder_never_exceed_the_cap() -> None:
    cooperative = CooperativeFactory.create()
    with cooperative_context(cooperative.pk):
        setup = convened_assembly(associates=40)  # cap: 40 // 20 = 2
    holder = setup.entries[0]
    grantors = setup.entries[1:9]
    results = run_together(
        cooperative.pk,
        [partial(proxy_grant, assembly=setup.assembly, grantor=g, holder=holder) for g in grantors],
    )
    refused = [r for r in results if isinstance(r, Exception)]
    assert len(refused) == 6
    assert all(isinstance(e, ApplicationError) and "plafond est de 2" in e.message for e in refused)
    with cooperative_context(cooperative.pk):
        assert Proxy.objects.filter(holder=holder, revoked_at__isnull=True).count() == 2
