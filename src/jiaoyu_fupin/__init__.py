"""fupin: a county education bureau's ledger for education poverty alleviation (教育扶贫)."""

__version__ = "0.1.0"
