"""Croissant 1.0 metadata (with the Responsible AI fields) for a release.

The record set's fields are generated from :data:`broadsheet.records.arrow.ARTICLE_SCHEMA` and the
field descriptions of :class:`broadsheet.records.model.Article`; each shard is a FileObject with
its sha256, and a FileSet over ``data/train-*.parquet`` is what the records are read from.
``mlcroissant`` validates the file and loads its records offline.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

from broadsheet import __version__
from broadsheet.recipe import Recipe
from broadsheet.records.arrow import ARTICLE_SCHEMA
from broadsheet.records.model import Article, Block, Image, Related
from broadsheet.release.layout import SHARD_PATTERN

CROISSANT_1_0 = "http://mlcommons.org/croissant/1.0"
RECORD_SET = "train"
FILE_SET = "parquet-shards"

# The standard Croissant 1.0 JSON-LD context (as mlcroissant writes it).
CONTEXT: dict[str, Any] = {
    "@language": "en",
    "@vocab": "https://schema.org/",
    "citeAs": "cr:citeAs",
    "column": "cr:column",
    "conformsTo": "dct:conformsTo",
    "cr": "http://mlcommons.org/croissant/",
    "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/",
    "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract",
    "field": "cr:field",
    "fileProperty": "cr:fileProperty",
    "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet",
    "format": "cr:format",
    "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset",
    "jsonPath": "cr:jsonPath",
    "key": "cr:key",
    "md5": "cr:md5",
    "parentField": "cr:parentField",
    "path": "cr:path",
    "recordSet": "cr:recordSet",
    "references": "cr:references",
    "regex": "cr:regex",
    "repeated": "cr:repeated",
    "replace": "cr:replace",
    "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/",
    "separator": "cr:separator",
    "source": "cr:source",
    "subField": "cr:subField",
    "transform": "cr:transform",
}

_NESTED_MODELS: dict[str, type[Image] | type[Block] | type[Related]] = {
    "images": Image,
    "body": Block,
    "related": Related,
}


@dataclass(frozen=True, slots=True)
class DataFacts:
    """What the metadata states about the rows (measured by the build)."""

    rows: int
    shards: Sequence[tuple[str, str, int]]  # (relative path, sha256, bytes)
    languages: Sequence[str]
    published_min: str | None = None  # ISO dates
    published_max: str | None = None
    without_url: int = 0
    without_capture: int = 0
    quarantined: Mapping[str, int] = field(default_factory=dict)
    parsers: Sequence[str] = ()


def _data_type(name: str, kind: pa.DataType) -> str:
    if pa.types.is_timestamp(kind):
        return "sc:DateTime"
    if pa.types.is_date(kind):
        return "sc:Date"
    if pa.types.is_integer(kind):
        return "sc:Integer"
    if pa.types.is_floating(kind):
        return "sc:Float"
    if name == "url":
        return "sc:URL"
    return "sc:Text"


def _source(column: str, json_path: str | None = None) -> dict[str, Any]:
    source: dict[str, Any] = {"fileSet": {"@id": FILE_SET}, "extract": {"column": column}}
    if json_path is not None:
        source["transform"] = {"jsonPath": json_path}
    return source


def _description(
    model: type[Article] | type[Image] | type[Block] | type[Related], name: str
) -> str:
    return model.model_fields[name].description or name


def record_fields() -> list[dict[str, Any]]:
    """One Croissant field per column of ARTICLE_SCHEMA; lists repeated, structs as subFields."""
    fields: list[dict[str, Any]] = []
    for column in ARTICLE_SCHEMA:
        entry: dict[str, Any] = {
            "@type": "cr:Field",
            "@id": f"{RECORD_SET}/{column.name}",
            "name": column.name,
            "description": _description(Article, column.name),
        }
        kind = column.type
        if pa.types.is_list(kind):
            entry["repeated"] = True
            kind = kind.value_type
        if pa.types.is_struct(kind):
            model = _NESTED_MODELS[column.name]
            entry["subField"] = [
                {
                    "@type": "cr:Field",
                    "@id": f"{RECORD_SET}/{column.name}/{child.name}",
                    "name": child.name,
                    "description": _description(model, child.name),
                    "dataType": _data_type(child.name, child.type),
                    "source": _source(column.name, child.name),
                }
                for child in kind
            ]
        else:
            entry["dataType"] = _data_type(column.name, kind)
            entry["source"] = _source(column.name)
        fields.append(entry)
    return fields


def _card_text(card: Mapping[str, Any], *keys: str) -> str | None:
    """The first non-empty text among ``keys`` of the recipe's [card] table (lists joined)."""
    items = _card_list(card, *keys)
    return " ".join(items) if items else None


def _card_list(card: Mapping[str, Any], *keys: str) -> list[str]:
    """The first non-empty text or list of texts among ``keys`` of the recipe's [card] table."""
    for key in keys:
        value = card.get(key)
        if isinstance(value, str) and value.strip():
            return [value.strip()]
        if isinstance(value, list):
            items = [v.strip() for v in value if isinstance(v, str) and v.strip()]
            if items:
                return items
    return []


def citation(recipe: Recipe) -> str:
    """A BibTeX entry for the release (the recipe's own citation when it gives one)."""
    info = recipe.dataset
    if info.citation:
        return info.citation
    key = info.name.replace("-", "_").replace(".", "_")
    return (
        f"@misc{{{key}_{info.version.replace('.', '_')},\n"
        f"  title = {{{info.pretty_name}}},\n"
        f"  note = {{Version {info.version}, built with broadsheet}},\n"
        f"  howpublished = {{{info.homepage or info.name}}}\n"
        "}"
    )


def _rai(recipe: Recipe, facts: DataFacts) -> dict[str, Any]:
    card = recipe.card
    publishers = ", ".join(p.name for p in recipe.publishers) or "the publishers of the pages"
    quarantined = sum(facts.quarantined.values())
    reasons = ", ".join(f"{code}: {n}" for code, n in sorted(facts.quarantined.items()))
    rai: dict[str, Any] = {
        "rai:dataCollection": _card_text(card, "collection", "motivation")
        or (
            f"News pages of {publishers}, captured as page renderings and parsed by "
            "broadsheet into one record per article."
        ),
        "rai:dataCollectionType": ["Web Scraping", "Secondary Data Analysis"],
        "rai:dataCollectionRawData": (
            "Captured pages listed one by one, with their sha256, URL and capture time where "
            "known, in build-report.json (sources)."
        ),
        "rai:dataCollectionMissingData": (
            f"{facts.without_url} of {facts.rows} records have no URL and "
            f"{facts.without_capture} no capture time; {quarantined} inputs were quarantined "
            f"and are not rows ({reasons or 'none'}); see quarantine.jsonl."
        ),
        "rai:dataPreprocessingProtocol": [
            "Pages parsed by site parsers ("
            + (", ".join(facts.parsers) or "none")
            + f") of broadsheet {__version__}; the article's own prose kept, site chrome removed.",
            "Row checks (thresholds in build-report.json check_settings); failing rows "
            "quarantined with a reason code, never dropped silently.",
            "Duplicates (same id, or same publisher, title and time where one lacks a URL) "
            "reduced to the latest capture.",
        ],
        "rai:dataBiases": _card_list(card, "editorial_line")
        or [
            f"A single-source corpus ({publishers}): it carries that outlet's editorial "
            "line and selection of stories; see the dataset card's bias section."
        ],
        "rai:dataLimitations": _card_list(card, "limitations")
        or [
            "Pages as captured: no image files, no reader comments; capture times are "
            "often unknown."
        ],
        "rai:dataUseCases": _card_list(card, "direct_use")
        or ["Study of news language, framing and sourcing; not a neutral account of events."],
        "rai:personalSensitiveInformation": _card_list(card, "personal_info")
        or [
            "Names of public figures, political opinions and reports of casualties as "
            "published; the pipeline adds no data about private individuals."
        ],
        "rai:dataSocialImpact": _card_text(card, "recommendations")
        or "Models trained on one outlet reproduce its framing; pair with other sources.",
        "rai:dataReleaseMaintenancePlan": (
            "Releases are immutable and versioned (semver); each lists the ids added, removed "
            "and changed since the previous version in build-report.json."
        ),
    }
    if facts.published_min and facts.published_max:
        rai["rai:dataCollectionTimeFrame"] = [facts.published_min, facts.published_max]
    return rai


def croissant_metadata(recipe: Recipe, facts: DataFacts) -> dict[str, Any]:
    """The croissant.json document of a release."""
    info = recipe.dataset
    license_ = info.license_name if info.license == "other" else info.license
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": CROISSANT_1_0,
        "name": info.name,
        "alternateName": info.pretty_name,
        "description": info.summary or info.pretty_name,
        "version": info.version,
        "license": license_,
        "citeAs": citation(recipe),
        "inLanguage": sorted(set(facts.languages)),
        "keywords": ["news", *info.task_categories],
        "isAccessibleForFree": True,
    }
    if info.homepage:
        doc["url"] = info.homepage
    if info.released:
        doc["datePublished"] = info.released.isoformat()
    if info.license_text:
        doc["usageInfo"] = info.license_text
    if recipe.publishers:
        doc["sourceOrganization"] = [
            {"@type": "sc:Organization", "name": p.name} for p in recipe.publishers
        ]
    doc.update(_rai(recipe, facts))
    doc["distribution"] = [
        {
            "@type": "cr:FileObject",
            "@id": path,
            "name": path,
            "contentUrl": path,
            "contentSize": f"{size} B",
            "encodingFormat": "application/x-parquet",
            "sha256": sha,
        }
        for path, sha, size in facts.shards
    ] + [
        {
            "@type": "cr:FileSet",
            "@id": FILE_SET,
            "name": FILE_SET,
            "description": "The Parquet shards of the train split.",
            "encodingFormat": "application/x-parquet",
            "includes": SHARD_PATTERN,
        }
    ]
    doc["recordSet"] = [
        {
            "@type": "cr:RecordSet",
            "@id": RECORD_SET,
            "name": RECORD_SET,
            "description": "One record per news article (the train split).",
            "key": {"@id": f"{RECORD_SET}/id"},
            "field": record_fields(),
        }
    ]
    return doc
