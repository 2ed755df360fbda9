"""The four indicators of the work plan and the dropout rate, each with its numerator, denominator and formula.

学前三年毛入园率, 小学 and 初中 净入学率, 九年义务教育巩固率, 高中阶段毛入学率 and 义务教育辍学率 (DOMAIN §6):
ages on 31 August of the year, denominators from the household-registry population (the list or the aggregated
table), values as percentages rounded half-up to two decimals.
"""

from jiaoyu_fupin.rates.indicators import INDICATORS, Indicator, Rate, percent_half_up
from jiaoyu_fupin.rates.report import GROUPINGS, RatesError, RatesReport, compute_rates

__all__ = ["GROUPINGS", "INDICATORS", "Indicator", "Rate", "RatesError", "RatesReport", "compute_rates",
           "percent_half_up"]
