-- A county's ledger as fupin made it at commit 7beca95 (schema m001…m006, the policy installed by m002), dumped with
-- sqlite3's iterdump. Made by: fupin --policy county.toml init (extends the default; 初中非寄宿生生活补助 400 元 from
-- 2019春), then fupin import of 学校名单 (2 schools), 学籍 2019秋 (5 students), 国扶办 (3 people) and 发放名册 2019秋
-- (张一 400, 李二 312.5, 赵四 250). That fupin's subsidy check found: 赵四 错助, 李二 金额与标准不符 (标准 400), 王三 漏发.
-- The ID numbers are made up (valid check digits, no real person).
BEGIN TRANSACTION;
CREATE TABLE batches (
	id INTEGER NOT NULL, 
	file_name VARCHAR NOT NULL, 
	sha256 VARCHAR NOT NULL, 
	kind VARCHAR NOT NULL, 
	sheet VARCHAR, 
	term VARCHAR, 
	imported_at DATETIME NOT NULL, 
	rows INTEGER NOT NULL, 
	new_rows INTEGER NOT NULL, 
	changed_rows INTEGER NOT NULL, 
	unchanged_rows INTEGER NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "batches" VALUES(1,'学校名单.xlsx','eaa5ed02c27535faf8f7f99a01619ca50f88b20b1ae3752f0585f9512cd3a293','schools','Sheet1',NULL,'2026-12-03 13:29:40.275509',2,2,0,0);
INSERT INTO "batches" VALUES(2,'国扶办.xlsx','aad48ed1dfb5d681703cf839d79585b1404fe7f3afb05df1b54c1f19f75be14a','registry','Sheet1',NULL,'2026-12-03 13:29:40.304117',3,3,0,0);
INSERT INTO "batches" VALUES(3,'学籍.xlsx','28b1eaa6193e67fe2fae377c3014d74d3fd87c6265fb646179fc3b31e5c63065','roll','Sheet1','2019秋','2026-12-03 13:29:40.358691',5,5,0,0);
INSERT INTO "batches" VALUES(4,'发放名册.xlsx','16d9bef100a0a53e127faaa12680ed04a7e27c6fefa1abc52db1c22fcd61c182','payments','Sheet1','2019秋','2026-12-03 13:29:40.436506',3,3,0,0);
CREATE TABLE dropout_cases (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	id_number VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	student_id INTEGER, 
	school_grade VARCHAR, 
	left_month VARCHAR, 
	guardian_name VARCHAR, 
	guardian_phone VARCHAR, 
	address VARCHAR, 
	reason VARCHAR, 
	measures VARCHAR, 
	origin VARCHAR NOT NULL, 
	status VARCHAR NOT NULL, 
	opened_on DATE, 
	closed_on DATE, 
	closed_as VARCHAR, 
	close_reason VARCHAR, 
	PRIMARY KEY (id), 
	FOREIGN KEY(batch_id) REFERENCES batches (id), 
	FOREIGN KEY(student_id) REFERENCES students (id)
);
CREATE TABLE dropout_events (
	id INTEGER NOT NULL, 
	case_id INTEGER NOT NULL, 
	action VARCHAR NOT NULL, 
	happened_on DATE NOT NULL, 
	term VARCHAR, 
	outcome VARCHAR, 
	reason VARCHAR, 
	school VARCHAR, 
	teacher VARCHAR, 
	valid_until DATE, 
	recorded_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(case_id) REFERENCES dropout_cases (id)
);
CREATE TABLE dropout_visits (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	case_id INTEGER NOT NULL, 
	visited_on DATE, 
	visitors VARCHAR, 
	result VARCHAR, 
	PRIMARY KEY (id), 
	FOREIGN KEY(batch_id) REFERENCES batches (id), 
	FOREIGN KEY(case_id) REFERENCES dropout_cases (id)
);
CREATE TABLE enrollments (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	student_id INTEGER NOT NULL, 
	term VARCHAR NOT NULL, 
	school_id INTEGER, 
	school_name VARCHAR, 
	stage VARCHAR, 
	grade INTEGER, 
	class_name VARCHAR, 
	boarding BOOLEAN, 
	status VARCHAR NOT NULL, 
	study_place VARCHAR NOT NULL, 
	place_detail VARCHAR, 
	province_scope VARCHAR, 
	PRIMARY KEY (id), 
	UNIQUE (student_id, term), 
	FOREIGN KEY(batch_id) REFERENCES batches (id), 
	FOREIGN KEY(student_id) REFERENCES students (id), 
	FOREIGN KEY(school_id) REFERENCES schools (id)
);
INSERT INTO "enrollments" VALUES(3,2,1,1,'2019秋',2,'城关中学','初中',1,'1班',0,'在校','县内',NULL,NULL);
INSERT INTO "enrollments" VALUES(3,3,2,2,'2019秋',2,'城关中学','初中',1,'1班',0,'在校','县内',NULL,NULL);
INSERT INTO "enrollments" VALUES(3,4,3,3,'2019秋',2,'城关中学','初中',2,'1班',0,'在校','县内',NULL,NULL);
INSERT INTO "enrollments" VALUES(3,5,4,4,'2019秋',1,'城关第一小学','小学',3,'1班',0,'在校','县内',NULL,NULL);
INSERT INTO "enrollments" VALUES(3,6,5,5,'2019秋',1,'城关第一小学','小学',3,'1班',0,'在校','县内',NULL,NULL);
CREATE TABLE help_activities (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	helper_id INTEGER NOT NULL, 
	student_id INTEGER NOT NULL, 
	activity_type VARCHAR NOT NULL, 
	activity_date DATE NOT NULL, 
	note VARCHAR, 
	PRIMARY KEY (id), 
	UNIQUE (helper_id, student_id, activity_type, activity_date), 
	FOREIGN KEY(batch_id) REFERENCES batches (id), 
	FOREIGN KEY(helper_id) REFERENCES helpers (id), 
	FOREIGN KEY(student_id) REFERENCES students (id)
);
CREATE TABLE helpers (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	helper_code VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	school_id INTEGER, 
	role VARCHAR, 
	phone VARCHAR, 
	PRIMARY KEY (id), 
	FOREIGN KEY(batch_id) REFERENCES batches (id), 
	UNIQUE (helper_code), 
	FOREIGN KEY(school_id) REFERENCES schools (id)
);
CREATE TABLE households (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	household_code VARCHAR NOT NULL, 
	county VARCHAR, 
	township VARCHAR, 
	village VARCHAR, 
	poverty_attribute VARCHAR, 
	poverty_status VARCHAR, 
	PRIMARY KEY (id), 
	FOREIGN KEY(batch_id) REFERENCES batches (id), 
	UNIQUE (household_code)
);
INSERT INTO "households" VALUES(2,2,1,'H001',NULL,'城关镇',NULL,NULL,NULL);
INSERT INTO "households" VALUES(2,3,2,'H002',NULL,'城关镇',NULL,NULL,NULL);
INSERT INTO "households" VALUES(2,4,3,'H003',NULL,'城关镇',NULL,NULL,NULL);
CREATE TABLE oversight (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	helper_id INTEGER NOT NULL, 
	level VARCHAR NOT NULL, 
	township VARCHAR, 
	school_id INTEGER, 
	stage VARCHAR, 
	grade INTEGER, 
	class_name VARCHAR, 
	term VARCHAR, 
	PRIMARY KEY (id), 
	FOREIGN KEY(batch_id) REFERENCES batches (id), 
	FOREIGN KEY(helper_id) REFERENCES helpers (id), 
	FOREIGN KEY(school_id) REFERENCES schools (id)
);
CREATE TABLE pairings (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	helper_id INTEGER NOT NULL, 
	student_id INTEGER NOT NULL, 
	start_date DATE NOT NULL, 
	end_date DATE, 
	PRIMARY KEY (id), 
	UNIQUE (helper_id, student_id, start_date), 
	FOREIGN KEY(batch_id) REFERENCES batches (id), 
	FOREIGN KEY(helper_id) REFERENCES helpers (id), 
	FOREIGN KEY(student_id) REFERENCES students (id)
);
CREATE TABLE payments (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	payment_key VARCHAR NOT NULL, 
	student_id INTEGER, 
	id_number VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	program_id INTEGER NOT NULL, 
	term VARCHAR NOT NULL, 
	amount BIGINT NOT NULL, 
	paid_on DATE, 
	school_name VARCHAR, 
	source_file VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(batch_id) REFERENCES batches (id), 
	UNIQUE (payment_key), 
	FOREIGN KEY(student_id) REFERENCES students (id), 
	FOREIGN KEY(program_id) REFERENCES programs (id)
);
INSERT INTO "payments" VALUES(4,2,1,'323e37adb54ed3b6cb1119ee27f9c9509402a936',1,'422822200701010104','张一',3,'2019秋',40000,'2019-11-05','城关中学','发放名册.xlsx');
INSERT INTO "payments" VALUES(4,3,2,'0476a603ed98979f4b4242f6eeca543439157efd',2,'422822200701020118','李二',3,'2019秋',31250,'2019-11-05','城关中学','发放名册.xlsx');
INSERT INTO "payments" VALUES(4,4,3,'b36e1f6f31c402e99a0398e8cc55aee3172789d2',4,'422822200701040135','赵四',3,'2019秋',25000,'2019-11-05','城关第一小学','发放名册.xlsx');
CREATE TABLE population (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	id_number VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	sex VARCHAR, 
	birth_date DATE NOT NULL, 
	township VARCHAR, 
	village VARCHAR, 
	PRIMARY KEY (id), 
	FOREIGN KEY(batch_id) REFERENCES batches (id), 
	UNIQUE (id_number)
);
CREATE TABLE population_counts (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	year INTEGER, 
	township VARCHAR, 
	birth_year INTEGER NOT NULL, 
	birth_month INTEGER, 
	sex VARCHAR, 
	count INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(batch_id) REFERENCES batches (id)
);
CREATE TABLE programs (
	id INTEGER NOT NULL, 
	code VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	aliases VARCHAR NOT NULL, 
	per VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	UNIQUE (code), 
	UNIQUE (name)
);
INSERT INTO "programs" VALUES(1,'preschool','学前教育幼儿资助','学前资助|学前教育资助|幼儿资助|学前教育资助金|学前教育幼儿资助金','term');
INSERT INTO "programs" VALUES(2,'boarding_living','义务教育寄宿生生活补助','寄宿生生活补助|寄宿生生活费补助|家庭经济困难寄宿生生活补助|一补','term');
INSERT INTO "programs" VALUES(3,'nonboarding_living','义务教育非寄宿生生活补助','非寄宿生生活补助|非寄宿生生活费补助|家庭经济困难非寄宿生生活补助','term');
INSERT INTO "programs" VALUES(4,'senior_grant','普通高中国家助学金','高中国家助学金|普高国家助学金|国家助学金（高中）|普通高中国家助学金（一档）','term');
INSERT INTO "programs" VALUES(5,'vocational_grant','中职国家助学金','中职助学金|中等职业学校国家助学金|国家助学金（中职）','term');
INSERT INTO "programs" VALUES(6,'yulu','雨露计划','雨露计划补助|雨露计划职业教育补助','term');
INSERT INTO "programs" VALUES(7,'freshman_travel','大学新生路费','新生路费|路费补贴|大学新生入学路费|新生入学路费','once');
INSERT INTO "programs" VALUES(8,'guaranteed_college','兜底保障户子女大学生活补助','兜底保障大学生生活补助|兜底大学生活补助','year');
INSERT INTO "programs" VALUES(9,'senior_tuition_waiver','普通高中免学费','高中免学费|普高免学费|免学费（高中）','term');
INSERT INTO "programs" VALUES(10,'vocational_tuition_waiver','中职免学费','中等职业教育免学费|免学费（中职）','term');
CREATE TABLE registry_people (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	id_number VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	household_code VARCHAR NOT NULL, 
	person_code VARCHAR, 
	relation VARCHAR, 
	school_status VARCHAR, 
	not_in_school_reason VARCHAR, 
	township VARCHAR, 
	village VARCHAR, 
	PRIMARY KEY (id), 
	FOREIGN KEY(batch_id) REFERENCES batches (id), 
	UNIQUE (id_number)
);
INSERT INTO "registry_people" VALUES(2,2,1,'422822200701010104','张一','H001',NULL,NULL,NULL,NULL,'城关镇',NULL);
INSERT INTO "registry_people" VALUES(2,3,2,'422822200701020118','李二','H002',NULL,NULL,NULL,NULL,'城关镇',NULL);
INSERT INTO "registry_people" VALUES(2,4,3,'422822200701040135','赵四','H003',NULL,NULL,NULL,NULL,'城关镇',NULL);
CREATE TABLE row_versions (
	id INTEGER NOT NULL, 
	table_name VARCHAR NOT NULL, 
	row_id INTEGER NOT NULL, 
	batch_id INTEGER, 
	replaced_by_batch INTEGER NOT NULL, 
	data VARCHAR NOT NULL, 
	PRIMARY KEY (id)
);
CREATE TABLE schema_migrations (
	name VARCHAR NOT NULL, 
	applied_at DATETIME NOT NULL, 
	PRIMARY KEY (name)
);
INSERT INTO "schema_migrations" VALUES('m001_initial','2026-12-03 13:29:37.159355');
INSERT INTO "schema_migrations" VALUES('m002_default_policy','2026-12-03 13:29:37.224687');
INSERT INTO "schema_migrations" VALUES('m003_pairing_records','2026-12-03 13:29:37.234332');
INSERT INTO "schema_migrations" VALUES('m004_dropout_rates','2026-12-03 13:29:37.235933');
INSERT INTO "schema_migrations" VALUES('m005_row_versions','2026-12-03 13:29:37.236645');
INSERT INTO "schema_migrations" VALUES('m006_province_scope','2026-12-03 13:29:37.237068');
CREATE TABLE school_stats (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	school_year INTEGER NOT NULL, 
	school_name VARCHAR NOT NULL, 
	school_id INTEGER, 
	township VARCHAR, 
	stage VARCHAR, 
	grade INTEGER, 
	entrants INTEGER, 
	enrolled INTEGER, 
	graduates INTEGER, 
	transfers_in INTEGER, 
	transfers_out INTEGER, 
	PRIMARY KEY (id), 
	FOREIGN KEY(batch_id) REFERENCES batches (id), 
	FOREIGN KEY(school_id) REFERENCES schools (id)
);
CREATE TABLE schools (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	school_code VARCHAR, 
	name VARCHAR NOT NULL, 
	school_type VARCHAR, 
	township VARCHAR, 
	ownership VARCHAR, 
	PRIMARY KEY (id), 
	FOREIGN KEY(batch_id) REFERENCES batches (id), 
	UNIQUE (school_code), 
	UNIQUE (name)
);
INSERT INTO "schools" VALUES(1,2,1,'3452000001','城关第一小学','小学','城关镇','公办');
INSERT INTO "schools" VALUES(1,3,2,'3452000002','城关中学','初中','城关镇','公办');
CREATE TABLE standards (
	id INTEGER NOT NULL, 
	program_id INTEGER NOT NULL, 
	stage VARCHAR NOT NULL, 
	categories VARCHAR NOT NULL, 
	boarding BOOLEAN, 
	grades VARCHAR, 
	place VARCHAR, 
	term_from VARCHAR NOT NULL, 
	term_to VARCHAR, 
	amount BIGINT NOT NULL, 
	source VARCHAR NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(program_id) REFERENCES programs (id)
);
INSERT INTO "standards" VALUES(1,1,'学前','registered_poor,subsistence_allowance,extreme_poverty_support,orphan,disabled',NULL,NULL,NULL,'2019春',NULL,75000,'default.toml');
INSERT INTO "standards" VALUES(2,2,'小学','registered_poor,subsistence_allowance,extreme_poverty_support,disabled',1,NULL,NULL,'2019春',NULL,50000,'default.toml');
INSERT INTO "standards" VALUES(3,2,'初中','registered_poor,subsistence_allowance,extreme_poverty_support,disabled',1,NULL,NULL,'2019春',NULL,62500,'default.toml');
INSERT INTO "standards" VALUES(4,4,'普通高中','registered_poor',NULL,NULL,NULL,'2019春',NULL,150000,'default.toml');
INSERT INTO "standards" VALUES(5,5,'中职','registered_poor',NULL,'1,2',NULL,'2019春',NULL,100000,'default.toml');
INSERT INTO "standards" VALUES(6,6,'中职','registered_poor',NULL,NULL,NULL,'2019春',NULL,150000,'default.toml');
INSERT INTO "standards" VALUES(7,6,'高职','registered_poor',NULL,NULL,NULL,'2019春',NULL,150000,'default.toml');
INSERT INTO "standards" VALUES(8,7,'本科','registered_poor',NULL,'1','省内','2019春',NULL,50000,'default.toml');
INSERT INTO "standards" VALUES(9,7,'本科','registered_poor',NULL,'1','省外','2019春',NULL,100000,'default.toml');
INSERT INTO "standards" VALUES(10,8,'本科','guaranteed',NULL,NULL,NULL,'2019春',NULL,800000,'default.toml');
INSERT INTO "standards" VALUES(11,3,'初中','registered_poor,subsistence_allowance,extreme_poverty_support,disabled',0,NULL,NULL,'2019春',NULL,40000,'county.toml');
CREATE TABLE students (
	batch_id INTEGER, 
	source_row INTEGER, 
	id INTEGER NOT NULL, 
	id_number VARCHAR NOT NULL, 
	name VARCHAR NOT NULL, 
	sex VARCHAR, 
	birth_date DATE, 
	student_number VARCHAR, 
	family_category VARCHAR, 
	household_id INTEGER, 
	disability VARCHAR, 
	is_orphan BOOLEAN, 
	PRIMARY KEY (id), 
	FOREIGN KEY(batch_id) REFERENCES batches (id), 
	UNIQUE (id_number), 
	FOREIGN KEY(household_id) REFERENCES households (id)
);
INSERT INTO "students" VALUES(3,2,1,'422822200701010104','张一','女','2007-01-01',NULL,'registered_poor',1,NULL,NULL);
INSERT INTO "students" VALUES(3,3,2,'422822200701020118','李二','男','2007-01-02',NULL,'registered_poor',2,NULL,NULL);
INSERT INTO "students" VALUES(3,4,3,'422822200701030121','王三','女','2007-01-03',NULL,'subsistence_allowance',NULL,NULL,NULL);
INSERT INTO "students" VALUES(3,5,4,'422822200701040135','赵四','男','2007-01-04',NULL,'registered_poor',3,NULL,NULL);
INSERT INTO "students" VALUES(3,6,5,'422822200701050149','钱五','女','2007-01-05',NULL,NULL,NULL,NULL,NULL);
CREATE INDEX ix_batches_imported_at ON batches (imported_at);
CREATE INDEX ix_batches_sha256 ON batches (sha256);
CREATE INDEX ix_schools_township ON schools (township);
CREATE INDEX ix_households_township ON households (township);
CREATE INDEX ix_registry_people_household_code ON registry_people (household_code);
CREATE INDEX ix_standards_program_id ON standards (program_id);
CREATE INDEX ix_population_township ON population (township);
CREATE INDEX ix_students_household_id ON students (household_id);
CREATE INDEX ix_helpers_school_id ON helpers (school_id);
CREATE INDEX ix_enrollments_term ON enrollments (term);
CREATE INDEX ix_enrollments_school_id ON enrollments (school_id);
CREATE INDEX ix_payments_term ON payments (term);
CREATE INDEX ix_payments_id_number ON payments (id_number);
CREATE INDEX ix_payments_program_id ON payments (program_id);
CREATE INDEX ix_payments_student_id ON payments (student_id);
CREATE INDEX ix_pairings_helper_id ON pairings (helper_id);
CREATE INDEX ix_pairings_student_id ON pairings (student_id);
CREATE INDEX ix_dropout_cases_student_id ON dropout_cases (student_id);
CREATE INDEX ix_dropout_cases_id_number ON dropout_cases (id_number);
CREATE INDEX ix_dropout_visits_case_id ON dropout_visits (case_id);
CREATE INDEX ix_help_activities_student_id ON help_activities (student_id);
CREATE INDEX ix_oversight_helper_id ON oversight (helper_id);
CREATE INDEX ix_dropout_events_case_id ON dropout_events (case_id);
CREATE INDEX ix_population_counts_year ON population_counts (year);
CREATE INDEX ix_school_stats_school_year ON school_stats (school_year);
CREATE INDEX ix_row_versions_replaced_by_batch ON row_versions (replaced_by_batch);
COMMIT;
