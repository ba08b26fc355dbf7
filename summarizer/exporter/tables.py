"""The export's tables: every column and its DuckDB type, the per-article tables and the files' row order."""

FORMATS = ("duckdb", "parquet", "csv")

#: Every table's columns and DuckDB types, in order (the README documents each).
TABLES: dict[str, list[tuple[str, str]]] = {
    "articles": [
        ("id", "VARCHAR"), ("position", "INTEGER"), ("source", "VARCHAR"), ("url", "VARCHAR"), ("title", "VARCHAR"),
        ("published", "DATE"), ("headline", "VARCHAR"), ("summary", "VARCHAR"), ("model", "VARCHAR"),
        ("template", "VARCHAR"), ("template_version", "VARCHAR"), ("schema_version", "VARCHAR"),
        ("prompt_tokens", "INTEGER"), ("completion_tokens", "INTEGER"), ("requests", "INTEGER"),
        ("reasks", "INTEGER"), ("seconds", "DOUBLE"), ("warnings", "VARCHAR[]"), ("text", "VARCHAR"),
    ],
    "actors": [
        ("id", "VARCHAR"), ("article", "VARCHAR"), ("actor", "VARCHAR"), ("entity", "VARCHAR"), ("name", "VARCHAR"),
        ("aliases", "VARCHAR[]"), ("kind", "VARCHAR"), ("sector", "VARCHAR"), ("title", "VARCHAR"),
        ("country", "VARCHAR"), ("mentions", "INTEGER"),
    ],
    "entities": [
        ("entity", "VARCHAR"), ("name", "VARCHAR"), ("kind", "VARCHAR"), ("sector", "VARCHAR"), ("country", "VARCHAR"),
        ("forms", "VARCHAR[]"), ("articles", "INTEGER"), ("actors", "INTEGER"), ("mentions", "INTEGER"),
    ],
    "events": [
        ("id", "VARCHAR"), ("article", "VARCHAR"), ("item", "VARCHAR"), ("event_type", "VARCHAR"), ("mode", "VARCHAR"),
        ("type", "VARCHAR"), ("status", "VARCHAR"), ("conflict", "VARCHAR"), ("place", "VARCHAR"),
        ("country", "VARCHAR"), ("date_text", "VARCHAR"), ("date", "DATE"), ("reported", "DATE"),
        ("actor1", "VARCHAR"), ("actor1_ref", "VARCHAR"), ("actor1_name", "VARCHAR"), ("actor1_country", "VARCHAR"),
        ("actor1_sector", "VARCHAR"), ("actor2", "VARCHAR"), ("actor2_ref", "VARCHAR"), ("actor2_name", "VARCHAR"),
        ("actor2_country", "VARCHAR"), ("actor2_sector", "VARCHAR"), ("killed", "INTEGER"), ("injured", "INTEGER"),
        ("topics", "VARCHAR[]"),
    ],
    "event_actors": [
        ("event", "VARCHAR"), ("article", "VARCHAR"), ("actor", "VARCHAR"), ("entity", "VARCHAR"), ("role", "VARCHAR"),
        ("name", "VARCHAR"), ("country", "VARCHAR"), ("sector", "VARCHAR"),
    ],
    "conflicts": [
        ("id", "VARCHAR"), ("article", "VARCHAR"), ("conflict", "VARCHAR"), ("name", "VARCHAR"), ("status", "VARCHAR"),
        ("locations", "VARCHAR[]"), ("parties", "VARCHAR[]"), ("party_refs", "VARCHAR[]"),
        ("party_names", "VARCHAR[]"), ("countries", "VARCHAR[]"), ("events", "INTEGER"),
    ],
    "evidence": [
        ("id", "VARCHAR"), ("article", "VARCHAR"), ("item", "VARCHAR"), ("item_type", "VARCHAR"), ("n", "INTEGER"),
        ("quote", "VARCHAR"), ("char_start", "INTEGER"), ("char_end", "INTEGER"), ("sentence", "INTEGER"),
        ("alignment", "VARCHAR"), ("score", "DOUBLE"),
    ],
}
#: Tables with one set of rows per article (the others are derived from the whole store).
PER_ARTICLE = ("articles", "actors", "events", "event_actors", "conflicts", "evidence")
#: Row order of the Parquet and CSV files (a DuckDB table keeps no order).
ORDER = {"articles": "position", "entities": "articles DESC, mentions DESC, lower(name), entity",
         "event_actors": "article, event, actor"}
