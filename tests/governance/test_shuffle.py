from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, connection, transaction

from governance.models import Associate, Ballot, BallotMark
from governance.services import candidacy_file, resolution_close, resolution_open, vote_cast
from tests.conftest import World
from tests.governance.conftest import convened_assembly, opened


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def test_close_rewrites_secret_ballots_in_a_random_order_with_one_transaction_id(
    in_a: World,
) -> None:
    setup = convened_assembly(associates=8, resolutions=(("election", True),))
    election = setup.resolutions[0]
    Associate.objects.filter(pk=setup.entries[0].associate_id).update(category="employee")
    candidacy = candidacy_file(resolution=election, entry=setup.entries[0])
    opened(setup)
    resolution_open(resolution=election)
    trackers = []
    for entry in setup.entries:
        # Each vote in its own transaction, as in production (one request per vote).
        with transaction.atomic():
            receipt = vote_cast(
                resolution=election, cast_by=entry, choice="for", candidates=[candidacy.pk]
            )
        trackers.append(receipt.tracker)
    # While the vote is open, PostgreSQL's heap order and `xmin` follow the casting order, and
    # a ballot's xmin equals its participation's: the clue the shuffle removes.
    ballots_before = _rows(
        "SELECT tracker, xmin::text FROM governance_ballot WHERE resolution_id = %s ORDER BY ctid",
        [election.pk],
    )
    participation_xmins = [
        int(str(row[0]))
        for row in _rows(
            "SELECT xmin::text FROM governance_participation WHERE resolution_id = %s "
            "ORDER BY ctid",
            [election.pk],
        )
    ]
    assert [row[0] for row in ballots_before] == trackers
    ballot_xmins = [int(str(row[1])) for row in ballots_before]
    # Each ballot's transaction id is next to its participation's (the participation is
    # inserted in a savepoint of the same transaction): sorting either gives the cast order.
    assert ballot_xmins == sorted(ballot_xmins)
    assert participation_xmins == sorted(participation_xmins)
    # Each ballot's xid falls between the previous vote's participation and its own.
    bounds = [0, *participation_xmins[:-1]]
    assert all(
        low < ballot < high
        for low, ballot, high in zip(bounds, ballot_xmins, participation_xmins, strict=True)
    )
    marks_before = set(BallotMark.objects.values_list("id", "ballot_id", "candidacy_id"))

    resolution_close(resolution=election)

    after = _rows(
        "SELECT tracker, xmin::text FROM governance_ballot WHERE resolution_id = %s ORDER BY ctid",
        [election.pk],
    )
    # Same ballots, same receipts, same marks; 8! orders, the cast order has odds 1/40320.
    assert sorted(row[0] for row in after) == sorted(trackers)
    assert [row[0] for row in after] != trackers
    assert set(BallotMark.objects.values_list("id", "ballot_id", "candidacy_id")) == marks_before
    assert len({row[1] for row in after}) == 1
    # The ballot table still has nothing that dates or orders: no timestamp, no serial.
    assert (
        _rows(
            "SELECT column_name, column_default FROM information_schema.columns "
            "WHERE table_name IN ('governance_ballot', 'governance_ballotmark') "
            "AND (column_default IS NOT NULL OR data_type LIKE 'timestamp%%' "
            "OR data_type = 'date')",
            [],
        )
        == []
    )
    election.refresh_from_db()
    assert (election.votes_for, election.outcome) == (8, "adopted")


def test_the_application_role_cannot_delete_ballots_or_shuffle_a_closed_vote(
    in_a: World,
) -> None:
    setup = convened_assembly(associates=2)
    opened(setup)
    resolution = resolution_open(resolution=setup.resolutions[0])
    vote_cast(resolution=resolution, cast_by=setup.entries[0], choice="for")
    # Setting the shuffle flag by hand does not help: only the function's owner may delete.
    with connection.cursor() as cursor:
        cursor.execute("SELECT set_config('governance.shuffle', %s, true)", [str(resolution.pk)])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM governance_ballot")
    resolution_close(resolution=resolution)
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT governance_ballots_shuffle(%s)", [resolution.pk])
    assert list(Ballot.objects.values_list("choice", flat=True)) == ["for"]
