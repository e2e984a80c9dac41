/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_dbfiles.c — unit tests of the database files' checks
 * (collector/dbfiles.c): a new database is 0640 whatever the umask; as root,
 * a -wal link planted after the start-up check (the race an integration test
 * cannot time) is not written through, because SQLite opens its files
 * O_NOFOLLOW (which dbfiles.c relies on: this holds SQLite to it), and the
 * link's target stays untouched. The root part runs only as root (make test
 * runs as root); otherwise it is reported and not counted.
 */
#include <fcntl.h>
#include <sqlite3.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../test.h"
#include "dbfiles.h"
#include "tmpdb.h"

static void test_new_database_0640(void)
{
	char path[256], err[512];
	struct stat st;
	int flags;
	mode_t old = umask(0);

	CHECK_INT(tmpdb_make("mode", path, sizeof path), 0);
	CHECK_INT(dbfiles_prepare(path, &flags, err, sizeof err), 0);
	umask(old);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0640);
	tmpdb_remove(path);
}

static void test_wal_link_planted_after_the_check(void)
{
	char path[256], wal[300], target[300], err[512], buf[32] = "";
	sqlite3 *db = NULL;
	int flags, rc;

	FILE *f;

	CHECK_INT(tmpdb_make("guard", path, sizeof path), 0);
	snprintf(target, sizeof target, "%s.target", path);
	f = fopen(target, "w");
	fputs("precious\n", f);
	fclose(f);
	CHECK_INT(dbfiles_prepare(path, &flags, err, sizeof err), 0);
	CHECK(flags & SQLITE_OPEN_NOFOLLOW);
	snprintf(wal, sizeof wal, "%s-wal", path);
	CHECK_INT(symlink(target, wal), 0); /* too late for the lstat check */
	/* SQLite either fails, or keeps its rollback journal when it cannot open the WAL: never writes through the link. */
	rc = sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | flags, NULL);
	if (rc == SQLITE_OK)
		sqlite3_exec(db, "PRAGMA journal_mode=WAL; CREATE TABLE t(x); INSERT INTO t VALUES (1);", NULL, NULL,
		             NULL);
	sqlite3_close(db);
	f = fopen(target, "r");
	CHECK(f != NULL && fgets(buf, sizeof buf, f) != NULL);
	if (f != NULL)
		fclose(f);
	CHECK_STR(buf, "precious\n");
	unlink(wal);
	unlink(target);
	tmpdb_remove(path);
}

int main(void)
{
	RUN(test_new_database_0640);
	if (geteuid() == 0)
		RUN(test_wal_link_planted_after_the_check);
	else
		printf("NOT RUN test_wal_link_planted_after_the_check: needs root\n");
	return test_summary("dbfiles");
}
