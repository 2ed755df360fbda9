from jiaoyu_fupin.cli.main import run

run()
