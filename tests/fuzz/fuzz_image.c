/*
 * fuzz_image.c - the archive reader of images (state.tgz, local.tgz,
 * configuration bundles) on arbitrary bytes.  When the bytes parse, the
 * image is rebuilt around an edited esx.conf and parsed again: the
 * rebuild must succeed (the library verifies it member by member) and the
 * result must hold the edit.  Aborts otherwise, or when a failure leaves
 * no message or a message of more than one line.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <vifs/error.h>
#include <vifs/image.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int ok)
{
	if (!ok)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char edit[] = "/adv/Misc/HostName = \"fuzz\"\n";
	vifs_image *img = NULL, *again = NULL;
	char *out = NULL;
	const char *conf;
	size_t out_len, len;

	if (vifs_image_parse(&img, "fuzz.tgz", data, size) < 0) {
		check(img == NULL);
		check(*vifs_error_last() != '\0');
		check(strchr(vifs_error_last(), '\n') == NULL);
		return 0;
	}
	check(vifs_image_esxconf(img, &len) != NULL);
	check(vifs_image_rebuild(&out, &out_len, img, edit, sizeof(edit) - 1,
	          1700000000) == 0);
	check(vifs_image_parse(&again, "again.tgz", out, out_len) == 0);
	check(vifs_image_kind(again) == vifs_image_kind(img));
	conf = vifs_image_esxconf(again, &len);
	check(len == sizeof(edit) - 1 && memcmp(conf, edit, len) == 0);
	free(out);
	vifs_image_free(again);
	vifs_image_free(img);
	return 0;
}
