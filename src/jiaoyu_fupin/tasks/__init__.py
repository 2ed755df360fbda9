"""The task board (挂图作战、动态销号): the bureau's and the schools' task lists, struck off when done."""
