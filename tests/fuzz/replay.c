/* Runs a fuzz target's code over files without libFuzzer: over the files named
 * on the command line, or else over tests/fuzz/corpus/<target>/ (make check),
 * so that the seed corpus and past crashes stay checked in a plain build. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"
#include "fuzz.h"

static int replay_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t len = 0, cap = 0, n;

	if (!f) {
		fprintf(stderr, "replay: cannot open %s\n", path);
		return -1;
	}
	do {
		if (cap - len < 4096) {
			cap = cap ? cap * 2 : 8192;
			buf = xrealloc(buf, cap);
		}
		n = fread(buf + len, 1, cap - len, f);
		len += n;
	} while (n > 0);
	if (ferror(f)) {
		fprintf(stderr, "replay: cannot read %s\n", path);
		fclose(f);
		free(buf);
		return -1;
	}
	fclose(f);
	/* An exact-size copy, so that ASan sees reads past the input's end. */
	uint8_t *data = xmalloc(len ? len : 1);
	if (len)
		memcpy(data, buf, len);
	free(buf);
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	return 0;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
	size_t passed = 0, failed = 0;

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			replay_file(argv[i]) == 0 ? passed++ : failed++;
	} else {
		const char *top = getenv("SKUA_TOP_SRCDIR");
		char *dir = xasprintf("%s/tests/fuzz/corpus/%s", top ? top : ".", FUZZ_TARGET);
		DIR *d = opendir(dir);
		char **names = NULL;
		size_t nnames = 0;
		struct dirent *de;

		if (!d) {
			fprintf(stderr, "replay: cannot open the corpus %s\n", dir);
			free(dir);
			return 1;
		}
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			names = xrealloc(names, (nnames + 1) * sizeof(*names));
			names[nnames++] = xasprintf("%s/%s", dir, de->d_name);
		}
		closedir(d);
		qsort(names, nnames, sizeof(*names), cmp_names);
		for (size_t i = 0; i < nnames; i++) {
			replay_file(names[i]) == 0 ? passed++ : failed++;
			free(names[i]);
		}
		free(names);
		free(dir);
		if (nnames == 0) {
			fprintf(stderr, "replay: the corpus of %s is empty\n", FUZZ_TARGET);
			return 1;
		}
	}
	printf("%s: %zu passed, %zu failed\n", FUZZ_TARGET, passed, failed);
	return failed ? 1 : 0;
}
