"""Posting ingestion: row validation, file readers, the import service and the import command."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from postings.demand import engine
from postings.demand.models import DemandMark, SkillDemand
from postings.ingest.readers import ImportFileError, read_csv, read_jsonl
from postings.ingest.rows import parse_row
from postings.ingest.services import postings_import
from postings.models import Employer, Posting, PostingSkill
from tests.factories import EmployerFactory, SegmentFactory, SkillAliasFactory, SkillFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)


def good(**overrides):
    row = {
        "external_id": "a-1",
        "title": "MLOps Engineer",
        "employer": "Acme Bank",
        "segment": "finance",
        "posted_on": "2026-10-03",
        "description": "Run Kubernetes clusters and MLflow model registries.",
    }
    return row | overrides


@pytest.fixture
def world():
    finance = SegmentFactory(name="Financial services", slug="finance")
    k8s = SkillFactory(name="Kubernetes")
    SkillAliasFactory(skill=k8s, text="k8s")
    return {
        "finance": finance,
        "health": SegmentFactory(name="Health", slug="health"),
        "k8s": k8s,
        "mlflow": SkillFactory(name="MLflow"),
        "acme": EmployerFactory(name="Acme Bank", slug="acme-bank"),
    }


def run(rows, **options):
    options.setdefault("source", "test")
    return postings_import(list(enumerate(rows, start=1)), **options)


# --- Rows -------------------------------------------------------------------------------------


def test_a_good_row_is_cleaned_and_kept():
    row, errors = parse_row(
        good(title="  MLOps   <b>Engineer</b> ", location="London"), row=1, default_source="api", today=TODAY
    )
    assert errors == []
    assert (row.title, row.location, row.source, row.posted_on) == (
        "MLOps Engineer",
        "London",
        "api",
        datetime.date(2026, 10, 3),
    )


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "required"),
        ({"title": "x" * 301}, "title", "At most 300"),
        ({"description": "y" * 100_001}, "description", "At most 100,000"),
        ({"description": "y" * 500_000}, "description", "At most 100,000"),
        ({"posted_on": "03/10/2026"}, "posted_on", "YYYY-MM-DD"),
        ({"posted_on": "2026-02-30"}, "posted_on", "not a calendar date"),
        ({"posted_on": "2026-12-01"}, "posted_on", "in the future"),
        ({"posted_on": "1999-12-31"}, "posted_on", "before 2000-01-01"),
        ({"title": "MLOps\x00Engineer"}, "title", "NUL"),
        ({"employer": "Acme \ud800"}, "employer", "surrogate"),
        ({"title": 12}, "title", "got a number"),
        ({"title": True}, "title", "got bool"),
        ({"title": ["a"]}, "title", "got list"),
        ({"external_id": 10**250}, "external_id", "At most 200"),
        ({"url": "javascript:alert(1)"}, "url", "valid http(s) URL"),
        ({"source": "Not A Slug"}, "source", "lowercase"),
        ({"salary": "lots"}, "salary", "Unknown field"),
        ({"title": "<script>alert(1)</script>"}, "title", "nothing is left once HTML is removed"),
    ],
)
def test_bad_values_are_refused_naming_the_field(overrides, field, message):
    row, errors = parse_row(good(**overrides), row=7, default_source="api", today=TODAY)
    assert row is None
    assert [(e.row, e.field) for e in errors] == [(7, field)]
    assert message in errors[0].message


def test_every_problem_of_a_row_is_reported_at_once():
    _, errors = parse_row({"title": "x"}, row=2, default_source="api", today=TODAY)
    assert {e.field for e in errors} == {"external_id", "employer", "segment", "posted_on", "description"}


def test_not_an_object_is_refused():
    _, errors = parse_row(["a", "b"], row=3, default_source="api", today=TODAY)
    assert errors[0].field == "-" and "object" in errors[0].message


def test_html_is_stored_as_plain_text_without_scripts():
    row, _ = parse_row(
        good(description="<p>Use <b>Kubernetes</b> &amp; Helm</p><script>steal()</script><li>Go</li>"),
        row=1,
        default_source="api",
        today=TODAY,
    )
    assert "<" not in row.description and "steal" not in row.description
    assert "Kubernetes & Helm" in row.description
    assert row.description.endswith("Go")


def test_an_integer_external_id_is_taken_as_text():
    row, errors = parse_row(good(external_id=12345), row=1, default_source="api", today=TODAY)
    assert errors == [] and row.external_id == "12345"


# --- Readers ------------------------------------------------------------------------------------


def csv_bytes(rows, header=None):
    header = header or list(rows[0])
    lines = [",".join(header)] + [
        ",".join(f'"{str(r.get(h, "")).replace(chr(34), chr(34) * 2)}"' for h in header) for r in rows
    ]
    return ("\n".join(lines) + "\n").encode()


def test_csv_rows_are_read_with_their_numbers():
    rows = list(read_csv(io.BytesIO(csv_bytes([good(), good(external_id="a-2", description="Line one,\nline two")]))))
    assert [number for number, _ in rows] == [1, 2]
    assert rows[1][1]["description"] == "Line one,\nline two"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"external_id,title\n1,x\n", "missing column(s) employer, segment, posted_on, description"),
        (csv_bytes([good(salary="1")]), "unknown column(s) salary"),
        (b"external_id,external_id,title,employer,segment,posted_on,description\n", "repeated column(s) external_id"),
    ],
)
def test_a_csv_file_with_wrong_columns_is_refused_whole(content, message):
    with pytest.raises(ImportFileError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_csv(io.BytesIO(content))


def test_csv_rows_with_wrong_value_counts_or_bad_bytes_are_refused_by_line():
    content = (
        csv_bytes([good()])
        + b'"a-2","x"\n'
        + '"a-3","Caf\xe9","Acme Bank","finance","2026-10-03","t"\n'.encode("latin-1")
    )
    rows = list(read_csv(io.BytesIO(content)))
    assert "2 values for 6 columns" in rows[1][1].message
    assert "not UTF-8" in rows[2][1].message and rows[2][1].row == 3


def test_jsonl_bad_lines_are_refused_by_number_and_the_rest_read():
    content = b"\n".join(
        [
            json.dumps(good()).encode(),
            b"{not json",
            b"\xff\xfe garbage",
            b"",
            json.dumps(good(external_id="a-2")).encode(),
            b"[" * 100_000,
        ]
    )
    rows = list(read_jsonl(io.BytesIO(content)))
    assert [number for number, _ in rows] == [1, 2, 3, 5, 6]
    assert "not valid JSON" in rows[1][1].message
    assert "not UTF-8" in rows[2][1].message
    assert rows[3][1]["external_id"] == "a-2"
    assert "not valid JSON" in rows[4][1].message


def test_an_oversized_jsonl_line_is_refused_and_reading_goes_on():
    content = b'{"title": "' + b"x" * 1_200_000 + b'"}\n' + json.dumps(good()).encode() + b"\n"
    rows = list(read_jsonl(io.BytesIO(content)))
    assert "longer than" in rows[0][1].message
    assert rows[1] == (2, good())


# --- The import service ------------------------------------------------------------------------


def test_import_creates_postings_with_skills_evidence_and_demand_marks(world):
    report = run([good(), good(external_id="a-2", segment="Health", description="k8s only")])

    assert (report.applied, report.created, report.refused) == (True, 2, [])
    posting = Posting.objects.get(external_id="a-1")
    assert (posting.segment, posting.employer, posting.source, posting.status) == (
        world["finance"],
        world["acme"],
        "test",
        "published",
    )
    links = {
        link.skill.name: (link.matched_text, link.start, link.end, link.state)
        for link in PostingSkill.objects.filter(posting=posting).select_related("skill")
    }
    assert links["Kubernetes"] == ("Kubernetes", 19, 29, "auto")  # offsets in "title\ndescription"
    assert "MLflow" in links
    assert DemandMark.objects.filter(segment=world["health"], skill=world["k8s"]).exists()
    assert posting.history.get().history_change_reason == "Imported"


def test_the_demand_an_import_adds_is_recomputed_after_commit_and_verifies_clean(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run(
            [
                good(),
                good(external_id="a-2", description="k8s at scale"),
                good(external_id="a-3", segment="health", description="MLflow"),
            ]
        )

    assert DemandMark.objects.count() == 0
    cell = SkillDemand.objects.get(segment=world["finance"], skill=world["k8s"])
    assert cell.postings == 2
    assert engine.compare(engine.stored_summaries(), engine.recount_everything()).drift == 0


def test_sending_the_same_postings_again_creates_nothing_and_a_changed_one_is_updated(world):
    first = run([good(), good(external_id="a-2")], keep_results=True)
    again = run([good(), good(external_id="a-2", title="Senior MLOps Engineer")], keep_results=True)

    assert (again.created, again.unchanged, again.updated) == (0, 1, 1)
    assert [r["id"] for r in again.results] == [r["id"] for r in first.results]
    assert Posting.objects.get(external_id="a-2").title == "Senior MLOps Engineer"
    assert Posting.objects.count() == 2


def test_an_atomic_import_with_one_bad_row_writes_nothing_and_lists_every_refused_row(world):
    report = run(
        [
            good(),
            good(external_id="a-2", posted_on="2030-01-01"),
            good(external_id="a-3"),
            good(external_id="a-4", segment="nope"),
        ],
        batch_size=2,
    )

    assert report.applied is False
    assert [(e.row, e.field) for e in report.refused] == [(2, "posted_on"), (4, "segment")]
    assert Posting.objects.count() == 0 and DemandMark.objects.count() == 0 and PostingSkill.objects.count() == 0
    assert "Refused the whole batch; nothing imported" in report.summary()


def test_a_partial_import_keeps_the_good_rows(world):
    report = run([good(), good(external_id="a-2", segment="nope"), good(external_id="a-3")], partial=True)
    assert (report.applied, report.created, [e.row for e in report.refused]) == (True, 2, [2])
    assert set(Posting.objects.values_list("external_id", flat=True)) == {"a-1", "a-3"}


def test_the_same_posting_twice_in_one_import_is_refused(world):
    report = run([good(), good(title="Other")])
    assert [(e.row, e.field) for e in report.refused] == [(2, "external_id")]
    assert "already in row 1" in report.refused[0].message


def test_a_dry_run_counts_everything_and_writes_nothing(world):
    report = run([good(), good(external_id="a-2")], dry_run=True)
    assert (report.created, report.applied, Posting.objects.count()) == (2, False, 0)
    assert report.summary().startswith("Would import")


def test_unknown_employers_are_refused_unless_creating_them_is_asked_for(world):
    refused = run([good(employer="Globex")])
    assert refused.refused[0].field == "employer" and "--create-employers" in refused.refused[0].message

    created = run([good(employer="Globex")], create_employers=True)
    assert created.created == 1 and Employer.objects.filter(name="Globex").exists()


def test_segments_and_employers_resolve_by_slug_or_name_ignoring_case(world):
    report = run(
        [good(segment="FINANCIAL SERVICES", employer="acme-bank"), good(external_id="a-2", employer="ACME bank")]
    )
    assert report.created == 2
    assert set(Posting.objects.values_list("employer_id", flat=True)) == {world["acme"].pk}


def test_exact_duplicates_across_sources_are_linked_to_the_first_and_not_counted(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run([good()], source="board-a")
        report = run(
            [
                good(external_id="x-9", title=" mlops  ENGINEER", description=good()["description"].upper()),
                good(external_id="x-10", title="mlops engineer"),
            ],
            source="board-b",
        )

    original = Posting.objects.get(source="board-a")
    copies = Posting.objects.filter(source="board-b")
    assert report.duplicates == 2
    assert {copy.duplicate_of_id for copy in copies} == {original.pk}
    assert SkillDemand.objects.get(segment=world["finance"], skill=world["k8s"]).postings == 1
    # the links of the original count in its cell; a duplicate's links count nowhere
    month = original.posted_on.replace(day=1)
    assert set(original.posting_skills.values_list("counted_segment_id", "counted_month")) == {
        (world["finance"].pk, month)
    }
    assert set(PostingSkill.objects.filter(posting__in=copies).values_list("counted_segment_id", "counted_month")) == {
        (None, None)
    }
    assert engine.recompute_all(apply=False, check_copies=True)[0].drift == 0


def test_identical_rows_within_one_batch_link_to_the_first(world):
    run([good(), good(external_id="a-2")])
    first, second = Posting.objects.order_by("id")
    assert (first.duplicate_of_id, second.duplicate_of_id) == (None, first.pk)


def test_updating_without_the_change_permission_is_refused(world):
    run([good()])
    report = run([good(title="Changed")], can_update=False)
    assert report.refused[0].field == "external_id" and "change_posting" in report.refused[0].message
    assert Posting.objects.get().title == "MLOps Engineer"


# --- The command ---------------------------------------------------------------------------------


def test_import_command_imports_a_csv_file_and_prints_a_summary(world, tmp_path):
    path = tmp_path / "postings.csv"
    path.write_bytes(csv_bytes([good(), good(external_id="a-2")]))
    out = io.StringIO()
    call_command("import_postings", str(path), "--source", "board", "--no-progress", stdout=out)
    assert "Imported. 2 rows: 2 created" in out.getvalue()
    assert Posting.objects.filter(source="board").count() == 2


def test_import_command_refuses_a_file_with_a_bad_row_and_names_it(world, tmp_path):
    path = tmp_path / "postings.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [good(), good(external_id="a-2", title="")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("import_postings", str(path), "--no-progress", stderr=err)
    assert "row 2, title: This field is required." in err.getvalue()
    assert Posting.objects.count() == 0


def test_import_command_partial_and_dry_run(world, tmp_path):
    path = tmp_path / "postings.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in [good(), good(external_id="a-2", segment="x")]))
    out = io.StringIO()
    call_command(
        "import_postings", str(path), "--no-progress", "--partial", "--dry-run", stdout=out, stderr=io.StringIO()
    )
    assert "Would import" in out.getvalue() and Posting.objects.count() == 0
    call_command("import_postings", str(path), "--no-progress", "--partial", stdout=out, stderr=io.StringIO())
    assert Posting.objects.count() == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["/nonexistent.csv"], "no such file"),
        (["postings.txt"], "Cannot tell the format"),
        (["-"], "pass --format"),
        (["x.csv", "--source", "Bad Source"], "--source"),
    ],
)
def test_import_command_argument_errors(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("import_postings", *args, "--no-progress")


def test_import_command_refuses_a_csv_with_wrong_columns(world, tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("id,name\n1,x\n")
    with pytest.raises(CommandError, match="missing column"):
        call_command("import_postings", str(path), "--no-progress")


def test_posting_dates_are_checked_against_today():
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    _, errors = parse_row(good(posted_on=tomorrow), row=1, default_source="api")
    assert errors[0].field == "posted_on"
