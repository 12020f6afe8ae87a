"""One filter implementation for the CLI, the web page and the API (assistant/service/filters.py)."""

from __future__ import annotations

import json
import subprocess
import sys

from fastapi.testclient import TestClient

from assistant.api.schemas import Filters
from assistant.service.filters import build_filter, parse_where
from assistant.web.handlers import make_filter


def test_a_place_in_any_script_is_one_filter_everywhere():
    expected = build_filter(region="上海")
    assert expected.equals == {"region_code": "310000"}
    assert parse_where(["region=上海"]) == parse_where(["region=Shanghai"]) == parse_where(["region=上海市"]) == expected
    assert make_filter("Shanghai", "") == make_filter("上海", "") == expected
    assert Filters(region="上海").to_filter() == Filters(region="Shanghai").to_filter() == expected


def test_dates_and_other_keys_read_the_same_from_every_door():
    from datetime import date

    api = Filters(region="Beijing", date_from=date(2025, 1, 1), date_to=date(2025, 12, 31), issuer="北京市")
    cli = parse_where(["region=北京", "date>=2025-01-01", "date<=2025-12-31", "issuer=北京市"])
    assert api.to_filter() == cli
    assert cli.where() == {"$and": [{"region_code": "110000"}, {"issuer": "北京市"},
                                    {"date_int": {"$gte": 20250101}}, {"date_int": {"$lte": 20251231}}]}


SHANGHAI = (
    "上海市进一步扩大人工智能应用的若干措施\n上海市经济和信息化委员会\n"
    "一、对新购置具有示范作用的智能设备的企业，按照设备投资额的20%给予补贴，最高不超过1000万元。\n"
    "二、对人工智能企业租用算力的，给予算力券支持，单个企业每年最高500万元。\n"
)


def test_cli_ui_and_api_give_the_same_passages(settings, embeddings):
    import os

    from assistant import app
    from assistant.api import create_app
    from assistant.service.queries import search_rows

    indexed = app.build_services(settings.model_copy(update={"embeddings": "e5"}))
    indexed.__dict__["embeddings"] = embeddings  # the session's e5 model
    (indexed.settings.documents_dir / "shanghai-measures.txt").write_text(SHANGHAI, encoding="utf-8")
    indexed.ingest()

    query = "funding cap for new equipment"
    through_ui = search_rows(indexed.searcher, query, 4, make_filter("上海", ""))
    with TestClient(create_app(indexed)) as api:
        through_api = api.post("/v1/search", json={"query": query, "k": 4, "filters": {"region": "上海"}}).json()["hits"]
    settings = indexed.settings
    command = [sys.executable, "-m", "assistant", "search", query, "--k", "4", "--where", "region=Shanghai", "--json",
               "--documents", str(settings.documents_dir), "--index", str(settings.index_dir)]
    env = {**os.environ, "ASSISTANT_EMBEDDINGS": "e5"}
    run = subprocess.run(command, capture_output=True, text=True, timeout=300, check=True, env=env)
    through_cli = json.loads(run.stdout)
    sources = lambda rows: [(row["source"], row["text"]) for row in rows]  # noqa: E731
    assert through_ui and {row["source"] for row in through_ui} == {"shanghai-measures.txt"}
    assert sources(through_ui) == sources(through_api) == sources(through_cli["hits"])
    national = search_rows(indexed.searcher, query, 4, make_filter("National", ""))
    assert national and all(row["source"] != "shanghai-measures.txt" for row in national)
