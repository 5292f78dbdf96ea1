/* Fuzz target: the configuration file. */
#include "conf/config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct config c;
	struct err e = {0};

	if (config_parse((const char *)data, size, "fuzz.conf", &c, &e) == 0)
		config_free(&c);
	return 0;
}
