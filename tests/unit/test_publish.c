/*
 * test_publish.c - the place of the published inventory (and its
 * datastore from VIFS_INVENTORY_DATASTORE) and the judgement of what a
 * GET of it gave: used, missing, unreadable, older than esx.conf, no
 * inventory at all.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/publish.h>

#include "testutil.h"

static void
test_place(void **state)
{
	char *s = NULL;

	(void)state;
	unsetenv("VIFS_INVENTORY_DATASTORE");
	assert_int_equal(vifs_publish_remote(&s), 0);
	assert_string_equal(s, "[datastore1] vifs-inventory.xml");
	free(s);
	assert_int_equal(vifs_publish_url_path(&s), 0);
	assert_string_equal(s, "/folder/vifs-inventory.xml?dsName=datastore1");
	free(s);
	setenv("VIFS_INVENTORY_DATASTORE", "local ssd&1", 1);
	assert_int_equal(vifs_publish_url_path(&s), 0);
	assert_string_equal(s,
	    "/folder/vifs-inventory.xml?dsName=local%20ssd%261");
	free(s);
	setenv("VIFS_INVENTORY_DATASTORE", "bad]name", 1);
	assert_int_equal(vifs_publish_remote(&s), VIFS_EINVAL);
	assert_null(s);
	unsetenv("VIFS_INVENTORY_DATASTORE");
}

/* A minimal inventory made at CREATED. */
static char *
doc_at(const char *created)
{
	static char buf[1024];

	snprintf(buf, sizeof(buf),
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<inventory version=\"1\" generator=\"vifs-agent test\" "
	    "created=\"%s\">\n"
	    "  <source kind=\"dump\" path=\"x\"/>\n"
	    "  <devices count=\"0\"/>\n"
	    "  <findings count=\"0\"/>\n"
	    "</inventory>\n",
	    created);
	return buf;
}

static void
test_judge(void **state)
{
	struct vifs_published p;
	const char *doc = doc_at("2026-12-04T05:00:00Z");
	/* 2026-12-04T05:00:00Z */
	const long long made = 1796360400LL;

	(void)state;
	assert_int_equal(vifs_published_judge(&p, doc, strlen(doc), 0,
	                     made - 60),
	    0);
	assert_int_equal(p.state, VIFS_PUBLISHED_USED);
	assert_non_null(p.inv);
	assert_int_equal(p.created, made);
	assert_string_equal(p.message,
	    "using the inventory published on the host at [datastore1] "
	    "vifs-inventory.xml (made 2026-12-04T05:00:00Z by vifs-agent "
	    "test)");
	vifs_published_clear(&p);
	assert_null(p.inv);

	/* Made in the same second as esx.conf changed: still used. */
	assert_int_equal(vifs_published_judge(&p, doc, strlen(doc), 0, made),
	    0);
	assert_int_equal(p.state, VIFS_PUBLISHED_USED);
	vifs_published_clear(&p);

	assert_int_equal(vifs_published_judge(&p, doc, strlen(doc), 0,
	                     made + 1),
	    0);
	assert_int_equal(p.state, VIFS_PUBLISHED_STALE);
	assert_null(p.inv);
	assert_non_null(strstr(p.message,
	    "(made 2026-12-04T05:00:00Z) is older than its esx.conf "
	    "(changed 2026-12-04T05:00:01Z): not used"));
	vifs_published_clear(&p);

	assert_int_equal(vifs_published_judge(&p, doc, strlen(doc), 0, -1), 0);
	assert_int_equal(p.state, VIFS_PUBLISHED_USED);
	assert_non_null(strstr(p.message,
	    "its age against esx.conf is "
	    "unknown"));
	vifs_published_clear(&p);

	vifs_error_set(VIFS_ENOTFOUND, "404 Not Found");
	assert_int_equal(vifs_published_judge(&p, NULL, 0, VIFS_ENOTFOUND,
	                     made),
	    0);
	assert_int_equal(p.state, VIFS_PUBLISHED_MISSING);
	assert_non_null(strstr(p.message, "no inventory published"));
	vifs_published_clear(&p);

	vifs_error_set(VIFS_EAUTH, "authentication failed for root@h");
	assert_int_equal(vifs_published_judge(&p, NULL, 0, VIFS_EAUTH, made),
	    0);
	assert_int_equal(p.state, VIFS_PUBLISHED_MISSING);
	assert_non_null(strstr(p.message,
	    "could not be read: authentication failed for root@h"));
	vifs_published_clear(&p);

	assert_int_equal(vifs_published_judge(&p, "<x/>", 4, 0, made), 0);
	assert_int_equal(p.state, VIFS_PUBLISHED_BAD);
	assert_non_null(strstr(p.message, "is no inventory"));
	vifs_published_clear(&p);

	/* No creation time: its age cannot be told, so it is not used. */
	{
		const char
		    *old = "<inventory version=\"1\"><source kind=\"dump\"/>"
		           "<devices count=\"0\"/><findings count=\"0\"/>"
		           "</inventory>";

		assert_int_equal(vifs_published_judge(&p, old, strlen(old), 0,
		                     made),
		    0);
		assert_int_equal(p.state, VIFS_PUBLISHED_STALE);
		vifs_published_clear(&p);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_place),
		cmocka_unit_test(test_judge),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
