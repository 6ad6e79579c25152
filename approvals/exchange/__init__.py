"""Data in and out of the bureau: signed-document verification, the investment project code,
the EIA credit platform's lists, national reporting. Adapters live outside the domain (the
signature itself in ``documents.signing``, file and HTTP endpoints in ``exchange_adapters``);
the domain says what a result means."""
