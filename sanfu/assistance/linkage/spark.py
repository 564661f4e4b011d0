"""Splink's Spark backend: local mode by default; `SANFU_SPARK_MASTER` names a cluster's master.

Needs the ``analytics`` dependency group (``scripts/uv.sh sync --group analytics``) and Java.
Splink's similarity functions (Jaro-Winkler, Damerau-Levenshtein) come from the jar it ships.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.conf import settings

__all__ = ["spark_api", "spark_available"]


def spark_available() -> bool:
    """Whether pyspark is installed and a Java runtime can be found."""
    import shutil

    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return bool(os.environ.get("JAVA_HOME") or shutil.which("java"))


@contextmanager
def spark_api() -> Iterator[Any]:
    from pyspark.sql import SparkSession
    from splink import SparkAPI
    from splink.backends.spark import similarity_jar_location

    session = (
        SparkSession.builder.master(settings.ASSISTANCE_SPARK_MASTER)
        .appName("sanfu-linkage")
        .config("spark.jars", similarity_jar_location())
        .config("spark.sql.shuffle.partitions", "8")
        .config("spark.default.parallelism", "8")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .getOrCreate()
    )
    session.sparkContext.setCheckpointDir(_checkpoint_dir())
    try:
        yield SparkAPI(spark_session=session, break_lineage_method="persist")  # type: ignore[no-untyped-call]
    finally:
        session.catalog.clearCache()


def _checkpoint_dir() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="sanfu-spark-")
