"""Where the per-report stages run: in this process (default) or on a Dask cluster (:mod:`.run`);
compare sharded on the cluster — index, candidate pairs, alignment (:mod:`.sharded`); the n-gram
document frequencies as a shuffle (:mod:`.shuffle`)."""
from __future__ import annotations

from .run import ENGINES, PER_REPORT_STAGES, EngineConfig, analyze, dask_client, local_cluster, run_report_stages

__all__ = ["EngineConfig", "ENGINES", "PER_REPORT_STAGES", "run_report_stages", "analyze", "dask_client",
           "local_cluster"]
