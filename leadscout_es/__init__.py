"""LeadScout-ES: estimate South African population groups from director names, crash-safely.

The library is layered (see docs/architecture.md):

- ``log``          bytes only: segment files, framing, torn-tail recovery
- ``events``       the msgspec tagged union of facts and its codec
- ``replay``       a pure fold from events to job state
- ``sources``      streaming readers for csv / parquet / xlsx inputs
- ``classifiers``  the offline cascade (and later LLM providers)
- ``projections``  leads views materialised from the log
- ``ingest``       the job runner tying them together
- ``cli``          a thin command line over the library
"""

__version__ = "0.1.0"
