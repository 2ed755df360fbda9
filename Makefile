# The single source of how to set up, test, lint, demo and benchmark fupin.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := demo

.PHONY: demo test lint bench clean print-check postgres-server

# Re-install only when the project or its pins change; pins keep a fresh machine on the versions the tests passed with.
$(STAMP): pyproject.toml constraints.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,postgres]'
	@touch $(STAMP)

demo: $(STAMP)
	@rm -rf $(DEMO) && mkdir -p $(DEMO)
	$(BIN)/fupin sample --out $(DEMO)/sample
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin init
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin config set unit 样例县教育局
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin import $(DEMO)/sample/*.xlsx $(DEMO)/sample/*.csv
	@# The school's corrected export of 2019秋 免学费 replaces the one just imported (one wrong amount fixed).
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin import $(DEMO)/sample/更正/国家资助系统_免学费_2019秋_更正.xlsx --replaces 国家资助系统_免学费_2019秋.xlsx
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin status
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin batches
	@# Checks exit 1 when they find problems, as they do on the sample (planted on purpose); 2 (misuse) or 3 (a crash) stops demo.
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin subsidy check --term 2019秋 --out $(DEMO)/资助核对_2019秋.xlsx || test $$? -eq 1
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin subsidy notice --term 2019秋 --out $(DEMO)/资助公示_2019秋.xlsx
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin pair check --term 2019秋 --out $(DEMO)/结对帮扶检查_2019秋.xlsx || test $$? -eq 1
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin pair handbook --school 白杨乡柳桥小学 --term 2019秋 --as-of 2019-12-31 --out $(DEMO)/结对帮扶手册_2019秋.xlsx
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin dropout scan --term 2019秋 || test $$? -eq 1
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin rates --year 2019 --out $(DEMO)/四项指标_2019.xlsx
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin report monthly --month 2019-11 --out $(DEMO)
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin report summary --year 2019 --out $(DEMO)/总结_2019.xlsx --narrative $(DEMO)/总结_2019.docx
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin collab progress --year 2019 --as-of 2019-12-31 --out $(DEMO)/扶贫协作_2019.xlsx
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin task board --as-of 2019-11-30 --out $(DEMO)/挂图_2019-11.xlsx
	@mkdir -p $(DEMO)/责任书
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin pair letters --term 2019秋 --as-of 2019-11-30 --out $(DEMO)/责任书
	$(BIN)/fupin template roll --out $(DEMO)/学籍导入模板.xlsx
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin db backup $(DEMO)/fupin_备份.db
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin db verify
	FUPIN_DB=$(DEMO)/fupin.db $(BIN)/fupin audit
	@echo "样例县的文件在 $(DEMO)/sample/，台账在 $(DEMO)/fupin.db；核对结果、月报、年终总结、扶贫协作、任务挂图、责任书和导入模板都在 $(DEMO)/"

# Every workbook demo writes, printed to PDF by LibreOffice: pages and scale per sheet, PNG previews in demo/preview/.
# Installs LibreOffice Calc, poppler and a Chinese font from Debian when missing (root); CI does not run it.
print-check: demo
	@command -v soffice >/dev/null && command -v pdftoppm >/dev/null && fc-list :lang=zh | grep -q . || \
		{ apt-get update -qq && apt-get install -y --no-install-recommends libreoffice-calc poppler-utils \
		  fonts-wqy-microhei fonts-crosextra-carlito; }
	$(BIN)/python tools/print_check.py $(DEMO) --preview $(DEMO)/preview

# Tests run in TEST_WORKERS processes (pytest-xdist); each starts its own PostgreSQL server and builds the sample
# county once. A worker that runs dry takes tests from the other's queue (worksteal), so one long test does not
# leave a core idle. TEST_WORKERS=0 runs them all in this one process.
TEST_WORKERS ?= 2
test: $(STAMP) postgres-server
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal

# Every ledger test also runs on PostgreSQL: the tests start a throwaway server of their own (initdb into a temporary
# folder, a Unix socket only), so only the server's programs must be here. As root (CI) Debian's package is installed
# when missing, without the cluster and service it would otherwise set up; anyone else is told what to do.
postgres-server:
	@ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  mkdir -p /etc/postgresql-common; test -e /etc/postgresql-common/createcluster.conf || \
	    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; \
	else \
	  echo "PostgreSQL's programs (initdb, pg_ctl) are missing: sudo apt-get install postgresql," \
	       "or run only the SQLite half with FUPIN_TEST_BACKENDS=sqlite make test"; exit 1; \
	fi

# ruff for the code, then the layer contracts in pyproject.toml ([tool.importlinter]): a cross-layer import fails.
lint: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/lint-imports --no-cache --no-logo

bench: $(STAMP) postgres-server
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_subsidy.py
	$(BIN)/python bench/bench_dropout.py
	$(BIN)/python bench/bench_reports.py
	$(BIN)/python bench/bench_startup.py
	$(BIN)/python bench/bench_postgres.py

clean:
	rm -rf $(VENV) $(DEMO) bench/out .pytest_cache .ruff_cache .hypothesis
