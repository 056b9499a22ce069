"""Two people editing the same figure: the later save is refused, never a silent overwrite."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

from indicators import workflow
from indicators.models import Actual, Indicator


def pledge(plan):
    return Indicator.objects.select_related("plan").get(plan=plan, order=19)


def test_the_later_of_two_year_page_saves_is_refused_naming_who_and_the_newer_value(client, reporter, make_user, plan):
    colleague = make_user("staff-czj-2", "填报员", "czj", first_name="李", last_name="")
    indicator = pledge(plan)
    [actual] = workflow.save_entries(reporter, [workflow.Entry(indicator=indicator, year=2024, value="3000", second_value="3")])
    seen_version = actual.version
    workflow.save_entries(
        colleague, [workflow.Entry(indicator=indicator, year=2024, value="3100", second_value="3", expected_version=seen_version)]
    )
    client.force_login(reporter)
    prefix = f"i{indicator.pk}"
    response = client.post(
        "/admin/indicators/actual/year/2024/",
        {f"{prefix}-value": "3200", f"{prefix}-second_value": "3", f"{prefix}-version": seen_version},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "李" in page and "3100/3" in page
    assert Actual.objects.get().value == Decimal(3100)


def test_a_figure_created_meanwhile_by_someone_else_is_not_overwritten_by_a_new_entry(reporter, make_user, plan):
    colleague = make_user("staff-czj-2", "填报员", "czj")
    indicator = pledge(plan)
    workflow.save_entries(colleague, [workflow.Entry(indicator=indicator, year=2024, value="3100", second_value="3")])
    # The reporter's page was opened before the figure existed: it posts version 0.
    with pytest.raises(workflow.ConflictError):
        workflow.save_entries(
            reporter, [workflow.Entry(indicator=indicator, year=2024, value="3200", second_value="3", expected_version=0)]
        )
    assert Actual.objects.get().value == Decimal(3100)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_real_threads_racing_on_postgresql_lose_no_save_and_overwrite_nothing(plan, reporter, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("row locks and concurrent transactions are exercised on PostgreSQL (the CI's second run)")
    people = [reporter] + [make_user(f"staff-czj-{n}", "填报员", "czj") for n in range(2, 5)]
    indicator = pledge(plan)
    [actual] = workflow.save_entries(reporter, [workflow.Entry(indicator=indicator, year=2024, value="1", second_value="1")])

    rounds = 10
    outcomes = []
    lock = threading.Lock()
    for round_number in range(rounds):
        version = Actual.objects.get(pk=actual.pk).version
        barrier = threading.Barrier(len(people))

        def save(user, value, version=version, barrier=barrier):
            try:
                barrier.wait(timeout=10)
                workflow.save_entries(
                    user,
                    [workflow.Entry(indicator=indicator, year=2024, value=str(value), second_value="1", expected_version=version)],
                )
                result = ("saved", user.username, value)
            except workflow.ConflictError:
                result = ("conflict", user.username, value)
            finally:
                connections.close_all()
            with lock:
                outcomes.append((round_number, *result))

        threads = [threading.Thread(target=save, args=(u, 1000 * (round_number + 1) + i)) for i, u in enumerate(people, 1)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)

    for round_number in range(rounds):
        kinds = [o[1] for o in outcomes if o[0] == round_number]
        assert kinds.count("saved") == 1, outcomes
        assert kinds.count("conflict") == len(people) - 1
    final = Actual.objects.get(pk=actual.pk)
    last_saved = [o for o in outcomes if o[0] == rounds - 1 and o[1] == "saved"][0]
    assert final.value == Decimal(last_saved[3])
    assert final.version == 1 + rounds
    saved_values = {Decimal(o[3]) for o in outcomes if o[1] == "saved"}
    assert saved_values <= set(final.history.values_list("value", flat=True))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_people_creating_the_same_figure_at_once_get_one_save_and_one_conflict(plan, reporter, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("concurrent inserts are exercised on PostgreSQL (the CI's second run)")
    people = [reporter, make_user("staff-czj-2", "填报员", "czj")]
    indicator = pledge(plan)
    barrier = threading.Barrier(2)
    outcomes = []

    def create(user, value):
        try:
            barrier.wait(timeout=10)
            workflow.save_entries(user, [workflow.Entry(indicator=indicator, year=2023, value=value, second_value="1")])
            outcomes.append("saved")
        except workflow.ConflictError:
            outcomes.append("conflict")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create, args=(u, str(v))) for u, v in zip(people, (10, 20))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "saved"]
    assert Actual.objects.filter(indicator=indicator, year=2023).count() == 1


def test_a_colleagues_change_to_another_row_does_not_block_a_year_page_save(client, reporter, make_user, plan):
    colleague = make_user("staff-czj-2", "填报员", "czj")
    pledge_row, trademark_row = Indicator.objects.select_related("plan").filter(plan=plan, order__in=(19, 20)).order_by("order")
    saved = workflow.save_entries(reporter, [
        workflow.Entry(indicator=pledge_row, year=2024, value="3000", second_value="3"),
        workflow.Entry(indicator=trademark_row, year=2024, value="100", second_value="1"),
    ])
    versions = {a.indicator_id: a.version for a in saved}
    # The colleague changes row 19 after the reporter opened the page.
    workflow.save_entries(colleague, [
        workflow.Entry(indicator=pledge_row, year=2024, value="3500", second_value="4", expected_version=versions[pledge_row.pk])
    ])
    client.force_login(reporter)
    response = client.post("/admin/indicators/actual/year/2024/", {
        f"i{pledge_row.pk}-value": "3000", f"i{pledge_row.pk}-second_value": "3", f"i{pledge_row.pk}-version": versions[pledge_row.pk],
        f"i{trademark_row.pk}-value": "150", f"i{trademark_row.pk}-second_value": "1", f"i{trademark_row.pk}-version": versions[trademark_row.pk],
    })
    assert response.status_code == 302
    assert Actual.objects.get(indicator=pledge_row).value == Decimal(3500)  # the colleague's figure stays
    assert Actual.objects.get(indicator=trademark_row).value == Decimal(150)
