/* The entry point every fuzz target defines: libFuzzer calls it in a fuzzing
 * build, tests/fuzz/replay.c calls it over the seed corpus in make check. */
#ifndef SKUA_TESTS_FUZZ_H
#define SKUA_TESTS_FUZZ_H
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated heap copy of the input, for parsers that take C strings. */
char *fuzz_cstr(const uint8_t *data, size_t size);

#endif
